// A small kube-scheduler for Berth's simulated nodes.
export { startScheduler } from './scheduler.js';
export type { Scheduler, SchedulerOptions } from './scheduler.js';
export { filterNode, fitErrorMessage } from './filters.js';
export { podRequests } from './resources.js';
