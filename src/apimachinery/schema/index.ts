// The built-in type model and small lookups over it. The model is assembled on first use from the data modules
// (plain object literals), so importing this module costs only parsing those literals.
import { allStructDefs } from './models/all.js';
import { fieldDescriptions, kindFieldDescriptions, listDescription, structDescriptions } from './descriptions.js';
import { gvkKey, type FieldDef, type StructDef, type TypeModel, type TypeRef } from './types.js';

export * from './types.js';

let cached: TypeModel | undefined;

/** The model of every built-in kind, built once and shared. Treat it as read-only. */
export function builtinModel(): TypeModel {
  if (!cached) cached = buildModel(allStructDefs.flat());
  return cached;
}

/** Builds a model from struct definitions (also handy in tests and for adding custom types). */
export function buildModel(defs: StructDef[]): TypeModel {
  const structs = new Map<string, StructDef>();
  const kinds = new Map<string, string>();
  for (const def of defs) {
    attachDescriptions(def);
    structs.set(def.name, def);
    for (const gvk of def.gvk ?? []) kinds.set(gvkKey(gvk.group, gvk.version, gvk.kind), def.name);
  }
  return { structs, kinds };
}

function attachDescriptions(def: StructDef): void {
  if (!def.description) {
    const own = structDescriptions[def.name];
    const kind = def.gvk?.[0]?.kind;
    if (own) def.description = own;
    else if (kind?.endsWith('List')) def.description = listDescription(kind.slice(0, -'List'.length));
  }
  const fields = fieldDescriptions[def.name] ?? {};
  const shared = def.gvk ? kindFieldDescriptions : {};
  for (const field of def.fields) {
    field.description ??= fields[field.name] ?? shared[field.name];
  }
}

/** The struct a top-level kind is served as, e.g. ('apps', 'v1', 'StatefulSet'). */
export function structForGVK(model: TypeModel, group: string, version: string, kind: string): StructDef | undefined {
  const name = model.kinds.get(gvkKey(group, version, kind));
  return name === undefined ? undefined : model.structs.get(name);
}

// Field lookup tables, built lazily per struct so start-up stays cheap.
const fieldIndexes = new WeakMap<StructDef, Map<string, FieldDef>>();

export function fieldsByName(def: StructDef): Map<string, FieldDef> {
  let index = fieldIndexes.get(def);
  if (!index) {
    index = new Map(def.fields.map((f) => [f.name, f]));
    fieldIndexes.set(def, index);
  }
  return index;
}

/** The definition of one JSON field of a struct, or undefined when the struct or field is unknown. */
export function fieldDef(model: TypeModel, structName: string, fieldName: string): FieldDef | undefined {
  const def = model.structs.get(structName);
  return def ? fieldsByName(def).get(fieldName) : undefined;
}

/** Unwraps arrays and maps down to the element type: `[]Container` → Container. */
export function elementType(type: TypeRef): TypeRef {
  let t = type;
  while (t.kind === 'array' || t.kind === 'map') t = t.kind === 'array' ? t.items : t.values;
  return t;
}

/** The struct a type refers to, looking through arrays and maps; undefined for scalars and free-form types. */
export function structOfType(model: TypeModel, type: TypeRef): StructDef | undefined {
  const t = elementType(type);
  return t.kind === 'ref' ? model.structs.get(t.name) : undefined;
}

/**
 * Follows a path of JSON field names from a struct, stepping through arrays and maps transparently (the way
 * `kubectl explain statefulset.spec.template.spec.containers` addresses fields). Returns the field reached and
 * the struct its type refers to (if any), or undefined when a segment does not exist.
 */
export function resolveFieldPath(
  model: TypeModel,
  structName: string,
  path: readonly string[],
): { field?: FieldDef; struct?: StructDef } | undefined {
  let struct = model.structs.get(structName);
  if (!struct) return undefined;
  let field: FieldDef | undefined;
  for (const segment of path) {
    if (!struct) return undefined;
    field = fieldsByName(struct).get(segment);
    if (!field) return undefined;
    struct = structOfType(model, field.type);
  }
  return { field, struct };
}

/** The struct reached by a dotted path like `spec.template.spec`, or undefined. */
export function structAtPath(model: TypeModel, structName: string, dottedPath: string): StructDef | undefined {
  const path = dottedPath === '' ? [] : dottedPath.split('.');
  return resolveFieldPath(model, structName, path)?.struct;
}
