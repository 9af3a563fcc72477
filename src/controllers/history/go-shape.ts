// Reproduces which fields Go's encoding/json emits for a typed object, so hashes computed over our JSON equal the
// ones upstream computes over its structs: zero scalars with `omitempty` disappear, non-pointer structs are always
// written (`resources: {}`), a zero metav1.Time is written as null (`creationTimestamp: null`), and quantities take
// their canonical form. Field facts come from the shared type model and the generated Go zero-value table.
import { keepZeroFields } from '../../apimachinery/protobuf/go-facts.generated.js';
import { tryParseQuantity } from '../../apimachinery/quantity.js';
import { builtinModel, isGoZeroScalar, type FieldDef, type TypeModel, type TypeRef } from '../../apimachinery/schema/index.js';
import { isJsonObject as isPlainObject } from '../../apimachinery/json.js';

type Json = unknown;

/** `value` (JSON of struct `structName`) as Go would re-encode it after decoding into the typed struct. */
export function goShape(structName: string, value: Json, model: TypeModel = builtinModel()): Json {
  return shapeStruct(model, structName, value);
}


function shapeStruct(model: TypeModel, structName: string, value: Json): Json {
  const def = model.structs.get(structName);
  if (!def || !isPlainObject(value)) return value;
  const keepZero = new Set(keepZeroFields[structName] ?? []);
  const known = new Set<string>();
  const out: Record<string, unknown> = {};
  for (const field of def.fields) {
    known.add(field.name);
    const shaped = shapeField(model, field, value[field.name], keepZero.has(field.name));
    if (shaped !== undefined) out[field.name] = shaped;
  }
  // fields the model does not know are kept verbatim rather than silently dropped
  for (const [k, v] of Object.entries(value)) if (!known.has(k) && v !== undefined) out[k] = v;
  return out;
}

function shapeField(model: TypeModel, field: FieldDef, v: Json, keepZero: boolean): Json | undefined {
  const t = field.type;
  const pointer = !!field.optional;
  if (v === undefined || v === null) {
    if (pointer) return undefined;
    // value structs are always written; a zero metav1.Time marshals as null
    if (t.kind === 'ref' && model.structs.has(t.name)) return shapeStruct(model, t.name, {});
    if (t.kind === 'time' && !pointer) return null;
    return undefined;
  }
  if (pointer) return shapeValue(model, t, v);
  if (isGoZeroScalar(t, v) && !keepZero) return undefined;
  if ((t.kind === 'array' && Array.isArray(v) && v.length === 0) || (t.kind === 'map' && isPlainObject(v) && Object.keys(v).length === 0)) return undefined;
  return shapeValue(model, t, v);
}

function shapeValue(model: TypeModel, t: TypeRef, v: Json): Json {
  switch (t.kind) {
    case 'ref':
      return shapeStruct(model, t.name, v);
    case 'array':
      return Array.isArray(v) ? v.map((item) => shapeValue(model, t.items, item)) : v;
    case 'map':
      if (!isPlainObject(v)) return v;
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, shapeValue(model, t.values, item)]));
    case 'quantity': {
      const q = tryParseQuantity(v);
      return q ? q.toString() : v;
    }
    default:
      return v;
  }
}
