// How schema'd JSON looks to CEL (apiserver/pkg/cel): integers are CEL ints (BigInt here), date-time strings are
// timestamps, property names are escaped (`foo-bar` → `foo__dash__bar`, `namespace` → `__namespace__`), and the
// root additionally exposes apiVersion, kind and metadata.name/generateName.
import type { SchemaNode } from '../model.js';
import { isPlainObject } from '../model.js';

const RESERVED = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let',
  'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
]);

/** CEL's name for a property, or undefined when the name cannot be expressed (upstream drops such fields). */
export function escapeName(ident: string): string | undefined {
  if (ident === '' || (ident[0] >= '0' && ident[0] <= '9')) return undefined;
  if (RESERVED.has(ident)) return `__${ident}__`;
  let ok = true;
  const out = ident.replace(/__|[-./]|[^a-zA-Z0-9\-./_]/g, (m) => {
    switch (m) {
      case '__': return '__underscores__';
      case '.': return '__dot__';
      case '-': return '__dash__';
      case '/': return '__slash__';
      default: ok = false; return '';
    }
  });
  return ok ? out : undefined;
}

/** True when CEL sees this schema's value as a typed object (field access is checked), not a map or dyn. */
export const isTypedObject = (s: SchemaNode) =>
  (s.type === 'object' || s.embeddedResource) && s.additionalProperties === undefined && (!!s.properties?.size || s.embeddedResource || !s.preserveUnknownFields);

/** The root schema as CEL sees it: apiVersion, kind and metadata (name, generateName) are always there. */
export function withTypeAndObjectMeta(s: SchemaNode): SchemaNode {
  const str: SchemaNode = { ...s, raw: {}, type: 'string', properties: undefined, items: undefined, additionalProperties: undefined, validations: [], allOf: [], anyOf: [], oneOf: [], not: undefined, preserveUnknownFields: false, embeddedResource: false, intOrString: false, enum: undefined, hasDefault: false, required: [] };
  const meta: SchemaNode = { ...str, type: 'object', properties: new Map([['name', str], ['generateName', str]]) };
  const props = new Map(s.properties ?? []);
  props.set('apiVersion', str);
  props.set('kind', str);
  props.set('metadata', meta);
  return { ...s, properties: props };
}

function dynValue(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(dynValue);
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = dynValue(x);
    return out;
  }
  return v;
}

/** Converts a JSON value to the value CEL rules see, following the schema. */
export function toCelValue(v: unknown, s: SchemaNode | undefined): unknown {
  if (v === null || v === undefined) return null;
  if (!s || s.intOrString || s.preserveUnknownFields && !s.properties?.size) return dynValue(v);
  if (typeof v === 'number') return s.type === 'number' ? v : Number.isInteger(v) ? BigInt(v) : v;
  if (typeof v === 'string') {
    if (s.type === 'string' && (s.format === 'date-time' || s.format === 'datetime')) {
      const d = new Date(v);
      if (!Number.isNaN(d.getTime())) return d;
    }
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => toCelValue(x, s.items));
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    if (typeof s.additionalProperties === 'object' || s.additionalProperties === true) {
      const vs = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
      for (const [k, x] of Object.entries(v)) out[k] = toCelValue(x, s.properties?.get(k) ?? vs);
      return out;
    }
    for (const [k, x] of Object.entries(v)) {
      const p = s.properties?.get(k);
      const name = escapeName(k);
      if (name === undefined) continue;
      if (p) out[name] = toCelValue(x, p);
      else if (s.preserveUnknownFields || s.embeddedResource) out[name] = dynValue(x);
    }
    return out;
  }
  return v;
}
