// NamespaceLifecycle admission, as upstream's plugin/pkg/admission/namespace/lifecycle: no new content in a namespace
// that does not exist or is terminating, and the system namespaces cannot be deleted. Namespaces are kept in memory
// from a watch (as upstream keeps an informer), so a create does not read storage; watch delivery is synchronous
// with the write, so a namespace is known here before its create has returned.
import { errForbidden, errNotFound } from '../apimachinery/errors.js';
import type { GenericStore } from '../registry/generic-store.js';
import type { ResourceRegistry } from '../registry/registry.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../registry/types.js';

const IMMORTAL = new Set(['default', 'kube-system', 'kube-public']);

export function namespaceLifecycle(objects: GenericStore, registry: ResourceRegistry): AdmissionPlugin {
  /** name → terminating */
  let namespaces: Map<string, boolean> | undefined;
  let loading: Promise<Map<string, boolean>> | undefined;
  const cache = async (): Promise<Map<string, boolean>> => {
    if (namespaces) return namespaces;
    loading ??= (async () => {
      const known = new Map<string, boolean>();
      const nsDef = registry.lookup('', 'v1', 'namespaces')!;
      await objects.watch(nsDef, '', { resourceVersion: '' }, (type, ns) => {
        if (type === 'DELETED') known.delete(ns.metadata.name!);
        else known.set(ns.metadata.name!, !!ns.metadata.deletionTimestamp);
      });
      namespaces = known;
      return known;
    })();
    return loading;
  };
  return {
    name: 'NamespaceLifecycle',
    async validate(a: AdmissionAttributes) {
      const gr = { group: a.def.group, resource: a.def.resource };
      if (a.def.group === '' && a.def.resource === 'namespaces') {
        if (a.operation === 'DELETE' && IMMORTAL.has(a.name)) throw errForbidden(gr, a.name, 'this namespace may not be deleted');
        return;
      }
      if (a.operation !== 'CREATE' || !a.def.namespaced || a.subresource) return;
      const terminating = (await cache()).get(a.namespace);
      if (terminating === undefined) throw errNotFound({ group: '', resource: 'namespaces' }, a.namespace);
      if (terminating) {
        const err = errForbidden(gr, a.name, `unable to create new content in namespace ${a.namespace} because it is being terminated`);
        err.details!.causes = [{ reason: 'NamespaceTerminating', message: `namespace ${a.namespace} is being terminated`, field: 'metadata.namespace' }];
        throw err;
      }
    },
  };
}
