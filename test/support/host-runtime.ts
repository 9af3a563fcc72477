// A test-only container runtime that runs each container's command as a plain process on this host (no namespaces,
// no image: `command` + `args`, `sleep 3600` when both are empty), with its output written as CRI logs and a
// KubeletApi that execs commands on the host (under a pty for tty sessions, via node-pty), attaches to the main
// processes, and forwards ports to 127.0.0.1. It lets the API server's streaming paths be tested with the real
// kubectl while the real process runtime is built elsewhere; it is also a small reference for the KubeletApi
// contract (who closes what, abort, resize). Never use it outside tests: it runs what pods say, as this user.
import { ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { createRequire } from 'node:module';
import type * as NodePty from 'node-pty';
import { ApiError } from '../../src/apimachinery/errors.js';
import type { ContainerStreams, KubeletApi, PodRef } from '../../src/component/kubelet-api.js';
import { PodLogDirectory } from '../../src/nodeagent/logs/pod-logs.js';
import type { ContainerLogWriter } from '../../src/nodeagent/logs/writer.js';
import type { Runtime, RuntimeContainer, RuntimePod } from '../../src/nodeagent/runtime.js';
import { ContainerSpec, Pod } from '../../src/api/core.js';
import { rfc3339 } from '../../src/apimachinery/time.js';

const pty = createRequire(import.meta.url)('node-pty') as typeof NodePty;

export interface HostRuntimeOptions {
  logDir: string;
  /** Working directory of every process (a per-test temp dir). */
  cwd: string;
  /** Delay before a restart (default 200 ms). */
  restartDelayMs?: number;
}

/** One process, plain pipes or a pty; `exit` fires once its output has ended. */
export class HostProcess extends EventEmitter {
  private child?: ChildProcess;
  private term?: NodePty.IPty;
  readonly exited: Promise<number>;
  pid = 0;

  constructor(argv: string[], opts: { tty: boolean; stdin: boolean; env: Record<string, string>; cwd: string; size?: { width: number; height: number } }) {
    super();
    let settle!: (code: number) => void;
    this.exited = new Promise((resolve) => (settle = resolve));
    this.exited.then((code) => this.emit('exit', code));
    if (opts.tty) {
      this.term = pty.spawn(argv[0], argv.slice(1), { name: 'xterm', cols: opts.size?.width ?? 80, rows: opts.size?.height ?? 24, env: opts.env, cwd: opts.cwd });
      this.pid = this.term.pid;
      this.term.onData((d) => this.emit('stdout', Buffer.from(d, 'utf8')));
      this.term.onExit(({ exitCode, signal }) => settle(signal ? 128 + signal : exitCode));
      return;
    }
    const child = spawn(argv[0], argv.slice(1), { detached: true, stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'], env: opts.env, cwd: opts.cwd });
    this.child = child;
    this.pid = child.pid ?? 0;
    child.stdin?.on('error', () => {});
    child.stdout!.on('data', (d: Buffer) => this.emit('stdout', d));
    child.stderr!.on('data', (d: Buffer) => this.emit('stderr', d));
    child.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') this.emit('stderr', Buffer.from(`exec: "${argv[0]}": executable file not found in $PATH\n`));
      settle(e.code === 'ENOENT' ? 127 : 126);
    });
    child.once('close', (code, signal) => settle(code ?? (signal ? 128 + signalNumber(signal) : 1)));
  }

  /** The plain-pipe output streams (for pipe() with backpressure); undefined under a pty. */
  get stdout() { return this.child?.stdout ?? undefined; }
  get stderr() { return this.child?.stderr ?? undefined; }

  write(data: Buffer): boolean {
    if (this.term) {
      this.term.write(data.toString('utf8'));
      return true;
    }
    return this.child?.stdin?.writable ? this.child.stdin.write(data) : true;
  }

  onDrain(cb: () => void): void {
    if (this.child?.stdin) this.child.stdin.once('drain', cb);
    else cb();
  }

  endInput(): void {
    if (this.term) this.term.write('\x04');
    else this.child?.stdin?.end();
  }

  resize(width: number, height: number): void {
    if (width > 0 && height > 0) this.term?.resize(width, height);
  }

  /** Signals the whole process group. */
  kill(signal: NodeJS.Signals): void {
    if (!this.pid) return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      try {
        process.kill(this.pid, signal);
      } catch {
        // already gone
      }
    }
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  return ({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15, SIGPIPE: 13 } as Record<string, number>)[signal] ?? 1;
}

interface HostContainer {
  spec: ContainerSpec;
  status: RuntimeContainer;
  init: boolean;
  proc?: HostProcess;
  writer?: ContainerLogWriter;
  /** Attached sessions' output sinks. */
  sinks: Set<(stream: 'stdout' | 'stderr', d: Buffer) => void>;
}

interface HostPod {
  ref: PodRef;
  restartPolicy: string;
  state: RuntimePod;
  containers: HostContainer[];
  logs: PodLogDirectory;
  timers: Set<NodeJS.Timeout>;
  killing?: Promise<void>;
}

export class HostRuntime implements Runtime {
  private readonly pods = new Map<string, HostPod>();
  private readonly listeners: ((uid: string) => void)[] = [];
  private readonly execs = new Set<HostProcess>();
  private closed = false;

  constructor(private readonly opts: HostRuntimeOptions) {}

  /** exec/attach/port-forward sessions and their processes now running (leak tests count them). */
  get activeExecs(): number {
    return this.execs.size;
  }

  readonly kubelet: KubeletApi = {
    exec: async (pod, container, command, streams) => {
      const c = this.runningContainer(pod, container);
      const proc = new HostProcess(command, { tty: streams.tty, stdin: !!streams.stdin, env: this.envFor(pod, c.spec), cwd: this.opts.cwd });
      this.execs.add(proc);
      const abort = () => proc.kill('SIGKILL');
      streams.signal.addEventListener('abort', abort, { once: true });
      try {
        streams.onResize?.((s) => proc.resize(s.width, s.height));
        if (streams.stdin) forwardInput(streams.stdin, proc, true);
        // Plain pipes keep the process's backpressure; a pty's output is pushed as it comes.
        if (proc.stdout && streams.stdout) proc.stdout.pipe(streams.stdout, { end: false });
        else proc.on('stdout', (d: Buffer) => streams.stdout?.write(d));
        if (proc.stderr && streams.stderr) proc.stderr.pipe(streams.stderr, { end: false });
        return { exitCode: await proc.exited };
      } finally {
        streams.signal.removeEventListener('abort', abort);
        this.execs.delete(proc);
      }
    },
    attach: async (pod, container, streams) => {
      const c = this.runningContainer(pod, container);
      const proc = c.proc!;
      const sink = (stream: 'stdout' | 'stderr', d: Buffer) => {
        const out = stream === 'stderr' && !streams.tty ? streams.stderr : streams.stdout;
        out?.write(d);
      };
      c.sinks.add(sink);
      streams.onResize?.((s) => proc.resize(s.width, s.height));
      if (streams.stdin && c.spec.stdin) forwardInput(streams.stdin, proc, !!c.spec.stdinOnce);
      try {
        await new Promise<void>((resolve) => {
          proc.exited.then(() => resolve());
          streams.signal.addEventListener('abort', () => resolve(), { once: true });
        });
      } finally {
        c.sinks.delete(sink);
      }
      return { exitCode: 0 };
    },
    portForward: (_pod, port, signal) => new Promise<Duplex>((resolve, reject) => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => resolve(sock));
      sock.once('error', reject);
      signal.addEventListener('abort', () => sock.destroy(), { once: true });
    }),
    logs: async (pod, container, opts, out, signal) => {
      const p = this.pods.get(pod.uid);
      if (!p) throw new ApiError(404, 'NotFound', `pod "${pod.name}" does not exist`);
      const c = p.containers.find((x) => x.spec.name === container);
      await p.logs.serve(container, c?.status, opts, out, signal);
    },
  };

  onChange(listener: (uid: string) => void): void {
    this.listeners.push(listener);
  }

  podState(uid: string): RuntimePod | undefined {
    return this.pods.get(uid)?.state;
  }

  syncPod(pod: Pod, podIP: string): void {
    const uid = pod.metadata.uid ?? '';
    if (this.closed || !uid || this.pods.has(uid)) return;
    const ref = { namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid };
    const hasInits = (pod.spec.initContainers ?? []).length > 0;
    // As the kubelet reports them: app containers wait in PodInitializing while init containers run.
    const mk = (spec: ContainerSpec, init: boolean): HostContainer => ({
      spec, init, sinks: new Set(),
      status: {
        name: spec.name, image: spec.image ?? '', imageID: '', lastState: {}, restartCount: 0, ready: false, started: false,
        state: { waiting: { reason: !init && hasInits ? 'PodInitializing' : 'ContainerCreating' } },
      },
    });
    const inits = (pod.spec.initContainers ?? []).map((c) => mk(c, true));
    const apps = (pod.spec.containers ?? []).map((c) => mk(c, false));
    const p: HostPod = {
      ref, restartPolicy: pod.spec.restartPolicy ?? 'Always',
      state: { uid, sandboxReady: true, podIP, initContainers: inits.map((c) => c.status), containers: apps.map((c) => c.status), killed: false },
      containers: [...inits, ...apps],
      logs: new PodLogDirectory(this.opts.logDir, ref),
      timers: new Set(),
    };
    this.pods.set(uid, p);
    void this.runInits(p, inits).then((ok) => {
      if (ok && !p.killing) for (const c of apps) this.startContainer(p, c);
    });
  }

  killPod(uid: string, gracePeriodMs: number): Promise<void> {
    const p = this.pods.get(uid);
    if (!p) return Promise.resolve();
    p.killing ??= (async () => {
      for (const t of p.timers) clearTimeout(t);
      const running = p.containers.filter((c) => c.proc);
      for (const c of running) c.proc!.kill('SIGTERM');
      const killer = setTimeout(() => { for (const c of running) c.proc?.kill('SIGKILL'); }, Math.max(0, gracePeriodMs));
      await Promise.all(running.map((c) => c.proc!.exited));
      clearTimeout(killer);
      await new Promise((r) => setImmediate(r));
      p.state.killed = true;
      this.changed(uid);
    })();
    return p.killing;
  }

  removePod(uid: string): void {
    const p = this.pods.get(uid);
    if (!p) return;
    this.pods.delete(uid);
    for (const t of p.timers) clearTimeout(t);
    for (const c of p.containers) c.proc?.kill('SIGKILL');
    p.logs.remove().catch(() => {});
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const e of this.execs) e.kill('SIGKILL');
    await Promise.all([...this.pods.keys()].map((uid) => this.killPod(uid, 0)));
    await Promise.all([...this.pods.values()].map((p) => p.logs.closeAll()));
    this.pods.clear();
  }

  // ---- containers ------------------------------------------------------------------------------------------

  private async runInits(p: HostPod, inits: HostContainer[]): Promise<boolean> {
    for (const c of inits) {
      for (;;) {
        const code = await this.startContainer(p, c, false);
        if (p.killing) return false;
        if (code === 0) break;
        if (p.restartPolicy === 'Never') return false;
        await new Promise((r) => setTimeout(r, this.opts.restartDelayMs ?? 200));
        c.status.lastState = { terminated: c.status.state.terminated! };
        c.status.restartCount++;
      }
    }
    return true;
  }

  /** Starts one instance; app containers restart per restartPolicy. Resolves with its exit code. */
  private startContainer(p: HostPod, c: HostContainer, restart = true): Promise<number> {
    const argv = [...(c.spec.command ?? []), ...(c.spec.args ?? [])];
    const proc = new HostProcess(argv.length ? argv : ['sleep', '3600'], {
      tty: !!c.spec.tty, stdin: !!c.spec.stdin, env: this.envFor(p.ref, c.spec), cwd: this.opts.cwd,
    });
    const id = `host://${p.ref.uid}-${c.spec.name}-${c.status.restartCount}`;
    c.proc = proc;
    c.status.containerID = id;
    c.status.state = { running: { startedAt: rfc3339(new Date()) } };
    c.status.started = true;
    c.status.ready = !c.init;
    const writer = p.logs.startInstance(c.spec.name, id, c.status.restartCount);
    c.writer = writer;
    const tee = (stream: 'stdout' | 'stderr') => (d: Buffer) => {
      void writer.write(stream, d);
      for (const s of c.sinks) s(stream, d);
    };
    proc.on('stdout', tee('stdout'));
    proc.on('stderr', tee('stderr'));
    this.changed(p.ref.uid);
    return proc.exited.then(async (code) => {
      await writer.close();
      c.proc = undefined;
      const startedAt = c.status.state.running?.startedAt;
      c.status.state = { terminated: { exitCode: code, reason: code === 0 ? 'Completed' : 'Error', startedAt, finishedAt: rfc3339(new Date()), containerID: id } };
      c.status.ready = false;
      c.status.started = false;
      this.changed(p.ref.uid);
      const again = restart && !p.killing && this.pods.get(p.ref.uid) === p &&
        (p.restartPolicy === 'Always' || (p.restartPolicy === 'OnFailure' && code !== 0));
      if (again) {
        const t = setTimeout(() => {
          p.timers.delete(t);
          if (p.killing || this.pods.get(p.ref.uid) !== p) return;
          c.status.lastState = { terminated: c.status.state.terminated! };
          c.status.restartCount++;
          void this.startContainer(p, c);
        }, this.opts.restartDelayMs ?? 200);
        p.timers.add(t);
      }
      return code;
    });
  }

  private runningContainer(pod: PodRef, name: string): HostContainer {
    const c = this.pods.get(pod.uid)?.containers.find((x) => x.spec.name === name);
    if (!c?.proc) throw new Error(`container not found ("${name}")`);
    return c;
  }

  private envFor(pod: PodRef, spec: ContainerSpec): Record<string, string> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', HOME: process.env.HOME ?? '/root', TERM: 'xterm',
      HOSTNAME: pod.name, BERTH_POD: `${pod.namespace}/${pod.name}`, BERTH_CONTAINER: spec.name,
    };
    for (const e of spec.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
    return env;
  }

  private changed(uid: string): void {
    for (const l of this.listeners) l(uid);
  }
}

/** Client input into a process, pausing the client while the process is not reading; EOF ends its input. */
function forwardInput(stdin: NonNullable<ContainerStreams['stdin']>, proc: HostProcess, endOnEof: boolean): void {
  stdin.on('data', (d: Buffer) => {
    if (!proc.write(d)) {
      stdin.pause();
      proc.onDrain(() => stdin.resume());
    }
  });
  stdin.once('end', () => {
    if (endOnEof) proc.endInput();
  });
}
