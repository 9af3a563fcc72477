// OpenAPI value validation of a custom resource, reproducing kube-openapi's SchemaValidator and the way
// apiextensions turns its results into field errors (messages like `spec.userID in body should be less than or
// equal to 65535`). Validators run per node in upstream's order: type, allOf/anyOf/oneOf/not, string, format,
// number, array, enum, object.
import { FieldError, invalid, notSupported, required, tooLong, tooMany } from '../../apimachinery/field-errors.js';
import { deepEqual } from '../../apimachinery/validation/objectmeta.js';
import { formatMatches, supportedFormat } from './formats.js';
import { goFloat } from './goformat.js';
import type { SchemaNode } from './model.js';
import { isPlainObject } from './model.js';

const IN = 'body';

/** kube-openapi's type name of a JSON value (JSON integers are Go int64, everything else numeric float64). */
export function jsonTypeOf(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'bigint') return 'integer';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

/** A field error for a kube-openapi error: Name becomes the field path (leading dot dropped). */
const fieldOf = (name: string) => (name.startsWith('.') ? name.slice(1) : name);
/** Errors upstream reports without a field path (composite anyOf/allOf/... messages). */
const pathless = (msg: string) => invalid('', '', msg);
const quoteGo = (s: string) => JSON.stringify(s);

const declaredTypes = (s: SchemaNode): string[] => (s.intOrString ? ['integer', 'string'] : s.type ? [s.type] : []);

function invalidType(path: string, typeName: string, actual: string): FieldError {
  return new FieldError('FieldValueTypeInvalid', fieldOf(path), actual, `${path} in ${IN} must be of type ${typeName}: ${quoteGo(actual)}`);
}

function validateType(s: SchemaNode, path: string, data: unknown): FieldError[] {
  const types = declaredTypes(s);
  const format = s.format && supportedFormat(s.format) ? s.format : '';
  if (types.length === 0 && !format) return [];
  if (data === null || data === undefined) {
    if (types.length > 0 && !s.nullable) return [invalidType(path, types.join(','), 'null')];
    return [];
  }
  const actual = jsonTypeOf(data);
  if (format && (actual === 'string' || actual === 'array') && !types.some((t) => t === 'number' || t === 'integer')) return [];
  const intAsNumber = actual === 'integer' && types.includes('number');
  if (types.length > 0 && !(types.includes(actual) || intAsNumber)) return [invalidType(path, types.join(','), actual)];
  return [];
}

function validateString(s: SchemaNode, path: string, data: string): FieldError[] {
  const runes = [...data].length;
  if (s.maxLength !== undefined && runes > s.maxLength) return [tooLong(fieldOf(path), s.maxLength)];
  if (s.minLength !== undefined && runes < s.minLength) {
    return [invalid(fieldOf(path), data, `${path} in ${IN} should be at least ${s.minLength} chars long`)];
  }
  if (s.pattern && s.patternRegExp && !s.patternRegExp.test(data)) {
    return [invalid(fieldOf(path), data, `${path} in ${IN} should match '${s.pattern}'`)];
  }
  return [];
}

function validateFormat(s: SchemaNode, path: string, data: string): FieldError[] {
  if (!s.format || !supportedFormat(s.format) || formatMatches(s.format, data)) return [];
  return [new FieldError('FieldValueTypeInvalid', fieldOf(path), data, `${path} in ${IN} must be of type ${s.format}: ${quoteGo(data)}`)];
}

function validateNumber(s: SchemaNode, path: string, data: number): FieldError[] {
  const errs: FieldError[] = [];
  const isInt = Number.isInteger(data);
  // Integers compare against bounds truncated to int64 and print them as integers; floats print Go's %v.
  const bound = (b: number) => (isInt ? String(Math.trunc(b)) : goFloat(b));
  if (s.multipleOf !== undefined) {
    const f = s.multipleOf;
    if (f <= 0) {
      errs.push(invalid(fieldOf(path), f, `factor MultipleOf declared for ${path} must be positive: ${bound(f)}`));
    } else {
      const useInt = isInt && Number.isInteger(f);
      const ok = useInt ? data % f === 0 : Number.isInteger(data / f);
      if (!ok) errs.push(invalid(fieldOf(path), data, `${path} in ${IN} should be a multiple of ${useInt ? String(f) : goFloat(f)}`));
    }
  }
  if (s.minimum !== undefined) {
    const min = isInt ? Math.trunc(s.minimum) : s.minimum;
    if (s.exclusiveMinimum ? data <= min : data < min) {
      const rel = s.exclusiveMinimum ? 'greater than' : 'greater than or equal to';
      errs.push(invalid(fieldOf(path), data, `${path} in ${IN} should be ${rel} ${bound(s.minimum)}`));
    }
  }
  if (s.maximum !== undefined) {
    const max = isInt ? Math.trunc(s.maximum) : s.maximum;
    if (s.exclusiveMaximum ? data >= max : data > max) {
      const rel = s.exclusiveMaximum ? 'less than' : 'less than or equal to';
      errs.push(invalid(fieldOf(path), data, `${path} in ${IN} should be ${rel} ${bound(s.maximum)}`));
    }
  }
  return errs;
}

function validateArray(s: SchemaNode, path: string, data: unknown[], depth: number): FieldError[] {
  const errs: FieldError[] = [];
  if (s.items) data.forEach((v, i) => errs.push(...validateValue(s.items!, `${path}[${i}]`, v, depth + 1)));
  if (s.minItems !== undefined && data.length < s.minItems) {
    errs.push(invalid(fieldOf(path), data.length, `${path} in ${IN} should have at least ${s.minItems} items`));
  }
  if (s.maxItems !== undefined && data.length > s.maxItems) errs.push(tooMany(fieldOf(path), data.length, s.maxItems));
  if (s.uniqueItems && hasDuplicates(data)) errs.push(invalid(fieldOf(path), '', `${path} in ${IN} shouldn't contain duplicates`));
  return errs;
}

function hasDuplicates(data: unknown[]): boolean {
  for (let i = 0; i < data.length; i++) for (let j = 0; j < i; j++) if (deepEqual(data[i], data[j])) return true;
  return false;
}

function validateEnum(s: SchemaNode, path: string, data: unknown): FieldError[] {
  if (!s.enum || s.enum.length === 0) return [];
  if (data !== null && data !== undefined && s.enum.some((e) => deepEqual(e, data))) return [];
  const values = s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
  return [notSupported(fieldOf(path), data ?? null, values)];
}

function validateObject(s: SchemaNode, path: string, data: Record<string, unknown>, depth: number): FieldError[] {
  const errs: FieldError[] = [];
  const keys = Object.keys(data);
  if (s.minProperties !== undefined && keys.length < s.minProperties) {
    errs.push(invalid(fieldOf(path), keys.length, `${path} in ${IN} should have at least ${s.minProperties} properties`));
  }
  if (s.maxProperties !== undefined && keys.length > s.maxProperties) errs.push(tooMany(fieldOf(path), keys.length, s.maxProperties));
  if (s.additionalProperties === false) {
    for (const k of keys) {
      if (!s.properties?.has(k)) errs.push(invalid(fieldOf(path), k, `${path}.${k} in ${IN} is a forbidden property`));
    }
  } else if (typeof s.additionalProperties === 'object') {
    for (const k of keys) {
      if (!s.properties?.has(k)) errs.push(...validateValue(s.additionalProperties, `${path}.${k}`, data[k], depth + 1));
    }
  }
  if (s.properties) {
    for (const [name, prop] of s.properties) {
      if (name in data) errs.push(...validateValue(prop, path === '' ? name : `${path}.${name}`, data[name], depth + 1));
    }
  }
  for (const k of s.required) if (!(k in data)) errs.push(required(fieldOf(`${path}.${k}`)));
  return errs;
}

function validateComposition(s: SchemaNode, path: string, data: unknown, depth: number): FieldError[] {
  const errs: FieldError[] = [];
  if (s.anyOf.length > 0) {
    let best: FieldError[] | undefined;
    let ok = false;
    for (const alt of s.anyOf) {
      const r = validateValue(alt, path, data, depth);
      if (r.length === 0) { ok = true; break; }
      if (!best || r.length < best.length) best = r;
    }
    if (!ok) errs.push(pathless(`${quoteGo(path)} must validate at least one schema (anyOf)`), ...(best ?? []));
  }
  if (s.oneOf.length > 0) {
    let valid = 0;
    let best: FieldError[] | undefined;
    for (const alt of s.oneOf) {
      const r = validateValue(alt, path, data, depth);
      if (r.length === 0) valid++;
      else if (valid === 0 && (!best || r.length < best.length)) best = r;
    }
    if (valid !== 1) {
      const extra = valid === 0 ? 'Found none valid' : `Found ${valid} valid alternatives`;
      errs.push(pathless(`${quoteGo(path)} must validate one and only one schema (oneOf). ${extra}`));
      if (valid === 0 && best) errs.push(...best);
    }
  }
  if (s.allOf.length > 0) {
    let valid = 0;
    for (const alt of s.allOf) {
      const r = validateValue(alt, path, data, depth);
      if (r.length === 0) valid++;
      errs.push(...r);
    }
    if (valid !== s.allOf.length) {
      errs.push(pathless(`${quoteGo(path)} must validate all the schemas (allOf)${valid === 0 ? '. None validated' : ''}`));
    }
  }
  if (s.not && validateValue(s.not, path, data, depth).length === 0) {
    errs.push(pathless(`${quoteGo(path)} must not validate the schema (not)`));
  }
  return errs;
}

export const MAX_DEPTH = 10000;

/** Validates `data` at kube-openapi path `path` ('' for the root). */
export function validateValue(s: SchemaNode, path: string, data: unknown, depth = 0): FieldError[] {
  if (depth > MAX_DEPTH) return [invalid(fieldOf(path), '', `exceeded max depth of ${MAX_DEPTH}`)];
  if (data === null || data === undefined) return [...validateType(s, path, data), ...validateEnum(s, path, data)];
  const errs = [...validateType(s, path, data), ...validateComposition(s, path, data, depth)];
  if (typeof data === 'string') errs.push(...validateString(s, path, data), ...validateFormat(s, path, data));
  if (typeof data === 'number') errs.push(...validateNumber(s, path, data));
  if (Array.isArray(data)) errs.push(...validateArray(s, path, data, depth));
  errs.push(...validateEnum(s, path, data));
  if (isPlainObject(data)) errs.push(...validateObject(s, path, data, depth));
  return errs;
}
