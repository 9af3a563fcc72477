// Periodic probing of one container, as kubernetes pkg/kubelet/prober/worker.go (one worker per container and
// probe type), results_manager.go (results per container ID, updates only on change) and prober_manager.go
// (started and ready as UpdatePodStatus computes them) do it, plus the kill the kubelet derives from a failed
// liveness or startup probe (kuberuntime_manager.go computePodActions, killContainer). Time comes from an
// injectable clock so tests do not sleep.
import type { ContainerSpec, Pod, Probe } from '../../../api/core.js';
import type { KubeletEvent } from '../events.js';
import { probe as runProber, probeWithDefaults, type DefaultedProbe, type ProbeRun, type ProbeTarget } from './prober.js';
import type { ProbeType, ResultValue } from './results.js';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** The container's status as the kubelet's status manager holds it (what a worker reads on each tick). */
export interface ProbedContainer {
  /** Pod phase; a worker ends when the pod is Succeeded or Failed. */
  podPhase?: string;
  /** `<runtime>://<id>` once the container exists. */
  containerID?: string;
  /** Set while running: when it started (ms since the epoch). */
  running?: { startedAt: number };
  terminated?: boolean;
  /** containerStatus.started (the startup probe passed, or there is none). */
  started?: boolean;
}

/** One result change (results.Update). */
export interface ProbeUpdate {
  probeType: ProbeType;
  containerID: string;
  result: ResultValue;
}

/** results.Manager for the three probe types: per container ID, announcing only changes. */
export class ProbeResults {
  private readonly values = new Map<string, ResultValue>();

  constructor(private readonly onUpdate: (u: ProbeUpdate) => void = () => {}) {}

  get(probeType: ProbeType, containerID: string): ResultValue | undefined {
    return this.values.get(`${probeType}/${containerID}`);
  }

  set(probeType: ProbeType, containerID: string, result: ResultValue): void {
    const key = `${probeType}/${containerID}`;
    if (this.values.get(key) === result) return;
    this.values.set(key, result);
    this.onUpdate({ probeType, containerID, result });
  }

  remove(probeType: ProbeType, containerID: string): void {
    this.values.delete(`${probeType}/${containerID}`);
  }
}

export interface ProbeWorkerOptions {
  probeType: ProbeType;
  pod: Pod;
  container: ContainerSpec;
  /** The container's current status; undefined while the pod has none. */
  status: () => ProbedContainer | undefined;
  /** Runs the probe once (prober.probe). */
  run: (probeType: ProbeType, spec: Probe) => Promise<ProbeRun>;
  results: ProbeResults;
  onEvent?: (event: KubeletEvent) => void;
  clock?: Clock;
  /** Called once the worker has stopped for good. */
  onExit?: () => void;
}

/** The value a result holds before the first probe (worker.go initialValue). */
const INITIAL: Record<ProbeType, ResultValue> = { readiness: 'Failure', liveness: 'Success', startup: 'Unknown' };

/** worker: probes on start, then every periodSeconds (or at once when triggered), until stopped. */
export class ProbeWorker {
  readonly spec: DefaultedProbe;
  private containerID = '';
  private lastResult: ResultValue | undefined;
  private resultRun = 0;
  private onHold = false;
  private timer: unknown;
  private busy = false;
  private triggered = false;
  private stopped = false;
  private readonly clock: Clock;

  constructor(private readonly opts: ProbeWorkerOptions) {
    const spec = opts.probeType === 'liveness' ? opts.container.livenessProbe : opts.probeType === 'readiness' ? opts.container.readinessProbe : opts.container.startupProbe;
    if (!spec) throw new Error(`container ${opts.container.name} has no ${opts.probeType} probe`);
    this.spec = probeWithDefaults(spec);
    this.clock = opts.clock ?? systemClock;
  }

  get probeType(): ProbeType {
    return this.opts.probeType;
  }

  start(): void {
    void this.tick();
  }

  /** A manual run (prober_manager's trigger): now, and the period restarts from here. */
  trigger(): void {
    if (this.stopped) return;
    if (this.busy) {
      this.triggered = true;
      return;
    }
    this.clock.clearTimeout(this.timer);
    void this.tick();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
    if (!this.busy) this.cleanup();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    this.busy = true;
    const started = this.clock.now();
    let keepGoing = true;
    try {
      keepGoing = await this.doProbe();
    } catch {
      // a crash in one probe does not stop the worker (HandleCrash)
    }
    this.busy = false;
    if (!keepGoing) this.stopped = true;
    if (this.stopped) return this.cleanup();
    if (this.triggered) {
      this.triggered = false;
      return void this.tick();
    }
    const period = this.spec.periodSeconds * 1000;
    this.timer = this.clock.setTimeout(() => void this.tick(), Math.max(0, started + period - this.clock.now()));
  }

  private cleanup(): void {
    if (this.containerID) this.opts.results.remove(this.opts.probeType, this.containerID);
    this.opts.onExit?.();
  }

  /** doProbe: returns whether to keep going. */
  private async doProbe(): Promise<boolean> {
    const { probeType, pod, results } = this.opts;
    const status = this.opts.status();
    if (!status) return true; // no status yet (or any more)
    if (status.podPhase === 'Failed' || status.podPhase === 'Succeeded') return false;
    if (!status.containerID) return true; // not created yet
    if (this.containerID !== status.containerID) {
      if (this.containerID) results.remove(probeType, this.containerID);
      this.containerID = status.containerID;
      results.set(probeType, this.containerID, INITIAL[probeType]);
      this.onHold = false; // a new container: probe again
    }
    if (this.onHold) return true;
    if (!status.running) {
      results.set(probeType, this.containerID, 'Failure');
      // Stop when the container will not be restarted.
      return !status.terminated || pod.spec.restartPolicy !== 'Never';
    }
    if (pod.metadata.deletionTimestamp && (probeType === 'liveness' || probeType === 'startup')) {
      // Graceful shutdown: a last success keeps it quiet.
      results.set(probeType, this.containerID, 'Success');
      return false;
    }
    if (Math.trunc((this.clock.now() - status.running.startedAt) / 1000) < this.spec.initialDelaySeconds) return true;
    if (status.started) {
      if (probeType === 'startup') return true; // done once started; kept for a restarted container
    } else if (probeType !== 'startup') {
      return true; // the other probes wait for the startup probe
    }

    const run = await this.opts.run(probeType, this.spec);
    if (run.event) this.opts.onEvent?.(run.event);
    if (run.error !== undefined) return true; // a prober error: the result is thrown away
    if (this.stopped) return false;
    if (this.lastResult === run.result) this.resultRun++;
    else {
      this.lastResult = run.result;
      this.resultRun = 1;
    }
    if ((run.result === 'Failure' && this.resultRun < this.spec.failureThreshold)
      || (run.result === 'Success' && this.resultRun < this.spec.successThreshold)) {
      return true; // below the threshold: no change
    }
    results.set(probeType, this.containerID, run.result);
    if ((probeType === 'liveness' && run.result === 'Failure') || probeType === 'startup') {
      // The container will be restarted (or has started): wait for a new container ID.
      this.onHold = true;
      this.resultRun = 0;
    }
    return true;
  }
}

/** The kill a failed liveness or startup probe leads to. */
export interface ProbeKill {
  probeType: 'liveness' | 'startup';
  containerID: string;
  /** Whether the container is started again afterwards (restartPolicy is not Never). */
  restart: boolean;
  /** The `Killing` event on the container. */
  event: KubeletEvent;
  /** The probe's terminationGracePeriodSeconds, else the pod's (killContainer's setTerminationGracePeriod). */
  gracePeriodSeconds: number;
}

/** computePodActions' message for a container whose liveness or startup probe failed. */
export function probeKill(pod: Pod, container: ContainerSpec, probeType: 'liveness' | 'startup', containerID: string): ProbeKill {
  const restart = (pod.spec.restartPolicy ?? 'Always') !== 'Never';
  let message = `Container ${container.name} failed ${probeType} probe`;
  if (restart) message += ', will be restarted';
  const probeSpec = probeType === 'liveness' ? container.livenessProbe : container.startupProbe;
  const gracePeriodSeconds = pod.metadata.deletionGracePeriodSeconds
    ?? probeSpec?.terminationGracePeriodSeconds
    ?? pod.spec.terminationGracePeriodSeconds
    ?? 2; // minimumGracePeriodInSeconds
  return { probeType, containerID, restart, event: { type: 'Normal', reason: 'Killing', message }, gracePeriodSeconds };
}

export interface ContainerProberOptions {
  pod: Pod;
  container: ContainerSpec;
  status: () => ProbedContainer | undefined;
  /** Where probes go: the pod IP and the exec runner (read on every run). */
  target: () => Omit<ProbeTarget, 'pod' | 'container'>;
  /** Result changes: readiness and startup change status; liveness/startup Failure come with a kill. */
  onUpdate?: (update: ProbeUpdate, kill?: ProbeKill) => void;
  onEvent?: (event: KubeletEvent) => void;
  clock?: Clock;
  /** Replaces the real prober (tests). */
  run?: (probeType: ProbeType, spec: Probe) => Promise<ProbeRun>;
}

/** The prober manager's part for one container: its workers, results, started/ready and kills. */
export class ContainerProber {
  readonly results: ProbeResults;
  private readonly workers = new Map<ProbeType, ProbeWorker>();

  constructor(private readonly opts: ContainerProberOptions) {
    const { pod, container } = opts;
    this.results = new ProbeResults((u) => {
      let kill: ProbeKill | undefined;
      if ((u.probeType === 'liveness' || u.probeType === 'startup') && u.result === 'Failure') kill = probeKill(pod, container, u.probeType, u.containerID);
      opts.onUpdate?.(u, kill);
    });
    const run = opts.run ?? ((t: ProbeType, spec: Probe) => runProber(t, spec, { pod, container, ...opts.target() }));
    for (const probeType of ['startup', 'liveness', 'readiness'] as const) {
      const has = probeType === 'startup' ? container.startupProbe : probeType === 'liveness' ? container.livenessProbe : container.readinessProbe;
      if (!has) continue;
      const worker = new ProbeWorker({
        probeType, pod, container, status: opts.status, run, results: this.results, onEvent: opts.onEvent, clock: opts.clock,
        onExit: () => { if (this.workers.get(probeType) === worker) this.workers.delete(probeType); },
      });
      this.workers.set(probeType, worker);
    }
  }

  start(): void {
    for (const w of this.workers.values()) w.start();
  }

  /** isContainerStarted: running, and the startup probe succeeded or there is none. */
  started(status: ProbedContainer | undefined = this.opts.status()): boolean {
    if (!status?.running || !status.containerID) return false;
    const r = this.results.get('startup', status.containerID);
    if (r !== undefined) return r === 'Success';
    return !this.workers.has('startup');
  }

  /**
   * UpdatePodStatus' readiness: started and running, and the readiness probe succeeded or there is none. A
   * readiness probe that has not passed is triggered at once (so a new container turns ready quickly).
   */
  ready(status: ProbedContainer | undefined = this.opts.status()): boolean {
    if (!this.started(status) || !status?.running) return false;
    if (this.results.get('readiness', status.containerID!) === 'Success') return true;
    const w = this.workers.get('readiness');
    w?.trigger();
    return !w;
  }

  /** StopLivenessAndStartup: for a pod that is terminating. */
  stopLivenessAndStartup(): void {
    this.workers.get('liveness')?.stop();
    this.workers.get('startup')?.stop();
  }

  stop(): void {
    for (const w of [...this.workers.values()]) w.stop();
  }
}
