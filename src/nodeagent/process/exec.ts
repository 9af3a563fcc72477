// Running a command in a running container (CRI ExecSync/Exec) and dialling a port inside a pod (PortForward),
// both through berth-run: join the container's namespaces (net, uts, ipc, pid, then mount: its root and cwd) and
// its cgroup, take its user, capabilities and environment, and run the command as a child in its PID namespace.
import { readlinkSync } from 'node:fs';
import type { Socket } from 'node:net';
import { type Readable, Writable } from 'node:stream';
import type { ContainerStreams, StreamResult } from '../../component/kubelet-api.js';
import type { CgroupTree } from './cgroups.js';
import type { ContainerInstance } from './container.js';
import { launch, StartError } from './helper.js';

export class ExecError extends Error {}

/** The directives that put a new process into a running container's namespaces, cgroup and identity. */
export function enterContainerDirectives(cgroups: CgroupTree, instance: ContainerInstance, opts: { session?: boolean } = {}): string[] {
  const pid = instance.mainPid!;
  const d = ['pdeathsig'];
  for (const f of cgroups.procsFiles(instance.cgroup)) d.push('cgroup', f);
  for (const ns of ['net', 'uts', 'ipc', 'pid', 'mnt']) d.push('join', ns, `/proc/${pid}/ns/${ns}`);
  let cwd = '/';
  try {
    cwd = readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    // the container is going away; the exec will find out
  }
  const p = instance.process;
  d.push('fork');
  // A terminal session is taken before the capabilities drop: after the fork the pty is still the helper's
  // controlling terminal, and only CAP_SYS_ADMIN lets TIOCSCTTY move it to the new session.
  if (opts.session) d.push('session');
  d.push('chdir', cwd, 'caps', p.capabilities === 'all' ? 'all' : p.capabilities.join(',') || '-');
  if (p.noNewPrivileges) d.push('nonewprivs');
  d.push('user', String(p.uid), String(p.gid), p.groups.length ? p.groups.join(',') : '-');
  return d;
}

/** Runs `command` in the container with the client's streams; resolves with its exit code. */
export async function execInContainer(cgroups: CgroupTree, instance: ContainerInstance, command: string[], streams: ContainerStreams): Promise<StreamResult> {
  if (command.length === 0) throw new ExecError('command is required');
  const directives = [...enterContainerDirectives(cgroups, instance, { session: streams.tty })];
  directives.push('exec', String(command.length), ...command);
  const launched = launch(directives, { env: instance.process.env, stdin: !!streams.stdin, tty: streams.tty ? { cols: 80, rows: 24 } : undefined });
  const kill = () => launched.kill('SIGKILL');
  streams.signal.addEventListener('abort', kill, { once: true });
  // A client that went away before this point aborted already: no abort event is coming.
  if (streams.signal.aborted) kill();
  try {
    if (launched.pty) {
      const term = launched.pty;
      streams.onResize?.((size) => {
        try {
          term.resize(Math.max(1, size.width), Math.max(1, size.height));
        } catch {
          // exited meanwhile
        }
      });
      term.onData((d) => writeWithBackpressure(streams.stdout, Buffer.isBuffer(d) ? d : Buffer.from(d), () => term.pause(), () => term.resume()));
      streams.stdin?.on('data', (d: Buffer) => term.write(d));
    } else {
      pipeOut(launched.stdout, streams.stdout);
      pipeOut(launched.stderr, streams.stderr);
      if (launched.stdin && streams.stdin) {
        streams.stdin.pipe(launched.stdin);
        launched.stdin.on('error', () => {}); // the command exited without reading all of stdin
      }
    }
    try {
      await launched.started;
    } catch (e) {
      if (e instanceof StartError) throw new ExecError(`OCI runtime exec failed: exec failed: unable to start container process: ${e.message}: unknown`);
      throw e;
    }
    const exit = await launched.exited;
    await Promise.all([launched.stdout, launched.stderr].filter(Boolean).map((s) => new Promise<void>((r) => (s!.readableEnded || s!.destroyed ? r() : s!.once('close', () => r())))));
    return { exitCode: exit.exitCode };
  } finally {
    streams.signal.removeEventListener('abort', kill);
  }
}

/** Copies a process's output to the client, pausing the process while the client is behind (bounded memory). */
function pipeOut(from: Readable | undefined, to: Writable | undefined): void {
  if (!from) return;
  if (!to) {
    from.resume(); // nobody asked for it: drain
    return;
  }
  from.on('data', (d: Buffer) => writeWithBackpressure(to, d, () => from.pause(), () => from.resume()));
}

function writeWithBackpressure(to: Writable | undefined, chunk: Buffer, pause: () => void, resume: () => void): void {
  if (!to || to.destroyed || to.writableEnded) return;
  if (!to.write(chunk)) {
    pause();
    to.once('drain', resume);
  }
}

/**
 * A connection to `port` on the pod's localhost, dialled inside its network namespace by the helper, which hands the
 * connected socket over and exits: the data then flows between this process and the pod's port directly.
 */
export async function forwardPort(sandboxPid: number, port: number, signal: AbortSignal): Promise<Socket> {
  const launched = launch(['pdeathsig', 'join', 'net', `/proc/${sandboxPid}/ns/net`, 'handoff', String(port)], { env: {}, receiveSocket: true });
  const kill = () => launched.kill('SIGKILL');
  signal.addEventListener('abort', kill, { once: true });
  if (signal.aborted) kill();
  try {
    try {
      await launched.started;
    } catch (e) {
      throw new ExecError(e instanceof Error ? e.message : String(e));
    }
    const conn = await launched.socket!;
    if (signal.aborted) conn.destroy();
    else signal.addEventListener('abort', () => conn.destroy(), { once: true });
    conn.setNoDelay(true);
    return conn;
  } finally {
    signal.removeEventListener('abort', kill);
  }
}

/** Runs a command in the container for the kubelet itself (exec probes, hooks): combined output, a time limit. */
export async function execCapture(cgroups: CgroupTree, instance: ContainerInstance, command: string[], timeoutMs: number): Promise<{ exitCode: number; output: Buffer; timedOut?: boolean }> {
  const abort = new AbortController();
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      // More than a probe keeps is dropped here, so a chatty command cannot grow memory.
      if (size < 64 * 1024) chunks.push(chunk);
      size += chunk.length;
      done();
    },
  });
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; abort.abort(); }, timeoutMs);
  try {
    const r = await execInContainer(cgroups, instance, command, { stdout: sink, stderr: sink, tty: false, signal: abort.signal });
    return { exitCode: r.exitCode, output: Buffer.concat(chunks), timedOut };
  } finally {
    clearTimeout(timer);
  }
}
