// The scheduler's cache (after upstream's pkg/scheduler/backend/cache): per node, the summed requests and count of
// the pods bound to it plus the ones the scheduler assumed there, kept up to date from pod events so that a
// scheduling decision reads O(nodes) state instead of walking every pod.
import { objectKey } from '../client/store.js';
import { isTerminalPhase } from '../api/core.js';
import type { Node, Pod } from '../api/core.js';
import type { NodeState } from './filters.js';
import { addInto, allocatableOf, podRequests, ResourceAmounts } from './resources.js';

interface PodEntry {
  uid: string;
  node: string;
  requests: ResourceAmounts;
}

interface NodeTotals {
  requested: ResourceAmounts;
  podCount: number;
}

export class SchedulerCache {
  /** Bound, non-terminal pods as the informer shows them, by namespace/name. */
  private readonly bound = new Map<string, PodEntry>();
  /** Pods we decided on (binding in flight or not yet seen bound), by uid. */
  private readonly assumed = new Map<string, PodEntry & { key: string }>();
  private readonly totals = new Map<string, NodeTotals>();
  /** Parsed allocatable per Node object; informer objects are replaced, never mutated. */
  private readonly allocatable = new WeakMap<Node, ResourceAmounts>();

  /** `livePod` reads the informer's current pod by key. */
  constructor(private readonly livePod: (key: string) => Pod | undefined) {}

  /** A pod added or updated in the informer. */
  podChanged(pod: Pod): void {
    const key = objectKey(pod);
    const uid = pod.metadata.uid ?? '';
    const prev = this.bound.get(key);
    if (prev) this.account(prev, -1);
    this.bound.delete(key);
    if (!pod.spec.nodeName) return;
    // Seen bound: our assumption is confirmed (or moot).
    this.forget(uid);
    if (isTerminalPhase(pod.status?.phase)) return;
    // Requests are computed again on each update: an in-place resize may have changed them.
    const entry = { uid, node: pod.spec.nodeName, requests: podRequests(pod) };
    this.bound.set(key, entry);
    this.account(entry, 1);
  }

  /** A pod deleted from the informer. */
  podDeleted(pod: Pod): void {
    const key = objectKey(pod);
    const prev = this.bound.get(key);
    if (prev) this.account(prev, -1);
    this.bound.delete(key);
    this.forget(pod.metadata.uid ?? '');
  }

  /** Counts `pod` against `nodeName` until the informer shows it bound, or forget() is called. */
  assume(pod: Pod, nodeName: string): void {
    const uid = pod.metadata.uid ?? '';
    const key = objectKey(pod);
    const live = this.livePod(key);
    this.forget(uid);
    if (live?.metadata.uid === uid && live.spec.nodeName) return; // its bound version already counts
    const entry = { uid, key, node: nodeName, requests: podRequests(pod) };
    this.assumed.set(uid, entry);
    this.account(entry, 1);
  }

  forget(uid: string): void {
    const a = this.assumed.get(uid);
    if (!a) return;
    this.assumed.delete(uid);
    this.account(a, -1);
  }

  /** Each node with its requests so far, in name order (the order the filters see them). */
  nodeStates(nodes: Node[]): NodeState[] {
    const states = nodes.map((node): NodeState => {
      const t = this.totals.get(node.metadata.name!);
      return { node, requested: new Map(t?.requested), podCount: t?.podCount ?? 0, allocatable: this.allocatableOf(node) };
    });
    return states.sort((a, b) => (a.node.metadata.name! < b.node.metadata.name! ? -1 : 1));
  }

  private allocatableOf(node: Node): ResourceAmounts {
    let a = this.allocatable.get(node);
    if (!a) {
      a = allocatableOf(node);
      this.allocatable.set(node, a);
    }
    return a;
  }

  private account(entry: PodEntry, sign: 1 | -1): void {
    let t = this.totals.get(entry.node);
    if (!t) {
      t = { requested: new Map(), podCount: 0 };
      this.totals.set(entry.node, t);
    }
    t.podCount += sign;
    if (sign > 0) addInto(t.requested, entry.requests);
    else for (const [k, v] of entry.requests) t.requested.set(k, (t.requested.get(k) ?? 0n) - v);
    if (t.podCount === 0) this.totals.delete(entry.node);
  }
}
