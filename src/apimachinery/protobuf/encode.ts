// Encodes objects as `application/vnd.kubernetes.protobuf` (what client-go's typed clients ask for), the inverse of
// decode.ts: the 4-byte magic `k8s\0`, then a runtime.Unknown { typeMeta { apiVersion, kind }, raw, contentEncoding,
// contentType } whose `raw` is the object's own message, written field by field from the type model's field numbers.
// A field absent from the JSON form is left off the wire; Go reads it back as its zero value, which is what the
// absent JSON field meant. Watch events travel in the length-delimited framing of upstream's raw protobuf stream
// serializer: each frame a 4-byte big-endian length and a metav1.WatchEvent { type, object: RawExtension } whose
// object holds the enveloped encoding of the event's object.
import protobuf from 'protobufjs/minimal.js';
import { gvkKey, type FieldDef, type StructDef, type TypeModel, type TypeRef } from '../schema/types.js';
import { parseApiVersion } from '../types.js';
import { PROTOBUF_MAGIC } from './decode.js';
import { parseGoDuration } from './go-duration.js';

type Writer = protobuf.Writer;
const { Writer } = protobuf;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
export const PROTOBUF_WATCH_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf;stream=watch';

/** The enveloped encoding of `obj`, or undefined when the model has no message for its apiVersion and kind. */
export function encodeKubernetesProtobuf(model: TypeModel, obj: { apiVersion?: unknown; kind?: unknown }): Uint8Array | undefined {
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return undefined;
  const { group, version } = parseApiVersion(obj.apiVersion);
  const structName = model.kinds.get(gvkKey(group, version, obj.kind));
  const def = structName === undefined ? undefined : model.structs.get(structName);
  if (!def) return undefined;
  const raw = encodeStruct(model, def, obj as Record<string, unknown>, Writer.create()).finish();
  const env = Writer.create();
  env.uint32((1 << 3) | WIRE_BYTES).fork().uint32((1 << 3) | WIRE_BYTES).string(obj.apiVersion).uint32((2 << 3) | WIRE_BYTES).string(obj.kind).ldelim();
  env.uint32((2 << 3) | WIRE_BYTES).bytes(raw);
  env.uint32((3 << 3) | WIRE_BYTES).string('');
  env.uint32((4 << 3) | WIRE_BYTES).string('');
  const body = env.finish();
  const out = new Uint8Array(PROTOBUF_MAGIC.length + body.length);
  out.set(PROTOBUF_MAGIC, 0);
  out.set(body, PROTOBUF_MAGIC.length);
  return out;
}

/** One frame of a protobuf watch stream: length prefix and WatchEvent { type = 1, object = 2 { raw = 1 } }. */
export function encodeWatchFrame(type: string, encodedObject: Uint8Array): Buffer {
  const w = Writer.create();
  w.uint32((1 << 3) | WIRE_BYTES).string(type);
  w.uint32((2 << 3) | WIRE_BYTES).fork().uint32((1 << 3) | WIRE_BYTES).bytes(encodedObject).ldelim();
  const event = w.finish();
  const frame = Buffer.allocUnsafe(4 + event.length);
  frame.writeUInt32BE(event.length, 0);
  frame.set(event, 4);
  return frame;
}

// ---- structs ----------------------------------------------------------------------------------------------------

interface StructPlan {
  /** Fields with a number of their own, in number order. */
  fields: FieldDef[];
  /** Embedded structs JSON inlines but protobuf nests: number, struct, and the JSON names that belong to it. */
  inlined: { proto: number; struct: StructDef; names: Set<string> }[];
}

const plans = new WeakMap<StructDef, StructPlan>();

function planOf(model: TypeModel, def: StructDef): StructPlan {
  let plan = plans.get(def);
  if (plan) return plan;
  const inlined = (def.inlined ?? []).map((i) => {
    const struct = structOf(model, i.struct);
    return { proto: i.proto, struct, names: new Set(struct.fields.map((f) => f.name)) };
  });
  const nested = new Set(inlined.map((i) => i.proto));
  const fields = def.fields.filter((f) => f.proto !== undefined && !nested.has(f.proto)).sort((a, b) => a.proto! - b.proto!);
  plan = { fields, inlined };
  plans.set(def, plan);
  return plan;
}

function structOf(model: TypeModel, name: string): StructDef {
  const def = model.structs.get(name);
  if (!def) throw new Error(`protobuf encoding: type ${name} is not known`);
  return def;
}

function encodeStruct(model: TypeModel, def: StructDef, obj: Record<string, unknown>, w: Writer): Writer {
  const plan = planOf(model, def);
  for (const f of plan.fields) {
    const v = obj[f.name];
    if (v === undefined || v === null) continue;
    writeField(model, w, f.proto!, f.type, v);
  }
  for (const i of plan.inlined) {
    if (!Object.keys(obj).some((k) => i.names.has(k))) continue;
    w.uint32((i.proto << 3) | WIRE_BYTES).fork();
    encodeStruct(model, i.struct, obj, w);
    w.ldelim();
  }
  return w;
}

function writeField(model: TypeModel, w: Writer, num: number, type: TypeRef, v: unknown): void {
  if (type.kind === 'array') {
    if (!Array.isArray(v)) return;
    for (const item of v) if (item !== null && item !== undefined) writeValue(model, w, num, type.items, item);
    return;
  }
  if (type.kind === 'map') {
    if (typeof v !== 'object' || Array.isArray(v)) return;
    for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
      w.uint32((num << 3) | WIRE_BYTES).fork();
      w.uint32((1 << 3) | WIRE_BYTES).string(key);
      if (value !== null && value !== undefined) writeValue(model, w, 2, type.values, value);
      w.ldelim();
    }
    return;
  }
  writeValue(model, w, num, type, v);
}

/** One value as field `num`; a list inside a list or map travels in a wrapper message { repeated items = 1 }. */
function writeValue(model: TypeModel, w: Writer, num: number, type: TypeRef, v: unknown): void {
  switch (type.kind) {
    case 'string':
      w.uint32((num << 3) | WIRE_BYTES).string(String(v));
      return;
    case 'bytes':
      w.uint32((num << 3) | WIRE_BYTES).bytes(Buffer.from(String(v), 'base64'));
      return;
    case 'boolean':
      w.uint32((num << 3) | WIRE_VARINT).bool(v === true);
      return;
    case 'integer':
      if (typeof v !== 'number') return;
      w.uint32((num << 3) | WIRE_VARINT);
      if (type.format === 'int32') w.int32(v);
      else w.int64(v);
      return;
    case 'number':
      if (typeof v !== 'number') return;
      if (type.format === 'float') w.uint32((num << 3) | WIRE_FIXED32).float(v);
      else w.uint32((num << 3) | WIRE_FIXED64).double(v);
      return;
    case 'ref':
      if (typeof v !== 'object' || Array.isArray(v)) return;
      w.uint32((num << 3) | WIRE_BYTES).fork();
      encodeStruct(model, structOf(model, type.name), v as Record<string, unknown>, w);
      w.ldelim();
      return;
    case 'quantity':
      w.uint32((num << 3) | WIRE_BYTES).fork().uint32((1 << 3) | WIRE_BYTES).string(String(v)).ldelim();
      return;
    case 'intOrString': {
      w.uint32((num << 3) | WIRE_BYTES).fork();
      if (typeof v === 'number') w.uint32((1 << 3) | WIRE_VARINT).int64(0).uint32((2 << 3) | WIRE_VARINT).int32(v).uint32((3 << 3) | WIRE_BYTES).string('');
      else w.uint32((1 << 3) | WIRE_VARINT).int64(1).uint32((2 << 3) | WIRE_VARINT).int32(0).uint32((3 << 3) | WIRE_BYTES).string(String(v));
      w.ldelim();
      return;
    }
    case 'time':
    case 'microTime': {
      const ms = Date.parse(String(v));
      if (Number.isNaN(ms)) return;
      const seconds = Math.floor(ms / 1000);
      // Date keeps milliseconds; a MicroTime's microseconds come from the text itself.
      const micros = /\.(\d+)Z$/i.exec(String(v))?.[1];
      const nanos = type.kind === 'microTime' && micros ? Number(micros.padEnd(9, '0').slice(0, 9)) : 0;
      w.uint32((num << 3) | WIRE_BYTES).fork().uint32((1 << 3) | WIRE_VARINT).int64(seconds).uint32((2 << 3) | WIRE_VARINT).int32(nanos).ldelim();
      return;
    }
    case 'duration': {
      const ns = parseGoDuration(String(v));
      if (ns === undefined) return;
      w.uint32((num << 3) | WIRE_BYTES).fork().uint32((1 << 3) | WIRE_VARINT).int64(Number(ns)).ldelim();
      return;
    }
    case 'rawExtension':
    case 'fieldsV1':
      w.uint32((num << 3) | WIRE_BYTES).fork().uint32((1 << 3) | WIRE_BYTES).bytes(Buffer.from(JSON.stringify(v))).ldelim();
      return;
    case 'array': {
      if (!Array.isArray(v)) return;
      w.uint32((num << 3) | WIRE_BYTES).fork();
      for (const item of v) if (item !== null && item !== undefined) writeValue(model, w, 1, type.items, item);
      w.ldelim();
      return;
    }
    case 'map':
      throw new Error('protobuf encoding: a map nested in a list or map has no protobuf form');
  }
}
