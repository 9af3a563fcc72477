// Encoding the JSON Swagger document as gnostic's OpenAPIv2 protobuf, the form kubectl asks for
// (Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf). Maps become ordered (name, value) lists, and
// anything without a typed field (vendor extensions, default, enum, example) travels as YAML text in `Any.yaml`.
import YAML from 'yaml';
import type { JsonSchema } from './schemas.js';
import { gnosticDocumentType } from './v2-proto-schema.js';

type Obj = Record<string, any>;
type Msg = Record<string, unknown>;

/** YAML 1.1 quoting so Go's yaml.v2 reads strings like `yes` or `on` back as strings; no line folding. */
function yamlAny(value: unknown): Msg {
  return { yaml: YAML.stringify(value, { version: '1.1', lineWidth: 0 }) };
}

function vendorExtensions(obj: Obj): Msg[] {
  const out: Msg[] = [];
  for (const [name, value] of Object.entries(obj)) {
    if (name.startsWith('x-') && value !== undefined) out.push({ name, value: yamlAny(value) });
  }
  return out;
}

/** Copies the listed keys that are set, renaming JSON names to message field names where they differ. */
function pick(obj: Obj, keys: string[], rename: Record<string, string> = {}): Msg {
  const out: Msg = {};
  for (const key of keys) if (obj[key] !== undefined) out[rename[key] ?? key] = obj[key];
  return out;
}

const SCHEMA_SCALARS = [
  '$ref', 'format', 'title', 'description', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum',
  'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxProperties', 'minProperties',
  'required', 'discriminator', 'readOnly',
];

function schemaMessage(s: Obj): Msg {
  const m = pick(s, SCHEMA_SCALARS, { $ref: 'ref' });
  if (s.default !== undefined) m.default = yamlAny(s.default);
  if (s.example !== undefined) m.example = yamlAny(s.example);
  if (Array.isArray(s.enum)) m.enum = s.enum.map(yamlAny);
  if (s.type !== undefined) m.type = { value: Array.isArray(s.type) ? s.type : [s.type] };
  if (s.items !== undefined) m.items = { schema: (Array.isArray(s.items) ? s.items : [s.items]).map(schemaMessage) };
  if (Array.isArray(s.allOf)) m.allOf = s.allOf.map(schemaMessage);
  if (typeof s.additionalProperties === 'boolean') m.additionalProperties = { boolean: s.additionalProperties };
  else if (s.additionalProperties) m.additionalProperties = { schema: schemaMessage(s.additionalProperties) };
  if (s.properties) m.properties = { additionalProperties: namedSchemas(s.properties) };
  if (s.externalDocs) m.externalDocs = pick(s.externalDocs, ['description', 'url']);
  m.vendorExtension = vendorExtensions(s);
  return m;
}

function namedSchemas(schemas: Obj): Msg[] {
  return Object.entries(schemas).map(([name, value]) => ({ name, value: schemaMessage(value) }));
}

const NON_BODY_SCALARS = [
  'required', 'in', 'description', 'name', 'allowEmptyValue', 'type', 'format', 'collectionFormat', 'maximum',
  'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems',
  'uniqueItems', 'multipleOf',
];

function primitivesItems(items: Obj): Msg {
  const m = pick(items, ['type', 'format', 'collectionFormat', 'uniqueItems', 'pattern']);
  if (items.items) m.items = primitivesItems(items.items);
  if (Array.isArray(items.enum)) m.enum = items.enum.map(yamlAny);
  if (items.default !== undefined) m.default = yamlAny(items.default);
  m.vendorExtension = vendorExtensions(items);
  return m;
}

const SUB_SCHEMA_FIELD: Record<string, string> = {
  query: 'queryParameterSubSchema',
  path: 'pathParameterSubSchema',
  header: 'headerParameterSubSchema',
  formData: 'formDataParameterSubSchema',
};

function parametersItem(p: Obj): Msg {
  if (typeof p.$ref === 'string') return { jsonReference: pick(p, ['$ref', 'description'], { $ref: 'ref' }) };
  if (p.in === 'body') {
    const body = pick(p, ['description', 'name', 'in', 'required']);
    if (p.schema) body.schema = schemaMessage(p.schema);
    body.vendorExtension = vendorExtensions(p);
    return { parameter: { bodyParameter: body } };
  }
  const field = SUB_SCHEMA_FIELD[p.in];
  if (!field) throw new Error(`openapi v2: parameter ${p.name} has unknown location ${p.in}`);
  const sub = pick(p, NON_BODY_SCALARS);
  if (p.items) sub.items = primitivesItems(p.items);
  if (p.default !== undefined) sub.default = yamlAny(p.default);
  if (Array.isArray(p.enum)) sub.enum = p.enum.map(yamlAny);
  sub.vendorExtension = vendorExtensions(p);
  return { parameter: { nonBodyParameter: { [field]: sub } } };
}

function operationMessage(op: Obj): Msg {
  const m = pick(op, ['tags', 'summary', 'description', 'operationId', 'produces', 'consumes', 'schemes', 'deprecated']);
  if (op.parameters) m.parameters = op.parameters.map(parametersItem);
  if (op.responses) {
    m.responses = {
      responseCode: Object.entries(op.responses as Obj).map(([name, r]) => {
        if (typeof r.$ref === 'string') return { name, value: { jsonReference: { ref: r.$ref } } };
        const response: Msg = { description: r.description ?? '', vendorExtension: vendorExtensions(r) };
        if (r.schema) response.schema = { schema: schemaMessage(r.schema) };
        return { name, value: { response } };
      }),
    };
  }
  m.vendorExtension = vendorExtensions(op);
  return m;
}

const PATH_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];

function pathItemMessage(item: Obj): Msg {
  const m: Msg = {};
  for (const method of PATH_METHODS) if (item[method]) m[method] = operationMessage(item[method]);
  if (item.parameters) m.parameters = item.parameters.map(parametersItem);
  m.vendorExtension = vendorExtensions(item);
  return m;
}

function securityRequirement(req: Obj): Msg {
  return { additionalProperties: Object.entries(req).map(([name, scopes]) => ({ name, value: { value: scopes } })) };
}

function securityDefinitionsItem(def: Obj): Msg {
  const m = pick(def, ['type', 'name', 'in', 'description']);
  m.vendorExtension = vendorExtensions(def);
  return def.type === 'basic' ? { basicAuthenticationSecurity: m } : { apiKeySecurity: m };
}

/** The gnostic `Document` message (as a plain object) for a Swagger 2.0 JSON document. */
export function toGnosticDocument(doc: JsonSchema): Msg {
  const d = doc as Obj;
  const m = pick(d, ['swagger', 'host', 'basePath', 'schemes', 'consumes', 'produces']);
  if (d.info) m.info = { ...pick(d.info, ['title', 'version', 'description', 'termsOfService']), vendorExtension: vendorExtensions(d.info) };
  m.paths = {
    path: Object.entries((d.paths ?? {}) as Obj).map(([name, item]) => ({ name, value: pathItemMessage(item) })),
    vendorExtension: vendorExtensions(d.paths ?? {}),
  };
  m.definitions = { additionalProperties: namedSchemas(d.definitions ?? {}) };
  if (d.security) m.security = d.security.map(securityRequirement);
  if (d.securityDefinitions) {
    m.securityDefinitions = {
      additionalProperties: Object.entries(d.securityDefinitions as Obj).map(([name, def]) => ({ name, value: securityDefinitionsItem(def) })),
    };
  }
  if (d.tags) m.tags = d.tags.map((t: Obj) => pick(t, ['name', 'description']));
  m.vendorExtension = vendorExtensions(d);
  return m;
}

/** Serializes a Swagger 2.0 JSON document as an `openapi.v2.Document` protobuf. */
export function encodeOpenApiV2(doc: JsonSchema): Uint8Array {
  const type = gnosticDocumentType();
  return type.encode(type.fromObject(toGnosticDocument(doc))).finish();
}

/** Reads an `openapi.v2.Document` protobuf back into a plain object (message field names, camelCase). */
export function decodeOpenApiV2(bytes: Uint8Array): Record<string, any> {
  const type = gnosticDocumentType();
  return type.toObject(type.decode(bytes), { longs: Number, arrays: false, defaults: false });
}
