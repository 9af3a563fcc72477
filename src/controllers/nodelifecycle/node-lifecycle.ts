// The node lifecycle controller (pkg/controller/nodelifecycle/node_lifecycle_controller.go) and its NoExecute taint
// eviction (pkg/controller/tainteviction): every --node-monitor-period the controller looks at each Node's last
// heartbeat (its Lease's renewTime or the Ready condition's lastHeartbeatTime, the later); one older than
// --node-monitor-grace-period turns every kubelet condition Unknown ("Kubelet stopped posting node status."), the
// node's pods NotReady, and taints the node node.kubernetes.io/unreachable (NoSchedule and NoExecute; Ready=False
// gives node.kubernetes.io/not-ready instead). A pod that does not tolerate a NoExecute taint is deleted, at once or
// after its toleration's tolerationSeconds. Deleting is all the control plane can do: a pod on an unreachable node
// keeps its object (Terminating) until its kubelet confirms or someone force-deletes it, which is why a StatefulSet
// pod is never run twice.
// On QueueController: monitorNodeHealth is a periodic pass (every(), upstream's wait.Until), and the eviction is the
// queue (tainteviction's taint_eviction.go): a node whose NoExecute taints or pods change is synced, its pods that do
// not tolerate the taints (any more) are deleted, and the node comes back when the next toleration runs out.
import { ApiError } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { KubeClient } from '../../client/client.js';
import type { SharedInformer, SharedInformerFactory } from '../../client/informer.js';
import { builtin } from '../../client/resources.js';
import type { ReconcileResult } from '../../client/controller.js';
import type { Node, NodeCondition, Taint, Toleration } from '../../api/core.js';
import type { Pod } from '../../api/generated/core-v1.js';
import { toleratesTaint } from '../../scheduler/filters.js';
import { rfc3339 } from '../../apimachinery/time.js';
import { errorText, QueueController } from '../common/queue-controller.js';

export const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';
export const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];
/** setTimeout's longest delay: a longer tolerationSeconds is looked at again then (the monitor pass requeues anyway). */
const MAX_TIMER_MS = 2 ** 31 - 1;

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

const noExecute = (node: Node | undefined): Taint[] => (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');

export class NodeLifecycleController extends QueueController {
  private readonly nodes: SharedInformer<Node>;
  private readonly pods: SharedInformer<Pod>;
  private readonly leases: SharedInformer<KubeObject>;
  private readonly gracePeriodMs: number;
  /** When a node was first seen (a node never heard from gets the grace period from then). */
  private readonly firstSeen = new Map<string, number>();

  constructor(client: KubeClient, informers: SharedInformerFactory, opts: NodeLifecycleOptions = {}) {
    super(client, 'node-lifecycle-controller', 'noexec_taint_node', { workers: 1, eventSource: 'node-controller', now: opts.now });
    this.nodes = informers.informerFor<Node>(builtin.nodes);
    this.pods = informers.informerFor<Pod>(builtin.pods);
    this.leases = informers.informerFor(builtin.leases, { namespace: 'kube-node-lease' });
    this.gracePeriodMs = opts.gracePeriodMs ?? 50_000;
    this.every(opts.monitorPeriodMs ?? 5_000, () => this.monitor(), (e) => console.warn(`node-lifecycle-controller: ${errorText(e)}`));
    // tainteviction's handleNodeUpdate and handlePodUpdate: only a node with NoExecute taints has pods to look at
    const nodeChanged = (node: Node) => {
      if (noExecute(node).length) this.enqueue(node);
    };
    this.nodes.addEventHandler({ onAdd: nodeChanged, onUpdate: (_old, node) => nodeChanged(node) });
    const podChanged = (pod: Pod) => {
      const nodeName = pod.spec?.nodeName;
      if (nodeName && !pod.metadata.deletionTimestamp && noExecute(this.nodes.store.get(nodeName)).length) this.queue.add(nodeName);
    };
    this.pods.addEventHandler({ onAdd: podChanged, onUpdate: (_old, pod) => podChanged(pod) });
  }

  protected caches() {
    return [this.nodes, this.pods, this.leases];
  }

  /** One monitorNodeHealth pass; then every node with NoExecute taints is looked at again by the eviction queue. */
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
      if (noExecute(node).length) this.enqueue(node);
    }
  }

  private async markUnknown(node: Node, now: number): Promise<Node> {
    const stamp = rfc3339(new Date(now));
    const conditions = [...(node.status?.conditions ?? [])];
    for (const type of KUBELET_CONDITIONS) {
      const i = conditions.findIndex((c) => c.type === type);
      const prev = conditions[i];
      const next: NodeCondition = {
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

  /**
   * tainteviction's processPodOnNode for every pod on the node: one that does not tolerate the node's NoExecute
   * taints, or no longer (its tolerationSeconds since the taint was added have passed), is deleted; the node is looked
   * at again when the next pod's toleration runs out.
   */
  protected async sync(nodeName: string): Promise<ReconcileResult> {
    const taints = noExecute(this.nodes.store.get(nodeName));
    if (!taints.length) return;
    const now = this.now();
    const since = Math.max(...taints.map((t) => Date.parse(t.timeAdded ?? '') || now));
    let next = Infinity;
    for (const pod of this.pods.store.list()) {
      if (pod.metadata.deletionTimestamp || pod.spec?.nodeName !== nodeName) continue;
      const due = since + tolerationTimeMs(pod.spec.tolerations ?? [], taints);
      if (now < due) {
        next = Math.min(next, due - now);
        continue;
      }
      this.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${pod.metadata.namespace}/${pod.metadata.name}`);
      try {
        await this.client.delete(builtin.pods, pod.metadata.name!, { namespace: pod.metadata.namespace });
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 404)) throw e;
      }
    }
    return Number.isFinite(next) ? { requeueAfter: Math.min(next, MAX_TIMER_MS) } : undefined;
  }
}
