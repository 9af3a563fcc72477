// The Pod row: READY, the aggregated STATUS reason, RESTARTS with "(… ago)" and the wide columns, computed the way
// printPod in pkg/printers/internalversion does.
import type { Pod } from '../api/generated/core-v1.js';
import type { Printer } from './types.js';
import { timestampSince } from '../apimachinery/duration.js';
import { age, column, nameColumn, ageColumn, wide } from './helpers.js';

// Latest of two RFC 3339 timestamps ('' = zero time).
const later = (a: string, b: string | null | undefined): string => (b && (a === '' || Date.parse(b) > Date.parse(a)) ? b : a);

const isTerminalPhase = (phase: string | undefined) => phase === 'Failed' || phase === 'Succeeded';

export interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

/** READY, STATUS and RESTARTS of a pod at time `now`. */
export function summarizePod(pod: Pod, now: Date): PodSummary {
  const status = pod.status ?? {};
  const conditions = status.conditions ?? [];
  const initContainers = pod.spec?.initContainers ?? [];
  const restartableInit = new Set(initContainers.filter((c) => c.restartPolicy === 'Always').map((c) => c.name));

  let restarts = 0;
  let restartableInitRestarts = 0;
  const totalContainers = (pod.spec?.containers ?? []).length + restartableInit.size;
  let readyContainers = 0;
  let lastRestart = '';
  let lastRestartableInitRestart = '';

  let reason = status.reason || status.phase || '';
  if (conditions.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  // Init containers run in order; the first one not finished decides the Init:… status.
  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    const count = c.restartCount ?? 0;
    restarts += count;
    lastRestart = later(lastRestart, c.lastState?.terminated?.finishedAt);
    const sidecar = restartableInit.has(c.name);
    if (sidecar) {
      restartableInitRestarts += count;
      lastRestartableInitRestart = later(lastRestartableInitRestart, c.lastState?.terminated?.finishedAt);
    }
    const term = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (term && (term.exitCode ?? 0) === 0) continue;
    if (sidecar && c.started === true) {
      if (c.ready) readyContainers++;
      continue;
    }
    if (term) {
      if (!term.reason) reason = term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode ?? 0}`;
      else reason = `Init:${term.reason}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  const initializedTrue = conditions.find((c) => c.type === 'Initialized')?.status === 'True';
  if (!initializing || initializedTrue) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    // Walk backwards so the first container's state wins, as upstream does.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += c.restartCount ?? 0;
      lastRestart = later(lastRestart, c.lastState?.terminated?.finishedAt);
      const term = c.state?.terminated;
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (term?.reason) reason = term.reason;
      else if (term) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode ?? 0}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = conditions.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
  }

  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && !isTerminalPhase(status.phase)) reason = 'Terminating';

  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestart !== '') restartsText = `${restarts} (${timestampSince(lastRestart, now)} ago)`;
  return { ready: `${readyContainers}/${totalContainers}`, status: reason, restarts: restartsText };
}

function readinessGates(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  const conditions = pod.status?.conditions ?? [];
  const trueCount = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length;
  return `${trueCount}/${gates.length}`;
}

export const podPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Ready', 'string', 'Ready containers out of all containers.'),
    column('Status', 'string', 'Aggregate status of the pod and its containers.'),
    column('Restarts', 'string', 'Container restarts, and how long ago the last one was.'),
    ageColumn(),
    wide('IP', 'string', 'First pod IP.'),
    wide('Node', 'string', 'Node the pod is bound to.'),
    wide('Nominated Node', 'string', 'Node nominated by preemption.'),
    wide('Readiness Gates', 'string', 'Readiness gates that are true out of all gates.'),
  ],
  cells(obj, now) {
    const pod = obj as Pod;
    const s = summarizePod(pod, now);
    return [
      pod.metadata.name ?? '',
      s.ready,
      s.status,
      s.restarts,
      age(pod, now),
      pod.status?.podIPs?.[0]?.ip || '<none>',
      pod.spec?.nodeName || '<none>',
      pod.status?.nominatedNodeName || '<none>',
      readinessGates(pod),
    ];
  },
};
