// The small schema view server-side apply needs (upstream smd schema "atoms"): is a value a scalar, a list (atomic,
// set, or map keyed by some fields) or a map (atomic or granular, with declared fields)? Built-in kinds adapt the
// TypeModel; a CRD's openAPIV3Schema adapts through jsonSchemaType. Anything without a schema is "deduced":
// maps granular, lists atomic (upstream's __untyped_deduced_).
import type { FieldDef, StructDef, TypeModel, TypeRef } from '../schema/types.js';

export interface FieldSchema {
  readonly type: TypeSchema;
  /**
   * What Go serializes for this field when it is unset: `{}` for a non-pointer struct, null for a slice or map
   * without omitempty. Upstream compares objects after a round trip through Go structs, so an unset field of this
   * kind is "present" there; we compare it as this empty value so ownership (notably `.` entries) matches.
   */
  readonly zero?: 'object' | 'list';
}

export interface ListAtom {
  readonly kind: 'list';
  readonly listType: 'atomic' | 'set' | 'map';
  readonly keys: readonly string[];
  readonly items: TypeSchema;
  /** Default for a key field an element leaves out (e.g. a port's protocol defaults to TCP). */
  keyDefault?(name: string): unknown;
}

export interface MapAtom {
  readonly kind: 'map';
  readonly atomic: boolean;
  /** A declared struct field, or undefined for map entries and unknown fields. */
  field(name: string): FieldSchema | undefined;
  /** Type of entries that are not declared fields. */
  readonly values: TypeSchema;
}

export type Atom = { readonly kind: 'scalar' } | { readonly kind: 'deduced' } | ListAtom | MapAtom;

export interface TypeSchema {
  readonly atom: Atom;
}

export const scalarType: TypeSchema = { atom: { kind: 'scalar' } };
export const deducedType: TypeSchema = { atom: { kind: 'deduced' } };

/** A type whose atom is computed on first use (schemas are recursive, e.g. JSONSchemaProps). */
function lazy(build: () => Atom): TypeSchema {
  let atom: Atom | undefined;
  return {
    get atom() {
      return (atom ??= build());
    },
  };
}

// ---- Built-in kinds from the TypeModel ----

const modelCaches = new WeakMap<TypeModel, Map<string, TypeSchema>>();

/** The schema of a struct of the model (e.g. `io.k8s.api.apps.v1.Deployment`); deduced when unknown. */
export function modelType(model: TypeModel, structName: string): TypeSchema {
  return structType(model, structName, false);
}

function structType(model: TypeModel, structName: string, forceAtomic: boolean): TypeSchema {
  let cache = modelCaches.get(model);
  if (!cache) modelCaches.set(model, (cache = new Map()));
  const cacheKey = (forceAtomic ? 'atomic:' : '') + structName;
  let type = cache.get(cacheKey);
  if (type) return type;
  const def = model.structs.get(structName);
  type = def ? lazy(() => structAtom(model, def, forceAtomic)) : deducedType;
  cache.set(cacheKey, type);
  return type;
}

function structAtom(model: TypeModel, def: StructDef, forceAtomic: boolean): MapAtom {
  const fields = new Map<string, FieldSchema>();
  for (const f of def.fields) {
    fields.set(f.name, { type: fieldType(model, f), zero: zeroOf(model, f) });
  }
  return { kind: 'map', atomic: forceAtomic || def.structType === 'atomic', field: (name) => fields.get(name), values: deducedType };
}

/** Non-pointer structs and fields without omitempty (openapi-gen marks those required) are always serialized. */
function zeroOf(model: TypeModel, f: FieldDef): 'object' | 'list' | undefined {
  if (f.optional) return undefined;
  if (f.type.kind === 'ref' && model.structs.has(f.type.name)) return 'object';
  if (!f.required) return undefined;
  return f.type.kind === 'array' ? 'list' : f.type.kind === 'map' ? 'object' : undefined;
}

function fieldType(model: TypeModel, f: FieldDef): TypeSchema {
  const t = f.type;
  if (t.kind === 'ref') return structType(model, t.name, f.structType === 'atomic' || f.mapType === 'atomic');
  if (t.kind === 'map') {
    const values = typeOfRef(model, t.values);
    return { atom: { kind: 'map', atomic: f.mapType === 'atomic', field: () => undefined, values } };
  }
  if (t.kind === 'array') {
    const items = typeOfRef(model, t.items);
    const itemsAreScalars = isScalarRef(t.items);
    let listType = f.listType;
    let keys = f.listMapKeys ?? [];
    if (!listType) {
      // Upstream's OpenAPI → smd conversion: a merge key makes a keyed list, merged scalars a set.
      if (f.patchMergeKey) {
        listType = 'map';
        keys = [f.patchMergeKey];
      } else if (itemsAreScalars && f.patchStrategy?.split(',').includes('merge')) listType = 'set';
      else listType = 'atomic';
    }
    if (listType === 'map' && keys.length === 0 && f.patchMergeKey) keys = [f.patchMergeKey];
    const itemStruct = t.items.kind === 'ref' ? model.structs.get(t.items.name) : undefined;
    const keyDefault = (name: string) => (name === 'protocol' && itemStruct?.fields.some((x) => x.name === 'protocol') ? 'TCP' : undefined);
    const atom: ListAtom = { kind: 'list', listType, keys, items, keyDefault };
    return { atom };
  }
  return typeOfRef(model, t);
}

function typeOfRef(model: TypeModel, t: TypeRef): TypeSchema {
  switch (t.kind) {
    case 'ref':
      return structType(model, t.name, false);
    case 'array':
      return { atom: { kind: 'list', listType: 'atomic', keys: [], items: typeOfRef(model, t.items) } };
    case 'map':
      return { atom: { kind: 'map', atomic: false, field: () => undefined, values: typeOfRef(model, t.values) } };
    case 'rawExtension':
    case 'fieldsV1':
      return deducedType;
    default:
      return scalarType;
  }
}

const isScalarRef = (t: TypeRef) => !['ref', 'array', 'map', 'rawExtension', 'fieldsV1'].includes(t.kind);

// ---- CustomResourceDefinition openAPIV3Schema ----

type JSONSchema = Record<string, unknown>;

/**
 * The schema of a custom resource from its structural openAPIV3Schema. `metadata` lets the caller plug in
 * ObjectMeta from the model, as upstream does for CRDs.
 */
export function jsonSchemaType(schema: JSONSchema, opts: { metadata?: TypeSchema } = {}): TypeSchema {
  return lazy(() => {
    const atom = jsonSchemaAtom(schema);
    if (atom.kind !== 'map' || !opts.metadata) return atom;
    const metadata: FieldSchema = { type: opts.metadata, zero: 'object' };
    return { ...atom, field: (name: string) => (name === 'metadata' ? metadata : atom.field(name)) };
  });
}

function jsonSchemaAtom(s: JSONSchema): Atom {
  if (s['x-kubernetes-int-or-string'] === true) return { kind: 'scalar' };
  const type = s.type;
  if (type === 'array') {
    const items = isSchema(s.items) ? jsonSchemaType(s.items) : deducedType;
    const declared = s['x-kubernetes-list-type'];
    const listType = declared === 'set' || declared === 'map' ? declared : 'atomic';
    const keys = Array.isArray(s['x-kubernetes-list-map-keys']) ? (s['x-kubernetes-list-map-keys'] as string[]) : [];
    const itemProps = isSchema(s.items) && isSchema(s.items.properties) ? s.items.properties : {};
    return { kind: 'list', listType, keys, items, keyDefault: (name) => (isSchema(itemProps[name]) ? itemProps[name].default : undefined) };
  }
  if (type === 'object' || isSchema(s.properties) || isSchema(s.additionalProperties)) {
    const props = isSchema(s.properties) ? s.properties : {};
    const fields = new Map<string, FieldSchema>();
    for (const [name, sub] of Object.entries(props)) if (isSchema(sub)) fields.set(name, { type: jsonSchemaType(sub) });
    const values = isSchema(s.additionalProperties) ? jsonSchemaType(s.additionalProperties) : deducedType;
    const atomic = s['x-kubernetes-map-type'] === 'atomic';
    return { kind: 'map', atomic, field: (name) => fields.get(name), values };
  }
  if (type === undefined) return { kind: 'deduced' };
  return { kind: 'scalar' };
}

const isSchema = (v: unknown): v is JSONSchema => v !== null && typeof v === 'object' && !Array.isArray(v);
