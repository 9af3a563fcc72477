// Component schemas of an OpenAPI v3 document, rendered from the type model the way upstream's v3 documents look:
// struct-typed fields as `allOf: [{$ref}]` (plus `default: {}` for non-pointer structs), the x-kubernetes-*
// extensions from the Go markers, and the special apimachinery types as their own named schemas.
import { fieldsByName } from '../apimachinery/schema/index.js';
import type { FieldDef, StructDef, TypeModel, TypeRef } from '../apimachinery/schema/types.js';

export type JsonSchema = Record<string, unknown>;

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

/** Schema names used for TypeRef kinds that upstream models as named definitions. */
export const SPECIAL_SCHEMA_NAMES: Partial<Record<TypeRef['kind'], string>> = {
  quantity: 'io.k8s.apimachinery.pkg.api.resource.Quantity',
  intOrString: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
  time: META + 'Time',
  microTime: META + 'MicroTime',
  duration: META + 'Duration',
  rawExtension: 'io.k8s.apimachinery.pkg.runtime.RawExtension',
  fieldsV1: META + 'FieldsV1',
};

/** The definitions of the special names: the OpenAPI types their Go types declare for v3. */
export const SPECIAL_SCHEMAS: Record<string, JsonSchema> = {
  'io.k8s.apimachinery.pkg.api.resource.Quantity': {
    description: 'A fixed-point number with an optional unit suffix, such as 500m, 2Gi or 1e3.',
    oneOf: [{ type: 'string' }, { type: 'number' }],
  },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': {
    description: 'Either an integer or a string, such as 3 or "25%".',
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
  },
  [META + 'Time']: { description: 'A timestamp in RFC 3339 form, to the second.', type: 'string', format: 'date-time' },
  [META + 'MicroTime']: {
    description: 'A timestamp in RFC 3339 form with microseconds.',
    type: 'string',
    format: 'date-time',
  },
  [META + 'Duration']: { description: 'A duration such as 1h30m.', type: 'string' },
  'io.k8s.apimachinery.pkg.runtime.RawExtension': {
    description: 'An embedded object of any kind, kept as raw JSON.',
    type: 'object',
  },
  [META + 'FieldsV1']: { description: 'A set of field paths, in the FieldsV1 JSON trie format.', type: 'object' },
};

export const schemaRef = (name: string) => `#/components/schemas/${name}`;

/** The schema for a value of `type`, as it appears inside items/additionalProperties or as a field. */
export function typeSchema(type: TypeRef, pointer = false): JsonSchema {
  switch (type.kind) {
    case 'string': {
      const s: JsonSchema = { type: 'string' };
      if (type.format) s.format = type.format;
      if (type.enum) s.enum = [...type.enum];
      return s;
    }
    case 'integer':
      return { type: 'integer', format: type.format };
    case 'number':
      return type.format ? { type: 'number', format: type.format } : { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'bytes':
      return { type: 'string', format: 'byte' };
    case 'array':
      return { type: 'array', items: elementSchema(type.items) };
    case 'map':
      return { type: 'object', additionalProperties: elementSchema(type.values) };
    case 'ref':
      return pointer ? { $ref: schemaRef(type.name) } : { allOf: [{ $ref: schemaRef(type.name) }], default: {} };
    default:
      return { $ref: schemaRef(SPECIAL_SCHEMA_NAMES[type.kind]!) };
  }
}

/** List elements and map values of struct type get `default: {}` like upstream (they are not pointers). */
function elementSchema(type: TypeRef): JsonSchema {
  return typeSchema(type, false);
}

/** The schema of one struct field, with its description and x-kubernetes-* extensions. */
export function fieldSchema(field: FieldDef): JsonSchema {
  let schema = typeSchema(field.type, field.optional === true);
  if (field.description !== undefined) {
    // A bare $ref cannot carry siblings in OpenAPI 3.0, so wrap it as upstream does.
    if ('$ref' in schema) schema = { allOf: [schema] };
    schema.description = field.description;
  }
  if (field.patchMergeKey) schema['x-kubernetes-patch-merge-key'] = field.patchMergeKey;
  if (field.patchStrategy) schema['x-kubernetes-patch-strategy'] = field.patchStrategy;
  if (field.listType) schema['x-kubernetes-list-type'] = field.listType;
  if (field.listMapKeys) schema['x-kubernetes-list-map-keys'] = [...field.listMapKeys];
  const mapType = field.mapType ?? field.structType;
  if (mapType) schema['x-kubernetes-map-type'] = mapType;
  return schema;
}

/** The component schema of a struct. */
export function structSchema(def: StructDef): JsonSchema {
  const schema: JsonSchema = {};
  if (def.description) schema.description = def.description;
  schema.type = 'object';
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const field of def.fields) {
    properties[field.name] = fieldSchema(field);
    if (field.required) required.push(field.name);
  }
  if (def.fields.length > 0) schema.properties = properties;
  if (required.length > 0) schema.required = required;
  if (def.gvk) schema['x-kubernetes-group-version-kind'] = def.gvk.map(gvkExtension);
  if (def.structType) schema['x-kubernetes-map-type'] = def.structType;
  return schema;
}

/** The x-kubernetes-group-version-kind object, keys in upstream's order. */
export function gvkExtension(gvk: { group: string; version: string; kind: string }): Record<string, string> {
  return { group: gvk.group, kind: gvk.kind, version: gvk.version };
}

/** Names of every schema reachable from `roots` (structs and special types), in discovery order. */
export function reachableSchemas(model: TypeModel, roots: Iterable<string>): string[] {
  const seen = new Set<string>();
  const queue: string[] = [];
  const visit = (name: string) => {
    if (!seen.has(name)) {
      seen.add(name);
      queue.push(name);
    }
  };
  const visitType = (type: TypeRef): void => {
    if (type.kind === 'array') return visitType(type.items);
    if (type.kind === 'map') return visitType(type.values);
    if (type.kind === 'ref') return visit(type.name);
    const special = SPECIAL_SCHEMA_NAMES[type.kind];
    if (special) visit(special);
  };
  for (const root of roots) visit(root);
  for (let i = 0; i < queue.length; i++) {
    const def = model.structs.get(queue[i]!);
    if (!def) continue;
    for (const field of fieldsByName(def).values()) visitType(field.type);
  }
  return queue;
}

/** Renders the named schemas; names that are neither structs nor special types are skipped. */
export function renderSchemas(model: TypeModel, names: Iterable<string>): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const name of [...names].sort()) {
    const def = model.structs.get(name);
    if (def) out[name] = structSchema(def);
    else if (SPECIAL_SCHEMAS[name]) out[name] = structuredClone(SPECIAL_SCHEMAS[name]);
  }
  return out;
}
