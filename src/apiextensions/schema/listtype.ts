// x-kubernetes-list-type invariants (listtype/validation.go): `set` lists hold no duplicate items and `map` lists
// no two items with the same x-kubernetes-list-map-keys values. Only the first repeat of a value is reported.
import { FieldError, FieldPath } from '../../apimachinery/field-errors.js';
import { GoValueFieldError } from './goformat.js';
import type { SchemaNode } from './model.js';
import { isPlainObject } from './model.js';

const duplicate = (path: FieldPath, value: unknown) => new GoValueFieldError('FieldValueDuplicate', path.toString(), value, '');
const UNSPECIFIED = Symbol('unspecified key');

export function validateListTypes(path: FieldPath | undefined, s: SchemaNode, obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  walk(path, s, obj, errs);
  return errs;
}

const child = (p: FieldPath | undefined, k: string) => (p ? p.child(k) : FieldPath.root(k));
const keyed = (p: FieldPath | undefined, k: string) => (p ? p.key(k) : FieldPath.root(`[${k}]`));
const indexed = (p: FieldPath | undefined, i: number) => (p ? p.index(i) : FieldPath.root(`[${i}]`));

function walk(path: FieldPath | undefined, s: SchemaNode, obj: unknown, errs: FieldError[]): void {
  if (isPlainObject(obj)) {
    if (typeof s.additionalProperties === 'object') {
      for (const [k, v] of Object.entries(obj)) if (!s.properties?.has(k)) walk(keyed(path, k), s.additionalProperties, v, errs);
    }
    if (s.properties) for (const [k, v] of Object.entries(obj)) { const p = s.properties.get(k); if (p) walk(child(path, k), p, v, errs); }
  } else if (Array.isArray(obj)) {
    if (s.listType === 'set') for (const i of repeatedIndices(obj)) errs.push(duplicate(indexed(path, i), obj[i]));
    else if (s.listType === 'map') errs.push(...validateListMap(path, s, obj));
    if (s.items) obj.forEach((v, i) => walk(indexed(path, i), s.items!, v, errs));
  }
}

/** Indices where a value occurs for the second time. */
function repeatedIndices(values: unknown[]): number[] {
  const seen = new Map<unknown, number>();
  const out: number[] = [];
  values.forEach((v, i) => {
    const key = v !== null && typeof v === 'object' ? `json:${JSON.stringify(sortKeys(v))}` : v;
    const n = seen.get(key) ?? 0;
    if (n === 1) out.push(i);
    seen.set(key, n + 1);
  });
  return out;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isPlainObject(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

function validateListMap(path: FieldPath | undefined, s: SchemaNode, obj: unknown[]): FieldError[] {
  for (let i = 0; i < obj.length; i++) {
    const x = obj[i];
    if (x !== null && !isPlainObject(x)) {
      return [new GoValueFieldError('FieldValueInvalid', indexed(path, i).toString(), x, 'must be an object for an array of list-type map')];
    }
  }
  if (obj.length <= 1) return [];
  const keys = s.listMapKeys;
  if (keys.length === 1) {
    const k = keys[0];
    const values = obj.map((x) => (isPlainObject(x) && k in x ? x[k] : UNSPECIFIED));
    return repeatedIndices(values).map((i) => duplicate(indexed(path, i), values[i] === UNSPECIFIED ? {} : { [k]: values[i] }));
  }
  const tuples = obj.map((x) => {
    const t: Record<string, unknown> = {};
    if (isPlainObject(x)) for (const k of keys) if (k in x) t[k] = x[k];
    return t;
  });
  return repeatedIndices(tuples).map((i) => duplicate(indexed(path, i), tuples[i]));
}
