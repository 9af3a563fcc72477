// Unknown-field detection and pruning for built-in kinds, following upstream's strict JSON decoding
// (sigs.k8s.io/json with DisallowUnknownFields): keys are matched case-sensitively against the struct's JSON names,
// paths are written `spec.template.spec.containers[0].imagee` (field names joined by '.', list positions as [i],
// map keys as '.key'), at most 100 distinct errors are kept, in document order.
import { fieldsByName } from './index.js';
import type { StructDef, TypeModel, TypeRef } from './types.js';
import { isJsonObject as isPlainObject } from '../json.js';

const MAX_STRICT_ERRORS = 100;

/** The message upstream uses for one unknown field, e.g. `unknown field "spec.foo"`. */
export function unknownFieldMessage(path: string): string {
  return `unknown field "${path}"`;
}

/** Paths of every field in `obj` that the struct (and the structs below it) does not declare. */
export function findUnknownFields(model: TypeModel, structName: string, obj: unknown): string[] {
  const found: string[] = [];
  walkStruct(model, structName, obj, '', (path) => {
    if (found.length < MAX_STRICT_ERRORS && !found.includes(path)) found.push(path);
    return false;
  });
  return found;
}

/**
 * Removes unknown fields from `obj` in place (what upstream's decoder does when fieldValidation is Ignore or Warn)
 * and returns their paths, so callers can turn them into warnings.
 */
export function pruneUnknownFields(model: TypeModel, structName: string, obj: unknown): string[] {
  const removed: string[] = [];
  walkStruct(model, structName, obj, '', (path) => {
    removed.push(path);
    return true;
  });
  return removed;
}

/** Called for each unknown field; returning true deletes it. */
type OnUnknown = (path: string) => boolean;

function joinKey(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

function walkStruct(model: TypeModel, structName: string, value: unknown, path: string, onUnknown: OnUnknown): void {
  if (!isPlainObject(value)) return; // a type mismatch, reported elsewhere
  const def: StructDef | undefined = model.structs.get(structName);
  if (!def) return; // unknown struct: nothing to check against
  const fields = fieldsByName(def);
  for (const key of Object.keys(value)) {
    const field = fields.get(key);
    const childPath = joinKey(path, key);
    if (!field) {
      if (onUnknown(childPath)) delete value[key];
      continue;
    }
    walkValue(model, field.type, value[key], childPath, onUnknown);
  }
}

function walkValue(model: TypeModel, type: TypeRef, value: unknown, path: string, onUnknown: OnUnknown): void {
  if (value === null || value === undefined) return;
  switch (type.kind) {
    case 'ref':
      walkStruct(model, type.name, value, path, onUnknown);
      return;
    case 'array':
      if (!Array.isArray(value)) return;
      value.forEach((item, i) => walkValue(model, type.items, item, `${path}[${i}]`, onUnknown));
      return;
    case 'map':
      if (!isPlainObject(value)) return;
      for (const key of Object.keys(value)) walkValue(model, type.values, value[key], joinKey(path, key), onUnknown);
      return;
    default:
      // Scalars, and types with their own decoding (quantity, int-or-string, times) or free-form content
      // (rawExtension, fieldsV1), have no fields to check.
      return;
  }
}
