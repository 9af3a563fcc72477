// Identity, storage, ownership and health predicates for StatefulSet pods, after upstream's
// pkg/controller/statefulset/stateful_set_utils.go (v1.33: PodIndexLabel and PVC retention are GA, always on).
import type { Selector } from '../../apimachinery/labels.js';
import type { KubeObject, OwnerReference } from '../../apimachinery/types.js';
import { newControllerRef } from '../common/controller-ref-manager.js';
import type { StatefulSetCaches } from './caches.js';
import type { PersistentVolumeClaim, Pod, PodCondition, StatefulSet, Volume } from './types.js';

/** Pod label naming the ControllerRevision the pod was built from. */
export const STATEFULSET_REVISION_LABEL = 'controller-revision-hash';
export const STATEFULSET_POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

export const SET_API_VERSION = 'apps/v1';
export const SET_KIND = 'StatefulSet';
const POD_API_VERSION = 'v1';
const POD_KIND = 'Pod';

const MAX_INT32 = 2 ** 31 - 1;

export interface ParentAndOrdinal {
  readonly parent: string;
  readonly ordinal: number;
}

const NOT_A_SET_POD: ParentAndOrdinal = Object.freeze({ parent: '', ordinal: -1 });

// The predicates below read the pod as upstream's do. Those the sync asks of every pod take the controller's
// StatefulSetCaches as an optional last argument: with it, informer pods are answered from the facts remembered when
// they arrived (caches.ts). The answers are the same either way.

/**
 * Parent set name and ordinal from a pod name; ('', -1) when the name does not look like `<set>-<n>`. Upstream
 * matches `^(.*)-([0-9]+)$`: the greedy prefix means the split is at the last '-', whose suffix must be all digits.
 */
export function getParentNameAndOrdinal(pod: Pick<Pod, 'metadata'>, caches?: StatefulSetCaches): ParentAndOrdinal {
  return caches ? caches.parentAndOrdinal(pod) : splitPodName(pod.metadata.name ?? '');
}

/** The split of getParentNameAndOrdinal, frozen (callers may share it). */
export function splitPodName(name: string): ParentAndOrdinal {
  const dash = name.lastIndexOf('-');
  if (dash < 0 || dash === name.length - 1) return NOT_A_SET_POD;
  for (let i = dash + 1; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return NOT_A_SET_POD; // not a decimal digit
  }
  // strconv.ParseInt(s, 10, 32): out of range leaves ordinal at -1 but keeps the parent
  const n = Number(name.slice(dash + 1));
  return Object.freeze({ parent: name.slice(0, dash), ordinal: n <= MAX_INT32 ? n : -1 });
}

export const getParentName = (pod: Pick<Pod, 'metadata'>, caches?: StatefulSetCaches): string => getParentNameAndOrdinal(pod, caches).parent;
export const getOrdinal = (pod: Pick<Pod, 'metadata'>, caches?: StatefulSetCaches): number => getParentNameAndOrdinal(pod, caches).ordinal;

/** The uid of the pod's controller reference, undefined when it has none. */
export function getControllerUid(pod: Pod, caches?: StatefulSetCaches): string | undefined {
  const facts = caches?.factsOf(pod);
  return facts ? facts.controllerUid : pod.metadata.ownerReferences?.find((r) => r.controller === true)?.uid;
}

/** selector.matches(pod's labels). */
export function podMatchesSelector(pod: Pod, selector: Selector, caches?: StatefulSetCaches): boolean {
  const facts = caches?.factsOf(pod);
  if (!facts) return selector.matches(pod.metadata.labels);
  if (facts.matchedSelector !== selector) {
    facts.selectorMatched = selector.matches(facts.labels);
    facts.matchedSelector = selector;
  }
  return facts.selectorMatched!;
}

export function getReplicas(set: StatefulSet): number {
  return set.spec.replicas ?? 1;
}

/** First ordinal (inclusive): spec.ordinals.start, else 0. */
export function getStartOrdinal(set: StatefulSet): number {
  return set.spec.ordinals ? set.spec.ordinals.start ?? 0 : 0;
}

/** Last ordinal (inclusive). */
export function getEndOrdinal(set: StatefulSet): number {
  return getStartOrdinal(set) + getReplicas(set) - 1;
}

export function podInOrdinalRange(pod: Pick<Pod, 'metadata'>, set: StatefulSet, caches?: StatefulSetCaches): boolean {
  const ordinal = getOrdinal(pod, caches);
  return ordinal >= getStartOrdinal(set) && ordinal <= getEndOrdinal(set);
}

export function getPodName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

/** `<template>-<set>-<ordinal>`. */
export function getPersistentVolumeClaimName(set: StatefulSet, claim: PersistentVolumeClaim, ordinal: number): string {
  return `${claim.metadata.name}-${set.metadata.name}-${ordinal}`;
}

export function isMemberOf(set: StatefulSet, pod: Pick<Pod, 'metadata'>, caches?: StatefulSetCaches): boolean {
  return getParentName(pod, caches) === set.metadata.name;
}

/** The pod's name, namespace and pod-name label fit the set. */
export function identityMatches(set: StatefulSet, pod: Pod, caches?: StatefulSetCaches): boolean {
  const facts = caches?.factsOf(pod);
  if (facts) {
    // a canonical name is `<parent>-<ordinal>`, so with the parent being the set it is getPodName(set, ordinal)
    return (
      facts.canonicalName &&
      set.metadata.name === facts.split.parent &&
      facts.namespace === (set.metadata.namespace ?? '') &&
      facts.podNameLabelMatches
    );
  }
  const { parent, ordinal } = getParentNameAndOrdinal(pod, caches);
  const name = pod.metadata.name;
  return (
    ordinal >= 0 &&
    set.metadata.name === parent &&
    name === getPodName(set, ordinal) &&
    (pod.metadata.namespace ?? '') === (set.metadata.namespace ?? '') &&
    pod.metadata.labels?.[STATEFULSET_POD_NAME_LABEL] === name
  );
}

/** Every volumeClaimTemplate is mounted as a volume of the same name pointing at the pod's claim. */
export function storageMatches(set: StatefulSet, pod: Pod, caches?: StatefulSetCaches): boolean {
  const ordinal = getOrdinal(pod, caches);
  if (ordinal < 0) return false;
  const templates = set.spec.volumeClaimTemplates;
  if (!templates?.length) return true;
  const volumes = new Map<string, Volume>();
  for (const v of pod.spec?.volumes ?? []) volumes.set(v.name, v);
  for (const claim of templates) {
    const volume = volumes.get(claim.metadata.name ?? '');
    if (!volume?.persistentVolumeClaim || volume.persistentVolumeClaim.claimName !== getPersistentVolumeClaimName(set, claim, ordinal)) return false;
  }
  return true;
}

export function getPersistentVolumeClaimRetentionPolicy(set: StatefulSet): { whenDeleted: string; whenScaled: string } {
  const p = set.spec.persistentVolumeClaimRetentionPolicy;
  return { whenDeleted: p?.whenDeleted ?? 'Retain', whenScaled: p?.whenScaled ?? 'Retain' };
}

// ---- PVC ownership for the retention policy ----

/** Same apiVersion, kind and name (uid not compared). */
function matchesRef(ref: OwnerReference, obj: KubeObject, apiVersion: string, kind: string): boolean {
  return ref.apiVersion === apiVersion && ref.kind === kind && ref.name === obj.metadata.name;
}

/** target has an owner ref with owner's uid (controller or not). */
export function hasOwnerRef(target: KubeObject, owner: KubeObject): boolean {
  const uid = owner.metadata.uid ?? '';
  return (target.metadata.ownerReferences ?? []).some((r) => r.uid === uid);
}

/** A ref naming obj but with another uid: left over from an earlier object of the same name. */
export function hasStaleOwnerRef(target: KubeObject, obj: KubeObject, apiVersion: string, kind: string): boolean {
  for (const ref of target.metadata.ownerReferences ?? []) {
    if (matchesRef(ref, obj, apiVersion, kind)) return ref.uid !== (obj.metadata.uid ?? '');
  }
  return false;
}

/**
 * Some controller other than this set/pod manages the claim (or our refs carry a stale uid). Only relevant when
 * the policy is not Retain/Retain: then claims owned by others are never touched.
 */
export function hasUnexpectedController(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod): boolean {
  const policy = getPersistentVolumeClaimRetentionPolicy(set);
  if (policy.whenScaled === 'Retain' && policy.whenDeleted === 'Retain') return false;
  for (const ref of claim.metadata.ownerReferences ?? []) {
    if (matchesRef(ref, set, SET_API_VERSION, SET_KIND)) {
      if (ref.uid !== set.metadata.uid) return true;
      continue;
    }
    if (matchesRef(ref, pod, POD_API_VERSION, POD_KIND)) {
      if (ref.uid !== pod.metadata.uid) return true;
      continue;
    }
    if (ref.controller) return true;
  }
  return false;
}

/** The set or pod owns the claim without being its controller (refs from older releases). */
export function hasNonControllerOwner(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod): boolean {
  return (claim.metadata.ownerReferences ?? []).some(
    (r) => (r.uid === set.metadata.uid || r.uid === pod.metadata.uid) && !r.controller,
  );
}

/**
 * isClaimOwnerUpToDate: whether the claim's refs already express the retention policy.
 *   Retain/Retain → no refs; whenDeleted=Delete → set ref; whenScaled=Delete → pod ref on scaled-down pods only;
 *   both → set ref while in range, pod ref once condemned. Claims in an unknown state (stale refs, foreign
 *   controllers without our refs) count as up to date so they are left alone.
 */
export function isClaimOwnerUpToDate(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod): boolean {
  if (hasStaleOwnerRef(claim, set, SET_API_VERSION, SET_KIND) || hasStaleOwnerRef(claim, pod, POD_API_VERSION, POD_KIND)) return true;
  if (hasUnexpectedController(claim, set, pod)) {
    // our own refs next to a foreign controller must be cleaned up; otherwise leave the claim to its controller
    return !(hasOwnerRef(claim, set) || hasOwnerRef(claim, pod));
  }
  if (hasNonControllerOwner(claim, set, pod)) return false;
  const policy = getPersistentVolumeClaimRetentionPolicy(set);
  const setRef = hasOwnerRef(claim, set);
  const podRef = hasOwnerRef(claim, pod);
  const scaledDown = !podInOrdinalRange(pod, set);
  if (policy.whenScaled === 'Retain' && policy.whenDeleted === 'Delete') return setRef && !podRef;
  if (policy.whenScaled === 'Delete' && policy.whenDeleted === 'Retain') return !setRef && scaledDown === podRef;
  if (policy.whenScaled === 'Delete' && policy.whenDeleted === 'Delete') return scaledDown !== setRef && scaledDown === podRef;
  // Retain/Retain, and unknown values treated as Retain
  return !setRef && !podRef;
}

/** The name the brief and older releases use for the same check. */
export const claimOwnerMatchesSetAndPod = isClaimOwnerUpToDate;

function addControllerRef(refs: OwnerReference[], owner: KubeObject, apiVersion: string, kind: string): OwnerReference[] {
  if (refs.some((r) => r.uid === owner.metadata.uid)) return refs;
  return [...refs, newControllerRef(owner, apiVersion, kind)];
}

/** Rewrites the claim's owner refs (in place) to express the retention policy; see isClaimOwnerUpToDate. */
export function updateClaimOwnerRefForSetAndPod(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod): void {
  const unexpectedController = hasUnexpectedController(claim, set, pod);
  // drop every ref to our set and pod first, then add back what the policy asks for
  let refs = (claim.metadata.ownerReferences ?? []).filter(
    (r) => !matchesRef(r, set, SET_API_VERSION, SET_KIND) && !matchesRef(r, pod, POD_API_VERSION, POD_KIND),
  );
  if (!unexpectedController) {
    const policy = getPersistentVolumeClaimRetentionPolicy(set);
    const scaledDown = !podInOrdinalRange(pod, set);
    const wantSetRef = policy.whenDeleted === 'Delete' && (policy.whenScaled === 'Retain' ? true : policy.whenScaled === 'Delete' && !scaledDown);
    const wantPodRef = policy.whenScaled === 'Delete' && (policy.whenDeleted === 'Retain' || policy.whenDeleted === 'Delete') && scaledDown;
    if (wantSetRef) refs = addControllerRef(refs, set, SET_API_VERSION, SET_KIND);
    if (wantPodRef) refs = addControllerRef(refs, pod, POD_API_VERSION, POD_KIND);
  }
  if (refs.length > 0) claim.metadata.ownerReferences = refs;
  else delete claim.metadata.ownerReferences;
}

/** A not-yet-created pod whose claim still carries a ref to an earlier pod of that name (whenScaled=Delete). */
export function claimIsStaleForPod(claim: PersistentVolumeClaim, pod: Pod): boolean {
  return hasStaleOwnerRef(claim, pod, POD_API_VERSION, POD_KIND);
}

// ---- storage and identity ----

/** The pod's claims keyed by template name, labelled with the template labels plus the selector's matchLabels. */
export function getPersistentVolumeClaims(set: StatefulSet, pod: Pick<Pod, 'metadata'>): Map<string, PersistentVolumeClaim> {
  const ordinal = getOrdinal(pod);
  const claims = new Map<string, PersistentVolumeClaim>();
  for (const template of set.spec.volumeClaimTemplates ?? []) {
    const claim: PersistentVolumeClaim = structuredClone(template);
    claim.apiVersion = 'v1';
    claim.kind = 'PersistentVolumeClaim';
    claim.metadata.name = getPersistentVolumeClaimName(set, template, ordinal);
    claim.metadata.namespace = set.metadata.namespace;
    const matchLabels = set.spec.selector?.matchLabels;
    if (claim.metadata.labels || matchLabels) claim.metadata.labels = { ...(claim.metadata.labels ?? {}), ...(matchLabels ?? {}) };
    claims.set(template.metadata.name ?? '', claim);
  }
  return claims;
}

/** Points one volume per claim template at the pod's claim, keeping the pod's other volumes after them. */
export function updateStorage(set: StatefulSet, pod: Pod): void {
  const claims = getPersistentVolumeClaims(set, pod);
  const volumes: Volume[] = [];
  for (const [name, claim] of claims) volumes.push({ name, persistentVolumeClaim: { claimName: claim.metadata.name ?? '' } });
  for (const v of pod.spec?.volumes ?? []) if (!claims.has(v.name)) volumes.push(v);
  pod.spec ??= { containers: [] };
  if (volumes.length > 0) pod.spec.volumes = volumes;
}

/** Name, namespace and the pod-name/pod-index labels. */
export function updateIdentity(set: StatefulSet, pod: Pod): void {
  const ordinal = getOrdinal(pod);
  pod.metadata.name = getPodName(set, ordinal);
  pod.metadata.namespace = set.metadata.namespace;
  pod.metadata.labels ??= {};
  pod.metadata.labels[STATEFULSET_POD_NAME_LABEL] = pod.metadata.name;
  pod.metadata.labels[POD_INDEX_LABEL] = String(ordinal);
}

/** updateIdentity plus hostname/subdomain, which are immutable and so only set at creation. */
export function initIdentity(set: StatefulSet, pod: Pod): void {
  updateIdentity(set, pod);
  pod.spec ??= { containers: [] };
  pod.spec.hostname = pod.metadata.name;
  if (set.spec.serviceName) pod.spec.subdomain = set.spec.serviceName;
}

// ---- pod state ----

export function getPodReadyCondition(pod: Pod): PodCondition | undefined {
  const conditions = pod.status?.conditions;
  if (!conditions) return undefined;
  // a plain loop: this runs for every pod several times per sync
  for (let i = 0; i < conditions.length; i++) if (conditions[i].type === 'Ready') return conditions[i];
  return undefined;
}

export function isPodReady(pod: Pod, caches?: StatefulSetCaches): boolean {
  const facts = caches?.factsOf(pod);
  return (facts ? facts.readyStatus : getPodReadyCondition(pod)?.status) === 'True';
}

const phaseOf = (pod: Pod, caches: StatefulSetCaches | undefined): string | undefined => {
  const facts = caches?.factsOf(pod);
  return facts ? facts.phase : pod.status?.phase;
};

export function isRunningAndReady(pod: Pod, caches?: StatefulSetCaches): boolean {
  return phaseOf(pod, caches) === 'Running' && isPodReady(pod, caches);
}

/** podutil.IsPodAvailable: Ready, and Ready for strictly more than minReadySeconds. */
export function isRunningAndAvailable(pod: Pod, minReadySeconds: number, now: Date, caches?: StatefulSetCaches): boolean {
  if (!isPodReady(pod, caches)) return false;
  if (!minReadySeconds) return true;
  const facts = caches?.factsOf(pod);
  const since = Date.parse((facts ? facts.readySince : getPodReadyCondition(pod)?.lastTransitionTime) ?? '');
  return !Number.isNaN(since) && since + minReadySeconds * 1000 < now.getTime();
}

/** Created means the API server has given it a phase; placeholders for missing pods have none. */
export const isCreated = (pod: Pod, caches?: StatefulSetCaches): boolean => !!phaseOf(pod, caches);
export const isPending = (pod: Pod, caches?: StatefulSetCaches): boolean => phaseOf(pod, caches) === 'Pending';
export const isFailed = (pod: Pod, caches?: StatefulSetCaches): boolean => phaseOf(pod, caches) === 'Failed';
export const isSucceeded = (pod: Pod, caches?: StatefulSetCaches): boolean => phaseOf(pod, caches) === 'Succeeded';
export const isTerminating = (pod: Pod, caches?: StatefulSetCaches): boolean => caches?.factsOf(pod)?.terminating ?? !!pod.metadata.deletionTimestamp;
export const isHealthy = (pod: Pod, caches?: StatefulSetCaches): boolean => isRunningAndReady(pod, caches) && !isTerminating(pod, caches);

/** Parallel pod management lets creations and deletions burst. */
export function allowsBurst(set: StatefulSet): boolean {
  return set.spec.podManagementPolicy === 'Parallel';
}

export function setPodRevision(pod: Pod, revision: string): void {
  pod.metadata.labels ??= {};
  pod.metadata.labels[STATEFULSET_REVISION_LABEL] = revision;
}

export function getPodRevision(pod: Pod, caches?: StatefulSetCaches): string {
  return caches?.factsOf(pod)?.revision ?? pod.metadata.labels?.[STATEFULSET_REVISION_LABEL] ?? '';
}

/** controller.GetPodFromTemplate + identity + storage: the pod for `ordinal`, with a controller ref to the set. */
export function newStatefulSetPod(set: StatefulSet, ordinal: number): Pod {
  const template = set.spec.template;
  const meta = template.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${set.metadata.name}-`,
      ownerReferences: [newControllerRef(set, SET_API_VERSION, SET_KIND)],
    },
    spec: structuredClone(template.spec ?? { containers: [] }),
  };
  if (meta.labels) pod.metadata.labels = { ...meta.labels };
  if (meta.annotations) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers) pod.metadata.finalizers = [...meta.finalizers];
  pod.metadata.name = getPodName(set, ordinal);
  initIdentity(set, pod);
  updateStorage(set, pod);
  return pod;
}

/**
 * The pod for `ordinal` at the right revision: ordinals below start+partition stay on the current revision
 * (or, without a rollingUpdate block, below start+status.currentReplicas); everything else, and every OnDelete
 * recreation, gets the update revision.
 */
export function newVersionedStatefulSetPod(
  currentSet: StatefulSet,
  updateSet: StatefulSet,
  currentRevision: string,
  updateRevision: string,
  ordinal: number,
): Pod {
  const strategy = currentSet.spec.updateStrategy;
  const start = getStartOrdinal(currentSet);
  // upstream's condition groups as (RollingUpdate && noBlock && below currentReplicas) || (block && below partition)
  const useCurrent =
    (strategy?.type === 'RollingUpdate' && !strategy.rollingUpdate && ordinal < start + (currentSet.status?.currentReplicas ?? 0)) ||
    (!!strategy?.rollingUpdate && ordinal < start + (strategy.rollingUpdate.partition ?? 0));
  const pod = newStatefulSetPod(useCurrent ? currentSet : updateSet, ordinal);
  setPodRevision(pod, useCurrent ? currentRevision : updateRevision);
  return pod;
}

/** Comparators by ordinal (upstream's ascendingOrdinal/descendingOrdinal sort types). */
export const ascendingOrdinal = (caches?: StatefulSetCaches) => (a: Pod, b: Pod): number => getOrdinal(a, caches) - getOrdinal(b, caches);
export const descendingOrdinal = (caches?: StatefulSetCaches) => (a: Pod, b: Pod): number => getOrdinal(b, caches) - getOrdinal(a, caches);

/**
 * maxUnavailable resolved against the replica count: integers as is, percentages rounded down, at least 1;
 * 1 when unset.
 */
export function getStatefulSetMaxUnavailable(maxUnavailable: number | string | undefined, replicaCount: number): number {
  let n = 1;
  if (typeof maxUnavailable === 'number') n = maxUnavailable;
  else if (typeof maxUnavailable === 'string') {
    const m = /^(\d+)%$/.exec(maxUnavailable);
    if (!m) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
    n = Math.floor((Number(m[1]) * replicaCount) / 100);
  }
  return Math.max(n, 1);
}
