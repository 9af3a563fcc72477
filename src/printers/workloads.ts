// Printers for apps/v1 and batch/v1 workloads (pkg/printers/internalversion columns and cells).
import type { KubeObject } from '../apimachinery/types.js';
import type { Printer } from './types.js';
import { formatLabels, formatLabelSelector, labelSelectorAsSelector, type LabelSelector } from '../apimachinery/labels.js';
import { humanDuration, timestampSince } from '../apimachinery/duration.js';
import { parseApiVersion } from '../apimachinery/types.js';
import { age, ageColumn, boolPtr, column, containerCells, controllerOf, nameColumn, nameOf, ratio, wide } from './helpers.js';
import type { PodTemplateSpecLike } from './core.js';

type Obj<T> = KubeObject & T;

const containersColumn = () => wide('Containers', 'string', 'Names of each container in the template.');
const imagesColumn = () => wide('Images', 'string', 'Images referenced by each container in the template.');
const selectorColumn = () => wide('Selector', 'string', 'Label selector of the workload.');

interface WorkloadLike {
  spec?: { replicas?: number; selector?: LabelSelector; template?: PodTemplateSpecLike };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    desiredNumberScheduled?: number;
    currentNumberScheduled?: number;
    numberReady?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
  };
}

export const statefulSetPrinter: Printer = {
  columns: [nameColumn(), column('Ready', 'string', 'Ready pods out of desired.'), ageColumn(), containersColumn(), imagesColumn()],
  cells(obj, now) {
    const sts = obj as Obj<WorkloadLike>;
    const [names, images] = containerCells(sts.spec?.template?.spec?.containers);
    return [nameOf(sts), ratio(sts.status?.readyReplicas, sts.spec?.replicas), age(sts, now), names, images];
  },
};

export const deploymentPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Ready', 'string', 'Ready pods out of desired.'),
    column('Up-to-date', 'string', 'Pods running the latest template.'),
    column('Available', 'string', 'Pods available to users.'),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    selectorColumn(),
  ],
  cells(obj, now) {
    const d = obj as Obj<WorkloadLike>;
    let selector: string;
    try {
      // Unlike FormatLabelSelector, a nil selector prints empty here and a bad one prints <invalid>.
      selector = labelSelectorAsSelector(d.spec?.selector).toString();
    } catch {
      selector = '<invalid>';
    }
    const [names, images] = containerCells(d.spec?.template?.spec?.containers);
    return [
      nameOf(d),
      ratio(d.status?.readyReplicas, d.spec?.replicas),
      d.status?.updatedReplicas ?? 0,
      d.status?.availableReplicas ?? 0,
      age(d, now),
      names,
      images,
      selector,
    ];
  },
};

export const replicaSetPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Desired', 'integer', 'Desired replicas.'),
    column('Current', 'integer', 'Current replicas.'),
    column('Ready', 'integer', 'Ready replicas.'),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    selectorColumn(),
  ],
  cells(obj, now) {
    const rs = obj as Obj<WorkloadLike>;
    const [names, images] = containerCells(rs.spec?.template?.spec?.containers);
    return [
      nameOf(rs),
      rs.spec?.replicas ?? 0,
      rs.status?.replicas ?? 0,
      rs.status?.readyReplicas ?? 0,
      age(rs, now),
      names,
      images,
      formatLabelSelector(rs.spec?.selector),
    ];
  },
};

export const daemonSetPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Desired', 'integer', 'Nodes that should run the daemon pod.'),
    column('Current', 'integer', 'Nodes running the daemon pod.'),
    column('Ready', 'integer', 'Nodes with a ready daemon pod.'),
    column('Up-to-date', 'integer', 'Nodes running the latest template.'),
    column('Available', 'integer', 'Nodes with an available daemon pod.'),
    column('Node Selector', 'string', 'Node selector of the pod template.'),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    selectorColumn(),
  ],
  cells(obj, now) {
    const ds = obj as Obj<WorkloadLike>;
    const st = ds.status ?? {};
    const [names, images] = containerCells(ds.spec?.template?.spec?.containers);
    return [
      nameOf(ds),
      st.desiredNumberScheduled ?? 0,
      st.currentNumberScheduled ?? 0,
      st.numberReady ?? 0,
      st.updatedNumberScheduled ?? 0,
      st.numberAvailable ?? 0,
      formatLabels(ds.spec?.template?.spec?.nodeSelector),
      age(ds, now),
      names,
      images,
      formatLabelSelector(ds.spec?.selector),
    ];
  },
};

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

interface JobLike {
  spec?: { completions?: number | null; parallelism?: number | null; selector?: LabelSelector; template?: PodTemplateSpecLike };
  status?: { succeeded?: number; startTime?: string; completionTime?: string; conditions?: { type: string; status: string }[] };
}

// hasJobCondition: the first condition of the type decides.
const jobCondition = (job: Obj<JobLike>, type: string) => job.status?.conditions?.find((c) => c.type === type)?.status === 'True';

function jobStatus(job: Obj<JobLike>): string {
  if (jobCondition(job, 'Complete')) return 'Complete';
  if (jobCondition(job, 'Failed')) return 'Failed';
  if (job.metadata.deletionTimestamp) return 'Terminating';
  if (jobCondition(job, 'Suspended')) return 'Suspended';
  if (jobCondition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function jobCompletions(job: Obj<JobLike>): string {
  const succeeded = job.status?.succeeded ?? 0;
  const completions = job.spec?.completions;
  if (completions !== undefined && completions !== null) return `${succeeded}/${completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(job: Obj<JobLike>, now: Date): string {
  const start = job.status?.startTime;
  if (!start) return '';
  const end = job.status?.completionTime;
  if (!end) return timestampSince(start, now);
  return humanDuration(Date.parse(end) - Date.parse(start));
}

export const jobPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Status', 'string', 'Status of the job.'),
    column('Completions', 'string', 'Succeeded pods out of required completions.'),
    column('Duration', 'string', 'Time the job took or has been running.'),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    selectorColumn(),
  ],
  cells(obj, now) {
    const job = obj as Obj<JobLike>;
    const [names, images] = containerCells(job.spec?.template?.spec?.containers);
    return [nameOf(job), jobStatus(job), jobCompletions(job), jobDuration(job, now), age(job, now), names, images, formatLabelSelector(job.spec?.selector)];
  },
};

interface CronJobLike {
  spec?: { schedule?: string; timeZone?: string | null; suspend?: boolean | null; jobTemplate?: JobLike };
  status?: { active?: unknown[]; lastScheduleTime?: string | null };
}

export const cronJobPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Schedule', 'string', 'Cron schedule.'),
    column('Timezone', 'string', 'Time zone of the schedule.'),
    column('Suspend', 'boolean', 'Whether new runs are suspended.'),
    column('Active', 'integer', 'Running jobs.'),
    column('Last Schedule', 'string', 'Time since the last scheduled run.'),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    selectorColumn(),
  ],
  cells(obj, now) {
    const cj = obj as Obj<CronJobLike>;
    const last = cj.status?.lastScheduleTime ? timestampSince(cj.status.lastScheduleTime, now) : '<none>';
    const jobSpec = cj.spec?.jobTemplate?.spec;
    const [names, images] = containerCells(jobSpec?.template?.spec?.containers);
    return [
      nameOf(cj),
      cj.spec?.schedule ?? '',
      cj.spec?.timeZone ?? '<none>',
      boolPtr(cj.spec?.suspend),
      (cj.status?.active ?? []).length,
      last,
      age(cj, now),
      names,
      images,
      formatLabelSelector(jobSpec?.selector),
    ];
  },
};
