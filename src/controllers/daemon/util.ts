// DaemonSet helpers after pkg/controller/daemon/util/daemonset_util.go and daemon_controller.go's predicates: the
// tolerations every daemon pod gets, the pod template with the generation and revision-hash labels, the node
// affinity that pins a pod to its node, which node a pod targets, whether it is up to date, surge and
// unavailability budgets, and whether a node should run the daemon pod at all (NodeShouldRunDaemonPod).
import type { Node, Pod as TypedPod, Taint, Toleration } from '../../api/core.js';
import { matchesNodeSelectorAndAffinity, toleratesTaint } from '../../scheduler/filters.js';
import { scaledValueFromIntOrPercent } from '../deployment/intstr.js';
import type { Pod, PodTemplateSpec } from '../statefulset/types.js';
import type * as apps from '../../api/generated/apps-v1.js';

export const DS_API_VERSION = 'apps/v1';
export const DS_KIND = 'DaemonSet';
/** apps.DefaultDaemonSetUniqueLabelKey (= controller-revision-hash). */
export const DAEMONSET_UNIQUE_LABEL = 'controller-revision-hash';
/** extensions.DaemonSetTemplateGenerationKey. */
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
/** The apps/v1 home of the internal spec.templateGeneration. */
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

/** apps/v1 DaemonSet with `spec` required: the API server validates that every DaemonSet has one. */
export interface DaemonSet extends apps.DaemonSet {
  spec: apps.DaemonSetSpec;
}

/** Tolerations added to every daemon pod (AddOrUpdateDaemonPodTolerations): node problems never evict or block it. */
export function addOrUpdateDaemonPodTolerations(spec: { hostNetwork?: unknown; tolerations?: unknown }): void {
  const add: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (spec.hostNetwork === true) add.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  const tolerations = Array.isArray(spec.tolerations) ? [...(spec.tolerations as Toleration[])] : [];
  for (const t of add) {
    // AddOrUpdateTolerationInPodSpec: an equal toleration (key, operator, value, effect) is replaced, else appended
    const i = tolerations.findIndex((x) => (x.key ?? '') === t.key && (x.operator ?? '') === t.operator && (x.value ?? '') === '' && (x.effect ?? '') === t.effect);
    if (i >= 0) tolerations[i] = t;
    else tolerations.push(t);
  }
  spec.tolerations = tolerations;
}

/** CreatePodTemplate: the template with the daemon tolerations and the generation and hash labels. */
export function createPodTemplate(template: PodTemplateSpec, generation: number | undefined, hash: string): PodTemplateSpec {
  const t: PodTemplateSpec = structuredClone(template);
  addOrUpdateDaemonPodTolerations((t.spec ??= { containers: [] }));
  const meta = (t.metadata ??= {});
  const labels = (meta.labels = { ...(meta.labels ?? {}) });
  if (generation !== undefined) labels[TEMPLATE_GENERATION_LABEL] = String(generation);
  if (hash) labels[DAEMONSET_UNIQUE_LABEL] = hash;
  return t;
}

/** ReplaceDaemonSetPodNodeNameNodeAffinity: required node affinity reduced to `metadata.name In [node]`. */
export function replaceDaemonSetPodNodeNameNodeAffinity(affinity: Record<string, unknown> | undefined, nodeName: string): Record<string, unknown> {
  const terms = [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }];
  const out = { ...(affinity ?? {}) };
  const nodeAffinity = { ...((out.nodeAffinity as Record<string, unknown> | undefined) ?? {}) };
  const required = { ...((nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution as Record<string, unknown> | undefined) ?? {}) };
  required.nodeSelectorTerms = terms;
  nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = required;
  out.nodeAffinity = nodeAffinity;
  return out;
}

/** GetTargetNodeName: spec.nodeName, or the single node of the `metadata.name In [...]` affinity term. */
export function getTargetNodeName(pod: Pod): string | undefined {
  if (typeof pod.spec?.nodeName === 'string' && pod.spec.nodeName) return pod.spec.nodeName;
  const affinity = pod.spec?.affinity as { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: { matchFields?: { key: string; operator: string; values?: string[] }[] }[] } } } | undefined;
  for (const term of affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}

/** GetTemplateGeneration: the deprecated template-generation annotation, undefined when absent or unparsable. */
export function getTemplateGeneration(ds: DaemonSet): number | undefined {
  const v = ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined;
}

/** IsPodUpdated: the pod carries the current revision hash (or, for old pods, the current template generation). */
export function isPodUpdated(pod: Pod, hash: string, generation: number | undefined): boolean {
  const labels = pod.metadata.labels ?? {};
  const templateMatches = generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === String(generation);
  const hashMatches = hash.length > 0 && labels[DAEMONSET_UNIQUE_LABEL] === hash;
  return hashMatches || templateMatches;
}

const rollingUpdate = (ds: DaemonSet) => (ds.spec.updateStrategy?.type === 'RollingUpdate' ? ds.spec.updateStrategy.rollingUpdate : undefined);

/** SurgeCount: maxSurge of `numberToSchedule`, rounded up (0 unless RollingUpdate). */
export function surgeCount(ds: DaemonSet, numberToSchedule: number): number {
  const r = rollingUpdate(ds);
  if (!r || r.maxSurge === undefined || r.maxSurge === null) return 0;
  return scaledValueFromIntOrPercent(r.maxSurge, numberToSchedule, true);
}

/** UnavailableCount: maxUnavailable of `numberToSchedule`, rounded up (0 unless RollingUpdate). */
export function unavailableCount(ds: DaemonSet, numberToSchedule: number): number {
  const r = rollingUpdate(ds);
  if (!r || r.maxUnavailable === undefined || r.maxUnavailable === null) return 0;
  return scaledValueFromIntOrPercent(r.maxUnavailable, numberToSchedule, true);
}

/** AllowsSurge: a rolling update with a non-zero maxSurge. */
export function allowsSurge(ds: DaemonSet): boolean {
  const s = rollingUpdate(ds)?.maxSurge;
  if (s === undefined || s === null) return false;
  try {
    return scaledValueFromIntOrPercent(s, 100, true) !== 0;
  } catch {
    return false;
  }
}

/** NewPod: the daemon pod for a node, as the predicates see it (template, node name, daemon tolerations). */
export function newPod(ds: DaemonSet, nodeName: string): TypedPod {
  const spec = { ...(ds.spec.template.spec ?? {}), nodeName } as Record<string, unknown>;
  addOrUpdateDaemonPodTolerations(spec);
  return { metadata: { ...(ds.spec.template.metadata ?? {}), namespace: ds.metadata.namespace }, spec: spec as unknown as TypedPod['spec'] };
}

/** FindMatchingUntoleratedTaint among the taints `filter` selects. */
function hasUntoleratedTaint(taints: Taint[], tolerations: Toleration[] | undefined, filter: (t: Taint) => boolean): boolean {
  return taints.some((t) => filter(t) && !(tolerations ?? []).some((tol) => toleratesTaint(tol, t)));
}

/**
 * NodeShouldRunDaemonPod: shouldRun — a new daemon pod belongs on the node (node name, node selector and affinity
 * match, NoSchedule/NoExecute taints tolerated); shouldContinueRunning — an existing one may stay (only untolerated
 * NoExecute taints evict).
 */
export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): { shouldRun: boolean; shouldContinueRunning: boolean } {
  const templateNode = ds.spec.template.spec?.nodeName;
  if (templateNode && templateNode !== node.metadata.name) return { shouldRun: false, shouldContinueRunning: false };
  const pod = newPod(ds, node.metadata.name ?? '');
  if (!matchesNodeSelectorAndAffinity(pod, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = node.spec?.taints ?? [];
  if (hasUntoleratedTaint(taints, pod.spec.tolerations, (t) => t.effect === 'NoExecute' || t.effect === 'NoSchedule')) {
    return { shouldRun: false, shouldContinueRunning: !hasUntoleratedTaint(taints, pod.spec.tolerations, (t) => t.effect === 'NoExecute') };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}

/** podByCreationTimestampAndPhase: scheduled pods first, then oldest, names breaking ties. */
export function byCreationTimestampAndPhase(a: Pod, b: Pod): number {
  const an = !!a.spec?.nodeName;
  const bn = !!b.spec?.nodeName;
  if (an !== bn) return an ? -1 : 1;
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta === tb) return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0;
  return Date.parse(ta) - Date.parse(tb);
}

/**
 * flowcontrol.Backoff (1 s doubling to 15 min in kube-controller-manager): the delay before a failed daemon pod on a
 * node is deleted again.
 */
export class Backoff {
  private readonly entries = new Map<string, { backoff: number; lastUpdate: number }>();
  constructor(private readonly initialMs: number, private readonly maxMs: number, readonly now: () => number) {}

  get(key: string): number {
    return this.entries.get(key)?.backoff ?? 0;
  }

  /** Next: starts or doubles the key's back-off (an entry idle for twice the maximum starts over). */
  next(key: string, nowMs: number): void {
    const e = this.entries.get(key);
    if (!e || nowMs - e.lastUpdate > 2 * this.maxMs) this.entries.set(key, { backoff: this.initialMs, lastUpdate: nowMs });
    else this.entries.set(key, { backoff: Math.min(e.backoff * 2, this.maxMs), lastUpdate: nowMs });
  }

  /** IsInBackOffSinceUpdate. */
  isInBackOffSinceUpdate(key: string, nowMs: number): boolean {
    const e = this.entries.get(key);
    return !!e && nowMs - e.lastUpdate < e.backoff;
  }

  /** GC: forgets entries idle for twice the maximum. */
  gc(): void {
    const now = this.now();
    for (const [k, e] of this.entries) if (now - e.lastUpdate > 2 * this.maxMs) this.entries.delete(k);
  }
}
