// RFC 6902 JSON patch, with the behaviour of the library upstream's apiserver uses (gopkg.in/evanphx/json-patch.v4,
// v4.12.0), quirks included because clients depend on them:
//  - negative array indices count from the end;
//  - `replace` of a missing object key adds it (only array indices must exist);
//  - `test` of a missing key succeeds when the expected value is null;
//  - `replace` of the root ("") with a non-container value is silently ignored.
// Error texts are the library's (pkg/errors `Wrapf` joins as "<context>: <cause>"). The handler returns any apply
// failure as a 422 whose message hides them; we keep the text as the error's `cause` for logs.
import { errRequestEntityTooLarge } from '../errors.js';
import { errBadRequest, errPatchUnprocessable } from './patch-errors.js';
import { hasOwn, isJsonMap, jsonClone, jsonEqual, JsonMap } from './json-values.js';

/** Upstream's limit on operations in one JSON patch (maxJSONPatchOperations). */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

export type JsonPatchOperation = JsonMap;

const MISSING = 'missing value';
const INVALID_INDEX = 'invalid index referenced';
const TEST_FAILED = 'test failed';

class OpError extends Error {}
const wrap = (context: string, cause: string) => new OpError(`${context}: ${cause}`);

/** Go's encoding/json name for a JSON value's type in "cannot unmarshal X into ..." errors. */
function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

/**
 * Validate a decoded patch document the way jsonpatch.DecodePatch does (an array of objects; `null` is an empty
 * patch). Throws 400 BadRequest, or 413 past the operation limit.
 */
export function decodeJsonPatch(doc: unknown): JsonPatchOperation[] {
  if (doc === null) return [];
  if (!Array.isArray(doc)) throw errBadRequest(`json: cannot unmarshal ${jsonKind(doc)} into Go value of type jsonpatch.Patch`);
  for (const op of doc) {
    if (op !== null && !isJsonMap(op)) {
      throw errBadRequest(`json: cannot unmarshal ${jsonKind(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (doc.length > MAX_JSON_PATCH_OPERATIONS) {
    throw errRequestEntityTooLarge(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${doc.length}`);
  }
  return doc.map((op) => (op === null ? {} : (op as JsonMap)));
}

/**
 * Apply a JSON patch. Neither input is modified: containers on written paths are copied once, everything else is
 * shared with `original`. Throws the handler's 422 when an operation fails.
 */
export function applyJsonPatch(original: unknown, patch: unknown): unknown {
  const ops = decodeJsonPatch(patch);
  const doc = new WorkingDoc(original);
  for (const op of ops) {
    try {
      applyOperation(doc, op);
    } catch (e) {
      if (e instanceof OpError) throw errPatchUnprocessable(e.message);
      throw e;
    }
  }
  return doc.root;
}

type Container = JsonMap | unknown[];

/** The document being patched, with copy-on-write of the containers that get written. */
class WorkingDoc {
  root: unknown;
  private readonly owned = new WeakSet<object>();

  constructor(original: unknown) {
    this.root = this.own(original);
  }

  own<T>(v: T): T {
    if (typeof v !== 'object' || v === null || this.owned.has(v)) return v;
    const copy = (Array.isArray(v) ? [...v] : { ...v }) as T;
    this.owned.add(copy as object);
    return copy;
  }

  /**
   * The container holding the last segment of `path`, and that segment decoded (upstream's findObject); null when
   * the path does not resolve. With `forWrite`, containers along the way are made private copies.
   */
  find(path: string, forWrite: boolean): { con: Container; key: string } | null {
    const split = path.split('/');
    if (split.length < 2) return null;
    let con = this.root;
    if (typeof con !== 'object' || con === null) return null;
    for (let i = 1; i < split.length - 1; i++) {
      const part = decodePointerToken(split[i]);
      let next: unknown;
      try {
        next = getChild(con as Container, part);
      } catch {
        return null;
      }
      if (typeof next !== 'object' || next === null) return null;
      if (forWrite && !this.owned.has(next)) {
        next = this.own(next);
        setChildUnchecked(con as Container, part, next);
      }
      con = next;
    }
    return { con: con as Container, key: decodePointerToken(split[split.length - 1]) };
  }
}

/** RFC 6901 unescaping: `~1` → `/` first, then `~0` → `~`. */
export function decodePointerToken(token: string): string {
  return token.indexOf('~') < 0 ? token : token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** strconv.Atoi, with its error text. */
function atoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) throw new OpError(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw new OpError(`strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`);
  return n;
}

const invalidIndex = (idx: number) => wrap(`Unable to access invalid index: ${idx}`, INVALID_INDEX);

function resolveIndex(arr: unknown[], key: string): number {
  let idx = atoi(key);
  if (idx < 0) {
    if (idx < -arr.length) throw invalidIndex(idx);
    idx += arr.length;
  }
  if (idx >= arr.length) throw invalidIndex(idx);
  return idx;
}

/** A missing object key reads as undefined (upstream: nil node, no error); bad array indices throw. */
function getChild(con: Container, key: string): unknown {
  if (Array.isArray(con)) return con[resolveIndex(con, key)];
  return hasOwn(con, key) ? con[key] : undefined;
}

function setChildUnchecked(con: Container, key: string, v: unknown): void {
  if (Array.isArray(con)) con[resolveIndex(con, key)] = v;
  else con[key] = v;
}

function addChild(con: Container, key: string, v: unknown): void {
  if (!Array.isArray(con)) {
    con[key] = v;
    return;
  }
  if (key === '-') {
    con.push(v);
    return;
  }
  let idx: number;
  try {
    idx = atoi(key);
  } catch (e) {
    throw wrap(`value was not a proper array index: '${key}'`, (e as Error).message);
  }
  const size = con.length + 1;
  if (idx >= size) throw invalidIndex(idx);
  if (idx < 0) {
    if (idx < -size) throw invalidIndex(idx);
    idx += size;
  }
  con.splice(idx, 0, v);
}

function removeChild(con: Container, key: string): void {
  if (!Array.isArray(con)) {
    if (!hasOwn(con, key)) throw wrap(`Unable to remove nonexistent key: ${key}`, MISSING);
    delete con[key];
    return;
  }
  let idx = atoi(key);
  if (idx >= con.length) throw invalidIndex(idx);
  if (idx < 0) {
    if (idx < -con.length) throw invalidIndex(idx);
    idx += con.length;
  }
  con.splice(idx, 1);
}

/** Operation.Path()/From(): the field must be a string. */
function stringField(op: JsonMap, field: 'path' | 'from'): string {
  const v = op[field];
  if (v === undefined || v === null) {
    throw new OpError(field === 'path' ? `operation missing path field: ${MISSING}` : `operation, missing from field: ${MISSING}`);
  }
  if (typeof v !== 'string') throw new OpError(`json: cannot unmarshal ${jsonKind(v)} into Go value of type string`);
  return v;
}

function fieldOr(op: JsonMap, field: 'path' | 'from', onError: (cause: string) => OpError): string {
  try {
    return stringField(op, field);
  } catch (e) {
    throw onError((e as Error).message);
  }
}

// An absent `value` and an explicit null both insert null.
const opValue = (op: JsonMap): unknown => (hasOwn(op, 'value') ? op.value : null);

function applyOperation(doc: WorkingDoc, op: JsonMap): void {
  const kind = typeof op.op === 'string' ? op.op : 'unknown';
  switch (kind) {
    case 'add': return opAdd(doc, op);
    case 'remove': return opRemove(doc, op);
    case 'replace': return opReplace(doc, op);
    case 'move': return opMove(doc, op);
    case 'test': return opTest(doc, op);
    case 'copy': return opCopy(doc, op);
    default: throw new OpError(`Unexpected kind: ${kind}`);
  }
}

function withContext(context: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof OpError) throw wrap(context, e.message);
    throw e;
  }
}

function opAdd(doc: WorkingDoc, op: JsonMap): void {
  const path = fieldOr(op, 'path', () => wrap('add operation failed to decode path', MISSING));
  const found = doc.find(path, true);
  if (!found) throw wrap(`add operation does not apply: doc is missing path: "${path}"`, MISSING);
  withContext(`error in add for path: '${path}'`, () => addChild(found.con, found.key, opValue(op)));
}

function opRemove(doc: WorkingDoc, op: JsonMap): void {
  const path = fieldOr(op, 'path', () => wrap('remove operation failed to decode path', MISSING));
  const found = doc.find(path, true);
  if (!found) throw wrap(`remove operation does not apply: doc is missing path: "${path}"`, MISSING);
  withContext(`error in remove for path: '${path}'`, () => removeChild(found.con, found.key));
}

function opReplace(doc: WorkingDoc, op: JsonMap): void {
  const path = fieldOr(op, 'path', (cause) => wrap('replace operation failed to decode path', cause));
  if (path === '') {
    const v = opValue(op);
    if (typeof v === 'object' && v !== null) doc.root = v;
    return;
  }
  const found = doc.find(path, true);
  if (!found) throw wrap(`replace operation does not apply: doc is missing path: ${path}`, MISSING);
  try {
    getChild(found.con, found.key);
  } catch {
    throw wrap(`replace operation does not apply: doc is missing key: ${path}`, MISSING);
  }
  withContext(`error in remove for path: '${path}'`, () => setChildUnchecked(found.con, found.key, opValue(op)));
}

function opMove(doc: WorkingDoc, op: JsonMap): void {
  const from = fieldOr(op, 'from', (cause) => wrap('move operation failed to decode from', cause));
  const src = doc.find(from, true);
  if (!src) throw wrap(`move operation does not apply: doc is missing from path: ${from}`, MISSING);
  let val: unknown;
  withContext(`error in move for path: '${src.key}'`, () => {
    val = getChild(src.con, src.key);
    removeChild(src.con, src.key);
  });
  const path = fieldOr(op, 'path', (cause) => wrap('move operation failed to decode path', cause));
  const dst = doc.find(path, true);
  if (!dst) throw wrap(`move operation does not apply: doc is missing destination path: ${path}`, MISSING);
  withContext(`error in move for path: '${path}'`, () => addChild(dst.con, dst.key, val === undefined ? null : val));
}

function opTest(doc: WorkingDoc, op: JsonMap): void {
  const path = fieldOr(op, 'path', (cause) => wrap('test operation failed to decode path', cause));
  const failed = () => wrap(`testing value ${path} failed`, TEST_FAILED);
  if (path === '') {
    if (!jsonEqual(doc.root, op.value)) throw failed();
    return;
  }
  const found = doc.find(path, false);
  if (!found) throw wrap(`test operation does not apply: is missing path: ${path}`, MISSING);
  let val: unknown;
  withContext(`error in test for path: '${path}'`, () => { val = getChild(found.con, found.key); });
  if (val === undefined || val === null) {
    if (hasOwn(op, 'value') && op.value === null) return;
    throw failed();
  }
  if (!hasOwn(op, 'value') || !jsonEqual(val, op.value)) throw failed();
}

function opCopy(doc: WorkingDoc, op: JsonMap): void {
  const from = fieldOr(op, 'from', (cause) => wrap('copy operation failed to decode from', cause));
  const src = doc.find(from, false);
  if (!src) throw wrap(`copy operation does not apply: doc is missing from path: ${from}`, MISSING);
  let val: unknown;
  withContext(`error in copy for from: '${from}'`, () => { val = getChild(src.con, src.key); });
  const path = fieldOr(op, 'path', () => wrap('copy operation failed to decode path', MISSING));
  const dst = doc.find(path, true);
  if (!dst) throw wrap(`copy operation does not apply: doc is missing destination path: ${path}`, MISSING);
  // A private deep copy, so later writes through either location cannot alias.
  const copy = val === undefined ? null : jsonClone(val);
  withContext('error while adding value during copy', () => addChild(dst.con, dst.key, copy));
}
