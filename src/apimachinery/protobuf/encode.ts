// Encodes objects as `application/vnd.kubernetes.protobuf` (what client-go's typed clients ask for), the inverse of
// decode.ts: the 4-byte magic `k8s\0`, then a runtime.Unknown { typeMeta { apiVersion, kind }, raw, contentEncoding,
// contentType } whose `raw` is the object's own message, written field by field from the type model's field numbers.
// A field absent from the JSON form is left off the wire; Go reads it back as its zero value, which is what the
// absent JSON field meant. Watch events travel in the length-delimited framing of upstream's raw protobuf stream
// serializer: each frame a 4-byte big-endian length and a metav1.WatchEvent { type, object: RawExtension } whose
// object holds the enveloped encoding of the event's object.
import { gvkKey, type FieldDef, type StructDef, type TypeModel, type TypeRef } from '../schema/types.js';
import { parseApiVersion } from '../types.js';
import { PROTOBUF_MAGIC } from './decode.js';
import { parseGoDuration } from './go-duration.js';
import { ProtoWriter, WIRE_BYTES, WIRE_FIXED32, WIRE_FIXED64, WIRE_VARINT } from './proto-writer.js';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
export const PROTOBUF_WATCH_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf;stream=watch';

/** The enveloped encoding of `obj`, or undefined when the model has no message for its apiVersion and kind. */
export function encodeKubernetesProtobuf(model: TypeModel, obj: { apiVersion?: unknown; kind?: unknown }): Uint8Array | undefined {
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return undefined;
  const { group, version } = parseApiVersion(obj.apiVersion);
  const structName = model.kinds.get(gvkKey(group, version, obj.kind));
  const def = structName === undefined ? undefined : model.structs.get(structName);
  if (!def) return undefined;
  const w = new ProtoWriter(Array.isArray((obj as { items?: unknown }).items) ? 65536 : 1024);
  w.raw(PROTOBUF_MAGIC);
  const typeMeta = w.begin(1);
  w.tag(1, WIRE_BYTES).string(obj.apiVersion).tag(2, WIRE_BYTES).string(obj.kind);
  w.end(typeMeta);
  const raw = w.begin(2);
  encodeStruct(model, def, obj as Record<string, unknown>, w);
  w.end(raw);
  w.tag(3, WIRE_BYTES).string('').tag(4, WIRE_BYTES).string('');
  return w.finish();
}

// Objects of a list tend to share timestamps (creation, managedFields times): the last one parsed is kept.
let lastTimeText = '';
let lastTimeMs = NaN;

function parseTime(text: string): number {
  if (text !== lastTimeText) {
    lastTimeText = text;
    lastTimeMs = Date.parse(text);
  }
  return lastTimeMs;
}

/** One frame of a protobuf watch stream: length prefix and WatchEvent { type = 1, object = 2 { raw = 1 } }. */
export function encodeWatchFrame(type: string, encodedObject: Uint8Array): Buffer {
  const w = new ProtoWriter(encodedObject.length + 64);
  w.tag(1, WIRE_BYTES).string(type);
  const object = w.begin(2);
  w.tag(1, WIRE_BYTES).bytes(encodedObject);
  w.end(object);
  const event = w.finish();
  const frame = Buffer.allocUnsafe(4 + event.length);
  frame.writeUInt32BE(event.length, 0);
  frame.set(event, 4);
  return frame;
}

// ---- structs ----------------------------------------------------------------------------------------------------

interface StructPlan {
  /** JSON name → field with a number of its own. */
  byName: Map<string, FieldDef>;
  /** JSON name → the embedded struct (JSON inlines it, protobuf nests it as field `proto`) it belongs to. */
  inlinedBy: Map<string, { proto: number; struct: StructDef }>;
}

const plans = new WeakMap<StructDef, StructPlan>();

function planOf(model: TypeModel, def: StructDef): StructPlan {
  let plan = plans.get(def);
  if (plan) return plan;
  const inlinedBy = new Map<string, { proto: number; struct: StructDef }>();
  for (const i of def.inlined ?? []) {
    const struct = structOf(model, i.struct);
    for (const f of struct.fields) inlinedBy.set(f.name, { proto: i.proto, struct });
  }
  const nested = new Set((def.inlined ?? []).map((i) => i.proto));
  const byName = new Map(def.fields.filter((f) => f.proto !== undefined && !nested.has(f.proto)).map((f) => [f.name, f]));
  plan = { byName, inlinedBy };
  plans.set(def, plan);
  return plan;
}

function structOf(model: TypeModel, name: string): StructDef {
  const def = model.structs.get(name);
  if (!def) throw new Error(`protobuf encoding: type ${name} is not known`);
  return def;
}

/** The fields of `obj` the struct knows, in the object's order (protobuf readers take fields in any order). */
function encodeStruct(model: TypeModel, def: StructDef, obj: Record<string, unknown>, w: ProtoWriter): void {
  const plan = planOf(model, def);
  let inlined: { proto: number; struct: StructDef }[] | undefined;
  for (const name in obj) {
    const v = obj[name];
    if (v === undefined || v === null) continue;
    const f = plan.byName.get(name);
    if (f) {
      writeField(model, w, f.proto!, f.type, v);
      continue;
    }
    const embedded = plan.inlinedBy.get(name);
    if (embedded && !inlined?.includes(embedded)) (inlined ??= []).push(embedded);
  }
  for (const i of inlined ?? []) {
    const mark = w.begin(i.proto);
    encodeStruct(model, i.struct, obj, w);
    w.end(mark);
  }
}

function writeField(model: TypeModel, w: ProtoWriter, num: number, type: TypeRef, v: unknown): void {
  if (type.kind === 'array') {
    if (!Array.isArray(v)) return;
    for (const item of v) if (item !== null && item !== undefined) writeValue(model, w, num, type.items, item);
    return;
  }
  if (type.kind === 'map') {
    if (typeof v !== 'object' || Array.isArray(v)) return;
    const map = v as Record<string, unknown>;
    for (const key in map) {
      const mark = w.begin(num);
      w.tag(1, WIRE_BYTES).string(key);
      const value = map[key];
      if (value !== null && value !== undefined) writeValue(model, w, 2, type.values, value);
      w.end(mark);
    }
    return;
  }
  writeValue(model, w, num, type, v);
}

/** One value as field `num`; a list inside a list or map travels in a wrapper message { repeated items = 1 }. */
function writeValue(model: TypeModel, w: ProtoWriter, num: number, type: TypeRef, v: unknown): void {
  switch (type.kind) {
    case 'string':
      w.tag(num, WIRE_BYTES).string(typeof v === 'string' ? v : String(v));
      return;
    case 'bytes':
      w.tag(num, WIRE_BYTES).bytes(Buffer.from(String(v), 'base64'));
      return;
    case 'boolean':
      w.tag(num, WIRE_VARINT).bool(v === true);
      return;
    case 'integer':
      if (typeof v === 'number') w.tag(num, WIRE_VARINT).int(v);
      return;
    case 'number':
      if (typeof v !== 'number') return;
      if (type.format === 'float') w.tag(num, WIRE_FIXED32).float(v);
      else w.tag(num, WIRE_FIXED64).double(v);
      return;
    case 'ref': {
      if (typeof v !== 'object' || Array.isArray(v)) return;
      const mark = w.begin(num);
      encodeStruct(model, structOf(model, type.name), v as Record<string, unknown>, w);
      w.end(mark);
      return;
    }
    case 'quantity': {
      const mark = w.begin(num);
      w.tag(1, WIRE_BYTES).string(String(v));
      w.end(mark);
      return;
    }
    case 'intOrString': {
      const mark = w.begin(num);
      if (typeof v === 'number') w.tag(1, WIRE_VARINT).int(0).tag(2, WIRE_VARINT).int(v).tag(3, WIRE_BYTES).string('');
      else w.tag(1, WIRE_VARINT).int(1).tag(2, WIRE_VARINT).int(0).tag(3, WIRE_BYTES).string(String(v));
      w.end(mark);
      return;
    }
    case 'time':
    case 'microTime': {
      const text = String(v);
      const ms = parseTime(text);
      if (Number.isNaN(ms)) return;
      // Date keeps milliseconds; a MicroTime's microseconds come from the text itself.
      const fraction = type.kind === 'microTime' ? /\.(\d+)Z$/i.exec(text)?.[1] : undefined;
      const mark = w.begin(num);
      w.tag(1, WIRE_VARINT).int(Math.floor(ms / 1000)).tag(2, WIRE_VARINT).int(fraction ? Number(fraction.padEnd(9, '0').slice(0, 9)) : 0);
      w.end(mark);
      return;
    }
    case 'duration': {
      const ns = parseGoDuration(String(v));
      if (ns === undefined) return;
      const mark = w.begin(num);
      w.tag(1, WIRE_VARINT).int(Number(ns));
      w.end(mark);
      return;
    }
    case 'rawExtension':
    case 'fieldsV1': {
      const mark = w.begin(num);
      w.tag(1, WIRE_BYTES).string(JSON.stringify(v));
      w.end(mark);
      return;
    }
    case 'array': {
      if (!Array.isArray(v)) return;
      const mark = w.begin(num);
      for (const item of v) if (item !== null && item !== undefined) writeValue(model, w, 1, type.items, item);
      w.end(mark);
      return;
    }
    case 'map':
      throw new Error('protobuf encoding: a map nested in a list or map has no protobuf form');
  }
}
