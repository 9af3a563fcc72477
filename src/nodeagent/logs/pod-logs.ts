// A pod's container logs on a node, laid out as the kubelet lays out /var/log/pods:
// `<root>/<namespace>_<pod>_<uid>/<container>/<restartCount>.log`, one file per container instance, so the previous
// instance stays readable (`--previous`) after a restart. The runtime starts a writer per instance; pods/log picks an
// instance as the kubelet's validateContainerLogStatus does (kubelet_pods.go) and reads it (reader.ts).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { errBadRequest } from '../../apimachinery/errors.js';
import type { ContainerLogOptions, PodRef } from '../../component/kubelet-api.js';
import type { RuntimeContainer } from '../runtime.js';
import { LogFollowSource, readContainerLog } from './reader.js';
import { ContainerLogWriter, ContainerLogWriterOptions } from './writer.js';

export const podLogDirName = (pod: PodRef) => `${pod.namespace}_${pod.name}_${pod.uid}`;

interface Instance {
  container: string;
  path: string;
  writer?: ContainerLogWriter;
}

export class PodLogDirectory {
  readonly dir: string;
  private readonly instances = new Map<string, Instance>();

  constructor(root: string, readonly pod: PodRef, private readonly writerOptions: ContainerLogWriterOptions = {}) {
    this.dir = join(root, podLogDirName(pod));
  }

  /** `<dir>/<container>/<restartCount>.log`. */
  pathFor(container: string, restartCount: number): string {
    return join(this.dir, container, `${restartCount}.log`);
  }

  /** A container instance started: its output goes to a writer of its own, known by the container id. */
  startInstance(container: string, containerID: string, restartCount: number): ContainerLogWriter {
    const path = this.pathFor(container, restartCount);
    const writer = new ContainerLogWriter(path, this.writerOptions);
    this.instances.set(containerID, { container, path, writer });
    return writer;
  }

  /** The writer of a running instance, if it is still open. */
  writerOf(containerID: string): ContainerLogWriter | undefined {
    const w = this.instances.get(containerID)?.writer;
    return w?.running ? w : undefined;
  }

  /** Stops every writer (the pod stopped or the runtime shuts down). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.instances.values()].map((i) => i.writer?.close()));
  }

  /** The pod is gone: its logs go too, as the kubelet removes them with the pod. */
  async remove(): Promise<void> {
    await this.closeAll();
    this.instances.clear();
    await rm(this.dir, { recursive: true, force: true });
  }

  /**
   * Serves pods/log for one container: picks the instance (`previous` or the current one) from the runtime's view
   * of the container, refusing with upstream's BadRequest texts; then streams it to `out`. An empty write marks
   * the point where validation passed (the kubelet's zero-byte write), so the API server commits its response.
   */
  async serve(containerName: string, status: RuntimeContainer | undefined, opts: ContainerLogOptions, out: Writable, signal: AbortSignal): Promise<void> {
    const { containerID, instanceOf } = logInstanceFor(this.pod.name, containerName, status, opts.previous);
    const known = this.instances.get(containerID);
    // After an agent restart the map is empty: the file of an instance follows from the restart count.
    const path = known?.path ?? this.pathFor(containerName, instanceFileIndex(status!, instanceOf));
    out.write(Buffer.alloc(0));
    await readContainerLog(path, opts, out, signal, known?.writer ? followWriter(known.writer) : undefined);
  }
}

/**
 * pods/log for a runtime that keeps its own writers: the container's log directory
 * (`<root>/<ns>_<pod>_<uid>/<container>`), its status, and the running instance's writer (for `follow`).
 */
export async function serveContainerLog(
  containerDir: string, podName: string, containerName: string, status: RuntimeContainer | undefined,
  opts: ContainerLogOptions, out: Writable, signal: AbortSignal, running?: ContainerLogWriter,
): Promise<void> {
  const { instanceOf } = logInstanceFor(podName, containerName, status, opts.previous);
  const path = join(containerDir, `${instanceFileIndex(status!, instanceOf)}.log`);
  out.write(Buffer.alloc(0));
  const follow = instanceOf === 'current' && running?.path === path ? followWriter(running) : undefined;
  await readContainerLog(path, opts, out, signal, follow);
}

/**
 * Which `<n>.log` holds an instance, as the kubelet numbers them: the current instance's is its restart count; the
 * last terminated one's is the one before — unless no new instance started yet (a crash-loop back-off), when the
 * last terminated one is still the current count.
 */
export function instanceFileIndex(status: RuntimeContainer, which: 'current' | 'last'): number {
  if (which === 'current') return status.restartCount;
  return status.state.running || status.state.terminated ? Math.max(0, status.restartCount - 1) : status.restartCount;
}

/**
 * validateContainerLogStatus: which instance's log pods/log shows, from the container's state — the last terminated
 * one for `previous`; otherwise the running one, else the terminated one, else the last terminated one; a
 * container that never ran is refused.
 */
export function logInstanceFor(podName: string, containerName: string, c: RuntimeContainer | undefined, previous: boolean): { containerID: string; instanceOf: 'current' | 'last' } {
  if (!c) throw errBadRequest(`container "${containerName}" in pod "${podName}" is not available`);
  const last = c.lastState.terminated;
  const { waiting, running, terminated } = c.state;
  if (previous) {
    if (!last?.containerID) throw errBadRequest(`previous terminated container "${containerName}" in pod "${podName}" not found`);
    return { containerID: last.containerID, instanceOf: 'last' };
  }
  if (running) return { containerID: c.containerID ?? '', instanceOf: 'current' };
  if (terminated) {
    if (terminated.containerID) return { containerID: terminated.containerID, instanceOf: 'current' };
    if (last?.containerID) return { containerID: last.containerID, instanceOf: 'last' };
    throw errBadRequest(`container "${containerName}" in pod "${podName}" is terminated`);
  }
  if (last) {
    if (!last.containerID) throw errBadRequest(`container "${containerName}" in pod "${podName}" is terminated`);
    return { containerID: last.containerID, instanceOf: 'last' };
  }
  if (waiting) {
    const reason = waiting.reason ?? '';
    if (reason === 'ErrImagePull') throw errBadRequest(`container "${containerName}" in pod "${podName}" is waiting to start: image can't be pulled`);
    if (reason === 'ImagePullBackOff') throw errBadRequest(`container "${containerName}" in pod "${podName}" is waiting to start: trying and failing to pull image`);
    throw errBadRequest(`container "${containerName}" in pod "${podName}" is waiting to start: ${reason}`);
  }
  throw errBadRequest(`container "${containerName}" in pod "${podName}" is waiting to start - no logs yet`);
}

/** A follower fed by the writer's own events, polling as upstream does in case one is missed. */
export function followWriter(writer: ContainerLogWriter): LogFollowSource {
  return {
    running: () => writer.running,
    changed: (timeoutMs, signal) => new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        writer.off('data', done);
        writer.off('rotate', done);
        writer.off('close', done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      writer.on('data', done);
      writer.on('rotate', done);
      writer.on('close', done);
      signal.addEventListener('abort', done, { once: true });
    }),
  };
}
