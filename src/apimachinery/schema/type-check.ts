// JSON type checking against the type model: what Go's json.Unmarshal into typed structs rejects before any
// validation runs (`json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string`).
// Bodies that fail it never reach defaulting or validation, which assume well-typed objects.
import { fieldsByName } from './index.js';
import type { TypeModel, TypeRef } from './types.js';
import { isJsonObject as isObject } from '../json.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The first type mismatch in `obj`, worded like Go's UnmarshalTypeError, or undefined when the types fit. */
export function findTypeError(model: TypeModel, structName: string, obj: unknown): string | undefined {
  const rootName = shortName(structName);
  let found: string | undefined;
  // Go names the innermost struct holding the field (DeploymentSpec.spec.replicas), without its package.
  let struct = rootName.split('.').pop()!;
  const report = (json: string, path: string, type: TypeRef) => {
    found ??= `json: cannot unmarshal ${json} into Go struct field ${struct}.${path} of type ${goType(type)}`;
  };
  const walk = (type: TypeRef, value: unknown, path: string): void => {
    if (found || value === null || value === undefined) return; // null is the zero value in Go
    switch (type.kind) {
      case 'string':
      case 'duration':
      case 'time':
      case 'microTime':
        if (typeof value !== 'string') report(jsonKind(value), path, type);
        return;
      case 'bytes':
        if (typeof value !== 'string') report(jsonKind(value), path, type);
        else if (!BASE64.test(value.replace(/\s/g, ''))) found ??= `illegal base64 data at input byte 0 in ${path}`;
        return;
      case 'integer':
        if (typeof value !== 'number') report(jsonKind(value), path, type);
        else if (!Number.isInteger(value) || !fitsFormat(value, type.format)) report(`number ${value}`, path, type);
        return;
      case 'number':
        if (typeof value !== 'number') report(jsonKind(value), path, type);
        return;
      case 'boolean':
        if (typeof value !== 'boolean') report(jsonKind(value), path, type);
        return;
      case 'quantity':
        if (typeof value !== 'string' && typeof value !== 'number') report(jsonKind(value), path, type);
        return;
      case 'intOrString':
        if (typeof value === 'number' ? !Number.isInteger(value) : typeof value !== 'string') report(jsonKind(value), path, type);
        return;
      case 'rawExtension':
      case 'fieldsV1':
        return;
      case 'array':
        if (!Array.isArray(value)) return report(jsonKind(value), path, type);
        value.forEach((item, i) => walk(type.items, item, `${path}[${i}]`));
        return;
      case 'map':
        if (!isObject(value)) return report(jsonKind(value), path, type);
        for (const [k, v] of Object.entries(value)) walk(type.values, v, `${path}[${k}]`);
        return;
      case 'ref': {
        if (!isObject(value)) return report(jsonKind(value), path, type);
        const def = model.structs.get(type.name);
        if (!def) return;
        const fields = fieldsByName(def);
        const outer = struct;
        for (const [k, v] of Object.entries(value)) {
          const f = fields.get(k);
          struct = type.name.split('.').pop()!;
          if (f) walk(f.type, v, path ? `${path}.${k}` : k);
        }
        struct = outer;
        return;
      }
    }
  };
  if (!isObject(obj)) return `json: cannot unmarshal ${jsonKind(obj)} into Go value of type ${rootName}`;
  walk({ kind: 'ref', name: structName }, obj, '');
  return found;
}

/**
 * Whether an integer fits its Go type (OpenAPI format int32/int64), as strconv.ParseInt decides; a number past
 * 2^63 was stored before (Deployment replicas 1e29) and broke every Go client's decoding of the list.
 */
function fitsFormat(value: number, format: 'int32' | 'int64'): boolean {
  if (format === 'int32') return value >= -0x8000_0000 && value <= 0x7fff_ffff;
  return value >= -(2 ** 63) && value < 2 ** 63;
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'object') return 'object';
  return typeof v; // string, number
}

/** `io.k8s.api.core.v1.PodSpec` → `v1.PodSpec` (Go's package-qualified spelling). */
function shortName(structName: string): string {
  const parts = structName.split('.');
  return parts.length >= 2 ? `${parts[parts.length - 2]}.${parts[parts.length - 1]}` : structName;
}

function goType(t: TypeRef): string {
  switch (t.kind) {
    case 'string': return 'string';
    case 'integer': return t.format;
    case 'number': return 'float64';
    case 'boolean': return 'bool';
    case 'bytes': return '[]uint8';
    case 'quantity': return 'resource.Quantity';
    case 'intOrString': return 'intstr.IntOrString';
    case 'time': return 'v1.Time';
    case 'microTime': return 'v1.MicroTime';
    case 'duration': return 'v1.Duration';
    case 'rawExtension': return 'runtime.RawExtension';
    case 'fieldsV1': return 'v1.FieldsV1';
    case 'ref': return shortName(t.name);
    case 'array': return `[]${goType(t.items)}`;
    case 'map': return `map[string]${goType(t.values)}`;
  }
}

/** What Go's decoder leaves for a JSON null in a list element or map value of this type (null: a nil slice/map/pointer). */
function zeroValue(type: TypeRef): unknown {
  switch (type.kind) {
    case 'ref': return {};
    case 'string': return '';
    case 'integer': case 'number': case 'intOrString': return 0;
    case 'boolean': return false;
    case 'quantity': return '0';
    default: return null;
  }
}

/**
 * Gives `null` the meaning Go's decoder gives it: a null struct field is the zero value (dropped here), a null element
 * of a list of structs is an empty struct, a null element of a list of strings is "". Run after findTypeError passed,
 * so that defaulting and validation never meet nulls where Go code would have zero values.
 */
export function normalizeNulls(model: TypeModel, structName: string, obj: unknown): void {
  const walk = (type: TypeRef, value: unknown): unknown => {
    if (value === null) return zeroValue(type);
    switch (type.kind) {
      case 'array':
        if (Array.isArray(value)) for (let i = 0; i < value.length; i++) value[i] = walk(type.items, value[i]);
        return value;
      case 'map':
        // a null map value decodes to the value type's zero: labels {"a": null} are {"a": ""} in Go
        if (isObject(value)) for (const k of Object.keys(value)) value[k] = walk(type.values, value[k]);
        return value;
      case 'ref': {
        const def = model.structs.get(type.name);
        if (!def || !isObject(value)) return value;
        const fields = fieldsByName(def);
        for (const k of Object.keys(value)) {
          const f = fields.get(k);
          if (!f) continue;
          if (value[k] === null) {
            if (f.type.kind !== 'rawExtension') delete value[k];
            continue;
          }
          walk(f.type, value[k]);
        }
        return value;
      }
      default:
        return value;
    }
  };
  walk({ kind: 'ref', name: structName }, obj);
}
