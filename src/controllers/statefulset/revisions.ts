// StatefulSet revisions (stateful_set_utils.go getPatch/newRevision/ApplyRevision/nextRevision): a revision stores
// the pod template as a strategic merge patch that replaces spec.template wholesale.
import type { ControllerRevision } from '../history/controller-history.js';
import { newControllerRevision } from '../history/controller-history.js';
import { goJsonMarshal } from '../history/go-json.js';
import { goShape } from '../history/go-shape.js';
import type { StatefulSetCaches, TemplatePatch } from './caches.js';
import type { PodTemplateSpec, StatefulSet } from './types.js';
import { SET_API_VERSION, SET_KIND } from './utils.js';
import { deepFreeze } from '../../apimachinery/json.js';

const POD_TEMPLATE_SPEC = 'io.k8s.api.core.v1.PodTemplateSpec';

/**
 * The revision payload `{"spec":{"template":{"$patch":"replace",…}}}`. Upstream encodes the typed set to JSON,
 * decodes into maps and re-marshals, so keys come out sorted and the fields are those Go's struct encoding emits
 * (e.g. `"creationTimestamp":null`, `"resources":{}`); goShape reproduces that so the hash matches.
 */
export function getPatchObject(set: StatefulSet): { spec: { template: Record<string, unknown> } } {
  const template = goShape(POD_TEMPLATE_SPEC, structuredClone(set.spec.template ?? {})) as Record<string, unknown>;
  template.$patch = 'replace';
  return { spec: { template } };
}

/** getPatch's bytes and the same payload as a deep-frozen object; with caches, shared by every caller asking for that template. */
function templatePatch(set: StatefulSet, caches?: StatefulSetCaches): TemplatePatch {
  const compute = (): TemplatePatch => {
    const patch = goJsonMarshal(getPatchObject(set));
    // data in upstream's byte order (sorted keys): the server keeps key order, and `kubectl rollout undo` compares
    // these bytes with its own marshalling of the set to report "skipped rollback (current template already matches …)"
    return { patch, data: deepFreeze(JSON.parse(patch) as TemplatePatch['data']) };
  };
  return caches ? caches.templatePatch(set.spec.template, compute) : compute();
}

/** The exact bytes upstream stores in the revision's data and hashes. */
export function getPatch(set: StatefulSet, caches?: StatefulSetCaches): string {
  return templatePatch(set, caches).patch;
}

/**
 * A revision of set's current template numbered `revision`: template labels plus the hash label, the set's
 * annotations (so kubernetes.io/change-cause shows in `kubectl rollout history`), a controller ref to the set.
 * Its data is frozen (and shared, with caches): copy the revision before changing it.
 */
export function newRevision(set: StatefulSet, revision: number, collisionCount?: number, caches?: StatefulSetCaches): ControllerRevision {
  const { data } = templatePatch(set, caches);
  const cr = newControllerRevision(set, SET_API_VERSION, SET_KIND, set.spec.template?.metadata?.labels, data, revision, collisionCount);
  cr.metadata.annotations = { ...(set.metadata.annotations ?? {}) };
  return cr;
}

/** The set as it was at `revision`: its template replaced by the revision's. Shares objects with both: read only. */
export function applyRevision(set: StatefulSet, revision: ControllerRevision): StatefulSet {
  const data = revision.data as { spec?: { template?: Record<string, unknown> } } | undefined;
  const template = data?.spec?.template;
  if (!template || typeof template !== 'object') return structuredClone(set);
  // copied one level deep and never modified: pods built from the template copy what they take from it
  const { $patch: _directive, ...rest } = template;
  return { ...set, metadata: { ...set.metadata }, spec: { ...set.spec, template: rest as PodTemplateSpec } };
}

/** One more than the highest revision number (revisions sorted ascending), or 1. */
export function nextRevision(revisions: ControllerRevision[]): number {
  return revisions.length === 0 ? 1 : revisions[revisions.length - 1].revision + 1;
}
