// How a finished container is reported: exit code (128 + signal for a signalled process, as the runtime reports
// it), reason (containerd's Completed / Error / OOMKilled), and the termination message the kubelet reads
// (kuberuntime_container.go getTerminationMessage and readLastStringFromContainerLogs, with the limits of
// pkg/kubelet/container/runtime.go and the per-pod trimming of the status manager's normalizeStatus).
import { constants } from 'node:os';
import { open } from 'node:fs/promises';
import type { ContainerState, ContainerStateTerminated, Pod, PodStatus } from '../../api/core.js';

export const TERMINATION_MESSAGE_PATH_DEFAULT = '/dev/termination-log';
/** What one container may write to its termination message file (the last bytes are kept). */
export const MAX_CONTAINER_TERMINATION_MESSAGE_LENGTH = 4 * 1024;
/** A message taken from the log: the last 80 lines, at most 2 KiB. */
export const MAX_CONTAINER_TERMINATION_MESSAGE_LOG_LENGTH = 2 * 1024;
export const MAX_CONTAINER_TERMINATION_MESSAGE_LOG_LINES = 80;
/** All of a pod's termination messages together, split evenly over its containers. */
export const MAX_POD_TERMINATION_MESSAGE_LOG_LENGTH = 12 * 1024;

export const REASON_COMPLETED = 'Completed';
export const REASON_ERROR = 'Error';
export const REASON_OOM_KILLED = 'OOMKilled';
/** The reason of a container the runtime could not start; it has no logs to fall back to. */
export const REASON_CONTAINER_CANNOT_RUN = 'ContainerCannotRun';

/** The exit code of a process Node saw end: its code, or 128 + the signal's number. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  if (signal) return 128 + (constants.signals[signal] ?? 0);
  return 0;
}

/** containerd's reason for an exited container. */
export function exitReason(exitCode: number, oomKilled = false): string {
  if (oomKilled) return REASON_OOM_KILLED;
  return exitCode === 0 ? REASON_COMPLETED : REASON_ERROR;
}

export interface TerminationMessageFile {
  /** The file's last 4 KiB, or undefined when there is no file. */
  text?: string;
  /** A read error other than a missing file. */
  error?: string;
}

/** tail.ReadAtMost of the container's termination message file (its host path). */
export async function readTerminationMessageFile(hostPath: string): Promise<TerminationMessageFile> {
  let fh;
  try {
    fh = await open(hostPath, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    return { error: `Error on reading termination log ${hostPath}: ${(e as Error).message}` };
  }
  try {
    const { size } = await fh.stat();
    const length = Math.min(size, MAX_CONTAINER_TERMINATION_MESSAGE_LENGTH);
    const buf = Buffer.alloc(length);
    await fh.read(buf, 0, length, size - length);
    return { text: buf.toString() };
  } catch (e) {
    return { error: `Error on reading termination log ${hostPath}: ${(e as Error).message}` };
  } finally {
    await fh.close();
  }
}

/** readLastStringFromContainerLogs: the last 80 log lines (their text, newline-ended), cut to the last 2 KiB. */
export function terminationMessageFromLogs(lines: string[]): string {
  const text = lines.slice(-MAX_CONTAINER_TERMINATION_MESSAGE_LOG_LINES).map((l) => (l.endsWith('\n') ? l : `${l}\n`)).join('');
  const buf = Buffer.from(text);
  return buf.length <= MAX_CONTAINER_TERMINATION_MESSAGE_LOG_LENGTH ? text : buf.subarray(buf.length - MAX_CONTAINER_TERMINATION_MESSAGE_LOG_LENGTH).toString();
}

export interface TerminationMessageInput {
  exitCode: number;
  reason: string;
  /** File (default) or FallbackToLogsOnError. */
  terminationMessagePolicy?: string;
  /** The message file as read (undefined when the container has no terminationMessagePath). */
  file?: TerminationMessageFile;
  /** The container's last log lines, read only when needed. */
  logLines?: () => string[];
}

/**
 * getTerminationMessage and its log fallback: the file's text; with FallbackToLogsOnError, a failed container (not
 * one that could not run) whose file is missing or empty gets the tail of its log.
 */
export function terminationMessage({ exitCode, reason, terminationMessagePolicy, file, logLines }: TerminationMessageInput): string {
  const fallbackToLogs = terminationMessagePolicy === 'FallbackToLogsOnError' && exitCode !== 0 && reason !== REASON_CONTAINER_CANNOT_RUN;
  let message = '';
  let checkLogs = fallbackToLogs;
  if (file?.error !== undefined) {
    message = file.error;
    checkLogs = false;
  } else if (file?.text !== undefined) {
    message = file.text;
    checkLogs = fallbackToLogs && message.length === 0;
  }
  if (checkLogs) message = terminationMessageFromLogs(logLines?.() ?? []);
  return message;
}

/** The status message: the runtime's (if any), then `: `, then the termination message. */
export function enrichMessage(runtimeMessage: string | undefined, termination: string): string {
  if (!termination) return runtimeMessage ?? '';
  return runtimeMessage ? `${runtimeMessage}: ${termination}` : termination;
}

export interface TerminatedInput {
  exitCode: number;
  oomKilled?: boolean;
  /** A reason the runtime chose (e.g. ContainerCannotRun, StartError); otherwise derived from the exit. */
  reason?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  containerID?: string;
}

/** ContainerStateTerminated as the kubelet reports it. */
export function terminatedState(t: TerminatedInput): ContainerStateTerminated {
  const out: ContainerStateTerminated = { exitCode: t.exitCode, reason: t.reason ?? exitReason(t.exitCode, t.oomKilled) };
  if (t.message) out.message = t.message;
  if (t.startedAt) out.startedAt = t.startedAt;
  if (t.finishedAt) out.finishedAt = t.finishedAt;
  if (t.containerID) out.containerID = t.containerID;
  return out;
}

/**
 * normalizeStatus' trimming: each terminated message (state and lastState) is cut to 12 KiB divided by the number
 * of the pod's containers and init containers (bytes, as upstream). Returns a trimmed copy.
 */
export function trimTerminationMessages(pod: Pod, status: PodStatus): PodStatus {
  const count = pod.spec.containers.length + (pod.spec.initContainers?.length ?? 0);
  const limit = count > 0 ? Math.trunc(MAX_POD_TERMINATION_MESSAGE_LOG_LENGTH / count) : MAX_POD_TERMINATION_MESSAGE_LOG_LENGTH;
  const trimState = (s: ContainerState | undefined): ContainerState | undefined => {
    const msg = s?.terminated?.message;
    if (!msg || Buffer.byteLength(msg) <= limit) return s;
    return { ...s, terminated: { ...s.terminated!, message: Buffer.from(msg).subarray(0, limit).toString() } };
  };
  const trim = (list: PodStatus['containerStatuses']) => list?.map((c) => ({ ...c, state: trimState(c.state), lastState: trimState(c.lastState) }));
  const out: PodStatus = { ...status };
  if (status.containerStatuses) out.containerStatuses = trim(status.containerStatuses);
  if (status.initContainerStatuses) out.initContainerStatuses = trim(status.initContainerStatuses);
  return out;
}
