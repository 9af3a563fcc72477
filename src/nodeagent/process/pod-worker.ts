// One pod on the process runtime, as the kubelet's pod worker and kuberuntime_manager run it: volumes, then the
// sandbox (network, hostname), then init containers one at a time (sidecars stay running), then the app
// containers, each restarted by its restartPolicy with CrashLoopBackOff, probed (startup, liveness, readiness) and
// with its lifecycle hooks; deletion stops the containers (preStop, stop signal, grace period, SIGKILL) and then the
// sandbox. Every state change goes to `changed`, from which the agent publishes the pod's status. What the kubelet
// computes (environment, /etc/hosts, resolv.conf, command, back-off, probes, exit reasons, cgroup values) comes
// from ../kubelet/.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageID, normalizeImage } from '../images/reference.js';
import { containerProcess, stopSignal } from '../kubelet/command.js';
import { cgroupV1Files, cgroupV2Files, containerCgroupResources, podCgroupResources, podQOSClass } from '../kubelet/cgroups.js';
import { ContainerConfigError, makeEnvironmentVariables } from '../kubelet/env.js';
import { restartDecision } from '../kubelet/backoff.js';
import { terminatedState, terminationMessage } from '../kubelet/exit-status.js';
import { etcHostsContent, podHostnameAndDomain, podUTSHostname } from '../kubelet/hosts.js';
import { ContainerProber } from '../kubelet/prober/worker.js';
import { podDNSConfig, resolvConfContent } from '../kubelet/resolv-conf.js';
import type { KubeletEvent } from '../kubelet/events.js';
import type { RuntimeContainer, RuntimePod } from '../runtime.js';
import { ConfigMap, ContainerSpec, Pod, Secret } from '../../api/core.js';
import { containerCapabilities } from './capabilities.js';
import { ContainerExit, ContainerInstance, RUNTIME_SCHEME } from './container.js';
import { execCapture } from './exec.js';
import { StartError } from './helper.js';
import { runHook } from './hooks.js';
import type { PullPolicy } from '../images/image-manager.js';
import { ContainerLogWriter } from '../logs/writer.js';
import { ProcessUser, resolveUser, UserError } from './user.js';
import type { PodContext } from './pod-context.js';
import { Sandbox } from './sandbox.js';
import { PodVolumes, VolumeError } from './volumes.js';
import { rfc3339 } from '../../apimachinery/time.js';

const MIN_GRACE_MS = 2000; // kuberuntime_container.go minimumGracePeriodInSeconds
const CLUSTER_DOMAIN = 'cluster.local';
/** How often projected volumes (configMap, secret, downwardAPI) are brought up to date while the pod runs. */
const VOLUME_RESYNC_MS = 5000;
/** A container that could not be created is tried again after this long (image pull back-off is the image manager's). */
const IMAGE_RETRY_MS = 1000;
const CONFIG_RETRY_MS = 2000;

interface Slot {
  spec: ContainerSpec & { targetContainerName?: string };
  kind: 'init' | 'app' | 'ephemeral';
  status: RuntimeContainer;
  instance?: ContainerInstance;
  prober?: ContainerProber;
  /** The image's STOPSIGNAL, once its image was found. */
  stopSignal?: string;
  /** The pod's spec changed this container's image: the running instance is being stopped to start the new one. */
  definitionChanged?: boolean;
}

export class PodWorker {
  readonly state: RuntimePod;
  private pod: Pod;
  private readonly podIP: string;
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
  private hostname = '';
  private resync?: NodeJS.Timeout;

  constructor(pod: Pod, podIP: string, private readonly ctx: PodContext) {
    this.pod = pod;
    this.podIP = podIP;
    const uid = pod.metadata.uid!;
    this.podDir = join(ctx.podsDir, uid);
    this.qos = podQOSClass(pod).toLowerCase();
    this.state = { uid, sandboxReady: false, initContainers: [], containers: [], killed: false };
    const previous = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    const hasInit = (pod.spec.initContainers?.length ?? 0) > 0;
    const add = (spec: ContainerSpec, kind: 'init' | 'app', first: boolean) => {
      const image = normalizeImage(spec.image ?? '');
      // As the kubelet shows a pod being set up: the container about to be created, the others initializing.
      const reason = (kind === 'init' && first) || (kind === 'app' && !hasInit) ? 'ContainerCreating' : 'PodInitializing';
      const status: RuntimeContainer = { name: spec.name, image, imageID: imageID(image), state: { waiting: { reason } }, lastState: {}, restartCount: 0, ready: false, started: false };
      // A pod this runtime ran before Berth stopped (a node reboot, to the pod): its containers start again, with
      // the restart counted and the lost run kept as lastState, as the kubelet reports after a reboot.
      const prev = previous.find((s) => s.name === spec.name);
      if (prev?.containerID?.startsWith(`${RUNTIME_SCHEME}://`)) {
        status.restartCount = prev.restartCount + (prev.state?.running || prev.state?.terminated ? 1 : 0);
        status.lastState = prev.state?.running
          ? { terminated: { exitCode: 255, reason: 'Unknown', startedAt: prev.state?.running.startedAt, finishedAt: rfc3339(new Date()), containerID: prev.containerID } }
          : prev.state?.terminated ? { terminated: { ...prev.state?.terminated } } : structuredClone(prev.lastState ?? {});
        // An app container of a restartPolicy: Never pod that Berth's stop cut short runs again (not upstream's
        // reboot: there the pod would turn Failed and lose its members, e.g. etcd-operator's); waiting with that
        // lost run as lastState would read as stopped, and the pod as Failed for good, before it started again.
        if (kind === 'app' && prev.state?.running && pod.spec.restartPolicy === 'Never') status.lastState = {};
      }
      this.slots.set(`${kind}/${spec.name}`, { spec, kind, status });
      (kind === 'init' ? this.state.initContainers : this.state.containers).push(status);
    };
    (pod.spec.initContainers ?? []).forEach((c, i) => add(c, 'init', i === 0));
    for (const c of pod.spec.containers ?? []) add(c, 'app', false);
  }

  /** Starts the pod's life in the background. */
  run(): void {
    this.lived = this.live().catch((e) => this.ctx.log(`pod ${this.describe()}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`));
  }

  update(pod: Pod): void {
    if (pod.metadata.uid !== this.pod.metadata.uid) return;
    this.pod = pod;
    this.restartChangedContainers(pod);
    // Ephemeral containers (kubectl debug) run once each, in the sandbox, as soon as they are added.
    for (const spec of pod.spec.ephemeralContainers ?? []) {
      if (this.slots.has(`ephemeral/${spec.name}`) || this.isStopping()) continue;
      const image = normalizeImage(spec.image ?? '');
      const status: RuntimeContainer = { name: spec.name, image, imageID: imageID(image), state: { waiting: { reason: 'ContainerCreating' } }, lastState: {}, restartCount: 0, ready: false, started: false };
      const slot: Slot = { spec, kind: 'ephemeral', status };
      this.slots.set(`ephemeral/${spec.name}`, slot);
      (this.state.ephemeralContainers ??= []).push(status);
      this.changed();
      this.track((async () => {
        await this.until(() => this.state.sandboxReady || this.isStopping());
        while (!this.isStopping()) {
          const run = await this.runOnce(slot);
          if (run.retryMs === undefined) break;
          await this.sleep(run.retryMs);
        }
      })());
    }
  }

  /**
   * A container's image is the one field of a running pod's containers an update may change. As kuberuntime's
   * computePodActions does, a running container whose spec changed is killed (with the pod's grace period) and
   * started again with the new spec whatever the restart policy says; the new start is a new container, so no back-off.
   */
  private restartChangedContainers(pod: Pod): void {
    if (this.isStopping()) return;
    for (const spec of pod.spec.containers ?? []) {
      const slot = this.slots.get(`app/${spec.name}`);
      if (!slot || slot.spec.image === spec.image) continue;
      slot.spec = spec;
      const inst = slot.instance;
      if (!inst?.running || slot.definitionChanged) continue;
      slot.definitionChanged = true;
      slot.prober?.stopLivenessAndStartup();
      this.event({ type: 'Normal', reason: 'Killing', message: `Container ${spec.name} definition changed, will be restarted` }, slot);
      const grace = (pod.spec.terminationGracePeriodSeconds ?? 30) * 1000;
      void inst.stop(Math.max(MIN_GRACE_MS, grace), this.stopSignalOf(slot));
    }
  }

  /** The container running now under this name (exec, attach, logs). */
  instanceOf(name: string): { instance?: ContainerInstance; spec?: ContainerSpec; status?: RuntimeContainer } {
    const slot = this.slots.get(`app/${name}`) ?? this.slots.get(`init/${name}`) ?? this.slots.get(`ephemeral/${name}`);
    return { instance: slot?.instance, spec: slot?.spec, status: slot?.status };
  }

  get sandboxPid(): number | undefined {
    return this.sandbox?.alive ? this.sandbox.pid : undefined;
  }

  // ---- the pod's life -------------------------------------------------------------------------------------

  private async live(): Promise<void> {
    mkdirSync(this.podDir, { recursive: true, mode: 0o700 });
    this.ctx.cgroups.create(this.podCgroup(), this.cgroupFiles(podCgroupResources(this.pod)));
    this.volumes = new PodVolumes(this.pod, join(this.podDir, 'volumes'), this.ctx);
    await this.retry('volumes', async () => this.volumes!.setUp());
    if (this.isStopping()) return;
    await this.retry('sandbox', async () => {
      const names = podHostnameAndDomain(this.pod, CLUSTER_DOMAIN);
      this.hostname = podUTSHostname(this.pod, names) ?? names.hostname;
      this.writeEtcFiles();
      this.sandbox = await Sandbox.create({
        hostname: this.hostname, podIP: this.podIP, prefixLength: this.ctx.network.prefixLength,
        gateway: this.ctx.network.gatewayFor(this.pod.spec.nodeName!), clusterCidr: this.ctx.network.clusterCidr,
        bridge: this.ctx.network.bridge, veth: this.ctx.names.vethFor(this.pod.metadata.uid!),
        cgroupProcs: this.sandboxCgroup(),
      });
    });
    if (this.isStopping()) return;
    this.state.sandboxReady = true;
    this.state.podIP = this.podIP;
    this.changed();
    if (this.volumes.hasProjected) this.resync = setInterval(() => void this.refreshVolumes(), VOLUME_RESYNC_MS);

    for (const slot of this.slotsOf('init')) {
      if (this.isStopping()) return;
      if (slot.spec.restartPolicy === 'Always') {
        // A sidecar: keeps running beside the app containers; the next init container waits until it started.
        this.track(this.keepRunning(slot, 'Always'));
        await this.until(() => slot.status.started || this.isStopping());
        continue;
      }
      for (;;) {
        const run = await this.runOnce(slot);
        if (this.isStopping()) return;
        if (run.retryMs !== undefined) { await this.sleep(run.retryMs); continue; }
        if (run.exit && run.exit.exitCode === 0) break;
        if ((this.pod.spec.restartPolicy ?? 'Always') === 'Never') return this.finish();
        if (!(await this.waitToRestart(slot))) return;
      }
    }
    if (this.isStopping()) return;
    for (const slot of this.slotsOf('app')) slot.status.state = { waiting: { reason: 'ContainerCreating' } };
    this.changed();
    const policy = this.pod.spec.restartPolicy ?? 'Always';
    await Promise.all(this.slotsOf('app').map((slot) => this.track(this.keepRunning(slot, policy))));
    if (!this.isStopping()) await this.finish();
  }

  private track(loop: Promise<void>): Promise<void> {
    this.loops.add(loop);
    return loop.finally(() => this.loops.delete(loop));
  }

  /** Runs a container and restarts it as `policy` says until the pod stops. */
  private async keepRunning(slot: Slot, policy: string): Promise<void> {
    for (;;) {
      const run = await this.runOnce(slot);
      if (this.isStopping()) return;
      // Not created yet (image, configuration): tried again shortly, as the kubelet does on its next sync.
      if (run.retryMs !== undefined) { await this.sleep(run.retryMs); continue; }
      if (run.redefined) continue;
      const exit = run.exit;
      const failed = exit?.exitCode !== 0;
      if (policy === 'Never' || (policy === 'OnFailure' && !failed)) return;
      if (!(await this.waitToRestart(slot))) return;
    }
  }

  /**
   * One run: image, configuration, start, hooks, probes, wait. `exit` once it ran; without it the container could
   * not start (StartError: its terminated state says why); `retryMs` when it was not even created (image or
   * configuration trouble: its waiting state says why) and is to be tried again after that long.
   */
  private async runOnce(slot: Slot): Promise<{ exit?: ContainerExit; retryMs?: number; redefined?: boolean }> {
    const spec = slot.spec;
    const pulled = this.ctx.images.ensureImageExists(this.pod.metadata.uid!, spec.image ?? '', spec.imagePullPolicy as PullPolicy | undefined);
    for (const e of pulled.events) this.event(e, slot);
    if (!pulled.ok) {
      this.setWaiting(slot, pulled.reason, pulled.message, false);
      return { retryMs: IMAGE_RETRY_MS };
    }
    slot.status.image = pulled.image.image;
    slot.status.imageID = pulled.image.imageID;
    slot.stopSignal = pulled.image.config.stopSignal;
    const image = pulled.image.config;
    let envVars;
    try {
      envVars = makeEnvironmentVariables({
        pod: this.pod, container: spec, services: this.ctx.view.services() as Parameters<typeof makeEnvironmentVariables>[0]['services'],
        getConfigMap: (ns, name) => this.ctx.view.configMap(ns, name) as ConfigMap | undefined,
        getSecret: (ns, name) => this.ctx.view.secret(ns, name) as Secret | undefined,
        nodeAllocatable: this.ctx.view.nodeAllocatable(this.pod.spec.nodeName ?? ''),
        podIPs: [this.podIP], hostIPs: [this.ctx.network.gatewayFor(this.pod.spec.nodeName ?? '')],
      });
    } catch (e) {
      if (!(e instanceof ContainerConfigError)) throw e;
      this.setWaiting(slot, e.reason, e.message);
      return { retryMs: CONFIG_RETRY_MS };
    }
    const id = randomBytes(32).toString('hex');
    let proc;
    try {
      proc = containerProcess(spec, image, envVars, this.hostname);
    } catch (e) {
      this.setWaiting(slot, 'CreateContainerError', `failed to generate container "${id}" spec: failed to apply OCI options: ${(e as Error).message}`);
      return { retryMs: CONFIG_RETRY_MS };
    }
    const env: Record<string, string> = {};
    for (const kv of proc.env) {
      const eq = kv.indexOf('=');
      env[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
    const sc = { ...this.pod.spec.securityContext, ...spec.securityContext };
    let user: ProcessUser;
    try {
      user = resolveUser({
        imageUser: image.user, runAsUser: sc.runAsUser, runAsGroup: sc.runAsGroup, roots: [pulled.image.layerDir, '/'],
        supplementalGroups: this.pod.spec.securityContext?.supplementalGroups, fsGroup: this.pod.spec.securityContext?.fsGroup,
      });
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      this.setWaiting(slot, 'CreateContainerError', e.message);
      return { retryMs: CONFIG_RETRY_MS };
    }
    if (sc.runAsNonRoot && user.uid === 0) {
      // kuberuntime_container_linux.go verifyRunAsNonRoot
      const message = sc.runAsUser === 0 || !image.user
        ? 'container has runAsNonRoot and image will run as root ' +
          `(pod: "${this.pod.metadata.name}_${this.pod.metadata.namespace}(${this.pod.metadata.uid})", container: ${spec.name})`
        : `container has runAsNonRoot and image has non-numeric user (${image.user}), cannot verify user is non-root`;
      this.setWaiting(slot, 'CreateContainerConfigError', message);
      return { retryMs: CONFIG_RETRY_MS };
    }
    let volumeMounts;
    try {
      volumeMounts = this.volumes!.mountsFor(spec, env);
      // The image's host directories (read-only), unless a pod volume takes their place.
      for (const path of image.hostPaths ?? []) {
        if (!volumeMounts.some((m) => m.target === path)) volumeMounts.unshift({ source: path, target: path, readOnly: true });
      }
    } catch (e) {
      if (!(e instanceof VolumeError)) throw e;
      this.setWaiting(slot, 'CreateContainerConfigError', e.message);
      return { retryMs: CONFIG_RETRY_MS };
    }
    const restartCount = slot.status.restartCount;
    // `kubectl debug --target=c`: the ephemeral container shares c's PID namespace (it sees c's processes).
    const target = slot.spec.targetContainerName ? this.slots.get(`app/${slot.spec.targetContainerName}`)?.instance : undefined;
    const instance = new ContainerInstance({
      id,
      pidNamespaceOf: target?.running ? target.mainPid : undefined,
      dir: join(this.podDir, 'containers', `${spec.name}-${restartCount}`),
      sandbox: this.sandbox!,
      cgroups: this.ctx.cgroups,
      cgroup: `${this.podCgroup()}/${spec.name}-${restartCount}`,
      cgroupFiles: this.cgroupFiles(containerCgroupResources(spec)),
      imageLayer: pulled.image.layerDir,
      imageVolumes: image.volumes,
      filesystem: {
        readOnlyRoot: !!spec.securityContext?.readOnlyRootFilesystem,
        privileged: !!spec.securityContext?.privileged,
        hide: this.ctx.hide,
        hosts: join(this.podDir, 'etc-hosts'),
        resolvConf: join(this.podDir, 'resolv.conf'),
        hostname: join(this.podDir, 'hostname'),
        terminationMessagePath: spec.terminationMessagePath ?? '/dev/termination-log',
        volumes: volumeMounts,
        workingDir: proc.cwd,
      },
      process: {
        argv: proc.argv, env, uid: user.uid, gid: user.gid, groups: user.groups,
        capabilities: containerCapabilities(spec.securityContext),
        noNewPrivileges: spec.securityContext?.allowPrivilegeEscalation === false,
        stdin: !!spec.stdin, tty: !!spec.tty,
        oomScoreAdj: this.qos === 'guaranteed' ? -997 : this.qos === 'besteffort' ? 1000 : 500,
      },
      log: new ContainerLogWriter(this.logPath(spec.name, restartCount)),
    });
    try {
      await instance.start();
    } catch (e) {
      if (!(e instanceof StartError)) throw e;
      const now = rfc3339(new Date());
      const message = `failed to create containerd task: failed to create shim task: OCI runtime create failed: ${e.message}: unknown`;
      slot.status.containerID = instance.containerID;
      slot.status.state = { terminated: terminatedState({ exitCode: 128, reason: 'StartError', message, startedAt: now, finishedAt: now, containerID: instance.containerID }) };
      slot.status.ready = false;
      slot.status.started = false;
      this.event({ type: 'Normal', reason: 'Created', message: `Created container: ${spec.name}` }, slot);
      this.event({ type: 'Warning', reason: 'Failed', message: `Error: ${message}` }, slot);
      this.changed();
      return {};
    }
    this.event({ type: 'Normal', reason: 'Created', message: `Created container: ${spec.name}` }, slot);
    this.event({ type: 'Normal', reason: 'Started', message: `Started container ${spec.name}` }, slot);
    slot.instance = instance;
    // A deletion that began while it was starting stops it as it stops the others.
    if (this.isStopping()) void instance.stop(this.killGraceMs, this.stopSignalOf(slot));
    slot.status.containerID = instance.containerID;
    slot.status.state = { running: { startedAt: rfc3339(instance.startedAt!) } };
    if (spec.lifecycle?.postStart) {
      // The container counts as started only once its postStart hook returned (kuberuntime startContainer).
      const err = await runHook(spec.lifecycle.postStart, this.hookTarget(slot, instance), 30_000 * 4);
      if (err) {
        this.event({ type: 'Warning', reason: 'FailedPostStartHook', message: err }, slot);
        void instance.stop(MIN_GRACE_MS, this.stopSignalOf(slot));
      }
    }
    this.startProbes(slot, instance);
    this.refreshReadiness(slot);
    const exit = await instance.exited;
    slot.prober?.stop();
    slot.prober = undefined;
    const logLines = () => tailLogLines(this.logPath(spec.name, restartCount), 80);
    const message = terminationMessage({ exitCode: exit.exitCode, reason: exit.oomKilled ? 'OOMKilled' : '', terminationMessagePolicy: spec.terminationMessagePolicy, file: exit.terminationFile, logLines });
    const terminated = terminatedState({ exitCode: exit.exitCode, oomKilled: exit.oomKilled, message, startedAt: rfc3339(exit.startedAt), finishedAt: rfc3339(exit.finishedAt), containerID: instance.containerID });
    if (exit.signal) terminated.signal = exit.signal;
    slot.status.ready = false;
    slot.status.started = false;
    if (slot.definitionChanged && !this.isStopping()) {
      // Stopped for its new definition: kuberuntime kills and starts it within one sync, so no status shows it
      // stopped in between (a restartPolicy: Never pod would turn Failed, for good, and its controller replace it).
      // The state stays as it was until the new run starts; the ended run is already lastState.
      slot.definitionChanged = false;
      slot.status.lastState = { terminated };
      slot.status.restartCount++;
      this.changed();
      return { exit, redefined: true };
    }
    slot.status.state = { terminated };
    this.changed();
    return { exit };
  }

  /**
   * Between two runs: the first restart at once, later ones after CrashLoopBackOff (kubelet doBackOff). The
   * finished run becomes lastState. False when the pod stops meanwhile.
   */
  private async waitToRestart(slot: Slot): Promise<boolean> {
    const terminated = slot.status.state.terminated;
    const finishedAt = terminated?.finishedAt ? Date.parse(terminated.finishedAt) : Date.now();
    if (terminated) slot.status.lastState = { terminated };
    for (;;) {
      const d = restartDecision(this.ctx.backoff, this.pod, slot.spec.name, finishedAt);
      if (d.restart) break;
      if (slot.status.state.waiting?.reason !== d.reason) this.event(d.event, slot);
      slot.status.state = { waiting: { reason: d.reason, message: d.message } };
      this.changed();
      await this.sleep(Math.max(10, d.retryInMs));
      if (this.isStopping()) return false;
    }
    if (terminated) slot.status.restartCount++;
    return !this.isStopping();
  }

  /** A container not created: waiting with the reason; the Failed event once per reason, as the kubelet's is folded. */
  private setWaiting(slot: Slot, reason: string, message: string, event = true): void {
    const again = slot.status.state.waiting?.reason === reason && slot.status.state.waiting.message === message;
    slot.status.state = { waiting: { reason, message } };
    slot.status.ready = false;
    if (event && !again) this.event({ type: 'Warning', reason: 'Failed', message: `Error: ${reason === 'CreateContainerConfigError' || reason === 'CreateContainerError' ? message : reason}` }, slot);
    if (!again) this.changed();
  }

  // ---- probes ---------------------------------------------------------------------------------------------

  private startProbes(slot: Slot, instance: ContainerInstance): void {
    const spec = slot.spec;
    if (!spec.startupProbe && !spec.livenessProbe && !spec.readinessProbe) return;
    const prober = new ContainerProber({
      pod: this.pod, container: spec,
      status: () => ({
        containerID: instance.containerID,
        running: instance.running && instance.startedAt ? { startedAt: instance.startedAt.getTime() } : undefined,
        terminated: !instance.running,
        started: slot.status.started,
      }),
      target: () => ({ podIP: this.podIP, exec: (cmd, timeoutMs) => execCapture(this.ctx.cgroups, instance, cmd, timeoutMs) }),
      onUpdate: (_u, kill) => {
        if (slot.instance !== instance) return;
        this.refreshReadiness(slot);
        if (kill) {
          this.event(kill.event, slot);
          void instance.stop(Math.max(MIN_GRACE_MS, kill.gracePeriodSeconds * 1000), this.stopSignalOf(slot));
        }
      },
      onEvent: (e) => this.event(e, slot),
    });
    slot.prober = prober;
    prober.start();
  }

  /** started and ready as the status manager computes them: from the probes when there are any. */
  private refreshReadiness(slot: Slot): void {
    const inst = slot.instance;
    const running = !!inst?.running;
    // Regular init containers and ephemeral containers never count as ready while they run.
    const neverReady = (slot.kind === 'init' && slot.spec.restartPolicy !== 'Always') || slot.kind === 'ephemeral';
    slot.status.started = running && (slot.prober ? slot.prober.started() : true);
    slot.status.ready = running && !neverReady && !this.isStopping() && (slot.prober ? slot.prober.ready() : true);
    this.changed();
  }

  // ---- stopping -------------------------------------------------------------------------------------------

  /** Stops every container (apps first, then sidecars in reverse order) and the sandbox. */
  kill(graceMs: number): Promise<void> {
    this.killing ??= (async () => {
      const grace = Math.max(MIN_GRACE_MS, graceMs);
      const deadline = Date.now() + grace;
      this.killGraceMs = grace;
      this.stopped.abort();
      const stopOne = async (slot: Slot) => {
        const inst = slot.instance;
        if (!inst?.running) return;
        slot.prober?.stopLivenessAndStartup();
        this.refreshReadiness(slot);
        const preStop = slot.spec.lifecycle?.preStop;
        if (preStop) {
          // The hook's time counts against the grace period (killContainer).
          const err = await runHook(preStop, this.hookTarget(slot, inst), Math.max(0, deadline - Date.now()));
          if (err) this.event({ type: 'Warning', reason: 'FailedPreStopHook', message: err }, slot);
        }
        await inst.stop(Math.max(MIN_GRACE_MS, deadline - Date.now()), this.stopSignalOf(slot));
      };
      await Promise.all([...this.slotsOf('app'), ...this.slotsOf('ephemeral')].map(stopOne));
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
    rmSync(this.logDir(), { recursive: true, force: true });
  }

  /** Nothing will run again: the sandbox goes, the statuses stay. */
  private async finish(): Promise<void> {
    await this.teardown();
    this.changed();
  }

  private async teardown(): Promise<void> {
    if (this.resync) clearInterval(this.resync);
    for (const slot of this.slots.values()) {
      slot.prober?.stop();
      if (slot.instance?.running) slot.instance.signal('SIGKILL');
    }
    await Promise.all([...this.slots.values()].map((s) => s.instance?.exited.catch(() => undefined)));
    await this.sandbox?.destroy();
    this.state.sandboxReady = false;
    await this.volumes?.tearDown();
    await this.ctx.cgroups.destroy(this.podCgroup());
  }

  // ---- plumbing -------------------------------------------------------------------------------------------

  private async refreshVolumes(): Promise<void> {
    if (this.isStopping() || !this.volumes) return;
    try {
      await this.volumes.refresh(this.pod);
    } catch (e) {
      this.ctx.log(`pod ${this.describe()}: volume resync: ${String(e)}`);
    }
  }

  private hookTarget(slot: Slot, inst: ContainerInstance) {
    return { container: slot.spec, podIP: this.podIP, exec: (cmd: string[], timeoutMs: number) => execCapture(this.ctx.cgroups, inst, cmd, timeoutMs) };
  }

  private stopSignalOf(slot: Slot): string {
    return slot.spec.lifecycle?.stopSignal ?? stopSignal({ stopSignal: slot.stopSignal });
  }

  private isStopping(): boolean {
    return this.stopped.signal.aborted;
  }

  private slotsOf(kind: Slot['kind']): Slot[] {
    return [...this.slots.values()].filter((s) => s.kind === kind);
  }

  private podCgroup(): string {
    return `${this.qos === 'guaranteed' ? '' : `${this.qos}/`}pod${this.pod.metadata.uid}`;
  }

  private cgroupFiles(r: Parameters<typeof cgroupV1Files>[0]): Record<string, string> {
    return this.ctx.cgroups.version === 2 ? cgroupV2Files(r) : cgroupV1Files(r);
  }

  private sandboxCgroup(): string[] {
    this.ctx.cgroups.create(`${this.podCgroup()}/sandbox`);
    return this.ctx.cgroups.procsFiles(`${this.podCgroup()}/sandbox`);
  }

  private writeEtcFiles(): void {
    writeFileSync(join(this.podDir, 'etc-hosts'), etcHostsContent({ pod: this.pod, podIPs: [this.podIP], clusterDomain: CLUSTER_DOMAIN }), { mode: 0o644 });
    const dns = podDNSConfig({ pod: this.pod, clusterDNS: this.ctx.clusterDNS, clusterDomain: CLUSTER_DOMAIN, nodeResolvConf: this.ctx.nodeResolvConf });
    for (const e of dns.events) this.event(e);
    writeFileSync(join(this.podDir, 'resolv.conf'), resolvConfContent(dns.config, this.ctx.nodeResolvConf), { mode: 0o644 });
    writeFileSync(join(this.podDir, 'hostname'), `${this.hostname}\n`, { mode: 0o644 });
  }

  private logDir(): string {
    const m = this.pod.metadata;
    return join(this.ctx.logsDir, `${m.namespace}_${m.name}_${m.uid}`);
  }

  private logPath(container: string, restartCount: number): string {
    return join(this.logDir(), container, `${restartCount}.log`);
  }

  private event(e: KubeletEvent, slot?: Slot): void {
    const field = { init: 'initContainers', app: 'containers', ephemeral: 'ephemeralContainers' }[slot?.kind ?? 'app'];
    const fieldPath = slot ? `spec.${field}{${slot.spec.name}}` : undefined;
    this.ctx.event(this.pod, e.type, e.reason, e.message, fieldPath);
  }

  private describe(): string {
    return `${this.pod.metadata.namespace}/${this.pod.metadata.name}`;
  }

  private changed(): void {
    this.ctx.changed(this.state.uid);
  }

  /** Retries a setup step with back-off until it works or the pod stops; failures become events. */
  private async retry(what: 'volumes' | 'sandbox', step: () => Promise<void>): Promise<void> {
    for (let attempt = 0; !this.isStopping(); attempt++) {
      try {
        return await step();
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        if (what === 'volumes') this.event({ type: 'Warning', reason: 'FailedMount', message: msg });
        else this.event({ type: 'Warning', reason: 'FailedCreatePodSandBox', message: `Failed to create pod sandbox: ${msg}` });
        await this.sleep(Math.min(60_000, 1000 * 2 ** Math.min(attempt, 8)));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.isStopping()) return resolve();
      const done = () => {
        clearTimeout(t);
        this.stopped.signal.removeEventListener('abort', done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.stopped.signal.addEventListener('abort', done, { once: true });
    });
  }

  private async until(cond: () => boolean): Promise<void> {
    while (!cond()) await this.sleep(20);
  }
}

/** The last `n` lines a container wrote (CRI log), for FallbackToLogsOnError. */
function tailLogLines(file: string, n: number): string[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const lines: string[] = [];
  let partial = '';
  for (const line of text.split('\n')) {
    const m = /^\S+ (?:stdout|stderr) ([FP]) (.*)$/.exec(line);
    if (!m) continue;
    partial += m[2];
    if (m[1] === 'F') {
      lines.push(partial);
      partial = '';
    }
  }
  return lines.slice(-n);
}
