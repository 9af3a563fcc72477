// The process runtime: pods as Linux processes on this machine (Runtime for the node agent, KubeletApi for the API
// server's exec/attach/port-forward/logs). It owns what one Berth instance creates on the host — the bridge and
// routes, the cgroup tree, per-pod directories — cleans what a killed predecessor left at start, and removes all of
// it at close. See README.md in this folder.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { ApiError } from '../../apimachinery/errors.js';
import { HostNetwork, gatewayOf } from '../../networking/host-network.js';
import { claimInstance, InstanceNames, instanceNames, isInstanceLive, releaseInstance } from '../../networking/instance.js';
import { sweepOrphans } from '../../networking/orphans.js';
import { runQuiet } from '../../networking/command.js';
import type { ContainerLogOptions, ContainerStreams, KubeletApi, PodRef, StreamResult } from '../../component/kubelet-api.js';
import { podLogDirName, serveContainerLog } from '../logs/pod-logs.js';
import type { Runtime, RuntimePod } from '../runtime.js';
import type { Pod } from '../../api/core.js';
import { ImageCatalog } from '../images/catalog.js';
import { ImageManager } from '../images/image-manager.js';
import { Backoff, CONTAINER_BACKOFF_INITIAL_MS, CONTAINER_BACKOFF_MAX_MS } from '../kubelet/backoff.js';
import { CgroupTree, instanceCgroupIds } from './cgroups.js';
import { execInContainer, forwardPort } from './exec.js';
import { launch, type Launched } from './helper.js';
import type { ClusterView, PodContext } from './pod-context.js';
import { PodWorker } from './pod-worker.js';

export interface ProcessRuntimeOptions {
  dataDir: string;
  clusterCidr: string;
  serviceCidr: string;
  /** Node name → its pod subnet (a /24 of clusterCidr). */
  nodeSubnets: Map<string, string>;
  /**
   * What pods reach on-link over the bridge: the whole pod range when all the cluster's nodes share this machine's
   * bridge (`berth up`, the default); the node's own podCIDR on a machine of its own, whose other pods are behind
   * the gateway (routed host-gw to their machines).
   */
  onLinkCidr?: string;
  /** The cluster DNS Service IP: a local address on the bridge where Berth's DNS server answers pods. */
  clusterDNS: string;
  view: ClusterView;
  backOffBaseMs?: number;
  backOffMaxMs?: number;
  log?: (message: string) => void;
}

export type RuntimeEventListener = (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string) => void;

/** What a pod's processes get between SIGTERM and SIGKILL when Berth itself stops. */
const STOP_GRACE_MS = 2_000;

export class ProcessRuntime implements Runtime {
  readonly recordsContainerEvents = true;
  readonly names: InstanceNames;
  private readonly network: HostNetwork;
  private readonly cgroups: CgroupTree;
  private readonly workers = new Map<string, PodWorker>();
  private readonly listeners: ((uid: string) => void)[] = [];
  private readonly eventListeners: RuntimeEventListener[] = [];
  private readonly ctx: PodContext;
  private closed = false;
  private watchdog?: Launched;
  readonly kubelet: KubeletApi;

  private constructor(opts: ProcessRuntimeOptions) {
    this.names = instanceNames(opts.dataDir);
    const subnets = [...opts.nodeSubnets.values()];
    this.network = new HostNetwork({
      bridge: this.names.bridge, clusterCidr: opts.clusterCidr, serviceCidr: opts.serviceCidr,
      nodeSubnets: subnets, localAddresses: [opts.clusterDNS],
    });
    this.cgroups = new CgroupTree(this.names.cgroup);
    const log = opts.log ?? ((m: string) => console.warn(`process runtime: ${m}`));
    this.ctx = {
      names: this.names,
      podsDir: join(opts.dataDir, 'pods'),
      logsDir: join(opts.dataDir, 'logs', 'pods'),
      cgroups: this.cgroups,
      network: {
        bridge: this.names.bridge, clusterCidr: opts.onLinkCidr ?? opts.clusterCidr, prefixLength: 24,
        gatewayFor: (node) => gatewayOf(opts.nodeSubnets.get(node) ?? subnets[0]),
      },
      clusterDNS: [opts.clusterDNS],
      hide: [opts.dataDir],
      view: opts.view,
      images: new ImageManager(new ImageCatalog({ dataDir: opts.dataDir })),
      backoff: new Backoff({ initialMs: opts.backOffBaseMs ?? CONTAINER_BACKOFF_INITIAL_MS, maxMs: opts.backOffMaxMs ?? CONTAINER_BACKOFF_MAX_MS }),
      nodeResolvConf: readHostResolvConf(),
      event: (pod, type, reason, message, fieldPath) => {
        for (const l of this.eventListeners) l(pod, type, reason, message, fieldPath);
      },
      changed: (uid) => {
        for (const l of this.listeners) l(uid);
      },
      log,
    };
    this.kubelet = this.kubeletApi();
  }

  /** Claims the instance's ranges, cleans what a killed run left, and sets up the host network. */
  static async start(opts: ProcessRuntimeOptions): Promise<ProcessRuntime> {
    const rt = new ProcessRuntime(opts);
    claimInstance(rt.names, opts.dataDir, opts.clusterCidr, opts.serviceCidr);
    try {
      await rt.sweepOrphans();
      await rt.cleanLeftovers();
      await rt.startWatchdog();
      mkdirSync(rt.ctx.podsDir, { recursive: true, mode: 0o700 });
      mkdirSync(rt.ctx.logsDir, { recursive: true, mode: 0o700 });
      await rt.network.setup();
    } catch (e) {
      rt.watchdog?.kill('SIGTERM');
      await rt.network.teardown();
      releaseInstance(rt.names);
      throw e;
    }
    return rt;
  }

  /**
   * One helper per instance that outlives nothing: when Berth dies (kill -9), it kills what is left in the
   * instance's cgroups — pod programs that changed their user lost their own parent-death signal.
   */
  private async startWatchdog(): Promise<void> {
    this.cgroups.create('');
    this.watchdog = launch(['watchdog', this.cgroups.dirs('')[this.cgroups.version === 2 ? 0 : 1]], { env: {} });
    await this.watchdog.started;
  }

  onChange(listener: (uid: string) => void): void {
    this.listeners.push(listener);
  }

  onEvent(listener: RuntimeEventListener): void {
    this.eventListeners.push(listener);
  }

  syncPod(pod: Pod, podIP: string): void {
    const uid = pod.metadata.uid ?? '';
    if (this.closed || !uid) return;
    const existing = this.workers.get(uid);
    if (existing) return existing.update(pod);
    const worker = new PodWorker(pod, podIP, this.ctx);
    this.workers.set(uid, worker);
    worker.run();
  }

  podState(uid: string): RuntimePod | undefined {
    return this.workers.get(uid)?.state;
  }

  killPod(uid: string, gracePeriodMs: number): Promise<void> {
    return this.workers.get(uid)?.kill(gracePeriodMs) ?? Promise.resolve();
  }

  removePod(uid: string): void {
    const w = this.workers.get(uid);
    if (!w) return;
    this.workers.delete(uid);
    this.ctx.images.forgetPod(uid);
    void w.remove().catch((e) => this.ctx.log(`removing pod ${uid}: ${String(e)}`));
  }

  /**
   * Stops every pod (a short grace, as a node shutting down), then removes the instance's host objects; all of it
   * inside the CLI's shutdown deadline with pods (SHUTDOWN_DEADLINE_WITH_PODS_MS).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.workers.values()].map((w) => w.kill(STOP_GRACE_MS).catch(() => undefined)));
    this.workers.clear();
    await this.cgroups.destroy('');
    await this.unmountPodVolumes();
    await this.network.teardown();
    this.watchdog?.kill('SIGTERM');
    releaseInstance(this.names);
  }

  /** What Berths that are gone (and whose data dirs may be gone too) left: their bridges, tables and cgroups. */
  private async sweepOrphans(): Promise<void> {
    const live = (id: string) => isInstanceLive(id, this.names);
    const swept = await sweepOrphans(live);
    for (const id of instanceCgroupIds(this.cgroups.version)) {
      if (!live(id)) await new CgroupTree(`berth-${id}`, this.cgroups.version).destroy('');
    }
    if (swept.length) this.ctx.log(`removed what ${swept.length} Berth instance(s) no longer running left on the host (${swept.map((id) => `berth${id}`).join(', ')})`);
  }

  /** What a Berth killed with -9 left: processes in its cgroups, tmpfs volumes, writable layers, the bridge. */
  private async cleanLeftovers(): Promise<void> {
    await this.cgroups.destroy('');
    await this.unmountPodVolumes();
    // Writable layers belong to container runs that are over; volumes (emptyDir) live as long as their pod.
    try {
      for (const uid of readdirSafe(this.ctx.podsDir)) rmSync(join(this.ctx.podsDir, uid, 'containers'), { recursive: true, force: true });
    } catch {
      // nothing there yet
    }
    await this.network.teardown();
  }

  private async unmountPodVolumes(): Promise<void> {
    const prefix = `${this.ctx.podsDir}/`;
    const mounts = readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1]).filter((p) => p?.startsWith(prefix));
    for (const m of mounts.reverse()) await runQuiet('umount', ['-l', m.replace(/\\040/g, ' ')]);
  }

  // ---- KubeletApi -----------------------------------------------------------------------------------------

  private worker(pod: PodRef): PodWorker {
    const w = this.workers.get(pod.uid);
    if (!w) throw new ApiError(404, 'NotFound', `pod "${pod.name}" not found on this node`, {});
    return w;
  }

  private running(pod: PodRef, container: string) {
    const { instance, spec, status } = this.worker(pod).instanceOf(container);
    if (!spec) throw new ApiError(400, 'BadRequest', `container ${container} is not valid for pod ${pod.name}`, {});
    if (!instance?.running || !instance.mainPid) {
      const reason = status?.state.waiting?.reason ?? (status?.state.terminated ? 'terminated' : 'ContainerCreating');
      throw new ApiError(400, 'BadRequest', `container "${container}" in pod "${pod.name}" is waiting to start: ${reason}`, {});
    }
    return { instance, spec };
  }

  private kubeletApi(): KubeletApi {
    return {
      // Before the upgrade, as the kubelet's GetExec/GetAttach look the container up among the runtime's running
      // ones: the status the API server checked may be a moment old (a command that has just ended), and a refusal
      // after the upgrade reaches kubectl only as a closed stream ('websocket: close sent'), not as its message.
      prepare: (target) => {
        if (target.kind === 'portforward' || !target.container) return;
        const { instance, spec } = this.worker(target.pod).instanceOf(target.container);
        if (spec && !instance?.running) throw new ApiError(500, 'InternalError', `container not found ("${target.container}")`, {});
      },
      exec: async (pod: PodRef, container: string, command: string[], streams: ContainerStreams): Promise<StreamResult> => {
        const { instance } = this.running(pod, container);
        return execInContainer(this.cgroups, instance, command, streams);
      },
      attach: async (pod: PodRef, container: string, streams: ContainerStreams): Promise<StreamResult> => {
        const { instance, spec } = this.running(pod, container);
        const stop = instance.onOutput((stream, chunk) => {
          const out = stream === 'stderr' && streams.stderr ? streams.stderr : streams.stdout;
          out?.write(chunk);
        });
        if (spec.stdin && streams.stdin) {
          streams.stdin.on('data', (d: Buffer) => instance.writeStdin(d));
          if (spec.stdinOnce) streams.stdin.on('end', () => instance.endStdin());
        }
        streams.onResize?.((size) => instance.resize(size.width, size.height));
        try {
          const exit = await Promise.race([
            instance.exited,
            new Promise<undefined>((resolve) => {
              if (streams.signal.aborted) resolve(undefined); // the client went away before the attach began
              else streams.signal.addEventListener('abort', () => resolve(undefined), { once: true });
            }),
          ]);
          return { exitCode: exit?.exitCode ?? 0 };
        } finally {
          stop();
        }
      },
      portForward: async (pod: PodRef, port: number, signal: AbortSignal): Promise<Duplex> => {
        const w = this.worker(pod);
        const pid = w.sandboxPid;
        if (!pid) throw new ApiError(400, 'BadRequest', `pod "${pod.name}" has no running sandbox`, {});
        return forwardPort(pid, port, signal);
      },
      logs: async (pod: PodRef, container: string, opts: ContainerLogOptions, out, signal): Promise<void> => {
        const { instance, status } = this.worker(pod).instanceOf(container);
        const dir = join(this.ctx.logsDir, podLogDirName(pod), container);
        return serveContainerLog(dir, pod.name, container, status, opts, out, signal, instance?.log);
      },
    };
  }
}

function readHostResolvConf(): string {
  try {
    return readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    return '';
  }
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
