// A container runtime that runs nothing: timers move each pod through what a kubelet would report — sandbox,
// init containers one by one to Completed, app containers Running and Ready, exits, CrashLoopBackOff restarts
// and graceful or forced stops — steered by the pod's sim.berth.dev/* annotations. Each container instance's
// lifecycle (started, exited, stopped) is written to its CRI log, so `kubectl logs` works with every option;
// exec, attach and port-forward are refused with a Status that says how to get real pods.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../apimachinery/errors.js';
import { simBehaviour, SimBehaviour } from './annotations.js';
import { imageID, normalizeImage } from './images/reference.js';
import { Backoff, backOffKey, restartDecision } from './kubelet/backoff.js';
import { exitCodeOf, terminatedState } from './kubelet/exit-status.js';
import type { KubeletApi, PodRef, StreamingTarget } from '../component/kubelet-api.js';
import { PodLogDirectory } from './logs/pod-logs.js';
import type { ContainerLogWriter } from './logs/writer.js';
import type { Runtime, RuntimeContainer, RuntimePod } from './runtime.js';
import { ContainerSpec, ContainerStatus, Pod } from '../api/core.js';
import { rfc3339 } from '../apimachinery/time.js';

export const SIM_RUNTIME_SCHEME = 'berth-sim';

export interface SimRuntimeOptions {
  /** Delay of each step: sandbox, each init container's run, app container creation. */
  startDelayMs?: number;
  /** CrashLoopBackOff: first back-off and cap (kubelet: 10 s doubling to 5 min). */
  backOffBaseMs?: number;
  backOffMaxMs?: number;
  /** How long a container that honours SIGTERM takes to stop. */
  stopDelayMs?: number;
  now?: () => Date;
  /** Root of the containers' CRI logs; default a temporary directory removed by close(). */
  logDir?: string;
}

interface SimPod {
  uid: string;
  name: string;
  namespace: string;
  restartPolicy: string;
  behaviour: SimBehaviour;
  state: RuntimePod;
  timers: Set<NodeJS.Timeout>;
  killing?: Promise<void>;
  logs: PodLogDirectory;
  /** The log writer of each container's current instance. */
  writers: Map<RuntimeContainer, ContainerLogWriter>;
}

/** Why a simulated pod cannot stream, and how to get one that can. */
export function simulatedRefusal(target: Pick<StreamingTarget, 'kind' | 'pod'>): ApiError {
  const what = target.kind === 'portforward' ? 'forward ports to' : target.kind === 'attach' ? 'attach to' : 'exec into';
  return new ApiError(400, 'BadRequest',
    `pod ${target.pod.namespace}/${target.pod.name} runs on Berth's simulated runtime, which starts no processes: there is nothing to ${what}. ` +
    'For real pods, run "berth up --runtime process" as root on Linux.');
}

export class SimRuntime implements Runtime {
  private readonly pods = new Map<string, SimPod>();
  private readonly listeners: ((uid: string) => void)[] = [];
  private readonly startDelayMs: number;
  private readonly backOff: Backoff;
  private readonly stopDelayMs: number;
  private readonly now: () => Date;
  private closed = false;
  private logRoot?: string;
  private readonly ownLogRoot: boolean;

  /** Exec, attach and port-forward are refused (nothing runs); logs show each container's lifecycle. */
  readonly kubelet: KubeletApi = {
    prepare: (target) => {
      throw simulatedRefusal(target);
    },
    exec: async (pod) => {
      throw simulatedRefusal({ kind: 'exec', pod });
    },
    attach: async (pod) => {
      throw simulatedRefusal({ kind: 'attach', pod });
    },
    portForward: async (pod) => {
      throw simulatedRefusal({ kind: 'portforward', pod });
    },
    logs: async (pod, container, opts, out, signal) => {
      const sp = this.pods.get(pod.uid);
      if (!sp) throw new ApiError(404, 'NotFound', `pod "${pod.name}" does not exist`);
      const c = [...sp.state.initContainers, ...sp.state.containers, ...(sp.state.ephemeralContainers ?? [])].find((x) => x.name === container);
      await sp.logs.serve(container, c, opts, out, signal);
    },
  };

  constructor(opts: SimRuntimeOptions = {}) {
    this.startDelayMs = opts.startDelayMs ?? 300;
    this.stopDelayMs = opts.stopDelayMs ?? Math.min(this.startDelayMs, 100);
    this.now = opts.now ?? (() => new Date());
    this.backOff = new Backoff({ initialMs: opts.backOffBaseMs, maxMs: opts.backOffMaxMs, now: () => this.now().getTime() });
    this.logRoot = opts.logDir;
    this.ownLogRoot = !opts.logDir;
  }

  private logsOf(pod: PodRef): PodLogDirectory {
    this.logRoot ??= mkdtempSync(join(tmpdir(), 'berth-sim-logs-'));
    return new PodLogDirectory(this.logRoot, pod, { holdOpen: false });
  }

  onChange(listener: (uid: string) => void): void {
    this.listeners.push(listener);
  }

  podState(uid: string): RuntimePod | undefined {
    return this.pods.get(uid)?.state;
  }

  syncPod(pod: Pod, podIP: string): void {
    const uid = pod.metadata.uid ?? '';
    if (this.closed || !uid || this.pods.has(uid)) return;
    const name = pod.metadata.name ?? '';
    const namespace = pod.metadata.namespace ?? '';
    const sp: SimPod = {
      uid,
      name,
      namespace,
      restartPolicy: pod.spec.restartPolicy ?? 'Always',
      behaviour: simBehaviour(pod, this.startDelayMs),
      state: { uid, sandboxReady: false, initContainers: [], containers: [], killed: false },
      timers: new Set(),
      logs: this.logsOf({ namespace, name, uid }),
      writers: new Map(),
    };
    this.pods.set(uid, sp);
    if (this.adopt(sp, pod, podIP)) return;
    const inits = pod.spec.initContainers ?? [];
    sp.state.initContainers = inits.map((c, i) => newContainer(c, i === 0 ? 'ContainerCreating' : 'PodInitializing'));
    sp.state.containers = (pod.spec.containers ?? []).map((c) => newContainer(c, inits.length ? 'PodInitializing' : 'ContainerCreating'));
    this.after(sp, sp.behaviour.startDelayMs, () => {
      sp.state.sandboxReady = true;
      sp.state.podIP = podIP;
      if (sp.state.initContainers.length) this.runInit(sp, 0);
      else this.startApps(sp);
    });
  }

  killPod(uid: string, gracePeriodMs: number): Promise<void> {
    const sp = this.pods.get(uid);
    if (!sp) return Promise.resolve();
    sp.killing ??= new Promise<void>((resolve) => {
      this.clearTimers(sp);
      const forced = sp.behaviour.ignoreSigterm;
      const delay = forced ? Math.max(0, gracePeriodMs) : Math.min(this.stopDelayMs, Math.max(0, gracePeriodMs));
      const stop = () => {
        for (const c of [...sp.state.initContainers, ...sp.state.containers]) {
          if (c.state.running) this.terminate(sp, c, forced ? exitCodeOf(null, 'SIGKILL') : 0, forced ? 'SIGKILL after the grace period' : 'SIGTERM');
        }
        sp.state.killed = true;
        this.changed(sp);
        resolve();
      };
      const t = setTimeout(() => {
        sp.timers.delete(t);
        stop();
      }, delay);
      sp.timers.add(t);
      // close() clears timers; make sure a pending kill still settles.
      (t as NodeJS.Timeout & { settle?: () => void }).settle = stop;
    });
    return sp.killing;
  }

  removePod(uid: string): void {
    const sp = this.pods.get(uid);
    if (!sp) return;
    this.clearTimers(sp);
    this.pods.delete(uid);
    this.backOff.gc();
    // The kubelet removes a pod's logs with the pod.
    sp.logs.remove().catch(() => {});
  }

  async close(): Promise<void> {
    this.closed = true;
    const flushing: Promise<void>[] = [];
    for (const sp of this.pods.values()) {
      for (const t of sp.timers) (t as NodeJS.Timeout & { settle?: () => void }).settle?.();
      this.clearTimers(sp);
      flushing.push(sp.logs.closeAll().catch(() => {}));
    }
    this.pods.clear();
    await Promise.all(flushing);
    if (this.ownLogRoot && this.logRoot) rmSync(this.logRoot, { recursive: true, force: true });
  }

  // ---- the simulated life of a pod -------------------------------------------------------------------------

  private runInit(sp: SimPod, index: number): void {
    const c = sp.state.initContainers[index];
    this.start(sp, c);
    this.changed(sp);
    this.after(sp, sp.behaviour.startDelayMs, () => {
      const code = index === 0 && sp.behaviour.initExitCode !== undefined ? sp.behaviour.initExitCode : 0;
      this.terminate(sp, c, code);
      if (code !== 0) {
        // A failed init container restarts unless the pod never restarts (then the pod fails).
        if (sp.restartPolicy !== 'Never') this.scheduleRestart(sp, c, () => this.runInit(sp, index));
        return;
      }
      const next = sp.state.initContainers[index + 1];
      if (next) return this.runInit(sp, index + 1);
      for (const app of sp.state.containers) app.state = { waiting: { reason: 'ContainerCreating' } };
      this.changed(sp);
      this.after(sp, sp.behaviour.startDelayMs, () => this.startApps(sp));
    });
  }

  private startApps(sp: SimPod): void {
    for (const c of sp.state.containers) this.runApp(sp, c);
    this.changed(sp);
  }

  private runApp(sp: SimPod, c: RuntimeContainer): void {
    this.start(sp, c);
    const b = sp.behaviour;
    if (!b.neverReady) {
      if (b.readyAfterMs <= 0) c.ready = true;
      else this.after(sp, b.readyAfterMs, () => { if (c.state.running) c.ready = true; });
    }
    if (b.exitCode !== undefined) {
      const code = b.exitCode;
      this.after(sp, b.runMs, () => {
        this.terminate(sp, c, code);
        const restart = sp.restartPolicy === 'Always' || (sp.restartPolicy === 'OnFailure' && code !== 0);
        if (restart) this.scheduleRestart(sp, c, () => this.runApp(sp, c));
      });
    }
  }

  /**
   * The kubelet restarts a crashed container at once the first time; after that it waits in CrashLoopBackOff
   * (the shared container back-off: base doubling to the cap) with the last run kept in lastState.
   */
  private scheduleRestart(sp: SimPod, c: RuntimeContainer, run: () => void): void {
    const pod = simPodRef(sp);
    const finishedAt = this.now().getTime();
    const decision = restartDecision(this.backOff, pod, c.name, finishedAt);
    if (decision.restart) {
      this.after(sp, sp.behaviour.startDelayMs, () => {
        c.lastState = { terminated: c.state.terminated! };
        c.restartCount++;
        run();
      });
      return;
    }
    const wait = decision.retryInMs;
    this.after(sp, Math.min(sp.behaviour.startDelayMs, wait), () => {
      c.lastState = { terminated: c.state.terminated! };
      c.state = { waiting: { reason: decision.reason, message: decision.message } };
    });
    this.after(sp, wait, () => {
      // The window closed: the kubelet records the restart in the back-off and starts the container.
      this.backOff.next(backOffKey(pod, c.name), finishedAt);
      c.restartCount++;
      run();
    });
  }

  private start(sp: SimPod, c: RuntimeContainer): void {
    c.containerID = `${SIM_RUNTIME_SCHEME}://${randomBytes(32).toString('hex')}`;
    const at = rfc3339(this.now());
    c.state = { running: { startedAt: at } };
    c.started = true;
    c.ready = false;
    const writer = sp.logs.startInstance(c.name, c.containerID, c.restartCount);
    sp.writers.set(c, writer);
    writer.writeLine('stdout', `simulated container "${c.name}" started at ${at} (image ${c.image}); Berth's simulated runtime runs no process in it`).catch(() => {});
  }

  /** `signal`: the container was stopped (killPod) rather than exiting by itself. */
  private terminate(sp: SimPod, c: RuntimeContainer, exitCode: number, signal?: string): void {
    const at = rfc3339(this.now());
    const terminated = terminatedState({ exitCode, startedAt: c.state.running?.startedAt ?? undefined, finishedAt: at, containerID: c.containerID });
    c.state = { terminated };
    c.ready = false;
    c.started = false;
    const writer = sp.writers.get(c);
    if (writer) {
      sp.writers.delete(c);
      const line = signal
        ? `simulated container "${c.name}" stopped at ${at} (${signal}), exit code ${exitCode}`
        : `simulated container "${c.name}" exited at ${at} with code ${exitCode} (${terminated.reason})`;
      writer.writeLine('stdout', line).then(() => writer.close()).catch(() => {});
    }
  }


  /** Picks up a pod this runtime ran before a restart of the agent, from the status it had published. */
  private adopt(sp: SimPod, pod: Pod, podIP: string): boolean {
    const st = pod.status ?? {};
    const statuses = st.containerStatuses ?? [];
    const ours = statuses.some((s) => s.containerID?.startsWith(`${SIM_RUNTIME_SCHEME}://`));
    if (!ours) return false;
    const fromStatus = (s: ContainerStatus): RuntimeContainer => ({
      name: s.name, image: s.image, imageID: s.imageID, containerID: s.containerID,
      state: structuredClone(s.state ?? {}), lastState: structuredClone(s.lastState ?? {}),
      restartCount: s.restartCount, ready: s.ready, started: s.started ?? !!s.state?.running,
    });
    sp.state.sandboxReady = true;
    sp.state.podIP = podIP;
    sp.state.initContainers = (st.initContainerStatuses ?? []).map(fromStatus);
    sp.state.containers = statuses.map(fromStatus);
    // Resume what was in flight: readiness, planned exits and pending restarts.
    for (const c of sp.state.containers) {
      if (c.state.running) {
        if (!c.ready && !sp.behaviour.neverReady) this.after(sp, sp.behaviour.readyAfterMs, () => { if (c.state.running) c.ready = true; });
        if (sp.behaviour.exitCode !== undefined) {
          const code = sp.behaviour.exitCode;
          this.after(sp, sp.behaviour.runMs, () => {
            this.terminate(sp, c, code);
            if (sp.restartPolicy === 'Always' || (sp.restartPolicy === 'OnFailure' && code !== 0)) this.scheduleRestart(sp, c, () => this.runApp(sp, c));
          });
        }
      } else if (c.state.waiting || c.state.terminated) {
        const failed = c.state.terminated ? c.state.terminated.exitCode !== 0 : true;
        if (sp.restartPolicy === 'Always' || (sp.restartPolicy === 'OnFailure' && failed)) {
          this.after(sp, sp.behaviour.startDelayMs, () => this.runApp(sp, c));
        }
      }
    }
    return true;
  }

  // ---- plumbing --------------------------------------------------------------------------------------------

  private after(sp: SimPod, ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      sp.timers.delete(t);
      if (this.pods.get(sp.uid) !== sp || sp.state.killed || sp.killing) return;
      fn();
      this.changed(sp);
    }, ms);
    sp.timers.add(t);
  }

  private clearTimers(sp: SimPod): void {
    for (const t of sp.timers) clearTimeout(t);
    sp.timers.clear();
  }

  private changed(sp: SimPod): void {
    for (const l of this.listeners) {
      try {
        l(sp.uid);
      } catch {
        // a listener's failure is its own business
      }
    }
  }
}

/** The pod identity the back-off keys and messages use. */
const simPodRef = (sp: SimPod): Pod => ({ metadata: { name: sp.name, namespace: sp.namespace, uid: sp.uid }, spec: { containers: [] } });

function newContainer(spec: ContainerSpec, waitingReason: string): RuntimeContainer {
  const image = normalizeImage(spec.image ?? '');
  return {
    name: spec.name, image, imageID: imageID(image),
    state: { waiting: { reason: waitingReason } }, lastState: {},
    restartCount: 0, ready: false, started: false,
  };
}
