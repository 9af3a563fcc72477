// Printers for apps/v1 and batch/v1 workloads (pkg/printers/internalversion columns and cells).
import type { KubeObject } from '../apimachinery/types.js';
import type { Printer } from './types.js';
import { formatLabels, formatLabelSelector, labelSelectorAsSelector } from '../apimachinery/labels.js';
import { humanDuration, timestampSince } from '../apimachinery/duration.js';
import { parseApiVersion } from '../apimachinery/types.js';
import {
  AGE, age, boolPtr, column, controllerOf, NAME, nameColumn, nameOf, printed, printedWide, printerOf, ratio, templateColumns, ageColumn,
} from './helpers.js';
import type { PodTemplateSpec } from '../api/generated/core-v1.js';
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from '../api/generated/apps-v1.js';
import type { CronJob, Job } from '../api/generated/batch-v1.js';


const selectorColumn = <T>(description: string, cell: (obj: T) => string) => printedWide('Selector', 'string', description, cell);

const workloadTemplate = (w: { spec?: { template?: PodTemplateSpec } }) => w.spec?.template;

export const statefulSetPrinter = printerOf<StatefulSet>([
  NAME,
  printed('Ready', 'string', 'Ready pods out of desired.', (sts) => ratio(sts.status?.readyReplicas, sts.spec?.replicas)),
  AGE,
  ...templateColumns(workloadTemplate),
]);

/** Unlike FormatLabelSelector, a nil selector prints empty here and a bad one prints <invalid>. */
function deploymentSelector(d: Deployment): string {
  try {
    return labelSelectorAsSelector(d.spec?.selector).toString();
  } catch {
    return '<invalid>';
  }
}

export const deploymentPrinter = printerOf<Deployment>([
  NAME,
  printed('Ready', 'string', 'Ready pods out of desired.', (d) => ratio(d.status?.readyReplicas, d.spec?.replicas)),
  printed('Up-to-date', 'string', 'Pods running the latest template.', (d) => d.status?.updatedReplicas ?? 0),
  printed('Available', 'string', 'Pods available to users.', (d) => d.status?.availableReplicas ?? 0),
  AGE,
  ...templateColumns(workloadTemplate),
  selectorColumn('Label selector of the workload.', deploymentSelector),
]);

/**
 * The columns of ReplicaSets and ReplicationControllers (printReplicaSet, printReplicationController): desired,
 * current and ready replicas, then the template's containers and the selector as `selector` prints it.
 */
export function replicaCountPrinter<T extends KubeObject & { spec?: { replicas?: number; template?: PodTemplateSpec }; status?: { replicas?: number; readyReplicas?: number } }>(
  selectorDescription: string,
  selector: (obj: T) => string,
) {
  return printerOf<T>([
    NAME,
    printed('Desired', 'integer', 'Desired replicas.', (rs) => rs.spec?.replicas ?? 0),
    printed('Current', 'integer', 'Current replicas.', (rs) => rs.status?.replicas ?? 0),
    printed('Ready', 'integer', 'Ready replicas.', (rs) => rs.status?.readyReplicas ?? 0),
    AGE,
    ...templateColumns((rs: T) => rs.spec?.template),
    selectorColumn(selectorDescription, selector),
  ]);
}

export const replicaSetPrinter = replicaCountPrinter<ReplicaSet>('Label selector of the workload.', (rs) => formatLabelSelector(rs.spec?.selector));

export const daemonSetPrinter = printerOf<DaemonSet>([
  NAME,
  printed('Desired', 'integer', 'Nodes that should run the daemon pod.', (ds) => ds.status?.desiredNumberScheduled ?? 0),
  printed('Current', 'integer', 'Nodes running the daemon pod.', (ds) => ds.status?.currentNumberScheduled ?? 0),
  printed('Ready', 'integer', 'Nodes with a ready daemon pod.', (ds) => ds.status?.numberReady ?? 0),
  printed('Up-to-date', 'integer', 'Nodes running the latest template.', (ds) => ds.status?.updatedNumberScheduled ?? 0),
  printed('Available', 'integer', 'Nodes with an available daemon pod.', (ds) => ds.status?.numberAvailable ?? 0),
  printed('Node Selector', 'string', 'Node selector of the pod template.', (ds) => formatLabels(ds.spec?.template?.spec?.nodeSelector)),
  AGE,
  ...templateColumns(workloadTemplate),
  selectorColumn('Label selector of the workload.', (ds) => formatLabelSelector(ds.spec?.selector)),
]);

/** formatResourceName: `statefulset.apps/web`, lower-cased group kind. */
function controllerName(obj: KubeObject): string {
  const ref = controllerOf(obj);
  if (!ref) return '<none>';
  const { group } = parseApiVersion(ref.apiVersion);
  if (!ref.kind && !group) return ref.name;
  const groupKind = group ? `${ref.kind}.${group}` : ref.kind;
  return `${groupKind.toLowerCase()}/${ref.name}`;
}

export const controllerRevisionPrinter: Printer = {
  columns: [nameColumn(), column('Controller', 'string', 'Controller of the object.'), column('Revision', 'string', 'Revision number.'), ageColumn()],
  cells: (obj, now) => [nameOf(obj), controllerName(obj), typeof obj.revision === 'number' ? obj.revision : 0, age(obj, now)],
};

// ---- batch ----


// hasJobCondition: the first condition of the type decides.
const jobCondition = (job: Job, type: string) => job.status?.conditions?.find((c) => c.type === type)?.status === 'True';

function jobStatus(job: Job): string {
  if (jobCondition(job, 'Complete')) return 'Complete';
  if (jobCondition(job, 'Failed')) return 'Failed';
  if (job.metadata.deletionTimestamp) return 'Terminating';
  if (jobCondition(job, 'Suspended')) return 'Suspended';
  if (jobCondition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function jobCompletions(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  const completions = job.spec?.completions;
  if (completions !== undefined && completions !== null) return `${succeeded}/${completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(job: Job, now: Date): string {
  const start = job.status?.startTime;
  if (!start) return '';
  const end = job.status?.completionTime;
  if (!end) return timestampSince(start, now);
  return humanDuration(Date.parse(end) - Date.parse(start));
}

export const jobPrinter = printerOf<Job>([
  NAME,
  printed('Status', 'string', 'Status of the job.', jobStatus),
  printed('Completions', 'string', 'Succeeded pods out of required completions.', jobCompletions),
  printed('Duration', 'string', 'Time the job took or has been running.', jobDuration),
  AGE,
  ...templateColumns((job: Job) => job.spec?.template),
  selectorColumn('Label selector of the workload.', (job) => formatLabelSelector(job.spec?.selector)),
]);


export const cronJobPrinter = printerOf<CronJob>([
  NAME,
  printed('Schedule', 'string', 'Cron schedule.', (cj) => cj.spec?.schedule ?? ''),
  printed('Timezone', 'string', 'Time zone of the schedule.', (cj) => cj.spec?.timeZone ?? '<none>'),
  printed('Suspend', 'boolean', 'Whether new runs are suspended.', (cj) => boolPtr(cj.spec?.suspend)),
  printed('Active', 'integer', 'Running jobs.', (cj) => (cj.status?.active ?? []).length),
  printed('Last Schedule', 'string', 'Time since the last scheduled run.', (cj, now) => (cj.status?.lastScheduleTime ? timestampSince(cj.status.lastScheduleTime, now) : '<none>')),
  AGE,
  ...templateColumns((cj: CronJob) => cj.spec?.jobTemplate?.spec?.template),
  selectorColumn('Label selector of the workload.', (cj) => formatLabelSelector(cj.spec?.jobTemplate?.spec?.selector)),
]);
