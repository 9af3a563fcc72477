// The EtcdCluster kind, defined once with the SDK's defineKind: TypeBox schemas give the CRD's structural
// openAPIV3Schema. etcd-operator registered its CRD without a schema; here the known fields are typed and the
// open-ended pod policy and TLS blocks keep unknown fields. The status and scale subresources make
// `kubectl scale etcdcluster/x --replicas=N` work and keep users' spec writes off the status.
import { Type } from '@sinclair/typebox';
import type { CustomResourceDefinition } from '../../apiextensions/types.js';
import { defineKind } from '../../sdk/define-kind.js';
import { ETCD_GROUP, ETCD_KIND, ETCD_PLURAL, ETCD_VERSION } from './types.js';

const open = (description?: string) => Type.Optional(Type.Object({}, { additionalProperties: true, ...(description ? { description } : {}) }));
const str = () => Type.Optional(Type.String());

const condition = Type.Object({
  type: Type.String(), status: Type.String(),
  lastUpdateTime: str(), lastTransitionTime: str(), reason: str(), message: str(),
});

export const EtcdClusterKind = defineKind({
  group: ETCD_GROUP, version: ETCD_VERSION, kind: ETCD_KIND, plural: ETCD_PLURAL, singular: 'etcdcluster', shortNames: ['etcd'],
  scope: 'Namespaced',
  description: 'An etcd cluster managed by the etcd operator.',
  schema: Type.Object({
    size: Type.Integer({ minimum: 1, description: 'Number of etcd members; the operator adds or removes one member per step.' }),
    repository: Type.Optional(Type.String({ description: 'Image repository of etcd (default quay.io/coreos/etcd).' })),
    version: Type.Optional(Type.String({ description: 'etcd version, e.g. 3.2.13 (default 3.2.13); a change upgrades one member at a time.' })),
    paused: Type.Optional(Type.Boolean({ description: 'Stops the operator from acting on this cluster.' })),
    pod: open('Policy for member pods: labels, annotations, nodeSelector, affinity, antiAffinity, resources, tolerations, etcdEnv, persistentVolumeClaimSpec, busyboxImage, securityContext, DNSTimeoutInSecond, ClusterDomain.'),
    TLS: open(),
  }),
  status: Type.Object({
    phase: str(), reason: str(), controlPaused: Type.Optional(Type.Boolean()),
    conditions: Type.Optional(Type.Array(condition)),
    size: Type.Optional(Type.Integer()), serviceName: str(), clientPort: Type.Optional(Type.Integer()),
    members: Type.Optional(Type.Object({ ready: Type.Optional(Type.Array(Type.String())), unready: Type.Optional(Type.Array(Type.String())) })),
    currentVersion: str(), targetVersion: str(),
    serverVersion: Type.Optional(Type.String({ description: 'The etcd version the member processes report (may differ from spec.version: see the VersionMapped condition).' })),
    simulated: Type.Optional(Type.Boolean({ description: 'Membership changes went to a simulated etcd API (no etcd process runs).' })),
    simulatedSteps: Type.Optional(Type.Array(Type.String())),
  }),
  subresources: { status: true, scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.size' } },
  printerColumns: [
    { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
    { name: 'Version', type: 'string', jsonPath: '.status.currentVersion' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
});

export function etcdClusterCRD(): CustomResourceDefinition {
  return EtcdClusterKind.crd() as unknown as CustomResourceDefinition;
}
