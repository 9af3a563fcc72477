// pkg/controller/deployment/util/deployment_util.go: annotations, conditions, revision bookkeeping, the
// maxSurge/maxUnavailable arithmetic and the queries over a deployment's ReplicaSets. Pure functions over wire JSON.
import { jsonEqual } from '../../apimachinery/json.js';
import { goShape } from '../history/go-shape.js';
import { specReplicas, type PodTemplateSpec, type ReplicaSet } from '../replicaset/types.js';
import { scaledValueFromIntOrPercent } from './intstr.js';
import { POD_TEMPLATE_HASH_LABEL, type Deployment, type DeploymentCondition, type DeploymentStatus } from './types.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const LAST_APPLIED_CONFIG_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
/** apps.DeprecatedRollbackTo: the rollback request of the removed extensions/v1beta1 rollback subresource. */
export const DEPRECATED_ROLLBACK_TO_ANNOTATION = 'deprecated.deployment.rollback.to';

export const ROLLBACK_REVISION_NOT_FOUND = 'DeploymentRollbackRevisionNotFound';
export const ROLLBACK_TEMPLATE_UNCHANGED = 'DeploymentRollbackTemplateUnchanged';
export const ROLLBACK_DONE = 'DeploymentRollback';

export const PROGRESSING = 'Progressing';
export const AVAILABLE = 'Available';
export const REPLICA_FAILURE = 'ReplicaFailure';

export const REPLICASET_UPDATED_REASON = 'ReplicaSetUpdated';
export const FAILED_RS_CREATE_REASON = 'ReplicaSetCreateError';
export const NEW_REPLICASET_REASON = 'NewReplicaSetCreated';
export const FOUND_NEW_RS_REASON = 'FoundNewReplicaSet';
export const NEW_RS_AVAILABLE_REASON = 'NewReplicaSetAvailable';
export const TIMED_OUT_REASON = 'ProgressDeadlineExceeded';
export const PAUSED_DEPLOY_REASON = 'DeploymentPaused';
export const RESUMED_DEPLOY_REASON = 'DeploymentResumed';
export const MINIMUM_REPLICAS_AVAILABLE = 'MinimumReplicasAvailable';
export const MINIMUM_REPLICAS_UNAVAILABLE = 'MinimumReplicasUnavailable';

const MAX_INT32 = 2147483647;

/** metav1.Now() on the wire: RFC 3339 with whole seconds. */
export const metaNow = (nowMs = Date.now()) => new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const deploymentReplicas = (d: Deployment): number => d.spec.replicas ?? 1;
export const isRollingUpdate = (d: Deployment): boolean => (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

// ---- conditions ----

export function newDeploymentCondition(type: string, status: string, reason: string, message: string, nowMs?: number): DeploymentCondition {
  const now = metaNow(nowMs);
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

export function getDeploymentCondition(status: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/** Adds or replaces the condition; same status and reason is a no-op, same status keeps the transition time. */
export function setDeploymentCondition(status: DeploymentStatus, condition: DeploymentCondition): void {
  const current = getDeploymentCondition(status, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return;
  const next = { ...condition };
  if (current && current.status === condition.status) next.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), next];
}

export function removeDeploymentCondition(status: DeploymentStatus, type: string): void {
  const rest = (status.conditions ?? []).filter((c) => c.type !== type);
  if (rest.length > 0) status.conditions = rest;
  else delete status.conditions;
}

// ---- revisions and annotations ----

/** The revision annotation as a number; 0 when absent, NaN when unparsable (Revision's error). */
export function revisionOf(obj: { metadata: { annotations?: Record<string, string> } }): number {
  const v = obj.metadata.annotations?.[REVISION_ANNOTATION];
  if (v === undefined) return 0;
  return /^[+-]?\d+$/.test(v) ? Number(v) : NaN;
}

export function maxRevision(rss: ReplicaSet[]): number {
  let max = 0;
  for (const rs of rss) {
    const v = revisionOf(rs);
    if (!Number.isNaN(v) && v > max) max = v;
  }
  return max;
}

/** LastRevision: the second highest revision. */
export function lastRevision(rss: ReplicaSet[]): number {
  let max = 0;
  let second = 0;
  for (const rs of rss) {
    const v = revisionOf(rs);
    if (Number.isNaN(v)) continue;
    if (v >= max) {
      second = max;
      max = v;
    } else if (v > second) {
      second = v;
    }
  }
  return second;
}

export function setDeploymentRevision(d: Deployment, revision: string): boolean {
  const annotations = (d.metadata.annotations ??= {});
  if (annotations[REVISION_ANNOTATION] === revision) return false;
  annotations[REVISION_ANNOTATION] = revision;
  return true;
}

const ANNOTATIONS_TO_SKIP = new Set([
  LAST_APPLIED_CONFIG_ANNOTATION, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION, DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION, DEPRECATED_ROLLBACK_TO_ANNOTATION,
]);

export const skipCopyAnnotation = (key: string) => ANNOTATIONS_TO_SKIP.has(key);

/** Copies the deployment's annotations (but the skipped ones) onto the ReplicaSet; true when something changed. */
function copyDeploymentAnnotationsToReplicaSet(d: Deployment, rs: ReplicaSet): boolean {
  let changed = false;
  const annotations = (rs.metadata.annotations ??= {});
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (skipCopyAnnotation(k) || annotations[k] === v) continue;
    annotations[k] = v;
    changed = true;
  }
  return changed;
}

/** SetDeploymentAnnotationsTo: on rollback the deployment takes the ReplicaSet's (non-skipped) annotations. */
export function setDeploymentAnnotationsTo(d: Deployment, rollbackTo: ReplicaSet): void {
  const kept = Object.fromEntries(Object.entries(d.metadata.annotations ?? {}).filter(([k]) => skipCopyAnnotation(k)));
  for (const [k, v] of Object.entries(rollbackTo.metadata.annotations ?? {})) if (!skipCopyAnnotation(k)) kept[k] = v;
  d.metadata.annotations = kept;
}

/**
 * SetNewReplicaSetAnnotations: copies the deployment's annotations, raises the revision to `newRevision` (keeping
 * the replaced one in revision-history, within `historyLimitChars`), and on creation sets the replica annotations.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: string, exists: boolean, historyLimitChars: number): boolean {
  let changed = copyDeploymentAnnotationsToReplicaSet(d, rs);
  const annotations = (rs.metadata.annotations ??= {});
  const hadRevision = REVISION_ANNOTATION in annotations;
  const oldRevision = annotations[REVISION_ANNOTATION] ?? '';
  let oldRevisionInt = 0;
  if (oldRevision !== '') {
    if (!/^[+-]?\d+$/.test(oldRevision)) return false;
    oldRevisionInt = Number(oldRevision);
  }
  if (!/^[+-]?\d+$/.test(newRevision)) return false;
  const newRevisionInt = Number(newRevision);
  if (oldRevisionInt < newRevisionInt) {
    annotations[REVISION_ANNOTATION] = newRevision;
    changed = true;
  }
  // an existing revision being raised means a rollback to this ReplicaSet: remember the revisions it served
  if (hadRevision && oldRevisionInt < newRevisionInt) {
    const history = annotations[REVISION_HISTORY_ANNOTATION] ?? '';
    const old = history.split(',');
    if (old[0].length === 0) {
      annotations[REVISION_HISTORY_ANNOTATION] = oldRevision;
    } else {
      let totalLen = history.length + oldRevision.length + 1;
      let start = 0;
      while (totalLen > historyLimitChars && start < old.length) {
        totalLen -= old[start].length + 1;
        start++;
      }
      if (totalLen <= historyLimitChars) annotations[REVISION_HISTORY_ANNOTATION] = [...old.slice(start), oldRevision].join(',');
    }
  }
  if (!exists && setReplicasAnnotations(rs, deploymentReplicas(d), deploymentReplicas(d) + maxSurge(d))) changed = true;
  return changed;
}

export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const annotations = (rs.metadata.annotations ??= {});
  let updated = false;
  if (annotations[DESIRED_REPLICAS_ANNOTATION] !== String(desired)) {
    annotations[DESIRED_REPLICAS_ANNOTATION] = String(desired);
    updated = true;
  }
  if (annotations[MAX_REPLICAS_ANNOTATION] !== String(max)) {
    annotations[MAX_REPLICAS_ANNOTATION] = String(max);
    updated = true;
  }
  return updated;
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = rs.metadata.annotations;
  return !a || a[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || a[MAX_REPLICAS_ANNOTATION] !== String(max);
}

/** An int32 annotation (strconv.Atoi); undefined when absent or not a number. */
function intAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  return v !== undefined && /^[+-]?\d+$/.test(v) ? Number(v) : undefined;
}

export const desiredReplicasAnnotation = (rs: ReplicaSet) => intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);

// ---- surge and unavailability ----

/**
 * ResolveFenceposts: maxSurge rounds up, maxUnavailable rounds down; when both come out 0, one pod may be
 * unavailable (validation forbids 0/0 only when written literally).
 */
export function resolveFenceposts(surgeValue: string | number | undefined, unavailableValue: string | number | undefined, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValueFromIntOrPercent(surgeValue ?? 0, desired, true);
  let unavailable = scaledValueFromIntOrPercent(unavailableValue ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxUnavailable(d: Deployment): number {
  const replicas = deploymentReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const ru = d.spec.strategy?.rollingUpdate;
  const { unavailable } = resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicas);
  return Math.min(unavailable, replicas);
}

export function minAvailable(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  return deploymentReplicas(d) - maxUnavailable(d);
}

export function maxSurge(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, deploymentReplicas(d)).surge;
}

/** NewRSNewReplicas: how large the new ReplicaSet may be right now. */
export function newRSNewReplicas(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet): number {
  const type = d.spec.strategy?.type ?? 'RollingUpdate';
  const replicas = deploymentReplicas(d);
  if (type === 'RollingUpdate') {
    const surge = scaledValueFromIntOrPercent(d.spec.strategy?.rollingUpdate?.maxSurge ?? 0, replicas, true);
    const current = replicaCount(allRSs);
    const maxTotal = replicas + surge;
    if (current >= maxTotal) return specReplicas(newRS);
    const scaleUp = Math.min(maxTotal - current, replicas - specReplicas(newRS));
    return specReplicas(newRS) + scaleUp;
  }
  if (type === 'Recreate') return replicas;
  throw new Error(`deployment type ${type} isn't supported`);
}

/** IsSaturated: the new ReplicaSet holds, is annotated for, and has available all desired replicas. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = desiredReplicasAnnotation(rs);
  if (desired === undefined) return false;
  const replicas = deploymentReplicas(d);
  return specReplicas(rs) === replicas && desired === replicas && (rs.status?.availableReplicas ?? 0) === replicas;
}

/** GetProportion: this ReplicaSet's share of a scaling event, bounded by what is left to add (or remove). */
export function getProportion(rs: ReplicaSet | undefined, d: Deployment, toAdd: number, added: number): number {
  if (!rs || specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = getReplicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function getReplicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (deploymentReplicas(d) === 0) return -specReplicas(rs);
  const deploymentSize = deploymentReplicas(d) + maxSurge(d);
  const annotated = intAnnotation(rs, MAX_REPLICAS_ANNOTATION) ?? d.status?.replicas ?? 0;
  const newSize = (specReplicas(rs) * deploymentSize) / annotated;
  return roundToInt32(newSize) - specReplicas(rs);
}

/** integer.RoundToInt32: math.Round (halves away from zero). */
const roundToInt32 = (x: number) => (x < 0 ? -Math.round(-x) : Math.round(x));

// ---- queries over ReplicaSets ----

export const replicaCount = (rss: (ReplicaSet | undefined)[]) => rss.reduce((n, rs) => n + (rs ? specReplicas(rs) : 0), 0);
export const actualReplicaCount = (rss: (ReplicaSet | undefined)[]) => rss.reduce((n, rs) => n + (rs?.status?.replicas ?? 0), 0);
export const readyReplicaCount = (rss: (ReplicaSet | undefined)[]) => rss.reduce((n, rs) => n + (rs?.status?.readyReplicas ?? 0), 0);
export const availableReplicaCount = (rss: (ReplicaSet | undefined)[]) => rss.reduce((n, rs) => n + (rs?.status?.availableReplicas ?? 0), 0);

export const filterActiveReplicaSets = (rss: (ReplicaSet | undefined)[]): ReplicaSet[] => rss.filter((rs): rs is ReplicaSet => !!rs && specReplicas(rs) > 0);

const creationMs = (rs: ReplicaSet) => Date.parse(rs.metadata.creationTimestamp ?? '') || 0;

/** ReplicaSetsByCreationTimestamp: oldest first, names break ties. */
export function byCreationTimestamp(a: ReplicaSet, b: ReplicaSet): number {
  const d = creationMs(a) - creationMs(b);
  if (d !== 0) return d;
  const na = a.metadata.name ?? '';
  const nb = b.metadata.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** ReplicaSetsBySizeOlder: largest first, older first among equals. */
export const bySizeOlder = (a: ReplicaSet, b: ReplicaSet) => specReplicas(b) - specReplicas(a) || byCreationTimestamp(a, b);
/** ReplicaSetsBySizeNewer: largest first, newer first among equals. */
export const bySizeNewer = (a: ReplicaSet, b: ReplicaSet) => specReplicas(b) - specReplicas(a) || byCreationTimestamp(b, a);

/** ReplicaSetsByRevision: lowest revision first; unparsable or equal revisions by creation time. */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  const ra = revisionOf(a);
  const rb = revisionOf(b);
  if (Number.isNaN(ra) || Number.isNaN(rb) || ra === rb) return byCreationTimestamp(a, b);
  return ra - rb;
}

const POD_TEMPLATE_SPEC = 'io.k8s.api.core.v1.PodTemplateSpec';

/** The template as Go would hold it, without the pod-template-hash label (EqualIgnoreHash's view). */
function comparableTemplate(t: PodTemplateSpec | undefined): unknown {
  const copy: PodTemplateSpec = structuredClone(t ?? {});
  if (copy.metadata?.labels) delete copy.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  return goShape(POD_TEMPLATE_SPEC, copy);
}

/** EqualIgnoreHash: semantic equality of two pod templates, ignoring the pod-template-hash label. */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return jsonEqual(comparableTemplate(a), comparableTemplate(b));
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template equals the deployment's. */
export function findNewReplicaSet(d: Deployment, rss: ReplicaSet[]): ReplicaSet | undefined {
  return [...rss].sort(byCreationTimestamp).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
}

/** FindOldReplicaSets: (old ones with replicas, all old ones). */
export function findOldReplicaSets(d: Deployment, rss: ReplicaSet[]): { old: ReplicaSet[]; allOld: ReplicaSet[] } {
  const newRS = findNewReplicaSet(d, rss);
  const allOld = rss.filter((rs) => !newRS || rs.metadata.uid !== newRS.metadata.uid);
  return { old: allOld.filter((rs) => specReplicas(rs) !== 0), allOld };
}

/** FindActiveOrLatest: the only active ReplicaSet, or the newest when none is active; undefined when several are. */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const sortedOld = [...oldRSs].sort((a, b) => byCreationTimestamp(b, a));
  const active = filterActiveReplicaSets([...sortedOld, newRS]);
  if (active.length === 0) return newRS ?? sortedOld[0];
  if (active.length === 1) return active[0];
  return undefined;
}

/** SetFromReplicaSetTemplate: the deployment takes the ReplicaSet's template minus its hash label. */
export function setFromReplicaSetTemplate(d: Deployment, template: PodTemplateSpec): void {
  const t: PodTemplateSpec = structuredClone(template);
  if (t.metadata?.labels) {
    delete t.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  }
  d.spec.template = t;
}

// ---- progress ----

export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const replicas = deploymentReplicas(d);
  return (s.updatedReplicas ?? 0) === replicas && (s.replicas ?? 0) === replicas && (s.availableReplicas ?? 0) === replicas &&
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: more updated, ready or available pods, or fewer old ones, than last recorded. */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

export const hasProgressDeadline = (d: Deployment) => d.spec.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== null && d.spec.progressDeadlineSeconds !== MAX_INT32;
export const hasRevisionHistoryLimit = (d: Deployment) => d.spec.revisionHistoryLimit !== undefined && d.spec.revisionHistoryLimit !== null && d.spec.revisionHistoryLimit !== MAX_INT32;

/** DeploymentTimedOut: the Progressing condition has not moved for progressDeadlineSeconds. */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, nowMs = Date.now()): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = getDeploymentCondition(s, PROGRESSING);
  if (!cond) return false;
  if (cond.reason === NEW_RS_AVAILABLE_REASON) return false;
  if (cond.reason === TIMED_OUT_REASON) return true;
  const from = Date.parse(cond.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return false;
  return from + (d.spec.progressDeadlineSeconds ?? 0) * 1000 < nowMs;
}
