// Swagger 2.0 path items from the v3 ones paths.ts builds: query/path parameters carry their type inline, the request
// body becomes an `in: body` parameter, media types move to consumes/produces, and responses point at one schema.
import type { JsonSchema } from './schemas.js';
import { toV2Schema } from './v2-schema.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

type Obj = Record<string, any>;

export function toV2PathItem(item: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const method of METHODS) {
    const op = item[method];
    if (op) out[method] = toV2Operation(op as Obj);
  }
  if (Array.isArray(item.parameters)) out.parameters = item.parameters.map((p) => toV2Parameter(p as Obj));
  return out;
}

/** A non-body parameter: the v3 `schema` (type, format, uniqueItems…) is inlined. */
export function toV2Parameter(param: Obj): JsonSchema {
  const { schema, ...rest } = param;
  const out: JsonSchema = { ...rest };
  if (schema) Object.assign(out, schema);
  return out;
}

function toV2Operation(op: Obj): JsonSchema {
  const out: JsonSchema = {};
  if (op.tags) out.tags = op.tags;
  if (op.summary) out.summary = op.summary;
  if (op.description) out.description = op.description;
  if (op.operationId) out.operationId = op.operationId;

  const parameters: JsonSchema[] = [];
  if (op.requestBody) {
    const content = (op.requestBody.content ?? {}) as Obj;
    out.consumes = Object.keys(content);
    const schema = Object.values(content)[0]?.schema;
    const body: JsonSchema = { name: 'body', in: 'body' };
    if (op.requestBody.required) body.required = true;
    if (schema) body.schema = toV2Schema(schema);
    parameters.push(body);
  }
  for (const p of op.parameters ?? []) parameters.push(toV2Parameter(p));
  if (parameters.length > 0) out.parameters = parameters;

  const produces = new Set<string>();
  const responses: JsonSchema = {};
  for (const [code, response] of Object.entries((op.responses ?? {}) as Obj)) {
    const converted: JsonSchema = { description: response.description ?? '' };
    const content = (response.content ?? {}) as Obj;
    for (const type of Object.keys(content)) produces.add(type);
    const schema = Object.values(content)[0]?.schema;
    if (schema) converted.schema = toV2Schema(schema);
    responses[code] = converted;
  }
  if (produces.size > 0) out.produces = [...produces];
  out.responses = responses;
  out.schemes = ['https'];
  for (const [key, value] of Object.entries(op)) if (key.startsWith('x-')) out[key] = value;
  return out;
}
