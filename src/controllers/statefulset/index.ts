// StatefulSet controller algorithm, independent of transport. Wire `SyncDeps` to the API client/informers and call
// syncStatefulSet for every queued set.
export * from './types.js';
export * from './utils.js';
export * from './revisions.js';
export * from './status.js';
export * from './pod-control.js';
export * from './control.js';
export * from '../history/controller-history.js';
