// apps/v1 kinds in upstream discovery order (alphabetical by resource).
import type { ResourceDef } from '../types.js';
import { controllerRevisionResource } from './controllerrevision.js';
import { daemonSetResource } from './daemonset.js';
import { deploymentResource } from './deployment.js';
import { replicaSetResource } from './replicaset.js';
import { statefulSetResource } from './statefulset.js';

// What upstream's status strategies let a status write change besides status.
deploymentResource.statusMetadata = { annotations: true };
replicaSetResource.statusMetadata = { labels: true, annotations: true };
statefulSetResource.statusMetadata = { labels: true, annotations: true };
daemonSetResource.statusMetadata = { labels: true, annotations: true };

export function appsResources(): ResourceDef[] {
  return [controllerRevisionResource, daemonSetResource, deploymentResource, replicaSetResource, statefulSetResource];
}
