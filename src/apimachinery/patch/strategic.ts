// Strategic merge patch, applied the way upstream's server applies it (k8s.io/apimachinery
// pkg/util/strategicpatch: StrategicMergeMapPatch → mergeMap with MergeParallelList and IgnoreUnmatchedNulls).
// The patch metadata (merge keys, strategies) comes from the type model instead of Go struct tags.
//
// Semantics, in short:
//  - maps merge key by key; `null` deletes a key; `$patch: replace` on a map replaces it, `$patch: delete` empties it;
//  - lists whose field has patchStrategy "merge" merge: maps by patchMergeKey, primitives as a union; other lists
//    are replaced; list elements may carry `$patch: delete` (drop matching entries) or `$patch: replace` (the other
//    elements become the whole list);
//  - `$setElementOrder/<list>` fixes the final order, `$deleteFromPrimitiveList/<list>` removes primitives,
//    `$retainKeys` clears every key of the map not listed;
//  - where the model knows nothing (free-form or unknown fields) the same rules apply with no list merging, which
//    is JSON merge-patch behaviour plus the directives.
// Inputs are never modified; merged maps and lists are fresh copies, untouched subtrees are shared with `original`.
import { ApiError } from '../errors.js';
import { TypeModel } from '../schema/types.js';
import { errBadRequest, errPatchUnknown, errPatchUnprocessable } from './patch-errors.js';
import { goString, goTypeName, goValue, hasOwn, isJsonMap, JsonMap } from './json-values.js';
import { PatchSchema, SchemaNode } from './strategic-schema.js';

const DIRECTIVE_MARKER = '$patch';
const DELETE_DIRECTIVE = 'delete';
const REPLACE_DIRECTIVE = 'replace';
const MERGE_DIRECTIVE = 'merge';
const RETAIN_KEYS_STRATEGY = 'retainKeys';
const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST_PREFIX = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER_PREFIX = '$setElementOrder';

const MAP_TYPE = 'map[string]interface {}';
const SLICE_TYPE = '[]interface {}';

/** Upstream's mergepatch error texts. */
export const SMP_ERRORS = {
  badJSONDoc: 'invalid JSON document',
  noListOfLists: 'lists of lists are not supported',
  badPatchFormatForPrimitiveList: 'invalid patch format of primitive list',
  badPatchFormatForRetainKeys: 'invalid patch format of retainKeys',
  badPatchFormatForSetElementOrderList: 'invalid patch format of setElementOrder list',
  patchContentNotMatchRetainKeys: "patch content doesn't match retainKeys list",
  unsupportedStrategicMergePatchFormat: 'strategic merge patch format is not supported',
} as const;

/** How the handler reports each error (see patch-errors.ts). */
type Disposition = 'badRequest' | 'unprocessable' | 'unknown';

class SmpError extends Error {
  constructor(readonly disposition: Disposition, message: string) {
    super(message);
  }
}

const fail = (message: string) => new SmpError('unknown', message);
const errNoMergeKey = (m: unknown, key: string) => fail(`map: ${goValue(m)} does not contain declared merge key: ${key}`);
const errBadArgType = (expected: string, actual: unknown) => fail(`expected a ${expected}, but received a ${goTypeName(actual)}`);
const errBadPatchType = (t: unknown, m: unknown) => fail(`unknown patch type: ${goString(t)} in map: ${goValue(m)}`);

/**
 * Apply a strategic merge patch to `original`, an object of the struct `structName` (an OpenAPI definition name in
 * the model). Throws ApiError with upstream's status and message for bad patches.
 */
export function strategicMergePatch(model: TypeModel, structName: string, original: unknown, patch: unknown): unknown {
  if (patch === null) return original;
  if (!isJsonMap(patch)) {
    throw errBadRequest(`json: cannot unmarshal ${Array.isArray(patch) ? 'array' : typeof patch === 'boolean' ? 'bool' : typeof patch} into Go value of type map[string]interface {}`);
  }
  if (original !== null && original !== undefined && !isJsonMap(original)) throw errBadRequest(SMP_ERRORS.badJSONDoc);
  const ctx = new Merger(new PatchSchema(model));
  try {
    return ctx.mergeMap(original ?? undefined, patch, { kind: 'ref', name: structName });
  } catch (e) {
    if (e instanceof SmpError) throw toApiError(e);
    throw e;
  }
}

function toApiError(e: SmpError): ApiError {
  switch (e.disposition) {
    case 'badRequest': return errBadRequest(e.message);
    case 'unprocessable': return errPatchUnprocessable(e.message);
    default: return errPatchUnknown(e.message);
  }
}

type ValueKind = 'null' | 'map' | 'slice' | 'string' | 'number' | 'boolean';

function valueKind(v: unknown): ValueKind {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'slice';
  if (typeof v === 'object') return 'map';
  return typeof v as ValueKind;
}

/** Splits a patchStrategy list into "retainKeys or not" and the remaining strategy (extractRetainKeysPatchStrategy). */
function patchStrategyOf(strategies: string[]): string {
  if (strategies.length <= 1) return strategies[0] === RETAIN_KEYS_STRATEGY ? '' : strategies[0] ?? '';
  if (strategies.length === 2) {
    if (strategies[0] === RETAIN_KEYS_STRATEGY) return strategies[1];
    if (strategies[1] === RETAIN_KEYS_STRATEGY) return strategies[0];
  }
  throw fail(`unexpected patch strategy: [${strategies.join(' ')}]`);
}

/** `$setElementOrder/containers` → `containers`. */
function extractKey(s: string, prefix: string): string {
  const slash = s.indexOf('/');
  if (slash < 0 || s.slice(0, slash) !== prefix) {
    if (prefix === DELETE_FROM_PRIMITIVE_LIST_PREFIX) throw new SmpError('badRequest', SMP_ERRORS.badPatchFormatForPrimitiveList);
    throw new SmpError('badRequest', SMP_ERRORS.badPatchFormatForSetElementOrderList);
  }
  return s.slice(slash + 1);
}

/**
 * The value to store for a patch subtree that has nothing to merge with: maps carrying `$patch` vanish (with
 * their key or list slot). Returns undefined when the value itself should not be kept.
 */
function removeDirectives(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const kept = removeDirectives(x);
      if (kept !== undefined) out.push(kept);
    }
    return out;
  }
  if (!isJsonMap(v)) return v;
  if (hasOwn(v, DIRECTIVE_MARKER)) return undefined;
  const out: JsonMap = {};
  for (const k of Object.keys(v)) {
    const kept = removeDirectives(v[k]);
    if (kept !== undefined) out[k] = kept;
  }
  return out;
}

/** Null-valued keys of a new subtree are dropped (nulls inside lists stay). */
function discardNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(discardNulls);
  if (!isJsonMap(v)) return v;
  const out: JsonMap = {};
  for (const k of Object.keys(v)) {
    if (v[k] !== null) out[k] = discardNulls(v[k]);
  }
  return out;
}

function setOrDrop(m: JsonMap, k: string, v: unknown): void {
  if (v === undefined) delete m[k];
  else m[k] = v;
}

const containsDirectiveMarker = (v: unknown) => isJsonMap(v) && hasOwn(v, DIRECTIVE_MARKER);

/** The Go type every element of the lists shares (sliceElementType). */
function sliceElementType(...slices: unknown[][]): string {
  let prev: string | undefined;
  for (const s of slices) {
    for (const v of s) {
      const t = goTypeName(v);
      if (prev === undefined) {
        prev = t;
        if (t === SLICE_TYPE) throw new SmpError('unprocessable', SMP_ERRORS.noListOfLists);
      } else if (prev !== t) {
        throw fail(`list element types are not identical: ${goValue(slices)}`);
      }
    }
  }
  if (prev === undefined) throw fail('no elements in any of the given slices');
  return prev;
}

/** Items whose `$patch` is delete go last (extractToDeleteItems); every item must be a map. */
function extractToDeleteItems(l: unknown[]): { nonDelete: unknown[]; toDelete: unknown[] } {
  const nonDelete: unknown[] = [];
  const toDelete: unknown[] = [];
  for (const v of l) {
    if (!isJsonMap(v)) throw errBadArgType(MAP_TYPE, v);
    if (hasOwn(v, DIRECTIVE_MARKER) && v[DIRECTIVE_MARKER] === DELETE_DIRECTIVE) toDelete.push(v);
    else nonDelete.push(v);
  }
  return { nonDelete, toDelete };
}

function validateMergeKeyInLists(mergeKey: string, ...lists: unknown[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isJsonMap(item)) throw errBadArgType(MAP_TYPE, item);
      if (!hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    }
  }
}

/** What identifies a list item for ordering: its merge key value for maps, the item itself otherwise. */
function identity(item: unknown, mergeKey: string, elementType: string): unknown {
  if (elementType !== MAP_TYPE) return item;
  return isJsonMap(item) ? item[mergeKey] : undefined;
}

/** Position of each identity in `order`, first occurrence wins (upstream's `index`). */
function positions(order: unknown[], mergeKey: string, elementType: string): Map<unknown, number> {
  const pos = new Map<unknown, number>();
  order.forEach((item, i) => {
    const id = identity(item, mergeKey, elementType);
    if (!pos.has(id)) pos.set(id, i);
  });
  return pos;
}

/** Stable sort of `toSort` by position in `order` (normalizeSliceOrder); unknown items keep their place at the end. */
function normalizeSliceOrder(toSort: unknown[], order: unknown[], mergeKey: string, elementType: string): unknown[] {
  let toDelete: unknown[] = [];
  if (elementType === MAP_TYPE) {
    validateMergeKeyInLists(mergeKey, toSort, order);
    ({ nonDelete: toSort, toDelete } = extractToDeleteItems(toSort));
  }
  const pos = positions(order, mergeKey, elementType);
  const keyed = toSort.map((item, i) => ({ item, i, p: pos.get(identity(item, mergeKey, elementType)) ?? Infinity }));
  keyed.sort((a, b) => a.p - b.p || a.i - b.i);
  const sorted = keyed.map((k) => k.item);
  return toDelete.length ? sorted.concat(toDelete) : sorted;
}

/**
 * Interleave server-only items (left) into the patch items (right), both already sorted: a server-only item goes
 * first when both sides are found in the live order and it comes earlier there (mergeSortedSlice).
 */
function mergeSortedSlice(left: unknown[], right: unknown[], serverOrder: unknown[], mergeKey: string, elementType: string): unknown[] {
  const pos = positions(serverOrder, mergeKey, elementType);
  const at = (v: unknown) => pos.get(identity(v, mergeKey, elementType)) ?? -1;
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = at(left[i]);
      const ri = at(right[j]);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

function normalizeElementOrder(
  patchItems: unknown[], serverOnly: unknown[], patchOrder: unknown[], serverOrder: unknown[], mergeKey: string, elementType: string,
): unknown[] {
  const p = normalizeSliceOrder(patchItems, patchOrder, mergeKey, elementType);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, elementType);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, elementType);
}

/** Split `merged` into items present in `partitionBy` and server-only items, keeping their order. */
function partition(merged: unknown[], partitionBy: unknown[], mergeKey: string): { inPatch: unknown[]; serverOnly: unknown[] } {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  if (!mergeKey) {
    const present = new Set(partitionBy);
    for (const v of merged) (present.has(v) ? inPatch : serverOnly).push(v);
    return { inPatch, serverOnly };
  }
  const present = new Set<unknown>();
  for (const v of partitionBy) {
    if (!isJsonMap(v)) throw fail(`value for key ${partitionBy.indexOf(v)} is not a map`);
    if (hasOwn(v, mergeKey)) present.add(v[mergeKey]);
  }
  for (const v of merged) {
    if (!isJsonMap(v)) throw errBadArgType(MAP_TYPE, v);
    if (!hasOwn(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    (present.has(v[mergeKey]) ? inPatch : serverOnly).push(v);
  }
  return { inPatch, serverOnly };
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  if (!isJsonMap(left)) throw errBadArgType(MAP_TYPE, left);
  if (!isJsonMap(right)) throw errBadArgType(MAP_TYPE, right);
  if (!hasOwn(left, mergeKey)) throw errNoMergeKey(left, mergeKey);
  if (!hasOwn(right, mergeKey)) throw errNoMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

/** The patch list must follow the relative order of `$setElementOrder` (deletions aside). */
function validatePatchWithSetOrderList(patchList: unknown[], setOrderList: unknown[], mergeKey: string): void {
  if (setOrderList.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey ? extractToDeleteItems(patchList).nonDelete : patchList;
  let p = 0;
  let s = 0;
  while (p < nonDelete.length && s < setOrderList.length) {
    if (containsDirectiveMarker(nonDelete[p])) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(nonDelete[p], setOrderList[s], mergeKey)) p++;
    s++;
  }
  if (p < nonDelete.length && s >= setOrderList.length) {
    throw fail(`The order in patch list:\n${goValue(patchList)}\n doesn't match ${SET_ELEMENT_ORDER_PREFIX} list:\n${goValue(setOrderList)}\n`);
  }
}

function deleteFromSlice(current: unknown[], toDelete: unknown[]): unknown[] {
  const del = new Set(toDelete);
  return current.filter((v) => !del.has(v));
}

function deduplicateScalars(s: unknown[]): unknown[] {
  return [...new Set(s)];
}

class Merger {
  constructor(readonly schema: PatchSchema) {}

  mergeMap(original: JsonMap | undefined, patch: JsonMap, node: SchemaNode): JsonMap {
    if (hasOwn(patch, DIRECTIVE_MARKER)) return this.handleDirectiveInMergeMap(patch[DIRECTIVE_MARKER], patch);
    const out: JsonMap = original ? { ...original } : {};
    // Patch keys already dealt with by the directive passes below.
    const done = new Set<string>();
    this.applyRetainKeysDirective(out, patch, done);
    this.mergePatchIntoOriginal(out, patch, node, done);

    for (const patchKey of Object.keys(patch)) {
      if (done.has(patchKey)) continue;
      const patchV = patch[patchKey];
      let k = patchKey;
      let isDeleteList = false;
      if (patchKey.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)) {
        k = extractKey(patchKey, DELETE_FROM_PRIMITIVE_LIST_PREFIX);
        isDeleteList = true;
      }
      if (patchV === null) {
        delete out[k];
        continue;
      }
      if (!hasOwn(out, k)) {
        if (!isDeleteList) setOrDrop(out, k, removeDirectives(discardNulls(patchV)));
        continue;
      }
      const origV = out[k];
      const kind = valueKind(origV);
      if (kind !== valueKind(patchV)) {
        if (!isDeleteList) setOrDrop(out, k, removeDirectives(discardNulls(patchV)));
        continue;
      }
      if (kind === 'map') {
        const { schema, meta } = this.schema.lookupForStruct(node, k);
        const strategy = patchStrategyOf(meta.strategies);
        out[k] = strategy === REPLACE_DIRECTIVE ? patchV : this.mergeMap(origV as JsonMap, patchV as JsonMap, schema);
      } else if (kind === 'slice') {
        const { schema, meta } = this.schema.lookupForSlice(node, k);
        const strategy = patchStrategyOf(meta.strategies);
        out[k] = this.mergeSliceHandler(origV as unknown[], patchV as unknown[], schema, strategy, meta.patchMergeKey, isDeleteList);
      } else {
        setOrDrop(out, k, removeDirectives(patchV));
      }
    }
    return out;
  }

  private handleDirectiveInMergeMap(directive: unknown, patch: JsonMap): JsonMap {
    if (directive === REPLACE_DIRECTIVE) {
      const { [DIRECTIVE_MARKER]: _, ...rest } = patch;
      return rest;
    }
    if (directive === DELETE_DIRECTIVE) return {};
    throw errBadPatchType(directive, patch);
  }

  /** `$retainKeys`: every present patch key must be listed; unlisted keys of the original are cleared. */
  private applyRetainKeysDirective(out: JsonMap, patch: JsonMap, done: Set<string>): void {
    if (!hasOwn(patch, RETAIN_KEYS_DIRECTIVE)) return;
    done.add(RETAIN_KEYS_DIRECTIVE);
    const list = patch[RETAIN_KEYS_DIRECTIVE];
    if (!Array.isArray(list)) throw new SmpError('badRequest', SMP_ERRORS.badPatchFormatForRetainKeys);
    const retained = new Set(list);
    for (const k of Object.keys(patch)) {
      if (k === RETAIN_KEYS_DIRECTIVE || patch[k] === null) continue;
      if (k.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX) || k.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
      if (!retained.has(k)) throw new SmpError('badRequest', SMP_ERRORS.badPatchFormatForRetainKeys);
    }
    for (const k of Object.keys(out)) {
      if (!retained.has(k)) delete out[k];
    }
  }

  /**
   * `$setElementOrder/<list>`: merge the list (if patched) and order the result: patch items by the directive,
   * server-only items by their live order, interleaved.
   */
  private mergePatchIntoOriginal(out: JsonMap, patch: JsonMap, node: SchemaNode, done: Set<string>): void {
    for (const key of Object.keys(patch)) {
      if (!key.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
      done.add(key);
      const setOrder = patch[key];
      if (!Array.isArray(setOrder)) throw errBadArgType(SLICE_TYPE, setOrder);
      const field = extractKey(key, SET_ELEMENT_ORDER_PREFIX);
      const foundOriginal = hasOwn(out, field);
      const foundPatch = hasOwn(patch, field) && !done.has(field);
      let originalList: unknown[] = [];
      let patchList: unknown[] = [];
      if (foundOriginal) {
        if (!Array.isArray(out[field])) throw errBadArgType(SLICE_TYPE, out[field]);
        originalList = out[field] as unknown[];
      }
      if (foundPatch) {
        if (!Array.isArray(patch[field])) throw errBadArgType(SLICE_TYPE, patch[field]);
        patchList = patch[field] as unknown[];
      }
      const { schema, meta } = this.schema.lookupForSlice(node, field);
      const strategy = patchStrategyOf(meta.strategies);
      const mergeKey = meta.patchMergeKey;
      validatePatchWithSetOrderList(patchList, setOrder, mergeKey);

      let merged: unknown[];
      const liveView = { order: originalList };
      if (foundOriginal && !foundPatch) merged = originalList;
      else if (!foundOriginal && foundPatch) merged = removeDirectives(patchList) as unknown[];
      else if (foundOriginal && foundPatch) merged = this.mergeSliceHandler(originalList, patchList, schema, strategy, mergeKey, false, liveView);
      else continue;

      const { inPatch, serverOnly } = partition(merged, setOrder, mergeKey);
      const elementType = sliceElementType(originalList, patchList);
      out[field] = normalizeElementOrder(inPatch, serverOnly, setOrder, liveView.order, mergeKey, elementType);
      done.add(field);
    }
  }

  private mergeSliceHandler(
    original: unknown[], patch: unknown[], node: SchemaNode, strategy: string, mergeKey: string, isDeleteList: boolean,
    liveView?: { order: unknown[] },
  ): unknown[] {
    // Deletion lists apply whatever the field's strategy is.
    if (strategy === MERGE_DIRECTIVE || isDeleteList) return this.mergeSlice(original, patch, node, mergeKey, isDeleteList, liveView);
    return patch;
  }

  /**
   * Merge two lists. `liveView`, when given, receives what upstream's caller still sees through its own slice
   * header of `original` afterwards: Go shifts deletions and writes appends in place, so the caller's order list is
   * the surviving items followed by the appended ones, cut to the original length. mergePatchIntoOriginal orders
   * server-only items against that view, and kubectl apply results depend on it.
   */
  private mergeSlice(
    original: unknown[], patch: unknown[], node: SchemaNode, mergeKey: string, isDeleteList: boolean, liveView?: { order: unknown[] },
  ): unknown[] {
    if (original.length === 0 && patch.length === 0) return original;
    const elementType = sliceElementType(original, patch);
    let merged: unknown[];
    if (elementType !== MAP_TYPE) {
      if (isDeleteList) return deleteFromSlice(original, patch);
      merged = deduplicateScalars(original.concat(patch));
    } else {
      if (!mergeKey) throw fail(`cannot merge lists without merge key for ${this.schema.kindName(node)}`);
      const special = this.mergeSliceWithSpecialElements(original as JsonMap[], patch as JsonMap[], mergeKey);
      const { merged: m, appended } = this.mergeSliceWithoutSpecialElements(special.original, special.patch, mergeKey, node);
      if (liveView) liveView.order = special.survivors.concat(special.replaced ? [] : appended).slice(0, original.length);
      ({ original, patch } = special);
      merged = m;
    }
    const { inPatch, serverOnly } = partition(merged, patch, mergeKey);
    return normalizeElementOrder(inPatch, serverOnly, patch, original, mergeKey, elementType);
  }

  /**
   * Handle list elements carrying `$patch`: returns the list to merge into, the remaining patch elements, and the
   * live items that survived deletions.
   */
  private mergeSliceWithSpecialElements(
    original: JsonMap[], patch: JsonMap[], mergeKey: string,
  ): { original: JsonMap[]; patch: JsonMap[]; survivors: JsonMap[]; replaced: boolean } {
    const rest: JsonMap[] = [];
    let replace = false;
    for (const v of patch) {
      if (!hasOwn(v, DIRECTIVE_MARKER)) {
        rest.push(v);
        continue;
      }
      const directive = v[DIRECTIVE_MARKER];
      if (directive === DELETE_DIRECTIVE) {
        if (!hasOwn(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
        const doomed = v[mergeKey];
        original = original.filter((o) => !(hasOwn(o, mergeKey) && o[mergeKey] === doomed));
      } else if (directive === REPLACE_DIRECTIVE) {
        replace = true; // keep scanning so other directive elements are still dropped
      } else if (directive === MERGE_DIRECTIVE) {
        throw fail('merging lists cannot yet be specified in the patch');
      } else {
        throw errBadPatchType(directive, v);
      }
    }
    if (replace) return { original: rest, patch: [], survivors: original, replaced: true };
    return { original, patch: rest, survivors: original, replaced: false };
  }

  private mergeSliceWithoutSpecialElements(
    original: JsonMap[], patch: JsonMap[], mergeKey: string, node: SchemaNode,
  ): { merged: JsonMap[]; appended: JsonMap[] } {
    const merged: JsonMap[] = original.slice();
    const appended: JsonMap[] = [];
    const index = new Map<unknown, number>();
    merged.forEach((o, i) => {
      if (hasOwn(o, mergeKey) && !index.has(o[mergeKey])) index.set(o[mergeKey], i);
    });
    for (const v of patch) {
      if (!hasOwn(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
      const at = index.get(v[mergeKey]);
      if (at !== undefined) {
        merged[at] = this.mergeMap(merged[at], v, node);
      } else {
        index.set(v[mergeKey], merged.length);
        merged.push(v);
        appended.push(v);
      }
    }
    return { merged, appended };
  }
}
