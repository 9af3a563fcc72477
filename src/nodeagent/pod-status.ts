// The pod status a kubelet publishes, computed from the runtime's view: phase (kubelet getPhase), container
// statuses, and the PodReadyToStartContainers / Initialized / Ready / ContainersReady conditions with upstream's
// reasons and messages. Conditions the kubelet does not own (readiness gates, DisruptionTarget) are kept.
import type { RuntimeContainer, RuntimePod } from './runtime.js';
import { ContainerSpec, ContainerState, ContainerStatus, isTerminalPhase, Pod, PodCondition, PodStatus } from '../api/core.js';
import { rfc3339 } from '../apimachinery/time.js';

const KUBELET_CONDITIONS = new Set(['PodScheduled', 'PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady']);

export interface StatusInput {
  pod: Pod;
  runtime: RuntimePod;
  hostIP: string;
  /** When the agent first saw the pod. */
  startTime: string;
  now: Date;
}

const isSidecar = (c: ContainerSpec) => c.restartPolicy === 'Always';

export function buildPodStatus({ pod, runtime, hostIP, startTime, now }: StatusInput): PodStatus {
  const old = pod.status ?? {};
  const initStatuses = runtime.initContainers.map(toInitStatus);
  const containerStatuses = runtime.containers.map(toStatus).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // A terminal phase is final: the kubelet never moves a pod out of Succeeded/Failed.
  const phase = isTerminalPhase(old.phase) ? old.phase! : podPhase(pod, initStatuses, containerStatuses, runtime.killed);

  const own: PodCondition[] = [
    { type: 'PodReadyToStartContainers', status: runtime.sandboxReady && !isTerminalPhase(phase) ? 'True' : 'False' },
    initializedCondition(pod, initStatuses, containerStatuses, phase),
  ];
  const containersReady = containersReadyCondition(pod, containerStatuses, phase);
  own.push(readyCondition(pod, containersReady, old.conditions ?? []), containersReady);
  const scheduled = (old.conditions ?? []).find((c) => c.type === 'PodScheduled') ?? { type: 'PodScheduled', status: 'True' };
  own.push(scheduled);

  const conditions = [
    ...(old.conditions ?? []).filter((c) => !KUBELET_CONDITIONS.has(c.type)),
    ...own.map((c) => withTransitionTime(c, old.conditions ?? [], now)),
  ];
  const status: PodStatus = { phase, conditions };
  if (old.message) status.message = old.message;
  if (old.reason) status.reason = old.reason;
  status.hostIP = hostIP;
  status.hostIPs = [{ ip: hostIP }];
  if (runtime.podIP) {
    status.podIP = runtime.podIP;
    status.podIPs = [{ ip: runtime.podIP }];
  }
  status.startTime = old.startTime ?? startTime;
  if (initStatuses.length) status.initContainerStatuses = initStatuses;
  status.containerStatuses = containerStatuses;
  if (runtime.ephemeralContainers?.length) status.ephemeralContainerStatuses = runtime.ephemeralContainers.map(toStatus);
  if (old.qosClass) status.qosClass = old.qosClass;
  if (old.nominatedNodeName) status.nominatedNodeName = old.nominatedNodeName;
  return status;
}

function toStatus(c: RuntimeContainer): ContainerStatus {
  const s: ContainerStatus = {
    name: c.name, state: copyState(c.state), lastState: copyState(c.lastState),
    ready: c.ready, restartCount: c.restartCount, image: c.image, imageID: c.containerID ? c.imageID : '',
    started: c.started,
  };
  if (c.containerID) s.containerID = c.containerID;
  return s;
}

/** The runtime keeps changing its own state objects; a status holds a copy (each state is one level deep). */
function copyState(s: ContainerState): ContainerState {
  const out: ContainerState = {};
  if (s.waiting) out.waiting = { ...s.waiting };
  if (s.running) out.running = { ...s.running };
  if (s.terminated) out.terminated = { ...s.terminated };
  return out;
}

/** A regular init container that completed successfully counts as ready. */
function toInitStatus(c: RuntimeContainer): ContainerStatus {
  const s = toStatus(c);
  if (c.state.terminated?.exitCode === 0) s.ready = true;
  return s;
}

const byName = (list: ContainerStatus[], name: string) => list.find((s) => s.name === name);

/** kubelet getPhase. `terminal`: the pod's containers were stopped for good (deletion). */
export function podPhase(pod: Pod, initStatuses: ContainerStatus[], statuses: ContainerStatus[], terminal: boolean): string {
  const spec = pod.spec;
  let pendingInit = 0;
  let failedInit = 0;
  for (const c of spec.initContainers ?? []) {
    if (isSidecar(c)) continue;
    const s = byName(initStatuses, c.name);
    if (!s) { pendingInit++; continue; }
    if (s.state?.running) pendingInit++;
    else if (s.state?.terminated) { if (s.state?.terminated.exitCode !== 0) failedInit++; }
    else if (s.state?.waiting && s.lastState?.terminated) { if (s.lastState?.terminated.exitCode !== 0) failedInit++; }
    else pendingInit++;
  }
  let unknown = 0, running = 0, waiting = 0, stopped = 0, succeeded = 0;
  for (const c of spec.containers ?? []) {
    const s = byName(statuses, c.name);
    if (!s) { unknown++; continue; }
    if (s.state?.running) running++;
    else if (s.state?.terminated) { stopped++; if (s.state?.terminated.exitCode === 0) succeeded++; }
    else if (s.state?.waiting) { if (s.lastState?.terminated) stopped++; else waiting++; }
    else unknown++;
  }
  const restartPolicy = spec.restartPolicy ?? 'Always';
  if (failedInit > 0 && restartPolicy === 'Never') return 'Failed';
  if (pendingInit > 0 || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (terminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (restartPolicy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

/** Go prints a []string as [a b]. */
const goList = (names: string[]) => `[${names.join(' ')}]`;

function initializedCondition(pod: Pod, initStatuses: ContainerStatus[], statuses: ContainerStatus[], phase: string): PodCondition {
  const unknown: string[] = [];
  const incomplete: string[] = [];
  for (const c of pod.spec.initContainers ?? []) {
    const s = byName(initStatuses, c.name);
    if (!s) { unknown.push(c.name); continue; }
    const done = isSidecar(c) ? s.started === true : s.ready;
    if (!done) incomplete.push(c.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return { type: 'Initialized', status: 'True', reason: 'PodCompleted' };
  // Once any app container has started, the pod was initialized (sidecars may be restarting).
  if (statuses.some((s) => s.started || s.state?.running || s.state?.terminated || s.lastState?.terminated)) return { type: 'Initialized', status: 'True' };
  const messages: string[] = [];
  if (unknown.length) messages.push(`containers with unknown status: ${goList(unknown)}`);
  if (incomplete.length) messages.push(`containers with incomplete status: ${goList(incomplete)}`);
  if (messages.length) return { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: messages.join(', ') };
  return { type: 'Initialized', status: 'True' };
}

function containersReadyCondition(pod: Pod, statuses: ContainerStatus[], phase: string): PodCondition {
  if (phase === 'Succeeded') return { type: 'ContainersReady', status: 'False', reason: 'PodCompleted' };
  if (phase === 'Failed') return { type: 'ContainersReady', status: 'False', reason: 'PodFailed' };
  const unknown: string[] = [];
  const unready: string[] = [];
  for (const c of pod.spec.containers ?? []) {
    const s = byName(statuses, c.name);
    if (!s) unknown.push(c.name);
    else if (!s.ready) unready.push(c.name);
  }
  const messages: string[] = [];
  if (unknown.length) messages.push(`containers with unknown status: ${goList(unknown)}`);
  if (unready.length) messages.push(`containers with unready status: ${goList(unready)}`);
  if (messages.length) return { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: messages.join(', ') };
  return { type: 'ContainersReady', status: 'True' };
}

/** Ready = ContainersReady and every readiness gate's condition True. */
function readyCondition(pod: Pod, containersReady: PodCondition, conditions: PodCondition[]): PodCondition {
  if (containersReady.status !== 'True') {
    const c: PodCondition = { type: 'Ready', status: containersReady.status };
    if (containersReady.reason) c.reason = containersReady.reason;
    if (containersReady.message) c.message = containersReady.message;
    return c;
  }
  const messages: string[] = [];
  for (const gate of pod.spec.readinessGates ?? []) {
    const c = conditions.find((x) => x.type === gate.conditionType);
    if (!c) messages.push(`corresponding condition of pod readiness gate ${JSON.stringify(gate.conditionType)} does not exist.`);
    else if (c.status !== 'True') messages.push(`the status of pod readiness gate ${JSON.stringify(gate.conditionType)} is not "True", but ${c.status}`);
  }
  if (messages.length) return { type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: messages.join(', ') };
  return { type: 'Ready', status: 'True' };
}

/** The transition time moves only when the condition's status changes. */
function withTransitionTime(c: PodCondition, old: PodCondition[], now: Date): PodCondition {
  const prev = old.find((o) => o.type === c.type);
  const lastTransitionTime = prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : rfc3339(now);
  const out: PodCondition = { type: c.type, status: c.status, lastProbeTime: null, lastTransitionTime };
  if (c.reason) out.reason = c.reason;
  if (c.message) out.message = c.message;
  return out;
}

/** Whether publishing `next` would change anything in `cur` (key order aside). */
export function statusDiffers(cur: PodStatus | undefined, next: PodStatus): boolean {
  return !sameJson(cur ?? {}, next);
}

/**
 * Equal as JSON documents once object keys are unordered and undefined, null and {} members are left out — what
 * omitempty drops, so the server may return them either way.
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let members = 0;
  for (const k of Object.keys(x)) {
    if (isOmitted(x[k])) continue;
    members++;
    if (!sameJson(x[k], y[k])) return false;
  }
  for (const k of Object.keys(y)) if (!isOmitted(y[k])) members--;
  return members === 0;
}

const isOmitted = (x: unknown) => x === undefined || x === null || (typeof x === 'object' && !Array.isArray(x) && Object.keys(x).length === 0);
