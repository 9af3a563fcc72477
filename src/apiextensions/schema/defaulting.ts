// Applying `default`s (defaulting/algorithm.go) and then dropping nulls that a non-nullable field without a
// default cannot hold (defaulting/prunenulls.go). Defaults fill missing fields and nulls of non-nullable fields.
import type { SchemaNode } from './model.js';
import { isPlainObject } from './model.js';

const clone = (v: unknown): unknown => (v === undefined ? undefined : structuredClone(v));
const nonNullableNull = (v: unknown, s: SchemaNode | undefined) => v === null && !!s && !s.nullable;
const additional = (s: SchemaNode) => (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);

export function applyDefaults(x: unknown, s: SchemaNode | undefined): void {
  if (!s) return;
  if (isPlainObject(x)) {
    if (s.properties) {
      for (const [k, prop] of s.properties) {
        if (!prop.hasDefault || prop.default === null) continue;
        if (!(k in x) || nonNullableNull(x[k], prop)) x[k] = clone(prop.default);
      }
    }
    const ap = additional(s);
    for (const k of Object.keys(x)) {
      const prop = s.properties?.get(k);
      if (prop) applyDefaults(x[k], prop);
      else if (ap) {
        if (nonNullableNull(x[k], ap) && ap.hasDefault) x[k] = clone(ap.default);
        applyDefaults(x[k], ap);
      }
    }
  } else if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) {
      if (nonNullableNull(x[i], s.items) && s.items!.hasDefault) x[i] = clone(s.items!.default);
      applyDefaults(x[i], s.items);
    }
  }
}

export function pruneNonNullableNulls(x: unknown, s: SchemaNode | undefined): void {
  if (!s) return;
  if (isPlainObject(x)) {
    const ap = additional(s);
    for (const k of Object.keys(x)) {
      const prop = s.properties?.get(k) ?? ap;
      if (!prop) continue;
      if (x[k] === null && !prop.nullable && !prop.hasDefault) delete x[k];
      else pruneNonNullableNulls(x[k], prop);
    }
  } else if (Array.isArray(x)) {
    for (const v of x) pruneNonNullableNulls(v, s.items);
  }
}
