// The default profile's filter plugins that matter for a simulated cluster, in upstream order (NodeUnschedulable,
// TaintToleration, NodeAffinity, NodeResourcesFit), with their failure reasons verbatim, and the FitError message
// kube-scheduler puts into FailedScheduling events and the PodScheduled condition.
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, Taint, Toleration } from '../api/core.js';
import { addInto, allocatableOf, podRequests, ResourceAmounts } from './resources.js';

export interface NodeState {
  node: Node;
  /** Summed requests of the pods bound (or being bound) to the node. */
  requested: ResourceAmounts;
  podCount: number;
  /** The node's parsed allocatable, when the caller has it at hand. */
  allocatable?: ResourceAmounts;
}

export interface FilterResult {
  reasons: string[];
  /** UnschedulableAndUnresolvable: evicting pods would not help. */
  unresolvable: boolean;
}

export const ERR_UNSCHEDULABLE = 'node(s) were unschedulable';
export const ERR_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
export const ERR_TOO_MANY_PODS = 'Too many pods';
export const ERR_NO_NODES = 'no nodes available to schedule pods';

/**
 * Reasons the node cannot take the pod (the first failing plugin's), or undefined when it fits. `requests` is the
 * pod's podRequests, computed once per scheduling decision by a caller that filters many nodes.
 */
export function filterNode(pod: Pod, state: NodeState, requests: ResourceAmounts = podRequests(pod)): FilterResult | undefined {
  const node = state.node;
  if (node.spec?.unschedulable && !tolerates(pod.spec.tolerations, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })) {
    return { reasons: [ERR_UNSCHEDULABLE], unresolvable: true };
  }
  const taint = untoleratedTaint(pod, node);
  if (taint) return { reasons: [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`], unresolvable: true };
  if (!matchesNodeSelectorAndAffinity(pod, node)) return { reasons: [ERR_NODE_AFFINITY], unresolvable: true };
  const insufficient = insufficientResources(requests, state);
  if (insufficient.length) return { reasons: insufficient, unresolvable: false };
  return undefined;
}

// ---- TaintToleration ---------------------------------------------------------------------------------------

export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== 'Exists') return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

const tolerates = (tolerations: Toleration[] | undefined, taint: Taint) => (tolerations ?? []).some((t) => toleratesTaint(t, taint));

/** Taints with NoSchedule/NoExecute; a node that is not Ready carries node.kubernetes.io/not-ready implicitly. */
function untoleratedTaint(pod: Pod, node: Node): Taint | undefined {
  const taints = [...(node.spec?.taints ?? [])];
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  if (!ready && !taints.some((t) => t.key === 'node.kubernetes.io/not-ready')) taints.push({ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' });
  return taints.find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(pod.spec.tolerations, t));
}

// ---- NodeAffinity ------------------------------------------------------------------------------------------

export function matchesNodeSelectorAndAffinity(pod: Pod, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms === undefined) return true;
  return terms.some((t) => termMatches(t, node));
}

function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!exprs.length && !fields.length) return false;
  const labels = node.metadata.labels ?? {};
  return exprs.every((r) => requirementMatches(r, labels)) && fields.every((r) => r.key === 'metadata.name' && requirementMatches(r, { 'metadata.name': node.metadata.name ?? '' }));
}

function requirementMatches(r: NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const v = labels[r.key];
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In': return has && values.includes(v);
    case 'NotIn': return !has || !values.includes(v);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || values.length !== 1 || !/^-?\d+$/.test(v) || !/^-?\d+$/.test(values[0])) return false;
      return r.operator === 'Gt' ? BigInt(v) > BigInt(values[0]) : BigInt(v) < BigInt(values[0]);
    }
    default: return false;
  }
}

// ---- NodeResourcesFit --------------------------------------------------------------------------------------

function insufficientResources(req: ResourceAmounts, state: NodeState): string[] {
  const reasons: string[] = [];
  const alloc = state.allocatable ?? allocatableOf(state.node);
  if (state.podCount + 1 > Number(alloc.get('pods') ?? 0n)) reasons.push(ERR_TOO_MANY_PODS);
  const free = (name: string) => (alloc.get(name) ?? 0n) - (state.requested.get(name) ?? 0n);
  const ordered = ['cpu', 'memory', 'ephemeral-storage', ...[...req.keys()].filter((k) => !['cpu', 'memory', 'ephemeral-storage', 'pods'].includes(k)).sort()];
  for (const name of ordered) {
    const want = req.get(name) ?? 0n;
    if (want > 0n && want > free(name)) reasons.push(`Insufficient ${name}`);
  }
  return reasons;
}

/** Adds a pod's requests to a node's bookkeeping. */
export function accountPod(state: NodeState, pod: Pod): void {
  addInto(state.requested, podRequests(pod));
  state.podCount++;
}

// ---- FitError ----------------------------------------------------------------------------------------------

/** "N reason" entries sorted as strings, joined with ", ". */
function histogram(reasons: string[]): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${n} ${r}`).sort().join(', ');
}

/**
 * `0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims
 * found for incoming pod.` — the filter reasons, then what the preemption PostFilter concluded. When a PreFilter
 * rejected the pod, its message stands alone instead of the per-node reasons (every node carries the same one).
 */
export function fitErrorMessage(pod: Pod, numNodes: number, failures: FilterResult[], preFilterMsg?: string): string {
  let msg = `0/${numNodes} nodes are available:`;
  const reasons = failures.flatMap((f) => f.reasons);
  if (preFilterMsg) msg += ` ${preFilterMsg}.`;
  else if (reasons.length) msg += ` ${histogram(reasons)}.`;
  if (pod.spec.preemptionPolicy === 'Never') return `${msg} preemption: not eligible due to preemptionPolicy=Never.`;
  const preemption = failures.map((f) => (f.unresolvable ? 'Preemption is not helpful for scheduling' : 'No preemption victims found for incoming pod'));
  return `${msg} preemption: 0/${numNodes} nodes are available: ${histogram(preemption)}.`;
}
