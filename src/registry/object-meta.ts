// System-owned metadata: what the server fills in on create and carries over on update, as upstream's
// rest.BeforeCreate / rest.BeforeUpdate and FillObjectMetaSystemFields do.
import { randomUUID, randomInt } from 'node:crypto';
import { jsonEqual } from '../apimachinery/json.js';
import type { KubeObject } from '../apimachinery/types.js';
import { rfc3339 } from '../apimachinery/time.js';

export { jsonEqual };

// Upstream's SimpleNameGenerator alphabet: no vowels (no accidental words), no confusable characters.
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const RANDOM_LENGTH = 5;
const MAX_GENERATED_BASE = 63 - RANDOM_LENGTH;

export function generateName(base: string): string {
  const prefix = base.length > MAX_GENERATED_BASE ? base.slice(0, MAX_GENERATED_BASE) : base;
  let suffix = '';
  for (let i = 0; i < RANDOM_LENGTH; i++) suffix += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
  return prefix + suffix;
}

export function fillSystemFieldsOnCreate(obj: KubeObject, now: Date, tracksGeneration: boolean): void {
  const m = obj.metadata;
  m.uid = randomUUID();
  m.creationTimestamp = rfc3339(now);
  delete m.resourceVersion;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete m.selfLink;
  if (tracksGeneration) m.generation = 1;
  else delete m.generation;
  dropEmptyLists(m);
}

/** ObjectMeta's lists are `omitempty`: upstream never stores `finalizers: []` (e.g. after the last one is removed). */
function dropEmptyLists(m: KubeObject['metadata']): void {
  if (Array.isArray(m.finalizers) && m.finalizers.length === 0) delete m.finalizers;
  if (Array.isArray(m.ownerReferences) && m.ownerReferences.length === 0) delete m.ownerReferences;
}

/** Fields a client may not change through update; carried over from the stored object. */
export function carrySystemFieldsOnUpdate(obj: KubeObject, old: KubeObject): void {
  const m = obj.metadata;
  const o = old.metadata;
  m.uid = o.uid;
  m.creationTimestamp = o.creationTimestamp;
  setOrDelete(m, 'deletionTimestamp', o.deletionTimestamp);
  setOrDelete(m, 'deletionGracePeriodSeconds', o.deletionGracePeriodSeconds);
  setOrDelete(m, 'generation', o.generation);
  delete m.selfLink;
  dropEmptyLists(m);
}

export function setOrDelete<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value === undefined) delete target[key];
  else target[key] = value;
}

/**
 * A deep copy of a decoded JSON value. Objects are plain JSON trees here, so a recursive copy does what
 * structuredClone would at a fraction of its cost; anything that is not a plain object or array (a Date, a Map)
 * still goes through structuredClone.
 */
export function deepClone<T>(v: T): T {
  return cloneJson(v) as T;
}

/** `{ ...deepClone(base), ...overrides }` (same key order) without copying the members that get replaced. */
export function cloneWith<T extends object>(base: T, overrides: Partial<T>): T {
  const out: Record<string, unknown> = {};
  const src = base as Record<string, unknown>;
  const repl = overrides as Record<string, unknown>;
  for (const k of Object.keys(src)) setMember(out, k, Object.hasOwn(repl, k) ? repl[k] : cloneJson(src[k]));
  for (const k of Object.keys(repl)) if (!Object.hasOwn(out, k)) setMember(out, k, repl[k]);
  return out as T;
}

/** A copy of `obj` in which the members named in `shared` are the originals (the caller replaces them) and the rest deep copies. */
export function copyExcept<T extends object>(obj: T, shared: ReadonlySet<string>): T {
  const out: Record<string, unknown> = {};
  const src = obj as Record<string, unknown>;
  for (const k of Object.keys(src)) setMember(out, k, shared.has(k) ? src[k] : cloneJson(src[k]));
  return out as T;
}

/** A copy of `obj` in which only the members named in `copied` are deep copies; the others are the originals. */
export function copyOnly<T extends object>(obj: T, copied: ReadonlySet<string>): T {
  const out: Record<string, unknown> = {};
  const src = obj as Record<string, unknown>;
  for (const k of Object.keys(src)) setMember(out, k, copied.has(k) ? cloneJson(src[k]) : src[k]);
  return out as T;
}

function cloneJson(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = cloneJson(v[i]);
    return out;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return structuredClone(v);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    setMember(out, k, cloneJson((v as Record<string, unknown>)[k]));
  }
  return out;
}

function setMember(out: Record<string, unknown>, k: string, value: unknown): void {
  // JSON.parse makes "__proto__" an ordinary member; plain assignment would set the prototype instead.
  if (k === '__proto__') Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  else out[k] = value;
}


/** Everything outside metadata and status: a change here bumps metadata.generation. */
export function specChanged(obj: KubeObject, old: KubeObject): boolean {
  const keys = new Set([...Object.keys(obj), ...Object.keys(old)]);
  for (const k of keys) {
    if (k === 'metadata' || k === 'status' || k === 'apiVersion' || k === 'kind') continue;
    if (!jsonEqual(obj[k], old[k])) return true;
  }
  return false;
}
