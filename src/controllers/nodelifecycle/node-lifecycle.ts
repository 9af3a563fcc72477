// The node lifecycle controller (pkg/controller/nodelifecycle/node_lifecycle_controller.go) and its NoExecute taint
// eviction (pkg/controller/tainteviction): every --node-monitor-period the controller looks at each Node's last
// heartbeat (its Lease's renewTime or the Ready condition's lastHeartbeatTime, the later); one older than
// --node-monitor-grace-period turns every kubelet condition Unknown ("Kubelet stopped posting node status."), the
// node's pods NotReady, and taints the node node.kubernetes.io/unreachable (NoSchedule and NoExecute; Ready=False
// gives node.kubernetes.io/not-ready instead). A pod that does not tolerate a NoExecute taint is deleted, at once or
// after its toleration's tolerationSeconds. Deleting is all the control plane can do: a pod on an unreachable node
// keeps its object (Terminating) until its kubelet confirms or someone force-deletes it, which is why a StatefulSet
// pod is never run twice.
import { ApiError } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { KubeClient } from '../../client/client.js';
import type { SharedInformer, SharedInformerFactory } from '../../client/informer.js';
import { builtin } from '../../client/resources.js';
import { EventRecorder } from '../../client/events.js';
import type { Taint, Toleration } from '../../api/core.js';
import { toleratesTaint } from '../../scheduler/filters.js';
import { rfc3339 } from '../../apimachinery/time.js';

export const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';
export const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

interface Condition { type: string; status: string; lastHeartbeatTime?: string; lastTransitionTime?: string; reason?: string; message?: string }
interface Node extends KubeObject {
  spec?: { taints?: Taint[]; unschedulable?: boolean };
  status?: { conditions?: Condition[] };
}
interface Pod extends KubeObject {
  spec?: { nodeName?: string; tolerations?: Toleration[] };
  status?: { conditions?: Condition[] };
}

export interface NodeLifecycleOptions {
  /** --node-monitor-period; default 5 s. */
  monitorPeriodMs?: number;
  /** --node-monitor-grace-period; default 50 s (v1.32+). */
  gracePeriodMs?: number;
  now?: () => number;
}

/** How long the pod may stay with these NoExecute taints: 0 = evict now, Infinity = never (getMinTolerationTime). */
export function tolerationTimeMs(tolerations: Toleration[], taints: Taint[]): number {
  let min = Infinity;
  for (const taint of taints) {
    const matching = tolerations.filter((t) => toleratesTaint(t, taint));
    if (!matching.length) return 0;
    for (const t of matching) if (typeof t.tolerationSeconds === 'number') min = Math.min(min, Math.max(0, t.tolerationSeconds) * 1000);
  }
  return min;
}

export class NodeLifecycleController {
  private readonly nodes: SharedInformer<Node>;
  private readonly pods: SharedInformer<Pod>;
  private readonly leases: SharedInformer<KubeObject>;
  private readonly recorder: EventRecorder;
  private timer?: NodeJS.Timeout;
  private running = false;
  private readonly monitorPeriodMs: number;
  private readonly gracePeriodMs: number;
  private readonly now: () => number;
  /** When a node was first seen (a node never heard from gets the grace period from then). */
  private readonly firstSeen = new Map<string, number>();

  constructor(private readonly client: KubeClient, informers: SharedInformerFactory, opts: NodeLifecycleOptions = {}) {
    this.nodes = informers.informerFor<Node>(builtin.nodes);
    this.pods = informers.informerFor<Pod>(builtin.pods);
    this.leases = informers.informerFor(builtin.leases, { namespace: 'kube-node-lease' });
    this.recorder = new EventRecorder(client, { component: 'node-controller' });
    this.monitorPeriodMs = opts.monitorPeriodMs ?? 5_000;
    this.gracePeriodMs = opts.gracePeriodMs ?? 50_000;
    this.now = opts.now ?? Date.now;
  }

  async run(): Promise<void> {
    if (!(await this.nodes.waitForSync()) || !(await this.pods.waitForSync()) || !(await this.leases.waitForSync())) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = true;
      this.monitor().catch((e) => console.warn(`node-lifecycle-controller: ${e instanceof Error ? e.message : String(e)}`)).finally(() => { this.running = false; });
    }, this.monitorPeriodMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.recorder.flush();
  }

  /** One monitorNodeHealth pass, then the taint eviction of pods on tainted nodes. */
  async monitor(): Promise<void> {
    const now = this.now();
    for (const node of this.nodes.store.list()) {
      const name = node.metadata.name!;
      if (!this.firstSeen.has(name)) this.firstSeen.set(name, now);
      const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
      const lease = this.leases.store.get(`kube-node-lease/${name}`);
      const heartbeat = Math.max(
        Date.parse(String((lease?.spec as { renewTime?: string } | undefined)?.renewTime ?? '')) || 0,
        Date.parse(ready?.lastHeartbeatTime ?? '') || 0,
        this.firstSeen.get(name)!,
      );
      let current = node;
      if (now - heartbeat > this.gracePeriodMs && ready?.status !== 'Unknown') current = await this.markUnknown(node, now);
      await this.reconcileTaints(current, now);
    }
    await this.evictPods(now);
  }

  private async markUnknown(node: Node, now: number): Promise<Node> {
    const stamp = rfc3339(new Date(now));
    const conditions = [...(node.status?.conditions ?? [])];
    for (const type of KUBELET_CONDITIONS) {
      const i = conditions.findIndex((c) => c.type === type);
      const prev = conditions[i];
      const next: Condition = {
        type, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.',
        lastHeartbeatTime: prev?.lastHeartbeatTime ?? stamp, lastTransitionTime: stamp,
      };
      if (prev?.status === 'Unknown') continue;
      if (i >= 0) conditions[i] = next;
      else conditions.push({ ...next, reason: 'NodeStatusNeverUpdated' });
    }
    const updated = await this.client.updateStatus<Node>(builtin.nodes, { ...node, status: { ...node.status, conditions } });
    this.recorder.event(node, 'Normal', 'NodeNotReady', `Node ${node.metadata.name} status is now: NodeNotReady`);
    await this.markPodsNotReady(node.metadata.name!, stamp);
    return updated;
  }

  /** MarkPodsNotReady: the Ready condition of the node's pods becomes False. */
  private async markPodsNotReady(nodeName: string, stamp: string): Promise<void> {
    for (const pod of this.pods.store.list()) {
      if (pod.spec?.nodeName !== nodeName) continue;
      const conditions = (pod.status?.conditions ?? []).map((c) => c.type === 'Ready' && c.status !== 'False' ? { ...c, status: 'False', lastTransitionTime: stamp } : c);
      try {
        await this.client.updateStatus(builtin.pods, { ...pod, status: { ...pod.status, conditions } });
      } catch (e) {
        if (!(e instanceof ApiError && (e.code === 404 || e.code === 409))) throw e;
      }
    }
  }

  /** The unreachable / not-ready taints follow the Ready condition (taint-based eviction, TaintNodesByCondition). */
  private async reconcileTaints(node: Node, now: number): Promise<void> {
    const status = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
    const wantKey = status === 'Unknown' ? UNREACHABLE_TAINT : status === 'False' ? NOT_READY_TAINT : undefined;
    const taints = node.spec?.taints ?? [];
    const ours = (t: Taint) => (t.key === UNREACHABLE_TAINT || t.key === NOT_READY_TAINT) && (t.effect === 'NoExecute' || t.effect === 'NoSchedule');
    const kept = taints.filter((t) => !ours(t) || t.key === wantKey);
    const wanted = wantKey ? (['NoSchedule', 'NoExecute'] as const).filter((effect) => !kept.some((t) => t.key === wantKey && t.effect === effect))
      .map((effect): Taint => ({ key: wantKey, effect, ...(effect === 'NoExecute' ? { timeAdded: rfc3339(new Date(now)) } : {}) })) : [];
    if (kept.length === taints.length && !wanted.length) return;
    try {
      await this.client.update<Node>(builtin.nodes, { ...node, spec: { ...node.spec, taints: [...kept, ...wanted] } });
    } catch (e) {
      if (!(e instanceof ApiError && (e.code === 404 || e.code === 409))) throw e;
    }
  }

  /** tainteviction: pods on nodes with NoExecute taints they do not tolerate (long enough) are deleted. */
  private async evictPods(now: number): Promise<void> {
    const byNode = new Map(this.nodes.store.list().map((n) => [n.metadata.name!, (n.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute')]));
    for (const pod of this.pods.store.list()) {
      if (pod.metadata.deletionTimestamp || !pod.spec?.nodeName) continue;
      const taints = byNode.get(pod.spec.nodeName) ?? [];
      if (!taints.length) continue;
      const since = Math.max(...taints.map((t) => Date.parse(t.timeAdded ?? '') || now));
      if (now < since + tolerationTimeMs(pod.spec.tolerations ?? [], taints)) continue;
      this.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${pod.metadata.namespace}/${pod.metadata.name}`);
      try {
        await this.client.delete(builtin.pods, pod.metadata.name!, { namespace: pod.metadata.namespace });
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 404)) throw e;
      }
    }
  }
}
