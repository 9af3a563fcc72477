// One pod on the process runtime, as the kubelet's pod worker and kuberuntime_manager run it: volumes, then the
// sandbox (network, hostname), then init containers one at a time (sidecars stay running), then the app
// containers, each restarted by its restartPolicy with CrashLoopBackOff; deletion stops the containers (preStop,
// stop signal, grace period, SIGKILL) and then the sandbox. Every state change goes to `changed`, from which the
// agent publishes the pod's status.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tryParseQuantity } from '../../apimachinery/quantity.js';
import type { RuntimeContainer, RuntimePod } from '../runtime.js';
import { goDuration } from '../../apimachinery/duration.js';
import { imageID, normalizeImage } from '../sim-runtime.js';
import { ContainerSpec, ContainerState, ContainerStatus, Pod, rfc3339 } from '../types.js';
import type { CgroupLimits } from './cgroups.js';
import { containerCapabilities } from './capabilities.js';
import { ContainerExit, ContainerInstance, RUNTIME_SCHEME } from './container.js';
import { StartError } from './helper.js';
import { containerEnv, hostsFile, imageConfig, openCriLog, podHostname, resolvConf } from './kubelet-shim.js';
import type { PodContext } from './pod-context.js';
import { Sandbox } from './sandbox.js';
import { PodVolumes, VolumeError } from './volumes.js';

const MIN_GRACE_MS = 2000; // kuberuntime_container.go minimumGracePeriodInSeconds

interface Slot {
  spec: ContainerSpec;
  kind: 'init' | 'app';
  status: RuntimeContainer;
  instance?: ContainerInstance;
  /** Restarts since the back-off was last reset; the delay doubles with each. */
  backOffStep: number;
  lastExitAt?: number;
}

export class PodWorker {
  readonly state: RuntimePod;
  private pod: Pod;
  private podIP: string;
  private sandbox?: Sandbox;
  private volumes?: PodVolumes;
  private readonly slots = new Map<string, Slot>();
  private killing?: Promise<void>;
  private readonly stopped = new AbortController();
  /** Settles when live() and every container loop it started have returned. */
  private lived: Promise<void> = Promise.resolve();
  private readonly loops = new Set<Promise<void>>();
  /** The grace period of a deletion in progress, for containers that finish starting after it began. */
  private killGraceMs = MIN_GRACE_MS;
  private readonly podDir: string;
  private readonly qos: string;

  constructor(pod: Pod, podIP: string, private readonly ctx: PodContext) {
    this.pod = pod;
    this.podIP = podIP;
    const uid = pod.metadata.uid!;
    this.podDir = join(ctx.podsDir, uid);
    this.qos = (pod.status?.qosClass ?? 'BestEffort').toLowerCase();
    this.state = { uid, sandboxReady: false, initContainers: [], containers: [], killed: false };
    const previous = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    const hasInit = (pod.spec.initContainers?.length ?? 0) > 0;
    const add = (spec: ContainerSpec, kind: 'init' | 'app', first: boolean) => {
      const image = normalizeImage(spec.image ?? '');
      // As the kubelet shows a pod being set up: the container about to be created, the others initializing.
      const reason = (kind === 'init' && first) || (kind === 'app' && !hasInit) ? 'ContainerCreating' : 'PodInitializing';
      const status: RuntimeContainer = {
        name: spec.name, image, imageID: imageID(image), state: { waiting: { reason } },
        lastState: {}, restartCount: 0, ready: false, started: false,
      };
      // A pod this runtime ran before Berth stopped (a node reboot, to the pod): its containers start again, with
      // the restart counted and the lost run kept as lastState, as the kubelet reports after a reboot.
      const prev = previous.find((s) => s.name === spec.name);
      if (prev?.containerID?.startsWith(`${RUNTIME_SCHEME}://`)) {
        status.restartCount = prev.restartCount + (prev.state.running || prev.state.terminated ? 1 : 0);
        status.lastState = prev.state.running
          ? { terminated: { exitCode: 255, reason: 'Unknown', startedAt: prev.state.running.startedAt, finishedAt: rfc3339(new Date()), containerID: prev.containerID } }
          : prev.state.terminated ? { terminated: { ...prev.state.terminated } } : structuredClone(prev.lastState ?? {});
      }
      const slot: Slot = { spec, kind, status, backOffStep: 0 };
      this.slots.set(`${kind}/${spec.name}`, slot);
      (kind === 'init' ? this.state.initContainers : this.state.containers).push(status);
    };
    (pod.spec.initContainers ?? []).forEach((c, i) => add(c, 'init', i === 0));
    for (const c of pod.spec.containers ?? []) add(c, 'app', false);
  }

  /** Starts the pod's life; the promise settles when the pod is done (killed or all containers finished). */
  run(): void {
    this.lived = this.live().catch((e) => this.ctx.log(`pod ${this.describe()}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`));
  }

  update(pod: Pod): void {
    if (pod.metadata.uid === this.pod.metadata.uid) this.pod = pod;
  }

  /** The container running now under this name (exec, attach, logs). */
  instanceOf(name: string): { instance?: ContainerInstance; spec?: ContainerSpec; status?: RuntimeContainer } {
    const slot = this.slots.get(`app/${name}`) ?? this.slots.get(`init/${name}`);
    return { instance: slot?.instance, spec: slot?.spec, status: slot?.status };
  }

  get sandboxPid(): number | undefined {
    return this.sandbox?.alive ? this.sandbox.pid : undefined;
  }

  // ---- the pod's life -------------------------------------------------------------------------------------

  private async live(): Promise<void> {
    mkdirSync(this.podDir, { recursive: true, mode: 0o700 });
    this.ctx.cgroups.create(this.podCgroup());
    this.volumes = new PodVolumes(this.pod, join(this.podDir, 'volumes'), this.ctx);
    await this.retry('volumes', async () => this.volumes!.setUp());
    if (this.isStopping()) return;
    await this.retry('sandbox', async () => {
      this.sandbox = await Sandbox.create({
        hostname: podHostname(this.pod).hostname, podIP: this.podIP, prefixLength: this.ctx.network.prefixLength,
        gateway: this.ctx.network.gatewayFor(this.pod.spec.nodeName!), clusterCidr: this.ctx.network.clusterCidr,
        bridge: this.ctx.network.bridge, veth: this.ctx.names.vethFor(this.pod.metadata.uid!),
        cgroupProcs: this.sandboxCgroup(),
      });
    });
    if (this.isStopping()) return;
    this.writeEtcFiles();
    this.state.sandboxReady = true;
    this.state.podIP = this.podIP;
    this.changed();

    for (const slot of this.slotsOf('init')) {
      if (this.isStopping()) return;
      if (slot.spec.restartPolicy === 'Always') {
        // A sidecar: keeps running beside the app containers; the next init container waits until it started.
        this.track(this.keepRunning(slot));
        await this.until(() => slot.status.started || this.isStopping());
        continue;
      }
      for (;;) {
        const exit = await this.runOnce(slot);
        if (this.isStopping()) return;
        if (exit && exit.exitCode === 0) break;
        if ((this.pod.spec.restartPolicy ?? 'Always') === 'Never') return this.finish();
        await this.backOff(slot);
        if (this.isStopping()) return;
      }
    }
    if (this.isStopping()) return;
    for (const slot of this.slotsOf('app')) slot.status.state = { waiting: { reason: 'ContainerCreating' } };
    this.changed();
    await Promise.all(this.slotsOf('app').map((slot) => this.track(this.keepRunning(slot))));
    if (!this.isStopping()) await this.finish();
  }

  private track(loop: Promise<void>): Promise<void> {
    this.loops.add(loop);
    return loop.finally(() => this.loops.delete(loop));
  }

  /** Runs a container and restarts it as its restart policy says until the pod stops. */
  private async keepRunning(slot: Slot): Promise<void> {
    const policy = slot.kind === 'init' ? 'Always' : this.pod.spec.restartPolicy ?? 'Always';
    for (;;) {
      const exit = await this.runOnce(slot);
      if (this.isStopping()) return;
      const failed = !exit || exit.exitCode !== 0;
      if (policy === 'Never' || (policy === 'OnFailure' && !failed)) return;
      await this.backOff(slot);
      if (this.isStopping()) return;
    }
  }

  /**
   * One run: image, configuration, start, wait. Undefined when it could not start (its waiting or terminated
   * state says why).
   */
  private async runOnce(slot: Slot): Promise<ContainerExit | undefined> {
    const spec = slot.spec;
    const image = imageConfig(spec.image ?? '');
    if (!image) {
      this.setWaiting(slot, 'ErrImagePull', `image ${spec.image} is not in the image catalog`);
      return undefined;
    }
    const env: Record<string, string> = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' };
    for (const kv of image.env) {
      const eq = kv.indexOf('=');
      if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
    env.HOSTNAME = podHostname(this.pod).hostname;
    Object.assign(env, containerEnv(this.pod, spec, this.podIP));
    const argv = commandLine(spec, image.entrypoint, image.cmd);
    if (argv.length === 0) {
      this.setWaiting(slot, 'CreateContainerError', 'no command specified');
      return undefined;
    }
    const sc = { ...this.pod.spec.securityContext, ...spec.securityContext };
    const uid = sc.runAsUser ?? 0;
    if (sc.runAsNonRoot && uid === 0) {
      this.setWaiting(slot, 'CreateContainerConfigError', 'container has runAsNonRoot and image will run as root ' +
        `(pod: "${this.pod.metadata.name}_${this.pod.metadata.namespace}(${this.pod.metadata.uid})", container: ${spec.name})`);
      return undefined;
    }
    let volumeMounts;
    try {
      volumeMounts = this.volumes!.mountsFor(spec, env);
    } catch (e) {
      if (!(e instanceof VolumeError)) throw e;
      this.setWaiting(slot, 'CreateContainerConfigError', e.message);
      return undefined;
    }
    const restartCount = slot.status.restartCount;
    const instance = new ContainerInstance({
      dir: join(this.podDir, 'containers', `${spec.name}-${restartCount}`),
      sandbox: this.sandbox!,
      cgroups: this.ctx.cgroups,
      cgroup: `${this.podCgroup()}/${spec.name}-${restartCount}`,
      limits: cgroupLimits(spec),
      filesystem: {
        readOnlyRoot: !!spec.securityContext?.readOnlyRootFilesystem,
        privileged: !!spec.securityContext?.privileged,
        hide: this.ctx.hide,
        hosts: join(this.podDir, 'etc-hosts'),
        resolvConf: join(this.podDir, 'resolv.conf'),
        hostname: join(this.podDir, 'hostname'),
        terminationMessagePath: spec.terminationMessagePath ?? '/dev/termination-log',
        volumes: volumeMounts,
        workingDir: spec.workingDir || image.workingDir || '/',
      },
      process: {
        argv, env, uid, gid: sc.runAsGroup ?? 0,
        groups: [...(this.pod.spec.securityContext?.supplementalGroups ?? []), ...(this.pod.spec.securityContext?.fsGroup !== undefined ? [this.pod.spec.securityContext.fsGroup] : [])],
        capabilities: containerCapabilities(spec.securityContext),
        noNewPrivileges: spec.securityContext?.allowPrivilegeEscalation === false,
        stdin: !!spec.stdin, tty: !!spec.tty,
        oomScoreAdj: this.qos === 'guaranteed' ? -997 : this.qos === 'besteffort' ? 1000 : 500,
      },
      log: openCriLog(join(this.ctx.logsDir, `${this.pod.metadata.namespace}_${this.pod.metadata.name}_${this.pod.metadata.uid}`, spec.name, `${restartCount}.log`)),
    });
    try {
      await instance.start();
    } catch (e) {
      if (!(e instanceof StartError)) throw e;
      const now = rfc3339(new Date());
      slot.status.containerID = instance.containerID;
      slot.status.state = { terminated: { exitCode: 128, reason: 'StartError', message: `failed to create containerd task: failed to create shim task: OCI runtime create failed: ${e.message}: unknown`, startedAt: now, finishedAt: now, containerID: instance.containerID } };
      slot.status.ready = false;
      slot.status.started = false;
      slot.lastExitAt = Date.now();
      this.ctx.event(this.pod, 'Warning', 'Failed', `Error: ${e.message}`, this.fieldPath(slot));
      this.changed();
      return undefined;
    }
    slot.instance = instance;
    // A deletion that began while it was starting stops it as it stops the others.
    if (this.isStopping()) void instance.stop(this.killGraceMs, this.stopSignalOf(slot));
    slot.status.containerID = instance.containerID;
    slot.status.state = { running: { startedAt: rfc3339(instance.startedAt!) } };
    slot.status.started = true;
    slot.status.ready = slot.kind === 'app' || slot.spec.restartPolicy === 'Always';
    this.changed();
    const exit = await instance.exited;
    slot.lastExitAt = Date.now();
    slot.status.state = { terminated: terminatedState(exit, instance.containerID) };
    slot.status.ready = false;
    slot.status.started = false;
    this.changed();
    return exit;
  }

  /** CrashLoopBackOff: the first restart at once, then 10 s doubling to 5 min; reset after 10 min of running. */
  private async backOff(slot: Slot): Promise<void> {
    const ranFor = slot.lastExitAt && slot.instance?.startedAt ? slot.lastExitAt - slot.instance.startedAt.getTime() : 0;
    if (ranFor > this.ctx.backOff.resetMs) slot.backOffStep = 0;
    const terminated = slot.status.state.terminated;
    if (terminated) slot.status.lastState = { terminated };
    if (slot.backOffStep > 0) {
      const delay = Math.min(this.ctx.backOff.maxMs, this.ctx.backOff.baseMs * 2 ** (slot.backOffStep - 1));
      const p = this.pod.metadata;
      slot.status.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${goDuration(delay)} restarting failed container=${slot.spec.name} pod=${p.name}_${p.namespace}(${p.uid})` } };
      this.changed();
      await this.sleep(delay);
    }
    slot.backOffStep++;
    if (terminated) slot.status.restartCount++;
  }

  private setWaiting(slot: Slot, reason: string, message: string): void {
    slot.status.state = { waiting: { reason, message } };
    slot.status.ready = false;
    slot.lastExitAt = Date.now();
    this.ctx.event(this.pod, 'Warning', 'Failed', `Error: ${message}`, this.fieldPath(slot));
    this.changed();
  }

  /** Nothing will run again: the sandbox goes, the statuses stay. */
  private async finish(): Promise<void> {
    await this.teardown();
    this.changed();
  }

  // ---- stopping -------------------------------------------------------------------------------------------

  /** Stops every container (apps first, then sidecars in reverse order) and the sandbox. */
  kill(graceMs: number): Promise<void> {
    this.killing ??= (async () => {
      const grace = Math.max(MIN_GRACE_MS, graceMs);
      this.killGraceMs = grace;
      this.stopped.abort();
      const stopOne = async (slot: Slot) => {
        const inst = slot.instance;
        if (!inst?.running) return;
        await inst.stop(grace, this.stopSignalOf(slot));
      };
      await Promise.all(this.slotsOf('app').map(stopOne));
      for (const slot of this.slotsOf('init').reverse()) await stopOne(slot);
      // Steps in flight (a volume being mounted, the sandbox being made) finish before anything is torn down.
      await this.lived;
      await Promise.all([...this.loops]);
      await this.teardown();
      this.state.killed = true;
      this.changed();
    })();
    return this.killing;
  }

  /** Forgets the pod: everything it had on this machine goes (its logs too). */
  async remove(): Promise<void> {
    await this.kill(0);
    rmSync(this.podDir, { recursive: true, force: true });
    rmSync(join(this.ctx.logsDir, `${this.pod.metadata.namespace}_${this.pod.metadata.name}_${this.pod.metadata.uid}`), { recursive: true, force: true });
  }

  private async teardown(): Promise<void> {
    for (const slot of this.slots.values()) if (slot.instance?.running) slot.instance.signal('SIGKILL');
    await Promise.all([...this.slots.values()].map((s) => s.instance?.exited.catch(() => undefined)));
    await this.sandbox?.destroy();
    this.state.sandboxReady = false;
    await this.volumes?.tearDown();
    await this.ctx.cgroups.destroy(this.podCgroup());
  }

  // ---- plumbing -------------------------------------------------------------------------------------------

  private stopSignalOf(slot: Slot): string {
    return slot.spec.lifecycle?.stopSignal ?? imageConfig(slot.spec.image ?? '')?.stopSignal ?? 'SIGTERM';
  }

  private isStopping(): boolean {
    return this.stopped.signal.aborted;
  }

  private slotsOf(kind: 'init' | 'app'): Slot[] {
    return [...this.slots.values()].filter((s) => s.kind === kind);
  }

  private podCgroup(): string {
    return `${this.qos}/pod${this.pod.metadata.uid}`;
  }

  private sandboxCgroup(): string[] {
    this.ctx.cgroups.create(`${this.podCgroup()}/sandbox`);
    return this.ctx.cgroups.procsFiles(`${this.podCgroup()}/sandbox`);
  }

  private writeEtcFiles(): void {
    writeFileSync(join(this.podDir, 'etc-hosts'), hostsFile(this.pod, this.podIP), { mode: 0o644 });
    writeFileSync(join(this.podDir, 'resolv.conf'), resolvConf(this.pod, this.ctx.clusterDNS), { mode: 0o644 });
    writeFileSync(join(this.podDir, 'hostname'), `${podHostname(this.pod).hostname}\n`, { mode: 0o644 });
  }

  private fieldPath(slot: Slot): string {
    return `spec.${slot.kind === 'init' ? 'initContainers' : 'containers'}{${slot.spec.name}}`;
  }

  private describe(): string {
    return `${this.pod.metadata.namespace}/${this.pod.metadata.name}`;
  }

  private changed(): void {
    this.ctx.changed(this.state.uid);
  }

  /** Retries a setup step with back-off until it works or the pod stops; failures become events. */
  private async retry(what: string, step: () => Promise<void>): Promise<void> {
    for (let attempt = 0; !this.isStopping(); attempt++) {
      try {
        return await step();
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        const reason = what === 'volumes' ? 'FailedMount' : 'FailedCreatePodSandBox';
        this.ctx.event(this.pod, 'Warning', reason, what === 'volumes' ? msg : `Failed to create pod sandbox: ${msg}`);
        await this.sleep(Math.min(this.ctx.backOff.maxMs, 1000 * 2 ** Math.min(attempt, 8)));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.isStopping()) return resolve();
      const t = setTimeout(done, ms);
      const onAbort = () => done();
      this.stopped.signal.addEventListener('abort', onAbort, { once: true });
      function done() {
        clearTimeout(t);
        resolve();
      }
    });
  }

  private async until(cond: () => boolean): Promise<void> {
    while (!cond()) await this.sleep(20);
  }
}

/** command/args against the image's ENTRYPOINT/CMD (upstream's rules, kuberuntime_container.go). */
function commandLine(spec: ContainerSpec, entrypoint: string[], cmd: string[]): string[] {
  if (spec.command?.length) return [...spec.command, ...(spec.args ?? [])];
  if (spec.args?.length) return [...entrypoint, ...spec.args];
  return [...entrypoint, ...cmd];
}

function terminatedState(exit: ContainerExit, containerID: string): NonNullable<ContainerState['terminated']> {
  const reason = exit.oomKilled ? 'OOMKilled' : exit.exitCode === 0 ? 'Completed' : 'Error';
  const t: NonNullable<ContainerState['terminated']> = {
    exitCode: exit.exitCode, reason, startedAt: rfc3339(exit.startedAt), finishedAt: rfc3339(exit.finishedAt), containerID,
  };
  if (exit.signal) t.signal = exit.signal;
  if (exit.terminationMessage) t.message = exit.terminationMessage;
  return t;
}

/** cgroup values from the container's resources (pkg/kubelet/cm/helpers_linux.go). */
function cgroupLimits(spec: ContainerSpec): CgroupLimits {
  const req = spec.resources?.requests ?? {};
  const lim = spec.resources?.limits ?? {};
  const milli = (v: string | undefined) => (v === undefined ? undefined : tryParseQuantity(v)?.milliValue());
  const bytes = (v: string | undefined) => (v === undefined ? undefined : tryParseQuantity(v)?.value());
  const cpuReq = milli(req.cpu ?? lim.cpu);
  const cpuLim = milli(lim.cpu);
  const memLim = bytes(lim.memory);
  const out: CgroupLimits = { cpuShares: cpuReq === undefined ? 2 : Math.max(2, Math.floor((Number(cpuReq) * 1024) / 1000)) };
  if (cpuLim !== undefined) out.cpuQuota = Math.max(1000, Math.floor((Number(cpuLim) * 100_000) / 1000));
  if (memLim !== undefined) out.memoryLimit = Number(memLim);
  return out;
}

export type { ContainerStatus };
