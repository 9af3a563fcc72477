// Berth's operator SDK (`berth/sdk`): controller-runtime's guarantees in TypeScript. The client toolkit
// (src/client/) is re-exported as is; the rest builds on it.
export {
  KubeClient, PATCH_CONTENT_TYPES,
  type KubeClientOptions, type PatchType, type PatchOptions, type WriteOptions, type ListOptions, type DeleteOptions,
  type DeleteCollectionOptions, type NamespaceOption, type Scale, type ExecOptions, type ExecResult, type LogOptions,
} from '../client/client.js';
export { loadKubeconfig, parseKubeconfig, type ClusterConnection, type LoadKubeconfigOptions } from '../client/kubeconfig.js';
export { RestClient, UndiciTransport, DEFAULT_RETRY, backoffDelay, type RetryPolicy, type Transport } from '../client/http.js';
export { builtin, resourcePath, resourceLabel, groupVersionPath, type ResourceDescriptor } from '../client/resources.js';
export { watchResource, WatchInactivityError, type WatchEvent, type WatchEventType, type WatchOptions } from '../client/watch.js';
export {
  ObjectCache, objectKey, splitObjectKey, indexByNamespace, indexByControllerUid, NAMESPACE_INDEX, CONTROLLER_UID_INDEX,
  type IndexFunc,
} from '../client/store.js';
export {
  SharedInformer, SharedInformerFactory, isExpired,
  type EventHandlers, type HandlerRegistration, type InformerOptions, type ListerWatcher,
} from '../client/informer.js';
export {
  WorkQueue, ItemExponentialRateLimiter, BucketRateLimiter, MaxOfRateLimiter, defaultControllerRateLimiter,
  type RateLimiter, type WorkQueueOptions, type QueueMetrics,
} from '../client/workqueue.js';
export { runWorkers, controllerRef, ownerKey, enqueueObject, enqueueOwner, type ReconcileResult } from '../client/controller.js';
export { EventRecorder, type EventRecorderOptions, type EventType, type ObjectReference } from '../client/events.js';
export { ApiError, isApiError } from '../apimachinery/errors.js';
export type { KubeObject, KubeList, ObjectMeta, OwnerReference, Status } from '../apimachinery/types.js';

export { Manager, type ManagerOptions, type ManagerLogger } from './manager.js';
// the scaffold every built-in controller runs on, for a controller written the way kube-controller-manager's are
export { QueueController, type QueueControllerOptions, type Syncable } from '../controllers/common/queue-controller.js';
export { OwnerMapping, resolveControllerRef, type UpdatedOwners } from '../controllers/common/owners.js';
export {
  ControllerRefManager, canAdoptFresh, newControllerRef, recheckDeletionTimestamp, type ControllerRefManagerOptions,
} from '../controllers/common/controller-ref-manager.js';
export {
  Controller, ControllerBuilder, requestFor, requestKey,
  type Request, type ReconcileContext, type Reconciler, type Runnable, type ControllerHost, type ForOptions,
  type OwnsOptions, type WatchesOptions, type MapFunc,
} from './controller.js';
export {
  generationChanged, labelsChanged, annotationsChanged, resourceVersionChanged, matching, and, or, not, passes,
  type Predicate,
} from './predicates.js';
export {
  addFinalizer, removeFinalizer, hasFinalizer, setOwnerReference, isControlledBy, AlreadyOwnedError, apply, applyStatus,
  isNotFound, isConflict, ignoreNotFound, type OwnerReferenceOptions, type ApplyOptions,
} from './helpers.js';
export {
  setCondition, removeCondition, findCondition, isConditionTrue, isConditionFalse, metaTime,
  type Condition, type ConditionInput,
} from './conditions.js';
export { LeaderElector, microTime, type LeaderElectionOptions, type LeaderCallbacks, type Lease, type LeaseSpec } from './leader-election.js';
export { ManagerMetrics, type ReconcileOutcome } from './metrics.js';
export {
  defineKind, isKindDefinition, toOpenApi,
  type KindSpec, type KindDefinition, type KindObject, type KindSpecType, type KindStatusType, type CustomResource,
  type CustomResourceDefinitionManifest, type PrinterColumn, type ScaleSubresource,
} from './define-kind.js';
export { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';

import type { ControllerHost } from './controller.js';
import { ControllerBuilder } from './controller.js';
import type { KubeObject } from '../apimachinery/types.js';

/** Starts a controller builder: `controller('web', mgr).for(res).owns(builtin.pods).reconcile(fn).build()`. */
export function controller<T extends KubeObject = KubeObject>(name: string, manager: ControllerHost): ControllerBuilder<T> {
  return new ControllerBuilder<T>(name, manager);
}
