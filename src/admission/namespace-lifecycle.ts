// NamespaceLifecycle admission, as upstream's plugin/pkg/admission/namespace/lifecycle: no new content in a namespace
// that does not exist or is terminating, and the system namespaces cannot be deleted.
import { ApiError, errForbidden, errNotFound } from '../apimachinery/errors.js';
import type { GenericStore } from '../registry/generic-store.js';
import type { ResourceRegistry } from '../registry/registry.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../registry/types.js';

const IMMORTAL = new Set(['default', 'kube-system', 'kube-public']);

export function namespaceLifecycle(objects: GenericStore, registry: ResourceRegistry): AdmissionPlugin {
  return {
    name: 'NamespaceLifecycle',
    async validate(a: AdmissionAttributes) {
      const gr = { group: a.def.group, resource: a.def.resource };
      if (a.def.group === '' && a.def.resource === 'namespaces') {
        if (a.operation === 'DELETE' && IMMORTAL.has(a.name)) throw errForbidden(gr, a.name, 'this namespace may not be deleted');
        return;
      }
      if (a.operation !== 'CREATE' || !a.def.namespaced || a.subresource) return;
      const nsDef = registry.lookup('', 'v1', 'namespaces')!;
      let ns;
      try {
        ns = await objects.get(nsDef, '', a.namespace);
      } catch (e) {
        if (e instanceof ApiError && e.code === 404) throw errNotFound({ group: '', resource: 'namespaces' }, a.namespace);
        throw e;
      }
      if (ns.metadata.deletionTimestamp) {
        const err = errForbidden(gr, a.name, `unable to create new content in namespace ${a.namespace} because it is being terminated`);
        err.details!.causes = [{ reason: 'NamespaceTerminating', message: `namespace ${a.namespace} is being terminated`, field: 'metadata.namespace' }];
        throw err;
      }
    },
  };
}
