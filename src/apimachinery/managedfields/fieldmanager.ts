// The field manager: server-side apply (PATCH application/apply-patch+yaml) and managedFields tracking for every
// other write, following upstream's managedfields stack (version check → last-applied handling → before-first-apply
// → cap of Update managers → manager identity → current-operation bookkeeping → metadata stripping → smd Updater).
import { ApiError, errBadRequest } from '../errors.js';
import type { KubeObject, ObjectMeta } from '../types.js';
import { parseApiVersion } from '../types.js';
import { conflictError, type Conflict } from './conflict.js';
import { FieldSet } from './fieldset.js';
import { goJSON, isObject, jsonEqual } from './json.js';
import { capUpdateManagers, decodeManagedFields, emptyManaged, encodeManagedFields, managerIdentity, type Managed, type VersionedSet } from './managers.js';
import { fieldElement, pathString, type Path } from './path.js';
import type { TypeSchema } from './schema.js';
import { compare, merge, removeItems, toFieldSet, type Comparison } from './typed.js';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** Where a write happens: the object's type and the endpoint that serves it. */
export interface FieldManagerScope {
  /** Schema of the whole object (modelType(builtinModel(), '…Deployment') or a CRD's jsonSchemaType). */
  schema: TypeSchema;
  /** The group/version the request is served as, e.g. `apps/v1`. */
  apiVersion: string;
  kind: string;
  /** '' or undefined for the main resource; `status`, `scale`, … for subresources. */
  subresource?: string;
  /**
   * Fields this endpoint never gives ownership of (upstream's strategy GetResetFields): `status` on the main
   * resource of a kind with a status subresource, `spec` (and e.g. `metadata.labels`) on the status subresource.
   */
  resetFields?: FieldSet;
  /** Clock for entry times (tests). */
  now?: () => Date;
}

export interface ApplyOptions extends FieldManagerScope {
  /** The current object, or undefined when the apply creates it. */
  live: KubeObject | undefined;
  /** The applied configuration (the request body). */
  applied: Record<string, unknown>;
  manager: string;
  force: boolean;
}

export interface ApplyResult {
  /** The object to persist, with its new managedFields. */
  object: KubeObject;
  /** False when nothing (not even managedFields) differs from the live object: the write can be skipped. */
  changed: boolean;
}

export interface UpdateOptions extends FieldManagerScope {
  /** The stored object before the write; undefined for a create. */
  live: KubeObject | undefined;
  /** The object about to be persisted, carrying whatever managedFields the request sent. */
  object: KubeObject;
  manager: string;
}

/** Paths no manager ever owns (upstream stripMetaManager). Removed non-recursively, as upstream does. */
const STRIPPED = FieldSet.of(
  [fieldElement('apiVersion')],
  [fieldElement('kind')],
  [fieldElement('metadata')],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => [fieldElement('metadata'), fieldElement(f)]),
);

const CURRENT_OPERATION = 'current-operation';
const BEFORE_FIRST_APPLY = 'before-first-apply';

/** A field set from dotted field paths, e.g. fieldSetFromPaths('status', 'metadata.labels') for reset fields. */
export function fieldSetFromPaths(...paths: string[]): FieldSet {
  return FieldSet.of(...paths.map((p): Path => p.split('.').map(fieldElement)));
}

// ---------------------------------------------------------------------------------------------------------------
// Server-side apply

export function apply(opts: ApplyOptions): ApplyResult {
  const { applied, manager } = opts;
  if (applied.apiVersion !== opts.apiVersion || applied.kind !== opts.kind) {
    const agv = parseApiVersion(typeof applied.apiVersion === 'string' ? applied.apiVersion : '');
    throw errBadRequest(`invalid object type: ${agv.group}/${agv.version}, Kind=${typeof applied.kind === 'string' ? applied.kind : ''}`);
  }
  const appliedMeta = applied.metadata;
  if (isObject(appliedMeta) && appliedMeta.managedFields !== undefined && appliedMeta.managedFields !== null) {
    throw errBadRequest('metadata.managedFields must be nil');
  }

  let managed: Managed;
  try {
    managed = decodeManagedFields(opts.live?.metadata?.managedFields);
  } catch (e) {
    throw new ApiError(400, 'BadRequest', `failed to decode managed fields: ${(e as Error).message}`);
  }
  const live = withoutManagedFields(opts.live);
  const now = timestamp(opts.now);

  // Existing objects that nobody tracked yet get their current fields attributed to "before-first-apply".
  if (managed.fields.size === 0 && live) {
    trackUpdate(opts, undefined, live, managed, BEFORE_FIRST_APPLY, now);
  }

  const identity = managerIdentity({ manager: manager || 'unknown', operation: 'Apply', subresource: opts.subresource });
  let result: { object: Record<string, unknown>; managed: Managed; changed: boolean };
  try {
    result = applyToManaged(opts, live, applied, cloneManaged(managed), identity, opts.force);
  } catch (e) {
    if (!(e instanceof ConflictsError) || manager !== 'kubectl') throw toApiError(e);
    // kubectl upgrading from client-side apply: conflicts on fields whose value still matches the
    // last-applied annotation are taken over silently.
    const allowed = allowedConflictsFromLastApplied(opts, live);
    if (!allowed) throw toApiError(e);
    const remaining = e.conflicts.filter((c) => !allowed.has(c.pathElements));
    if (remaining.length > 0) throw conflictError(remaining);
    result = applyToManaged(opts, live, applied, cloneManaged(managed), identity, true);
  }

  if (result.changed) result.managed.times.set(identity, now);
  const object = result.object as KubeObject;
  if (manager === 'kubectl' && hasLastApplied(object)) setLastApplied(object, applied);
  setManagedFields(object, result.managed);
  return { object, changed: !jsonEqual(object, opts.live ?? {}) };
}

/** smd Updater.Apply plus the stripping of metadata fields from the applier's set. */
function applyToManaged(
  scope: FieldManagerScope,
  live: Record<string, unknown> | undefined,
  config: Record<string, unknown>,
  managed: Managed,
  identity: string,
  force: boolean,
): { object: Record<string, unknown>; managed: Managed; changed: boolean } {
  const t = scope.schema;
  const errors: string[] = [];
  let configSet = toFieldSet(config, t, errors);
  let mergedObject = merge(live ?? {}, config, t, errors) as Record<string, unknown> | undefined;
  if (errors.length > 0) throw typedError('failed to create typed patch object', config, errors);
  mergedObject ??= {};

  if (scope.resetFields) configSet = configSet.recursiveDifference(scope.resetFields);
  const lastSet = managed.fields.get(identity);
  managed.fields.set(identity, { set: configSet, apiVersion: scope.apiVersion, applied: true });
  mergedObject = prune(mergedObject, managed, lastSet, t);
  updateOwnership(scope, live, mergedObject, managed, identity, force);
  stripMeta(managed, identity);

  const changed = !jsonEqual(live ?? {}, mergedObject);
  const object = changed ? mergedObject : structuredClone(live ?? {});
  return { object, managed, changed };
}

/**
 * Removes what this applier applied last time but not now, unless another manager owns it; fields nobody owns
 * that this applier never applied (defaults, for instance) stay.
 */
function prune(merged: Record<string, unknown>, managed: Managed, lastSet: VersionedSet | undefined, t: TypeSchema): Record<string, unknown> {
  if (!lastSet || lastSet.set.isEmpty()) return merged;
  const last = lastSet.set.ensureNamedFieldsAreMembers(t);
  let pruned = removeItems(merged, last, t) ?? {};

  let owned = new FieldSet();
  for (const vs of managed.fields.values()) owned = owned.union(vs.set);
  const mergedSet = toFieldSet(merged, t).ensureNamedFieldsAreMembers(t);
  let prunedSet = toFieldSet(pruned, t).ensureNamedFieldsAreMembers(t);
  pruned = removeItems(merged, mergedSet.difference(prunedSet.union(owned.ensureNamedFieldsAreMembers(t))), t) ?? {};

  prunedSet = toFieldSet(pruned, t).ensureNamedFieldsAreMembers(t);
  return (removeItems(merged, mergedSet.difference(prunedSet).intersection(last), t) ?? {}) as Record<string, unknown>;
}

class ConflictsError extends Error {
  constructor(readonly conflicts: (Conflict & { pathElements: Path })[]) {
    super('conflicts');
  }
}

function toApiError(e: unknown): unknown {
  return e instanceof ConflictsError ? conflictError(e.conflicts) : e;
}

/**
 * smd Updater.update: other managers lose the fields this write changes (or, without force, those are conflicts)
 * and the fields it removes. Returns the comparison of old and new object.
 */
function updateOwnership(
  scope: FieldManagerScope,
  oldObject: Record<string, unknown> | undefined,
  newObject: Record<string, unknown>,
  managed: Managed,
  self: string,
  force: boolean,
): Comparison {
  const c = compare(oldObject, newObject, scope.schema);
  if (scope.resetFields) {
    c.added = c.added.recursiveDifference(scope.resetFields);
    c.modified = c.modified.recursiveDifference(scope.resetFields);
    c.removed = c.removed.recursiveDifference(scope.resetFields);
  }
  const changed = c.modified.union(c.added);
  const conflicts = new Map<string, FieldSet>();
  for (const [identity, vs] of managed.fields) {
    if (identity === self) continue;
    const conflictSet = vs.set.intersection(changed);
    if (!conflictSet.isEmpty()) conflicts.set(identity, conflictSet);
  }
  if (!force && conflicts.size > 0) {
    const list: (Conflict & { pathElements: Path })[] = [];
    for (const identity of [...conflicts.keys()].sort()) {
      conflicts.get(identity)!.iterate((p) => list.push({ manager: identity, path: pathString(p), pathElements: p }));
    }
    throw new ConflictsError(list);
  }
  for (const [identity, vs] of [...managed.fields]) {
    if (identity === self) continue;
    let set = vs.set;
    const lost = conflicts.get(identity);
    if (lost) set = set.difference(lost);
    set = set.difference(c.removed);
    if (set.isEmpty()) managed.fields.delete(identity);
    else if (set !== vs.set) managed.fields.set(identity, { ...vs, set });
  }
  return c;
}

function stripMeta(managed: Managed, identity: string): void {
  const vs = managed.fields.get(identity);
  if (!vs) return;
  const set = vs.set.difference(STRIPPED);
  if (set.isEmpty()) managed.fields.delete(identity);
  else managed.fields.set(identity, { ...vs, set });
}

// ---------------------------------------------------------------------------------------------------------------
// Non-apply writes

/**
 * Recomputes managedFields for a create, update or non-apply patch and returns the object with them set.
 * Like upstream's UpdateNoErrors, tracking problems never fail the write: the object is then stored without
 * managedFields.
 */
export function updateManagedFields(opts: UpdateOptions): KubeObject {
  const object = opts.object;
  try {
    const managed = managedForUpdate(opts);
    const live = withoutManagedFields(opts.live);
    const next = withoutManagedFields(object)!;
    // An existing object whose managedFields were reset stays untracked until the next apply.
    if (managed.fields.size === 0 && opts.live?.metadata?.uid) {
      delete object.metadata.managedFields;
      return object;
    }
    trackUpdate(opts, live, next, managed, opts.manager, timestamp(opts.now));
    capUpdateManagers(managed);
    setManagedFields(object, managed);
  } catch {
    if (isObject(object.metadata)) delete object.metadata.managedFields;
  }
  return object;
}

/** Where the starting managedFields come from: the request may reset them (`[]`) or replace them. */
function managedForUpdate(opts: UpdateOptions): Managed {
  const fromLive = () => {
    try {
      return decodeManagedFields(opts.live?.metadata?.managedFields);
    } catch {
      return emptyManaged();
    }
  };
  if (opts.subresource) return fromLive();
  const sent = opts.object.metadata?.managedFields;
  if (Array.isArray(sent) && (sent.length === 0 || (sent.length === 1 && isObject(sent[0]) && Object.keys(sent[0]).length === 0))) {
    return emptyManaged();
  }
  try {
    const managed = decodeManagedFields(sent);
    return managed.fields.size > 0 ? managed : fromLive();
  } catch {
    return fromLive();
  }
}

/** The Update bookkeeping: the write's changes go to a temporary owner, then into the manager's entry. */
function trackUpdate(
  scope: FieldManagerScope,
  oldObject: Record<string, unknown> | undefined,
  newObject: Record<string, unknown>,
  managed: Managed,
  manager: string,
  now: string,
): void {
  const identity = managerIdentity({ manager: manager || 'unknown', operation: 'Update', apiVersion: scope.apiVersion, subresource: scope.subresource });
  const c = updateOwnership(scope, oldObject, newObject, managed, CURRENT_OPERATION, true);
  let set = c.modified.union(c.added);
  if (scope.resetFields) set = set.recursiveDifference(scope.resetFields);
  set = set.difference(STRIPPED);
  if (set.isEmpty()) return;
  const previous = managed.fields.get(identity);
  managed.fields.set(identity, { set: previous ? set.union(previous.set) : set, apiVersion: scope.apiVersion, applied: false });
  managed.times.set(identity, now);
}

// ---------------------------------------------------------------------------------------------------------------
// last-applied-configuration (kubectl client-side apply → server-side apply upgrades)

function hasLastApplied(obj: KubeObject): boolean {
  const value = obj.metadata?.annotations?.[LAST_APPLIED_ANNOTATION];
  return typeof value === 'string' && value.length > 0;
}

function setLastApplied(obj: KubeObject, applied: Record<string, unknown>): void {
  const copy = structuredClone(applied);
  const meta = copy.metadata;
  if (isObject(meta) && isObject(meta.annotations)) delete meta.annotations[LAST_APPLIED_ANNOTATION];
  obj.metadata.annotations = { ...obj.metadata.annotations, [LAST_APPLIED_ANNOTATION]: goJSON(copy) + '\n' };
}

/** Fields of the last-applied annotation whose values the live object still has. */
function allowedConflictsFromLastApplied(scope: FieldManagerScope, live: Record<string, unknown> | undefined): FieldSet | undefined {
  const meta = live?.metadata;
  const annotation = isObject(meta) && isObject(meta.annotations) ? meta.annotations[LAST_APPLIED_ANNOTATION] : undefined;
  if (typeof annotation !== 'string' || annotation === '') return undefined;
  let lastApplied: unknown;
  try {
    lastApplied = JSON.parse(annotation);
  } catch {
    return undefined;
  }
  if (!isObject(lastApplied) || lastApplied.apiVersion !== scope.apiVersion) return undefined;
  const errors: string[] = [];
  const set = toFieldSet(lastApplied, scope.schema, errors);
  if (errors.length > 0) return undefined;
  const c = compare(lastApplied, live, scope.schema);
  return set.difference(c.modified).difference(c.added).difference(c.removed);
}

// ---------------------------------------------------------------------------------------------------------------
// helpers

/** A shallow copy without metadata.managedFields (never part of what managers own or compare). */
function withoutManagedFields(obj: KubeObject | undefined): Record<string, unknown> | undefined {
  if (!obj) return undefined;
  if (!isObject(obj.metadata) || !('managedFields' in obj.metadata)) return obj;
  const { managedFields: _ignored, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

function setManagedFields(obj: KubeObject, managed: Managed): void {
  const entries = encodeManagedFields(managed);
  obj.metadata ??= {} as ObjectMeta;
  if (entries) obj.metadata.managedFields = entries;
  else delete obj.metadata.managedFields;
}

function cloneManaged(m: Managed): Managed {
  return { fields: new Map(m.fields), times: new Map(m.times) };
}

/** RFC 3339 with seconds, as metav1.Time serializes. */
function timestamp(now: (() => Date) | undefined): string {
  return (now ? now() : new Date()).toISOString().replace(/\.\d+Z$/, 'Z');
}

function typedError(what: string, obj: Record<string, unknown>, errors: string[]): ApiError {
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const ns = typeof meta.namespace === 'string' ? meta.namespace : '';
  const name = typeof meta.name === 'string' ? meta.name : '';
  const gv = parseApiVersion(typeof obj.apiVersion === 'string' ? obj.apiVersion : '');
  const gvk = `${gv.group === '' ? '' : gv.group + '/'}${gv.version}, Kind=${String(obj.kind ?? '')}`;
  const detail = errors.length === 1 ? errors[0] : ['errors:', ...errors.map((e) => '  ' + e)].join('\n');
  return new ApiError(400, 'BadRequest', `${what} (${ns}/${name}; ${gvk}): ${detail}`);
}

// ---------------------------------------------------------------------------------------------------------------
// manager names

/** The characters before the first `/` of a User-Agent, printable only, at most 128 bytes (upstream prefixFromUserAgent). */
export function prefixFromUserAgent(userAgent: string): string {
  const head = userAgent.split('/')[0];
  let out = '';
  let bytes = 0;
  for (const ch of head) {
    if (!isPrintable(ch)) continue;
    const size = Buffer.byteLength(ch);
    if (bytes + size > 128) break;
    out += ch;
    bytes += size;
  }
  return out;
}

/** The fieldManager query parameter, or a name derived from the User-Agent when it is empty. */
export function managerOrUserAgent(fieldManager: string | undefined, userAgent: string | undefined): string {
  return fieldManager ? fieldManager : prefixFromUserAgent(userAgent ?? '');
}

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isPrintable(ch: string): boolean {
  return ch === ' ' || /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch);
}
