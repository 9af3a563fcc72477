// The ReplicationController manager (pkg/controller/replication/replication_controller.go): upstream runs the
// ReplicaSet controller's code on ReplicationControllers converted to ReplicaSets; here the same controller is told
// the kind, and an RC's plain selector map reads as a LabelSelector's matchLabels (what the conversion produces).
import { selectorFromSet } from '../../apimachinery/labels.js';
import type { KubeClient } from '../../client/client.js';
import type { SharedInformerFactory } from '../../client/informer.js';
import { builtin } from '../../client/resources.js';
import { ReplicaSetController, type ReplicaSetControllerOptions, type ReplicaSetLikeKind } from '../replicaset/controller.js';

export const REPLICATION_CONTROLLER_NAME = 'replication-controller';

export const REPLICATION_CONTROLLER_KIND: ReplicaSetLikeKind = {
  resource: builtin.replicationControllers,
  kind: 'ReplicationController',
  apiVersion: 'v1',
  controllerName: REPLICATION_CONTROLLER_NAME,
  queueName: 'replicationmanager',
  selector: (rc) => selectorFromSet(rc.spec.selector as Record<string, string> | undefined),
};

export function newReplicationManager(client: KubeClient, factory: SharedInformerFactory, opts: Omit<ReplicaSetControllerOptions, 'kind'> = {}): ReplicaSetController {
  return new ReplicaSetController(client, factory, { ...opts, kind: REPLICATION_CONTROLLER_KIND });
}
