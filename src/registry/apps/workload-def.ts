// The ResourceDef of an apps/v1 workload (Deployment, ReplicaSet, StatefulSet, DaemonSet): namespaced, in the `all`
// category, with a status subresource and metadata.generation; the replicated ones also serve `scale`.
import { builtinResource } from '../resource-def.js';
import type { ResourceDef, Strategy } from '../types.js';

/** The scale subresource of the replicated workloads (ReplicationController's selector is a map instead). */
const REPLICAS_SCALE: NonNullable<ResourceDef['subresources']['scale']> = {
  specReplicasPath: '.spec.replicas',
  statusReplicasPath: '.status.replicas',
  selectorFromSpec: true,
};

export function appsWorkloadResource(d: { kind: string; resource: string; shortName: string; strategy: Strategy; scale: boolean }): ResourceDef {
  return builtinResource({
    group: 'apps',
    kind: d.kind,
    resource: d.resource,
    namespaced: true,
    shortNames: [d.shortName],
    categories: ['all'],
    subresources: d.scale ? { status: true, scale: REPLICAS_SCALE } : { status: true },
    tracksGeneration: true,
    strategy: d.strategy,
    schemaPackage: 'apps.v1',
  });
}
