// The EtcdCluster CRD. etcd-operator registered it without a schema; a v1 CRD needs a structural one, so the
// known fields are typed and the open-ended pod policy and TLS blocks keep unknown fields. The status and scale
// subresources make `kubectl scale etcdcluster/x --replicas=N` work and keep users' spec writes off the status.
import { ETCD_CRD_NAME, ETCD_GROUP, ETCD_KIND, ETCD_PLURAL, ETCD_VERSION } from './types.js';
import type { CustomResourceDefinition } from '../../apiextensions/types.js';

const str = { type: 'string' };
const open = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const strList = { type: 'array', items: str };

const specSchema = {
  type: 'object',
  required: ['size'],
  properties: {
    size: { type: 'integer', minimum: 1, description: 'Number of etcd members; the operator adds or removes one member per step.' },
    repository: { ...str, description: 'Image repository of etcd (default quay.io/coreos/etcd).' },
    version: { ...str, description: 'etcd version, e.g. 3.2.13 (default 3.2.13); changing it upgrades one member at a time.' },
    paused: { type: 'boolean', description: 'Stops the operator from acting on this cluster.' },
    pod: { ...open, description: 'Policy for the member pods (labels, annotations, nodeSelector, affinity, resources, tolerations, etcdEnv, persistentVolumeClaimSpec, ...).' },
    TLS: open,
  },
};

const statusSchema = {
  type: 'object',
  properties: {
    phase: str,
    reason: str,
    controlPaused: { type: 'boolean' },
    conditions: {
      type: 'array',
      items: {
        type: 'object',
        properties: { type: str, status: str, lastUpdateTime: str, lastTransitionTime: str, reason: str, message: str },
      },
    },
    size: { type: 'integer' },
    serviceName: str,
    clientPort: { type: 'integer' },
    members: { type: 'object', properties: { ready: strList, unready: strList } },
    currentVersion: str,
    targetVersion: str,
    simulated: { type: 'boolean' },
    simulatedSteps: strList,
  },
};

export function etcdClusterCRD(): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: ETCD_CRD_NAME },
    spec: {
      group: ETCD_GROUP,
      scope: 'Namespaced',
      names: { plural: ETCD_PLURAL, singular: 'etcdcluster', kind: ETCD_KIND, listKind: `${ETCD_KIND}List`, shortNames: ['etcd'] },
      versions: [{
        name: ETCD_VERSION, served: true, storage: true,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: specSchema, status: statusSchema } } },
        subresources: { status: {}, scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.size' } },
        additionalPrinterColumns: [
          { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
          { name: 'Version', type: 'string', jsonPath: '.status.currentVersion' },
          { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
      }],
    },
  } as CustomResourceDefinition;
}
