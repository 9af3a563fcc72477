export { ReplicaSetController, REPLICASET_CONTROLLER_NAME, BURST_REPLICAS } from './controller.js';
export type { ReplicaSetControllerOptions } from './controller.js';
export { ControllerExpectations } from '../common/expectations.js';
export { deleteBefore, getPodsToDelete, isPodActive, isPodAvailable, isPodReady } from './pod-ranking.js';
export { slowStartBatch, podFromTemplate } from './pod-control.js';
export { calculateStatus } from './status.js';
export * from './types.js';
