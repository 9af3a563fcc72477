// The EtcdCluster operator: informers on EtcdClusters and the pods and Services they own feed a work queue; each
// reconcile brings one cluster one step closer to its spec, as etcd-operator's per-cluster loop does (seed member,
// Services, then one member added / removed / replaced / upgraded per step), and reports phase, conditions,
// members and versions in status. It also requeues every cluster periodically (etcd-operator's 8 s tick).
import { ApiError } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { KubeClient } from '../../client/client.js';
import { enqueueObject, enqueueOwner, ReconcileResult, runWorkers } from '../../client/controller.js';
import { EventRecorder, EventType } from '../../client/events.js';
import { SharedInformer, SharedInformerFactory } from '../../client/informer.js';
import { builtin } from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import { clientService, memberPod, memberPVC, peerService } from './manifests.js';
import { clientServiceName, clientURL, clusterLabels, Member, peerURL, peerURLPairs, uniqueMemberName } from './members.js';
import { EtcdMembershipApi, SimulatedEtcdMembership } from './membership.js';
import { MemberPodView, planStep, Step } from './plan.js';
import {
  clearCondition, setAvailable, setCondition, setRecovering, setScalingDown, setScalingUp, setUpgrading, statusEqual,
} from './status.js';
import {
  ETCD_API_VERSION, ETCD_CLIENT_PORT, ETCD_GROUP, ETCD_KIND, ETCD_VERSION_ANNOTATION, EtcdCluster, EtcdClusterStatus,
  etcdClusters, validateSpec, withDefaults,
} from './types.js';

export interface EtcdOperatorOptions {
  /** Watch one namespace; all namespaces when unset (etcd-operator's -cluster-wide). */
  namespace?: string;
  membership?: EtcdMembershipApi;
  workers?: number;
  /** Every cluster is looked at again this often even without events (default 8000, etcd-operator's interval). */
  resyncIntervalMs?: number;
  /** Least time between two membership/version steps of one cluster (default 500). */
  minStepIntervalMs?: number;
  /** Event source component (default 'etcd-operator'). */
  component?: string;
  /** When set and false, reconciles do nothing (leader election: only the leader acts). */
  canAct?: () => boolean;
  /** Observes every step taken (tests and logs). */
  onStep?: (cluster: string, step: Step) => void;
  onError?: (key: string, err: unknown) => void;
  /** Simulated steps kept in status (default 20). */
  maxSimulatedSteps?: number;
}

interface ClusterState {
  uid: string;
  /** The etcd membership as we last knew it; undefined until MemberList after a (re)start. */
  members?: Map<string, Member>;
  lastStepAt: number;
  /** The latest object we wrote, newer than the cache until the watch catches up. */
  lastWritten?: EtcdCluster;
  lostQuorumReported?: boolean;
}

type Spec = ReturnType<typeof withDefaults>;

export class EtcdOperator {
  readonly queue: WorkQueue<string>;
  readonly membership: EtcdMembershipApi;
  private readonly informers: SharedInformerFactory;
  private readonly clusters: SharedInformer<EtcdCluster>;
  private readonly recorder: EventRecorder;
  private readonly states = new Map<string, ClusterState>();
  private readonly opts: EtcdOperatorOptions;
  private workers?: Promise<void>;
  private resyncTimer?: NodeJS.Timeout;

  constructor(private readonly client: KubeClient, opts: EtcdOperatorOptions = {}) {
    this.opts = opts;
    this.membership = opts.membership ?? new SimulatedEtcdMembership();
    this.queue = new WorkQueue<string>({ name: 'etcd-operator' });
    this.informers = new SharedInformerFactory(client, { namespace: opts.namespace });
    this.recorder = new EventRecorder(client, { component: opts.component ?? 'etcd-operator' });
    this.clusters = this.informers.informerFor<EtcdCluster>(etcdClusters);
    this.clusters.addEventHandler(enqueueObject(this.queue));
    for (const res of [builtin.pods, builtin.services]) {
      this.informers.informerFor(res, { labelSelector: 'app=etcd' }).addEventHandler(enqueueOwner(this.queue, ETCD_KIND, ETCD_GROUP));
    }
  }

  /** Starts informers and workers; resolves once the caches have synced. */
  async start(): Promise<void> {
    this.informers.start();
    await this.informers.waitForCacheSync();
    this.workers = runWorkers(this.queue, this.opts.workers ?? 4, (key) => this.reconcile(key), {
      onError: this.opts.onError ?? ((key, err) => console.warn(`etcd-operator: reconcile ${key} failed: ${err instanceof Error ? err.message : String(err)}`)),
    });
    const every = this.opts.resyncIntervalMs ?? 8000;
    if (every > 0) {
      this.resyncTimer = setInterval(() => { for (const k of this.clusters.store.listKeys()) this.queue.add(k); }, every);
      this.resyncTimer.unref?.();
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.resyncTimer);
    await this.queue.shutDownWithDrain();
    await this.workers;
    await this.informers.stop();
    await this.recorder.flush();
  }

  /** One step for the cluster `namespace/name`. */
  async reconcile(key: string): Promise<ReconcileResult> {
    if (this.opts.canAct && !this.opts.canAct()) return;
    const cached = this.clusters.store.get(key);
    if (!cached) {
      this.dropState(key);
      return;
    }
    const state = this.stateFor(key, cached);
    const cluster = newer(cached, state.lastWritten);
    const spec = withDefaults(cluster.spec ?? { size: 0 });
    const status: EtcdClusterStatus = structuredClone(cluster.status ?? {});
    const resync = { requeueAfter: this.opts.resyncIntervalMs ?? 8000 };

    if (status.phase === 'Failed') return; // as etcd-operator: a failed cluster is left alone
    const invalid = validateSpec(cluster.spec ?? { size: 0 });
    if (invalid) {
      status.phase = 'Failed';
      status.reason = invalid;
      await this.writeStatus(state, cluster, status);
      return;
    }
    if (spec.paused) {
      status.controlPaused = true;
      await this.writeStatus(state, cluster, status);
      return resync;
    }
    status.controlPaused = false;
    if (this.membership.simulated) status.simulated = true;

    if (!status.phase || status.phase === 'Creating') {
      await this.create(state, cluster, spec, status);
      return resync;
    }

    await this.ensureServices(cluster);
    const pods = await this.memberPods(cluster);
    const running = pods.filter((p) => p.phase === 'Running');
    const pending = pods.some((p) => p.phase === 'Pending');
    if (!state.members && running.length > 0 && !pending) {
      const listed = await this.membership.memberList(state.uid, running.map((p) => clientURL(this.member(cluster, spec, p.name))));
      state.members = new Map(listed.map((m) => [m.name, { ...this.member(cluster, spec, m.name), id: m.id }]));
      this.noteSimulated(status, `MemberList: ${listed.map((m) => m.name).sort().join(', ')}`);
    }

    const plan = planStep({ size: spec.size, version: spec.version, pods, members: [...(state.members?.keys() ?? [])] });
    const stepping = plan.step.kind === 'addMember' || plan.step.kind === 'removeMember' || plan.step.kind === 'removeDeadMember' || plan.step.kind === 'upgradeMember';
    const minGap = this.opts.minStepIntervalMs ?? 500;
    if (stepping && Date.now() - state.lastStepAt < minGap) return { requeueAfter: minGap - (Date.now() - state.lastStepAt) };
    if (this.opts.canAct && !this.opts.canAct()) return;

    for (const name of plan.deletePods) await this.deletePod(cluster, name);
    await this.execute(state, cluster, spec, status, plan.step, pods);
    if (stepping) state.lastStepAt = Date.now();

    // Member readiness as etcd-operator reports it: every running pod, by its Ready condition.
    const after = stepping ? await this.memberPods(cluster) : pods;
    const ready = after.filter((p) => p.phase === 'Running' && p.ready).map((p) => p.name).sort();
    const unready = after.filter((p) => p.phase === 'Running' && !p.ready).map((p) => p.name).sort();
    status.members = { ...(ready.length ? { ready } : {}), ...(unready.length ? { unready } : {}) };
    status.size = state.members?.size ?? running.length;
    await this.writeStatus(state, cluster, status);
    return plan.step.kind === 'settled' ? resync : { requeueAfter: Math.min(resync.requeueAfter, Math.max(minGap, 200)) };
  }

  private async create(state: ClusterState, cluster: EtcdCluster, spec: Spec, status: EtcdClusterStatus): Promise<void> {
    if (!status.phase) {
      status.phase = 'Creating';
      setScalingUp(status, 0, spec.size);
      await this.writeStatus(state, cluster, status);
      cluster = state.lastWritten ?? cluster;
    }
    const existing = await this.memberPods(cluster);
    if (existing.length === 0) {
      // The seed member bootstraps a new one-member cluster; the rest join one at a time with MemberAdd.
      const seed = this.member(cluster, spec, uniqueMemberName(cluster.metadata.name!));
      await this.createMemberPod(cluster, spec, seed, [seed], 'new');
      state.members = new Map([[seed.name, seed]]);
      state.lastStepAt = Date.now();
      if (this.membership.simulated) this.noteSimulated(status, `Bootstrap: seed member ${seed.name} starts a new cluster (${peerURL(seed)})`);
      this.event(cluster, 'Normal', 'New Member Added', `New member ${seed.name} added to cluster`);
      this.opts.onStep?.(keyOf(cluster), { kind: 'addMember' });
      status.size = 1;
    }
    await this.ensureServices(cluster);
    status.serviceName = clientServiceName(cluster.metadata.name!);
    status.clientPort = ETCD_CLIENT_PORT;
    status.phase = 'Running';
    await this.writeStatus(state, cluster, status);
  }

  private async execute(state: ClusterState, cluster: EtcdCluster, spec: Spec, status: EtcdClusterStatus, step: Step, pods: MemberPodView[]): Promise<void> {
    const members = state.members ?? new Map<string, Member>();
    state.members = members;
    const endpoints = () => [...members.values()].map(clientURL);
    const clusterKey = keyOf(cluster);
    switch (step.kind) {
      case 'wait':
        return;
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
        await this.removeMember(state, cluster, status, step.name, endpoints());
        break;
      case 'removeDeadMember':
        setRecovering(status, 'Replacing dead member', `The dead member ${step.name} is being replaced`);
        this.event(cluster, 'Normal', 'Replacing Dead Member', `The dead member ${step.name} is being replaced`);
        await this.removeMember(state, cluster, status, step.name, endpoints());
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
    if (step.kind !== 'settled') this.opts.onStep?.(clusterKey, step);
  }

  private async removeMember(state: ClusterState, cluster: EtcdCluster, status: EtcdClusterStatus, name: string, endpoints: string[]): Promise<void> {
    const m = state.members!.get(name);
    await this.membership.memberRemove(state.uid, endpoints, m?.id ?? '', name);
    this.noteSimulated(status, `MemberRemove ${name} id=${m?.id ?? '?'}`);
    state.members!.delete(name);
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
    const services = this.informers.informerFor(builtin.services, { labelSelector: 'app=etcd' }).store;
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
      .map(podView);
  }

  private member(cluster: EtcdCluster, spec: Spec, name: string): Member {
    return { name, id: '', clusterName: cluster.metadata.name!, namespace: cluster.metadata.namespace!, clusterDomain: spec.pod?.ClusterDomain || undefined };
  }

  private noteSimulated(status: EtcdClusterStatus, step: string): void {
    if (!this.membership.simulated) return;
    const steps = [...(status.simulatedSteps ?? []), `${step} (simulated: no etcd process)`];
    status.simulatedSteps = steps.slice(-(this.opts.maxSimulatedSteps ?? 20));
    status.simulated = true;
  }

  private async writeStatus(state: ClusterState, cluster: EtcdCluster, status: EtcdClusterStatus): Promise<void> {
    if (statusEqual(cluster.status, status)) return;
    state.lastWritten = await this.client.updateStatus<EtcdCluster>(etcdClusters, { ...cluster, status });
  }

  private event(cluster: EtcdCluster, type: EventType, reason: string, message: string): void {
    this.recorder.event(cluster, type, reason, message, { kind: ETCD_KIND, apiVersion: ETCD_API_VERSION });
  }

  private stateFor(key: string, cluster: EtcdCluster): ClusterState {
    let s = this.states.get(key);
    if (!s || s.uid !== cluster.metadata.uid) {
      if (s) this.membership.forget(s.uid);
      s = { uid: cluster.metadata.uid!, lastStepAt: 0 };
      this.states.set(key, s);
    }
    return s;
  }

  private dropState(key: string): void {
    const s = this.states.get(key);
    if (s) this.membership.forget(s.uid);
    this.states.delete(key);
  }
}

function podView(p: KubeObject): MemberPodView {
  const status = (p.status ?? {}) as { phase?: string; conditions?: { type: string; status: string }[] };
  return {
    name: p.metadata.name!,
    phase: status.phase ?? 'Pending',
    ready: status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    version: p.metadata.annotations?.[ETCD_VERSION_ANNOTATION] ?? '',
    creationTimestamp: p.metadata.creationTimestamp,
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
    if (!(e instanceof ApiError && e.code === 404)) throw e;
  }
}

async function ignoreExists(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof ApiError && e.code === 409 && e.reason === 'AlreadyExists')) throw e;
  }
}
