// The EtcdCluster operator on the SDK: a controller for EtcdClusters that owns their pods and Services (mapped back
// through the controller ownerReference); each reconcile brings one cluster one step closer to its spec, as
// etcd-operator's per-cluster loop does (seed member, Services, then one member added / removed / replaced /
// upgraded per step), and reports phase, conditions, members and versions in status. Every cluster is looked at
// again periodically (etcd-operator's 8 s tick) through requeueAfter.
import { isNotFound, isAlreadyExists } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { KubeClient } from '../../client/client.js';
import type { ReconcileResult } from '../../client/controller.js';
import type { EventRecorder, EventType } from '../../client/events.js';
import { builtin } from '../../client/resources.js';
import type { Controller, ReconcileContext, Request } from '../../sdk/controller.js';
import { ControllerBuilder } from '../../sdk/controller.js';
import { Manager, ManagerOptions } from '../../sdk/manager.js';
import { clientService, imageName, memberPod, memberPVC, peerService } from './manifests.js';
import { clientServiceName, clientURL, clusterLabels, Member, peerURL, peerURLPairs, uniqueMemberName } from './members.js';
import { EtcdClientMembership } from './etcd-membership.js';
import { EtcdMembershipApi, SimulatedEtcdMembership } from './membership.js';
import { MemberPodView, planStep, Step } from './plan.js';
import {
  clearCondition, setAvailable, setCondition, setRecovering, setScalingDown, setScalingUp, setUpgrading, statusEqual,
} from './status.js';
import {
  ETCD_API_VERSION, ETCD_CLIENT_PORT, ETCD_KIND, ETCD_VERSION_ANNOTATION, EtcdCluster, EtcdClusterStatus,
  etcdClusters, validateSpec, withDefaults,
} from './types.js';

export const ETCD_CONTROLLER_NAME = 'etcd-operator';

export interface EtcdOperatorOptions {
  /** Watch one namespace; all namespaces when unset (etcd-operator's -cluster-wide). */
  namespace?: string;
  /**
   * One membership API for every cluster (tests). Without it, a cluster whose member pods are simulated (Berth's
   * simulated runtime: no etcd process) gets the simulated API, one whose members are real processes etcd's own.
   */
  membership?: EtcdMembershipApi;
  /** The API for real members (default: etcd's gRPC cluster API through the etcd3 client). */
  etcdMembership?: EtcdMembershipApi & Partial<Pick<EtcdClientMembership, 'serverVersions'>>;
  workers?: number;
  /** Every cluster is looked at again this often even without events (default 8000, etcd-operator's interval). */
  resyncIntervalMs?: number;
  /** Least time between two membership/version steps of one cluster (default 500). */
  minStepIntervalMs?: number;
  /** Observes every step taken (tests and logs). */
  onStep?: (cluster: string, step: Step) => void;
  /** Simulated steps kept in status (default 20). */
  maxSimulatedSteps?: number;
  /** What the operator learnt from etcd and why it deleted pods (etcd-operator logs the same). */
  log?: (line: string) => void;
}

/** What runs in a cluster's member pods: learnt from their containers' IDs once one has started. */
type MemberRuntime = 'simulated' | 'real';

interface ClusterState {
  uid: string;
  runtime?: MemberRuntime;
  /** Said in status.simulatedSteps once the members turn out to be simulated (the seed starts before we know). */
  pendingNotes?: string[];
  /** The etcd membership as we last knew it; undefined until MemberList after a (re)start. */
  members?: Map<string, Member>;
  lastStepAt: number;
  /** The latest object we wrote, newer than the cache until the watch catches up. */
  lastWritten?: EtcdCluster;
  lostQuorumReported?: boolean;
}

type Spec = ReturnType<typeof withDefaults>;

/** Adds the EtcdCluster controller to a manager (which may run other controllers and leader election). */
export function addEtcdController(manager: Manager, opts: EtcdOperatorOptions = {}): { controller: Controller<EtcdCluster>; reconciler: EtcdClusterReconciler } {
  const reconciler = new EtcdClusterReconciler(opts, () => manager.isLeader());
  const controller = new ControllerBuilder<EtcdCluster>(ETCD_CONTROLLER_NAME, manager)
    .for(etcdClusters, { namespace: opts.namespace })
    .owns(builtin.pods, { namespace: opts.namespace, labelSelector: 'app=etcd' })
    .owns(builtin.services, { namespace: opts.namespace, labelSelector: 'app=etcd' })
    .withConcurrency(opts.workers ?? 4)
    .reconcile((req, ctx) => reconciler.reconcile(req, ctx))
    .build();
  return { controller, reconciler };
}

/** A manager running just the EtcdCluster controller. */
export class EtcdOperator {
  readonly manager: Manager;
  readonly controller: Controller<EtcdCluster>;
  readonly reconciler: EtcdClusterReconciler;

  constructor(client: KubeClient, opts: EtcdOperatorOptions & Omit<ManagerOptions, 'client' | 'namespace'> = {}) {
    this.manager = new Manager({ ...opts, client, namespace: opts.namespace, userAgent: opts.userAgent ?? 'etcd-operator/berth' });
    ({ controller: this.controller, reconciler: this.reconciler } = addEtcdController(this.manager, opts));
  }

  get membership(): EtcdMembershipApi {
    return this.reconciler.membership;
  }

  /** Resolves once the caches have synced (with leader election, reconciling starts when this replica leads). */
  start(): Promise<void> {
    return this.manager.start();
  }

  stop(): Promise<void> {
    return this.manager.stop();
  }
}

export class EtcdClusterReconciler {
  /** The API for simulated members (or the one API the options gave). */
  readonly membership: EtcdMembershipApi;
  /** The API for members that are real etcd processes. */
  readonly etcdMembership: EtcdMembershipApi & Partial<Pick<EtcdClientMembership, 'serverVersions'>>;
  private readonly states = new Map<string, ClusterState>();

  constructor(private readonly opts: EtcdOperatorOptions = {}, private readonly canAct: () => boolean = () => true) {
    this.membership = opts.membership ?? new SimulatedEtcdMembership();
    this.etcdMembership = opts.membership ?? opts.etcdMembership ?? new EtcdClientMembership();
  }

  /** One step for the cluster `namespace/name`. */
  async reconcile(req: Request, ctx: ReconcileContext<EtcdCluster>): Promise<ReconcileResult> {
    const key = `${req.namespace}/${req.name}`;
    const cached = ctx.cached();
    if (!cached) {
      this.dropState(key);
      return;
    }
    const state = this.stateFor(key, cached);
    const apis = { simulated: this.membership, real: this.etcdMembership };
    return new ClusterPass(this.opts, apis, ctx, state, () => this.canAct() && !ctx.signal.aborted).run(newer(cached, state.lastWritten));
  }

  private stateFor(key: string, cluster: EtcdCluster): ClusterState {
    let s = this.states.get(key);
    if (!s || s.uid !== cluster.metadata.uid) {
      if (s) this.forget(s);
      s = { uid: cluster.metadata.uid!, lastStepAt: 0 };
      this.states.set(key, s);
    }
    return s;
  }

  private dropState(key: string): void {
    const s = this.states.get(key);
    if (s) this.forget(s);
    this.states.delete(key);
  }

  private forget(s: ClusterState): void {
    this.membership.forget(s.uid);
    this.etcdMembership.forget(s.uid);
  }
}

/** One reconcile of one cluster: the client, recorder and cluster state it works with. */
class ClusterPass {
  private readonly client: KubeClient;
  private readonly recorder: EventRecorder;

  constructor(private readonly opts: EtcdOperatorOptions, private readonly apis: Record<MemberRuntime, EtcdOperatorOptions['etcdMembership'] & EtcdMembershipApi>,
    private readonly ctx: ReconcileContext<EtcdCluster>, private readonly state: ClusterState, private readonly canAct: () => boolean) {
    this.client = ctx.client;
    this.recorder = ctx.recorder;
  }

  /** The membership API for this cluster's members (the simulated one until a member showed it is real). */
  private get membership(): EtcdMembershipApi {
    return this.apis[this.state.runtime ?? 'simulated'];
  }

  async run(cluster: EtcdCluster): Promise<ReconcileResult> {
    const state = this.state;
    const spec = withDefaults(cluster.spec ?? { size: 0 });
    const status: EtcdClusterStatus = structuredClone(cluster.status ?? {});
    const resync = { requeueAfter: this.opts.resyncIntervalMs ?? 8000 };

    if (status.phase === 'Failed') return; // as etcd-operator: a failed cluster is left alone
    const invalid = validateSpec(cluster.spec ?? { size: 0 });
    if (invalid) {
      status.phase = 'Failed';
      status.reason = invalid;
      await this.writeStatus(cluster, status);
      return;
    }
    if (spec.paused) {
      status.controlPaused = true;
      await this.writeStatus(cluster, status);
      return resync;
    }
    status.controlPaused = false;

    if (!status.phase || status.phase === 'Creating') {
      await this.create(cluster, spec, status);
      return resync;
    }

    await this.ensureServices(cluster);
    const pods = await this.memberPods(cluster);
    this.learnRuntime(pods, status);
    const running = pods.filter((p) => p.phase === 'Running');
    const pending = pods.some((p) => p.phase === 'Pending');
    // Whether etcd itself or the simulated API answers is known once a member's container has started; after a Berth
    // restart none may have yet, and the simulated answer (the running pods) is not what etcd would say. (One API
    // given for both, as tests do, answers either way.)
    const apiUnknown = !state.runtime && this.apis.simulated !== this.apis.real;
    if (!state.members && apiUnknown && running.length > 0) return { requeueAfter: Math.max(this.opts.minStepIntervalMs ?? 500, 200) };
    if (!state.members && running.length > 0 && !pending) {
      const endpoints = this.endpoints(cluster, spec, running);
      const listed = await this.membership.memberList(state.uid, endpoints);
      state.members = new Map(listed.map((m) => [m.name, { ...this.member(cluster, spec, m.name), id: m.id }]));
      const names = listed.map((m) => m.name).sort().join(', ');
      this.log(cluster, `MemberList (${state.runtime ?? 'runtime not known yet'}) through ${endpoints.join(',')}: ${names}`);
      this.noteSimulated(status, `MemberList: ${names}`);
    }

    const real = state.runtime === 'real';
    const plan = planStep({ size: spec.size, version: spec.version, pods, members: [...(state.members?.keys() ?? [])], membershipNeedsReady: real });
    const stepping = plan.step.kind === 'addMember' || plan.step.kind === 'removeMember' || plan.step.kind === 'removeDeadMember' || plan.step.kind === 'upgradeMember';
    const minGap = this.opts.minStepIntervalMs ?? 500;
    if (stepping && Date.now() - state.lastStepAt < minGap) return { requeueAfter: minGap - (Date.now() - state.lastStepAt) };
    // Leadership may have ended while we read: a former leader must not act.
    if (!this.canAct()) return;

    for (const name of plan.deletePods) {
      this.log(cluster, `removing unexpected pod ${name}: it runs but is not a member (members: ${[...(state.members?.keys() ?? [])].sort().join(', ')})`);
      await this.deletePod(cluster, name);
    }
    await this.execute(cluster, spec, status, plan.step, pods);
    if (stepping) state.lastStepAt = Date.now();

    // Member readiness as etcd-operator reports it: every running pod, by its Ready condition.
    const after = stepping ? await this.memberPods(cluster) : pods;
    const ready = after.filter((p) => p.phase === 'Running' && p.ready).map((p) => p.name).sort();
    const unready = after.filter((p) => p.phase === 'Running' && !p.ready).map((p) => p.name).sort();
    status.members = { ...(ready.length ? { ready } : {}), ...(unready.length ? { unready } : {}) };
    status.size = state.members?.size ?? running.length;
    if (real) await this.reportVersions(cluster, spec, status, after);
    // Steps noted before the runtime was known go into status only now, with a write right after: a sync that
    // returns early (the step gap) must not take them with it.
    if (state.runtime && state.pendingNotes?.length) this.noteSimulated(status, state.pendingNotes.pop()!);
    await this.writeStatus(cluster, status);
    return plan.step.kind === 'settled' ? resync : { requeueAfter: Math.min(resync.requeueAfter, Math.max(minGap, 200)) };
  }

  private async create(cluster: EtcdCluster, spec: Spec, status: EtcdClusterStatus): Promise<void> {
    const state = this.state;
    if (!this.canAct()) return;
    if (!status.phase) {
      status.phase = 'Creating';
      setScalingUp(status, 0, spec.size);
      await this.writeStatus(cluster, status);
      cluster = state.lastWritten ?? cluster;
    }
    const existing = await this.memberPods(cluster);
    if (existing.length === 0) {
      // The seed member bootstraps a new one-member cluster; the rest join one at a time with MemberAdd.
      const seed = this.member(cluster, spec, uniqueMemberName(cluster.metadata.name!));
      await this.createMemberPod(cluster, spec, seed, [seed], 'new');
      state.members = new Map([[seed.name, seed]]);
      state.lastStepAt = Date.now();
      this.noteSimulated(status, `Bootstrap: seed member ${seed.name} starts a new cluster (${peerURL(seed)})`);
      this.event(cluster, 'Normal', 'New Member Added', `New member ${seed.name} added to cluster`);
      this.opts.onStep?.(keyOf(cluster), { kind: 'addMember' });
      status.size = 1;
    }
    await this.ensureServices(cluster);
    status.serviceName = clientServiceName(cluster.metadata.name!);
    status.clientPort = ETCD_CLIENT_PORT;
    status.phase = 'Running';
    await this.writeStatus(cluster, status);
  }

  private async execute(cluster: EtcdCluster, spec: Spec, status: EtcdClusterStatus, step: Step, pods: MemberPodView[]): Promise<void> {
    const state = this.state;
    // Waiting decides nothing, and leaves the membership unknown until MemberList answers (etcd-operator's
    // `c.members == nil` on restore): an empty membership here made the next pass delete every running pod.
    if (step.kind === 'wait') return;
    const members = state.members ?? new Map<string, Member>();
    state.members = members;
    // Running members other than `except` (a member being removed is asked through the others).
    const endpoints = (except?: string) => this.endpoints(cluster, spec, pods.filter((p) => p.phase === 'Running' && members.has(p.name) && p.name !== except));
    switch (step.kind) {
      case 'addMember': {
        setScalingUp(status, members.size, spec.size);
        const m = this.member(cluster, spec, uniqueMemberName(cluster.metadata.name!));
        const { id } = await this.membership.memberAdd(state.uid, endpoints(), m.name, peerURL(m));
        m.id = id;
        members.set(m.name, m);
        this.noteSimulated(status, `MemberAdd ${m.name} id=${id} peerURL=${peerURL(m)}`);
        await this.createMemberPod(cluster, spec, m, members.values(), 'existing');
        this.event(cluster, 'Normal', 'New Member Added', `New member ${m.name} added to cluster`);
        break;
      }
      case 'removeMember':
        setScalingDown(status, members.size, spec.size);
        await this.removeMember(cluster, status, step.name, endpoints(step.name));
        break;
      case 'removeDeadMember':
        setRecovering(status, 'Replacing dead member', `The dead member ${step.name} is being replaced`);
        this.event(cluster, 'Normal', 'Replacing Dead Member', `The dead member ${step.name} is being replaced`);
        await this.removeMember(cluster, status, step.name, endpoints(step.name));
        break;
      case 'lostQuorum':
        setCondition(status, 'Available', 'False', 'Lost quorum', `${step.running} of ${step.members} members are running; quorum is ${Math.floor(step.members / 2) + 1}`);
        if (!state.lostQuorumReported) this.event(cluster, 'Warning', 'Lost Quorum', `Only ${step.running} of ${step.members} members are running`);
        state.lostQuorumReported = true;
        break;
      case 'upgradeMember': {
        clearCondition(status, 'Scaling');
        clearCondition(status, 'Recovering');
        status.targetVersion = spec.version;
        setUpgrading(status, spec.version);
        const pod = pods.find((p) => p.name === step.name)!;
        await this.client.patch(builtin.pods, step.name, {
          metadata: { annotations: { [ETCD_VERSION_ANNOTATION]: spec.version } },
          spec: { containers: [{ name: 'etcd', image: `${spec.repository}:v${spec.version}` }] },
        }, 'strategic', { namespace: cluster.metadata.namespace });
        this.event(cluster, 'Normal', 'Member Upgraded', `Member ${step.name} upgraded from ${pod.version} to ${spec.version} `);
        break;
      }
      case 'settled':
        if (members.size !== spec.size) break; // a transient state (e.g. only unknown pods were deleted)
        clearCondition(status, 'Scaling');
        clearCondition(status, 'Recovering');
        clearCondition(status, 'Upgrading');
        status.currentVersion = spec.version;
        status.targetVersion = '';
        setAvailable(status);
        state.lostQuorumReported = false;
        break;
    }
    if (step.kind !== 'settled') this.opts.onStep?.(keyOf(cluster), step);
  }

  private async removeMember(cluster: EtcdCluster, status: EtcdClusterStatus, name: string, endpoints: string[]): Promise<void> {
    const members = this.state.members!;
    const m = members.get(name);
    await this.membership.memberRemove(this.state.uid, endpoints, m?.id ?? '', name);
    this.noteSimulated(status, `MemberRemove ${name} id=${m?.id ?? '?'}`);
    members.delete(name);
    this.event(cluster, 'Normal', 'Member Removed', `Existing member ${name} removed from the cluster`);
    await this.deletePod(cluster, name);
    if (cluster.spec.pod?.persistentVolumeClaimSpec) {
      await ignoreNotFound(this.client.delete(builtin.persistentVolumeClaims, name, { namespace: cluster.metadata.namespace }));
    }
  }

  private async createMemberPod(cluster: EtcdCluster, spec: Spec, m: Member, all: Iterable<Member>, state: 'new' | 'existing'): Promise<void> {
    const ns = cluster.metadata.namespace!;
    if (spec.pod?.persistentVolumeClaimSpec) {
      await ignoreExists(this.client.create(builtin.persistentVolumeClaims, memberPVC(cluster, m, spec.pod.persistentVolumeClaimSpec), { namespace: ns }));
    }
    const token = state === 'new' ? crypto.randomUUID() : '';
    await this.client.create(builtin.pods, memberPod(cluster, spec, m, peerURLPairs(all), state, token), { namespace: ns });
  }

  private async deletePod(cluster: EtcdCluster, name: string): Promise<void> {
    await ignoreNotFound(this.client.delete(builtin.pods, name, { namespace: cluster.metadata.namespace, gracePeriodSeconds: 5 }));
  }

  private async ensureServices(cluster: EtcdCluster): Promise<void> {
    const services = this.ctx.cache(builtin.services).store;
    const ns = cluster.metadata.namespace!;
    for (const svc of [clientService(cluster), peerService(cluster)]) {
      if (services.get(`${ns}/${svc.metadata.name}`)) continue;
      await ignoreExists(this.client.create(builtin.services, svc, { namespace: ns }));
    }
  }

  /** The cluster's member pods straight from the API (etcd-operator's pollPods): the cache may lag our own writes. */
  private async memberPods(cluster: EtcdCluster): Promise<MemberPodView[]> {
    const selector = Object.entries(clusterLabels(cluster.metadata.name!)).map(([k, v]) => `${k}=${v}`).join(',');
    const list = await this.client.list(builtin.pods, { namespace: cluster.metadata.namespace, labelSelector: selector });
    return list.items
      .filter((p) => !p.metadata.deletionTimestamp && p.metadata.ownerReferences?.[0]?.uid === cluster.metadata.uid)
      .map(podView)
      .map((p) => (this.state.runtime === 'real' ? { ...p, ready: p.ready && p.imageCurrent !== false } : p));
  }

  private member(cluster: EtcdCluster, spec: Spec, name: string): Member {
    return { name, id: '', clusterName: cluster.metadata.name!, namespace: cluster.metadata.namespace!, clusterDomain: spec.pod?.ClusterDomain || undefined };
  }

  /** Keeps a membership step in status when the cluster's membership is simulated (and says nothing otherwise). */
  private noteSimulated(status: EtcdClusterStatus, step: string): void {
    const state = this.state;
    if (!state.runtime) {
      (state.pendingNotes ??= []).push(step);
      return;
    }
    if (!this.membership.simulated) return;
    const notes = [...(state.pendingNotes ?? []), step];
    state.pendingNotes = undefined;
    const steps = [...(status.simulatedSteps ?? []), ...notes.map((n) => `${n} (simulated: no etcd process)`)];
    status.simulatedSteps = steps.slice(-(this.opts.maxSimulatedSteps ?? 20));
    status.simulated = true;
  }

  /**
   * Whether the members are real etcd processes, from the first member container that started: Berth's simulated
   * runtime gives its containers IDs of the scheme `berth-sim` (SIM_RUNTIME_SCHEME in nodeagent/sim-runtime.ts).
   */
  private log(cluster: EtcdCluster, line: string): void {
    this.opts.log?.(`${cluster.metadata.namespace}/${cluster.metadata.name}: ${line}`);
  }

  private learnRuntime(pods: MemberPodView[], status: EtcdClusterStatus): void {
    const state = this.state;
    if (!state.runtime) {
      const ids = pods.map((p) => p.containerID).filter((id): id is string => !!id);
      if (ids.length === 0) return;
      state.runtime = ids.some((id) => id.startsWith('berth-sim://')) ? 'simulated' : 'real';
    }
    if (this.membership.simulated) {
      status.simulated = true;
    } else {
      state.pendingNotes = undefined;
      delete status.simulated;
      delete status.simulatedSteps;
      // A real member counts as ready only once it runs the image its pod asks for (an upgrade restarts it).
      for (const p of pods) p.ready = p.ready && p.imageCurrent !== false;
    }
  }

  /** Client URLs to reach `pods`: pod IPs for real members (the operator may run outside the cluster DNS), DNS names for simulated ones. */
  private endpoints(cluster: EtcdCluster, spec: Spec, pods: MemberPodView[]): string[] {
    if (this.state.runtime === 'real') return pods.filter((p) => p.podIP).map((p) => `http://${p.podIP}:${ETCD_CLIENT_PORT}`);
    return pods.map((p) => clientURL(this.member(cluster, spec, p.name)));
  }

  /**
   * What the member processes run, said in status: the image catalog runs every etcd v3 tag as the etcd it has, so
   * `spec.version` may not be the server's version (condition VersionMapped), and a version it has no image for
   * leaves the upgraded member waiting on its image (VersionMapped False, with the kubelet's message).
   */
  private async reportVersions(cluster: EtcdCluster, spec: Spec, status: EtcdClusterStatus, pods: MemberPodView[]): Promise<void> {
    const pulling = pods.find((p) => p.waiting && /^(ErrImagePull|ImagePullBackOff|InvalidImageName|ErrImageNeverPull)$/.test(p.waiting.reason));
    if (pulling) {
      setCondition(status, 'VersionMapped', 'False', 'ImageUnavailable',
        `etcd ${spec.version} has no image here: member ${pulling.name} waits with ${pulling.waiting!.reason}${pulling.waiting!.message ? `: ${pulling.waiting!.message}` : ''}`);
      return;
    }
    const api = this.apis.real;
    if (!api.serverVersions) return;
    const running = pods.filter((p) => p.phase === 'Running' && p.ready);
    const versions = [...new Set((await api.serverVersions(this.endpoints(cluster, spec, running))).values())].sort();
    if (versions.length === 0) return;
    status.serverVersion = versions.join(', ');
    if (versions.length === 1 && versions[0] === spec.version) clearCondition(status, 'VersionMapped');
    else if (versions.length === 1) setCondition(status, 'VersionMapped', 'True', 'CatalogVersion', `spec.version ${spec.version} runs as etcd ${versions[0]}: the image ${imageName(spec.repository, spec.version)} is the image catalog's etcd`);
  }

  private async writeStatus(cluster: EtcdCluster, status: EtcdClusterStatus): Promise<void> {
    if (statusEqual(cluster.status, status) || !this.canAct()) return;
    this.state.lastWritten = await this.client.updateStatus<EtcdCluster>(etcdClusters, { ...cluster, status });
  }

  private event(cluster: EtcdCluster, type: EventType, reason: string, message: string): void {
    this.recorder.event(cluster, type, reason, message, { kind: ETCD_KIND, apiVersion: ETCD_API_VERSION });
  }
}

interface PodFields {
  spec?: { containers?: { name: string; image?: string }[] };
  status?: {
    phase?: string; podIP?: string; conditions?: { type: string; status: string }[];
    containerStatuses?: { name: string; image?: string; containerID?: string; state?: { waiting?: { reason?: string; message?: string } } }[];
  };
}

function podView(p: KubeObject): MemberPodView {
  const { spec, status = {} } = p as KubeObject & PodFields;
  const etcd = status.containerStatuses?.find((c) => c.name === 'etcd');
  const want = spec?.containers?.find((c) => c.name === 'etcd')?.image ?? '';
  const waiting = etcd?.state?.waiting;
  return {
    name: p.metadata.name!,
    phase: status.phase ?? 'Pending',
    ready: status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    version: p.metadata.annotations?.[ETCD_VERSION_ANNOTATION] ?? '',
    creationTimestamp: p.metadata.creationTimestamp,
    ...(status.podIP ? { podIP: status.podIP } : {}),
    ...(etcd?.containerID ? { containerID: etcd.containerID } : {}),
    ...(waiting?.reason ? { waiting: { reason: waiting.reason, ...(waiting.message ? { message: waiting.message } : {}) } } : {}),
    // The status names the image qualified (docker.io/library/…, quay.io/…): the spec's may be short.
    imageCurrent: !etcd?.image || etcd.image === want || etcd.image.endsWith(`/${want}`),
  };
}

const keyOf = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;

/** The later of two versions of one object (resourceVersions compared as numbers when both are). */
function newer(cached: EtcdCluster, written: EtcdCluster | undefined): EtcdCluster {
  if (!written || written.metadata.uid !== cached.metadata.uid) return cached;
  const a = cached.metadata.resourceVersion ?? '';
  const b = written.metadata.resourceVersion ?? '';
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) return cached;
  return BigInt(b) > BigInt(a) ? written : cached;
}

async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

async function ignoreExists(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
  }
}
