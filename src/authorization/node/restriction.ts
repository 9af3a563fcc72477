// The NodeRestriction admission plugin (plugin/pkg/admission/noderestriction/admission.go): a node may create only
// mirror pods bound to itself, delete and update the status of only its own pods, create and change only its own
// Node object (not its taints, nor node-restriction.kubernetes.io/ labels), request only tokens bound to its own pods,
// and write only its own Lease.
import { errForbidden } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../../registry/types.js';
import { nodeIdentity } from './authorizer.js';

const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
const RESTRICTED_LABEL_PREFIX = 'node-restriction.kubernetes.io/';

const nodeNameOf = (pod: KubeObject | undefined) => (pod?.spec as { nodeName?: string } | undefined)?.nodeName ?? '';

export type PodGetter = (namespace: string, name: string) => Promise<KubeObject | undefined>;

export function nodeRestrictionAdmission(getPod: PodGetter): AdmissionPlugin {
  return {
    name: 'NodeRestriction',
    async validate(a: AdmissionAttributes) {
      const node = nodeIdentity(a.user);
      if (node === undefined) return;
      const forbid = (msg: string) => errForbidden({ group: a.def.group, resource: a.def.resource }, a.name, msg);
      const key = `${a.def.group}/${a.def.resource}`;
      if (key === '/pods') {
        if (a.subresource === 'status') {
          if (nodeNameOf(a.oldObject) !== node) throw forbid(`node ${JSON.stringify(node)} can only update pod status for pods with spec.nodeName set to itself`);
          return;
        }
        if (a.subresource === 'eviction' || a.subresource) return;
        if (a.operation === 'CREATE') {
          const pod = a.object!;
          if (pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] === undefined) {
            throw forbid(`pod does not have ${JSON.stringify(MIRROR_POD_ANNOTATION)} annotation, node ${JSON.stringify(node)} can only create mirror pods`);
          }
          if (nodeNameOf(pod) !== node) throw forbid(`node ${JSON.stringify(node)} can only create pods with spec.nodeName set to itself`);
          return;
        }
        if (a.operation === 'DELETE') {
          if (nodeNameOf(a.oldObject) !== node) throw forbid(`node ${JSON.stringify(node)} can only delete pods with spec.nodeName set to itself`);
          return;
        }
        throw forbid(`node ${JSON.stringify(node)} can only update pod status for pods with spec.nodeName set to itself`);
      }
      if (key === '/nodes') {
        if (a.name !== node) {
          const verb = a.operation === 'DELETE' ? 'delete' : 'modify';
          throw forbid(`node ${JSON.stringify(node)} is not allowed to ${verb} node ${JSON.stringify(a.name)}`);
        }
        const labels = Object.keys(a.object?.metadata.labels ?? {}).filter((l) => l.startsWith(RESTRICTED_LABEL_PREFIX) || l.split('/')[0]!.endsWith(`.${RESTRICTED_LABEL_PREFIX.slice(0, -1)}`));
        const oldLabels = a.oldObject?.metadata.labels ?? {};
        const changed = labels.filter((l) => oldLabels[l] !== a.object!.metadata.labels![l]);
        if (changed.length) throw forbid(`node ${JSON.stringify(node)} is not allowed to set the following labels: ${changed.sort().join(', ')}`);
        if (a.operation === 'UPDATE' && !a.subresource) {
          const taints = (o: KubeObject | undefined) => JSON.stringify((o?.spec as { taints?: unknown } | undefined)?.taints ?? []);
          if (taints(a.object) !== taints(a.oldObject)) throw forbid(`node ${JSON.stringify(node)} is not allowed to modify taints`);
        }
        return;
      }
      if (key === '/serviceaccounts' && a.subresource === 'token') {
        const ref = ((a.object?.spec ?? {}) as { boundObjectRef?: { kind?: string; name?: string; uid?: string } | null }).boundObjectRef;
        if (ref?.kind !== 'Pod') throw forbid('node requested token not bound to a pod');
        if (!ref.uid) throw forbid('node requested token with a pod binding without a uid');
        const pod = await getPod(a.namespace, ref.name ?? '');
        if (!pod) throw forbid(`node requested token bound to pod ${JSON.stringify(ref.name)} which does not exist`);
        if (pod.metadata.uid !== ref.uid) throw forbid('the UID in the bound object reference does not match the UID of the pod');
        if (nodeNameOf(pod) !== node) throw forbid('node requested token bound to a pod scheduled on a different node');
        return;
      }
      if (key === 'coordination.k8s.io/leases' && a.namespace === 'kube-node-lease' && (a.object?.metadata.name ?? a.name) !== node) {
        throw forbid(`node ${JSON.stringify(node)} is not allowed to modify lease ${JSON.stringify(a.object?.metadata.name ?? a.name)}`);
      }
    },
  };
}
