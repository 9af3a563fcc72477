// The in-memory form of a CRD's openAPIV3Schema: one SchemaNode per JSONSchemaProps, with the raw props kept for
// error reporting. Built once by compileSchema; validation, defaulting, pruning and CEL all walk this tree.
import { compileRe2, type Re2Pattern } from '../../apimachinery/re2.js';
import { isJsonObject } from '../../apimachinery/json.js';
import type { ValidationRule } from '../../api/generated/apiextensions-v1.js';
export type { ValidationRule };
export type JSONSchemaProps = Record<string, unknown>;

export interface SchemaNode {
  raw: JSONSchemaProps;
  type: string; // '' when unset
  format: string;
  nullable: boolean;
  properties?: Map<string, SchemaNode>; // declaration order
  required: string[];
  items?: SchemaNode;
  /** additionalProperties: a schema, `true` (any value, no schema) or `false` (nothing allowed). */
  additionalProperties?: SchemaNode | boolean;
  hasDefault: boolean;
  default?: unknown;
  enum?: unknown[];
  maximum?: number;
  exclusiveMaximum: boolean;
  minimum?: number;
  exclusiveMinimum: boolean;
  multipleOf?: number;
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  patternRegExp?: Re2Pattern;
  maxItems?: number;
  minItems?: number;
  uniqueItems: boolean;
  maxProperties?: number;
  minProperties?: number;
  allOf: SchemaNode[];
  anyOf: SchemaNode[];
  oneOf: SchemaNode[];
  not?: SchemaNode;
  preserveUnknownFields: boolean;
  intOrString: boolean;
  embeddedResource: boolean;
  listType?: string;
  listMapKeys: string[];
  mapType?: string;
  validations: ValidationRule[];
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const isObj = (v: unknown): v is JSONSchemaProps => isJsonObject(v);

/** A CRD `pattern` on RE2 semantics (Go's regexp, as kube-openapi validates it). Throws on bad syntax. */
export function compilePattern(pattern: string): Re2Pattern {
  return compileRe2(pattern);
}

export function buildNode(raw: JSONSchemaProps): SchemaNode {
  const node: SchemaNode = {
    raw,
    type: str(raw.type),
    format: str(raw.format),
    nullable: raw.nullable === true,
    required: Array.isArray(raw.required) ? raw.required.filter((r): r is string => typeof r === 'string') : [],
    hasDefault: 'default' in raw && raw.default !== undefined,
    default: raw.default,
    enum: Array.isArray(raw.enum) ? raw.enum : undefined,
    maximum: num(raw.maximum),
    exclusiveMaximum: raw.exclusiveMaximum === true,
    minimum: num(raw.minimum),
    exclusiveMinimum: raw.exclusiveMinimum === true,
    multipleOf: num(raw.multipleOf),
    maxLength: num(raw.maxLength),
    minLength: num(raw.minLength),
    pattern: typeof raw.pattern === 'string' && raw.pattern !== '' ? raw.pattern : undefined,
    maxItems: num(raw.maxItems),
    minItems: num(raw.minItems),
    uniqueItems: raw.uniqueItems === true,
    maxProperties: num(raw.maxProperties),
    minProperties: num(raw.minProperties),
    allOf: list(raw.allOf),
    anyOf: list(raw.anyOf),
    oneOf: list(raw.oneOf),
    not: isObj(raw.not) ? buildNode(raw.not) : undefined,
    preserveUnknownFields: raw['x-kubernetes-preserve-unknown-fields'] === true,
    intOrString: raw['x-kubernetes-int-or-string'] === true,
    embeddedResource: raw['x-kubernetes-embedded-resource'] === true,
    listType: typeof raw['x-kubernetes-list-type'] === 'string' ? (raw['x-kubernetes-list-type'] as string) : undefined,
    listMapKeys: Array.isArray(raw['x-kubernetes-list-map-keys'])
      ? (raw['x-kubernetes-list-map-keys'] as unknown[]).filter((k): k is string => typeof k === 'string')
      : [],
    mapType: typeof raw['x-kubernetes-map-type'] === 'string' ? (raw['x-kubernetes-map-type'] as string) : undefined,
    validations: Array.isArray(raw['x-kubernetes-validations'])
      ? (raw['x-kubernetes-validations'] as unknown[]).filter(isObj).map(toRule)
      : [],
  };
  if (node.pattern) {
    try {
      node.patternRegExp = compilePattern(node.pattern);
    } catch {
      // reported by the schema checks
    }
  }
  if (isObj(raw.properties)) {
    node.properties = new Map();
    for (const [k, v] of Object.entries(raw.properties)) if (isObj(v)) node.properties.set(k, buildNode(v));
  }
  if (isObj(raw.items)) node.items = buildNode(raw.items);
  const ap = raw.additionalProperties;
  if (typeof ap === 'boolean') node.additionalProperties = ap;
  else if (isObj(ap)) node.additionalProperties = buildNode(ap);
  return node;
}

function list(v: unknown): SchemaNode[] {
  return Array.isArray(v) ? v.filter(isObj).map(buildNode) : [];
}

function toRule(r: JSONSchemaProps): ValidationRule {
  const out: ValidationRule = { rule: str(r.rule) };
  if (typeof r.message === 'string') out.message = r.message;
  if (typeof r.messageExpression === 'string') out.messageExpression = r.messageExpression;
  if (typeof r.reason === 'string') out.reason = r.reason;
  if (typeof r.fieldPath === 'string') out.fieldPath = r.fieldPath;
  if (typeof r.optionalOldSelf === 'boolean') out.optionalOldSelf = r.optionalOldSelf;
  return out;
}

/** The schema for the value at key `k` of an object, if the schema declares one. */
export function childSchema(s: SchemaNode, k: string): SchemaNode | undefined {
  const p = s.properties?.get(k);
  if (p) return p;
  return typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
}

export const isPlainObject = isJsonObject;
