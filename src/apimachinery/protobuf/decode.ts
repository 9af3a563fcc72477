// Decodes `application/vnd.kubernetes.protobuf` request bodies (what kubectl's typed clients POST for `kubectl create
// namespace|deployment|...`) into the same JSON object the JSON form of the request would carry.
//
// The body is the 4-byte magic `k8s\0` followed by a runtime.Unknown message
//   { TypeMeta typeMeta = 1 { string apiVersion = 1; string kind = 2 }; bytes raw = 2;
//     string contentEncoding = 3; string contentType = 4 }
// whose `raw` is the object's own message, decoded here field by field from the type model's field numbers.
//
// Go's generated marshallers write every non-pointer field, zero or not, while upstream's JSON drops zero values of
// `omitempty` fields. To end up with the JSON upstream would produce, a zero scalar is kept only where the Go field is
// a pointer or has no omitempty (keepZeroFields, generated from upstream's types.go, plus the model's `optional`);
// messages, repeated fields and map entries are kept whenever they are on the wire, as Go's JSON always prints
// non-pointer structs.
import protobuf from 'protobufjs/minimal.js';
import { ApiError, errBadRequest } from '../errors.js';
import { parseApiVersion, type KubeObject } from '../types.js';
import { gvkKey, isGoZeroScalar, type FieldDef, type StructDef, type TypeModel, type TypeRef } from '../schema/types.js';
import { keepZeroFields } from './go-facts.generated.js';
import { formatGoDuration } from './go-duration.js';
import { isJsonObject as isPlainObject } from '../json.js';

type Reader = protobuf.Reader;
const { Reader } = protobuf;

export const PROTOBUF_MAGIC = Uint8Array.of(0x6b, 0x38, 0x73, 0x00); // "k8s\0"

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

/** A malformed body; turned into a 400 at the top level. */
class ProtoDecodeError extends Error {}

export function decodeKubernetesProtobuf(model: TypeModel, body: Uint8Array): KubeObject {
  if (body.length === 0) throw errBadRequest('empty data');
  if (!hasMagic(body)) {
    throw errBadRequest(`provided data does not appear to be a protobuf message, expected prefix [${[...PROTOBUF_MAGIC].join(' ')}]`);
  }
  try {
    const envelope = decodeUnknown(body.subarray(PROTOBUF_MAGIC.length));
    if (envelope.contentEncoding) throw errBadRequest(`unsupported protobuf content encoding "${envelope.contentEncoding}"`);
    if (envelope.contentType && envelope.contentType !== 'application/vnd.kubernetes.protobuf') {
      throw errBadRequest(`unsupported content type "${envelope.contentType}" inside the protobuf envelope`);
    }
    const { apiVersion, kind } = envelope;
    if (!kind) throw errBadRequest('Object \'Kind\' is missing in the protobuf envelope');
    const { group, version } = parseApiVersion(apiVersion);
    const structName = model.kinds.get(gvkKey(group, version, kind));
    const def = structName === undefined ? undefined : model.structs.get(structName);
    if (!def) throw errBadRequest(`no kind "${kind}" is registered for version "${apiVersion}" in scheme "pkg/api/legacyscheme/scheme.go:30"`);
    const fields = decodeStruct(model, def, envelope.raw);
    const obj = { apiVersion, kind, ...fields } as KubeObject;
    // Objects always carry metadata; options kinds (DeleteOptions) have none.
    if (def.fields.some((f) => f.name === 'metadata')) obj.metadata ??= {};
    return obj;
  } catch (e) {
    if (e instanceof ApiError) throw e;
    // protobufjs throws RangeError on truncated input; anything else here is also a body we cannot read.
    const why = e instanceof Error ? e.message : String(e);
    throw errBadRequest(`unable to decode protobuf body: ${why}`);
  }
}

function hasMagic(body: Uint8Array): boolean {
  return body.length >= PROTOBUF_MAGIC.length && PROTOBUF_MAGIC.every((b, i) => body[i] === b);
}

interface UnknownEnvelope { apiVersion: string; kind: string; raw: Uint8Array; contentEncoding: string; contentType: string }

function decodeUnknown(bytes: Uint8Array): UnknownEnvelope {
  const env: UnknownEnvelope = { apiVersion: '', kind: '', raw: new Uint8Array(), contentEncoding: '', contentType: '' };
  forEachField(bytes, (r, num, wt) => {
    if (num === 1 && wt === WIRE_BYTES) {
      forEachField(r.bytes(), (t, n, w) => {
        if (n === 1 && w === WIRE_BYTES) env.apiVersion = t.string();
        else if (n === 2 && w === WIRE_BYTES) env.kind = t.string();
        else t.skipType(w);
      });
    } else if (num === 2 && wt === WIRE_BYTES) env.raw = r.bytes();
    else if (num === 3 && wt === WIRE_BYTES) env.contentEncoding = r.string();
    else if (num === 4 && wt === WIRE_BYTES) env.contentType = r.string();
    else r.skipType(wt);
  });
  return env;
}

/** Calls `visit` for every field of a message; `visit` must consume the field's value. */
function forEachField(bytes: Uint8Array, visit: (r: Reader, num: number, wireType: number) => void): void {
  const r = Reader.create(bytes);
  while (r.pos < r.len) {
    const tag = r.uint32();
    const num = tag >>> 3;
    const wt = tag & 7;
    if (num === 0) throw new ProtoDecodeError('illegal tag 0');
    visit(r, num, wt);
  }
  if (r.pos > r.len) throw new ProtoDecodeError('unexpected end of message');
}

// ---- structs ----------------------------------------------------------------------------------------------------

interface StructLayout {
  byNumber: Map<number, FieldDef>;
  /** Embedded structs that JSON inlines but protobuf nests (Volume's VolumeSource is field 2): number → struct. */
  inlined: Map<number, string>;
  keepZero: Set<string>;
}

const layouts = new WeakMap<StructDef, StructLayout>();
const NO_ZERO_RULES: StructLayout = { byNumber: new Map(), inlined: new Map(), keepZero: new Set() };

function layoutOf(def: StructDef): StructLayout {
  let layout = layouts.get(def);
  if (layout) return layout;
  const inlined = new Map((def.inlined ?? []).map((i) => [i.proto, i.struct]));
  const byNumber = new Map<number, FieldDef>();
  for (const f of def.fields) if (f.proto !== undefined && !inlined.has(f.proto)) byNumber.set(f.proto, f);
  const keepZero = new Set(keepZeroFields[def.name] ?? []);
  for (const f of def.fields) if (f.optional) keepZero.add(f.name); // pointer fields: present means set
  layout = { byNumber, inlined, keepZero };
  layouts.set(def, layout);
  return layout;
}

function decodeStruct(model: TypeModel, def: StructDef, bytes: Uint8Array, into: Record<string, unknown> = {}): Record<string, unknown> {
  const layout = layoutOf(def);
  forEachField(bytes, (r, num, wt) => {
    const inlined = layout.inlined.get(num);
    if (inlined !== undefined) {
      // The embedded message's fields land in this object, as JSON's inlining puts them.
      expectWire(wt, WIRE_BYTES, num);
      decodeStruct(model, structOf(model, inlined), r.bytes(), into);
      return;
    }
    const field = layout.byNumber.get(num);
    if (!field) {
      r.skipType(wt); // a field this model does not know: ignore it, as protobuf readers do
      return;
    }
    decodeField(model, layout, field, r, wt, into);
  });
  return into;
}

function decodeField(model: TypeModel, layout: StructLayout, field: FieldDef, r: Reader, wt: number, out: Record<string, unknown>): void {
  const { name, type } = field;
  if (type.kind === 'array') {
    const list = (Array.isArray(out[name]) ? out[name] : (out[name] = [])) as unknown[];
    if (wt === WIRE_BYTES && isPackable(type.items)) {
      const packed = r.bytes();
      const pr = Reader.create(packed);
      while (pr.pos < pr.len) list.push(readScalar(type.items, pr, packedWireType(type.items), field.name));
    } else {
      list.push(readValue(model, type.items, r, wt, name));
    }
    return;
  }
  if (type.kind === 'map') {
    expectWire(wt, WIRE_BYTES, name);
    const map = (isPlainObject(out[name]) ? out[name] : (out[name] = {})) as Record<string, unknown>;
    let key = '';
    let value: unknown;
    forEachField(r.bytes(), (er, n, w) => {
      if (n === 1) { expectWire(w, WIRE_BYTES, `${name}.key`); key = er.string(); }
      else if (n === 2) value = readValue(model, type.values, er, w, name);
      else er.skipType(w);
    });
    map[key] = value === undefined ? zeroValue(model, type.values) : value;
    return;
  }
  if (type.kind === 'ref' && isPlainObject(out[name])) {
    // A message that appears twice is merged, as protobuf specifies.
    expectWire(wt, WIRE_BYTES, name);
    decodeStruct(model, structOf(model, type.name), r.bytes(), out[name] as Record<string, unknown>);
    return;
  }
  const value = readValue(model, type, r, wt, name);
  if (value === undefined || (isGoZeroScalar(type, value) && !layout.keepZero.has(name))) delete out[name];
  else out[name] = value;
}

function structOf(model: TypeModel, name: string): StructDef {
  const def = model.structs.get(name);
  if (!def) throw new ProtoDecodeError(`type ${name} is not known`);
  return def;
}

// ---- values -----------------------------------------------------------------------------------------------------

/** One value of `type`; undefined means "as if absent" (a zero metav1.Time, an empty RawExtension). */
function readValue(model: TypeModel, type: TypeRef, r: Reader, wt: number, field: string): unknown {
  switch (type.kind) {
    case 'string':
    case 'integer':
    case 'number':
    case 'boolean':
    case 'bytes':
      return readScalar(type, r, wt, field);
    case 'map':
      throw new ProtoDecodeError(`field ${field}: a map nested in a list or map has no protobuf form`);
    default:
      // every other kind travels as a length-delimited message
      expectWire(wt, WIRE_BYTES, field);
      return readMessage(model, type, r.bytes(), field);
  }
}

type MessageType = Exclude<TypeRef, { kind: 'string' | 'integer' | 'number' | 'boolean' | 'bytes' | 'map' }>;

/** The value of a length-delimited message of `type`. */
function readMessage(model: TypeModel, type: MessageType, bytes: Uint8Array, field: string): unknown {
  switch (type.kind) {
    case 'ref':
      return decodeStruct(model, structOf(model, type.name), bytes);
    case 'quantity':
      return readQuantity(bytes);
    case 'intOrString':
      return readIntOrString(bytes);
    case 'time':
    case 'microTime':
      return readTime(bytes, type.kind === 'microTime');
    case 'duration':
      return readDuration(bytes);
    case 'rawExtension':
    case 'fieldsV1':
      return readEmbeddedJson(model, bytes, field);
    case 'array': {
      // A list nested in a map or list travels in a wrapper message { repeated T items = 1 } (upstream's
      // ExtraValue for map[string][]string).
      const wrapper: Record<string, unknown> = {};
      const items: FieldDef = { name: 'items', type, proto: 1 };
      forEachField(bytes, (wr, n, w) => (n === 1 ? decodeField(model, NO_ZERO_RULES, items, wr, w, wrapper) : wr.skipType(w)));
      return wrapper.items ?? [];
    }
  }
}

function readScalar(type: TypeRef, r: Reader, wt: number, field: string): unknown {
  switch (type.kind) {
    case 'string':
      expectWire(wt, WIRE_BYTES, field);
      return r.string();
    case 'bytes':
      expectWire(wt, WIRE_BYTES, field);
      return Buffer.from(r.bytes()).toString('base64');
    case 'boolean':
      expectWire(wt, WIRE_VARINT, field);
      return r.bool();
    case 'integer':
      expectWire(wt, WIRE_VARINT, field);
      return type.format === 'int32' ? r.int32() : int64ToNumber(r.int64());
    case 'number':
      if (wt === WIRE_FIXED64) return r.double();
      expectWire(wt, WIRE_FIXED32, field);
      return r.float();
    default:
      throw new ProtoDecodeError(`field ${field}: ${type.kind} is not a scalar`);
  }
}

function isPackable(t: TypeRef): boolean {
  return t.kind === 'integer' || t.kind === 'number' || t.kind === 'boolean';
}

function packedWireType(t: TypeRef): number {
  if (t.kind !== 'number') return WIRE_VARINT;
  return t.format === 'float' ? WIRE_FIXED32 : WIRE_FIXED64;
}

/** What Go's zero value of a map's value type looks like in JSON (a map entry written without its value). */
function zeroValue(model: TypeModel, type: TypeRef): unknown {
  switch (type.kind) {
    case 'string':
    case 'bytes':
      return '';
    case 'integer':
    case 'number':
    case 'intOrString':
      return 0;
    case 'boolean':
      return false;
    case 'quantity':
      return '0';
    case 'duration':
      return '0s';
    case 'array':
      return [];
    case 'ref':
      structOf(model, type.name);
      return {};
    default:
      return null;
  }
}

/** int64 as a JS number; values beyond 2^53 lose precision exactly as JSON.parse of the JSON form would. */
function int64ToNumber(v: number | protobuf.Long): number {
  return typeof v === 'number' ? v : v.high * 2 ** 32 + (v.low >>> 0);
}

function int64ToBigInt(v: number | protobuf.Long): bigint {
  return typeof v === 'number' ? BigInt(Math.trunc(v)) : (BigInt(v.high) << 32n) + BigInt(v.low >>> 0);
}

function readQuantity(bytes: Uint8Array): string {
  let s = '';
  forEachField(bytes, (r, n, w) => {
    if (n === 1 && w === WIRE_BYTES) s = r.string();
    else r.skipType(w);
  });
  // A zero resource.Quantity prints as "0" in JSON.
  return s === '' ? '0' : s;
}

function readIntOrString(bytes: Uint8Array): number | string {
  let kind = 0;
  let intVal = 0;
  let strVal = '';
  forEachField(bytes, (r, n, w) => {
    if (n === 1 && w === WIRE_VARINT) kind = int64ToNumber(r.int64());
    else if (n === 2 && w === WIRE_VARINT) intVal = r.int32();
    else if (n === 3 && w === WIRE_BYTES) strVal = r.string();
    else r.skipType(w);
  });
  return kind === 1 ? strVal : intVal;
}

function readTime(bytes: Uint8Array, micro: boolean): string | undefined {
  // metav1.Time writes nothing for the zero time; its JSON is null, i.e. the field is effectively unset.
  if (bytes.length === 0) return undefined;
  let seconds = 0;
  let nanos = 0;
  forEachField(bytes, (r, n, w) => {
    if (n === 1 && w === WIRE_VARINT) seconds = int64ToNumber(r.int64());
    else if (n === 2 && w === WIRE_VARINT) nanos = r.int32();
    else r.skipType(w);
  });
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) throw new ProtoDecodeError(`timestamp out of range: ${seconds}`);
  const base = date.toISOString().slice(0, -5); // drop ".000Z"
  // metav1.Time keeps whole seconds only; MicroTime keeps microseconds.
  if (!micro) return `${base}Z`;
  const micros = Math.floor(Math.max(0, nanos) / 1000);
  return `${base}.${String(micros).padStart(6, '0')}Z`;
}

function readDuration(bytes: Uint8Array): string {
  let ns = 0n;
  forEachField(bytes, (r, n, w) => {
    if (n === 1 && w === WIRE_VARINT) ns = int64ToBigInt(r.int64());
    else r.skipType(w);
  });
  return formatGoDuration(ns);
}

/** RawExtension and FieldsV1 carry JSON (or, for RawExtension, possibly a nested protobuf object). */
function readEmbeddedJson(model: TypeModel, bytes: Uint8Array, field: string): unknown {
  let raw: Uint8Array | undefined;
  forEachField(bytes, (r, n, w) => {
    if (n === 1 && w === WIRE_BYTES) raw = r.bytes();
    else r.skipType(w);
  });
  if (!raw || raw.length === 0) return undefined;
  if (hasMagic(raw)) return decodeKubernetesProtobuf(model, raw);
  try {
    return JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch (e) {
    throw new ProtoDecodeError(`field ${field}: embedded JSON is invalid: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function expectWire(actual: number, expected: number, field: string | number): void {
  if (actual !== expected) throw new ProtoDecodeError(`proto: wrong wireType = ${actual} for field ${field}`);
}
