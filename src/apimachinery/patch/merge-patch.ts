// RFC 7386 JSON merge patch, as upstream's apiserver applies it (evanphx/json-patch v4 MergePatch): null deletes a
// key, objects merge recursively, anything else replaces; nulls are pruned from values that land where nothing
// (or a non-object) was before. Inputs are not modified; untouched subtrees are shared with `original`.
import { errBadRequest } from './patch-errors.js';
import { hasOwn, isJsonMap, JsonMap } from './json-values.js';

/** The library's error for a patch document that is not an object or array (400 in the handler). */
export const ERR_BAD_JSON_PATCH = 'Invalid JSON Patch';

export function applyMergePatch(original: unknown, patch: unknown): unknown {
  if (Array.isArray(patch)) return pruneArrayNulls(patch);
  if (!isJsonMap(patch)) throw errBadRequest(ERR_BAD_JSON_PATCH);
  // A non-object document is replaced by the (null-pruned) patch.
  if (!isJsonMap(original)) return pruneNulls(patch);
  return mergeObjects(original, patch);
}

function mergeObjects(doc: JsonMap, patch: JsonMap): JsonMap {
  const out: JsonMap = { ...doc };
  for (const k of Object.keys(patch)) {
    const v = patch[k];
    if (v === null) {
      delete out[k];
      continue;
    }
    const cur = hasOwn(out, k) ? out[k] : null;
    out[k] = cur === null ? pruneNulls(v) : mergeValue(cur, v);
  }
  return out;
}

function mergeValue(cur: unknown, patch: unknown): unknown {
  if (!isJsonMap(cur)) return pruneNulls(patch);
  if (!isJsonMap(patch)) return patch;
  return mergeObjects(cur, patch);
}

/** Drop null-valued keys from objects, recursively (null array elements stay). Returns a copy when needed. */
export function pruneNulls(v: unknown): unknown {
  if (Array.isArray(v)) return pruneArrayNulls(v);
  if (!isJsonMap(v)) return v;
  const out: JsonMap = {};
  for (const k of Object.keys(v)) {
    const x = v[k];
    if (x !== null) out[k] = pruneNulls(x);
  }
  return out;
}

function pruneArrayNulls(a: unknown[]): unknown[] {
  return a.map((x) => (x === null ? null : pruneNulls(x)));
}
