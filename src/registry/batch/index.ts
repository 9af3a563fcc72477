// batch/v1 kinds in upstream discovery order.
import type { ResourceDef } from '../types.js';
import { cronJobResource } from './cronjob.js';
import { jobResource } from './job.js';

export function batchResources(): ResourceDef[] {
  return [cronJobResource, jobResource];
}
