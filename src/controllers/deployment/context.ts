// What the sync functions need from the running controller: the API client, events, the ReplicaSet cache and
// the work queue (for requeues after a progress deadline). Tests can provide a fake.
import type { KubeClient } from '../../client/client.js';
import type { EventType } from '../../client/events.js';
import type { ReplicaSet } from '../replicaset/types.js';
import type { Deployment } from './types.js';

export interface DeploymentSyncContext {
  client: KubeClient;
  event(d: Deployment, type: EventType, reason: string, message: string): void;
  /** rsLister.Get: the cached ReplicaSet, if any. */
  cachedReplicaSet(namespace: string, name: string): ReplicaSet | undefined;
  enqueueAfter(d: Deployment, ms: number): void;
  enqueueRateLimited(d: Deployment): void;
  now(): number;
}
