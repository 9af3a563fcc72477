// Turning the OpenAPI v3 schemas we already render into Swagger 2.0 ones. v2 has no oneOf/anyOf/not/nullable, and
// kubectl's v2 parser (kube-openapi pkg/util/proto) rejects a `$ref` that carries a `type`, so struct fields become
// a plain `$ref` with siblings instead of `allOf: [{$ref}]`. CRD schemas get the same pruning upstream applies
// before publishing them in v2 (untyped where nullable, no items/properties where unknown fields are preserved).
import { SPECIAL_SCHEMAS, type JsonSchema } from './schemas.js';
import { isJsonObject } from '../apimachinery/json.js';

export const V3_REF_PREFIX = '#/components/schemas/';
export const V2_REF_PREFIX = '#/definitions/';

/** Schema keywords Swagger 2.0 knows (besides `x-` extensions); anything else is dropped. */
const V2_KEYWORDS = new Set([
  '$ref', 'format', 'title', 'description', 'default', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum',
  'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxProperties',
  'minProperties', 'required', 'enum', 'additionalProperties', 'type', 'items', 'allOf', 'properties',
  'discriminator', 'readOnly', 'xml', 'externalDocs', 'example',
]);

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/** The special types whose v3 schema is a oneOf: v2 publishes them as strings. */
const V2_SPECIAL_DEFINITIONS: Record<string, JsonSchema> = {
  [QUANTITY]: { description: SPECIAL_SCHEMAS[QUANTITY]!.description, type: 'string' },
  [INT_OR_STRING]: { description: SPECIAL_SCHEMAS[INT_OR_STRING]!.description, type: 'string', format: 'int-or-string' },
};

export function v2Ref(v3Ref: string): string {
  return v3Ref.startsWith(V3_REF_PREFIX) ? V2_REF_PREFIX + v3Ref.slice(V3_REF_PREFIX.length) : v3Ref;
}

/** A named definition in v2 form. */
export function toV2Definition(name: string, schema: JsonSchema): JsonSchema {
  const special = V2_SPECIAL_DEFINITIONS[name];
  return special ? structuredClone(special) : toV2Schema(schema);
}

const isObject = (v: unknown): v is JsonSchema => isJsonObject(v);

/** Converts one v3 schema (recursively) without touching the input. */
export function toV2Schema(input: JsonSchema): JsonSchema {
  const s: JsonSchema = { ...input };

  // allOf: [{$ref}] is how v3 lets a reference carry a description; v2 allows the siblings directly.
  const allOf = s.allOf;
  if (Array.isArray(allOf) && allOf.length === 1 && isObject(allOf[0]) && typeof allOf[0].$ref === 'string') {
    delete s.allOf;
    s.$ref = allOf[0].$ref;
  }
  for (const key of ['allOf', 'oneOf', 'anyOf', 'not']) delete s[key];

  if (s.nullable === true) {
    // An untyped value accepts null; kubectl breaks on untyped values that still list items or properties.
    delete s.type;
    delete s.items;
    delete s.properties;
    delete s.additionalProperties;
  }
  if (s['x-kubernetes-preserve-unknown-fields'] === true) {
    delete s.items;
    delete s.properties;
  }
  if (s.type === 'array' && s.items === undefined) delete s.type;

  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(s)) {
    if (value === undefined || (!V2_KEYWORDS.has(key) && !key.startsWith('x-'))) continue;
    out[key] = value;
  }
  if (typeof out.$ref === 'string') {
    out.$ref = v2Ref(out.$ref);
    delete out.type; // kubectl rejects a typed reference
  }
  if (isObject(out.properties)) {
    const props = out.properties as Record<string, JsonSchema>;
    const nullable = Object.keys(props).filter((k) => props[k]!.nullable === true);
    out.properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, toV2Schema(v)]));
    if (Array.isArray(out.required) && nullable.length > 0) {
      const required = (out.required as string[]).filter((r) => !nullable.includes(r));
      if (required.length > 0) out.required = required;
      else delete out.required;
    }
  }
  if (isObject(out.items)) out.items = toV2Schema(out.items);
  else if (Array.isArray(out.items)) out.items = out.items.map((i) => toV2Schema(i as JsonSchema));
  if (isObject(out.additionalProperties)) out.additionalProperties = toV2Schema(out.additionalProperties);
  return out;
}
