// The one place that calls the CRD schema engine (./schema, written alongside): compiling a version's
// openAPIV3Schema for CRD validation and for serving, with error paths placed under the CRD field they came from.
import { FieldError } from '../apimachinery/field-errors.js';
import { compileSchema, type CompiledSchema } from './schema/index.js';
import type { JSONSchemaProps } from './types.js';

export type { CompiledSchema };

/** Compiles a schema; errors carry paths under `base` (e.g. `spec.versions[0].schema.openAPIV3Schema`). */
export function compileAt(schema: JSONSchemaProps, base: string): { compiled?: CompiledSchema; errors: FieldError[] } {
  const { compiled, errors } = compileSchema(schema);
  return { compiled, errors: errors.map((e) => rebase(e, base)) };
}

/** Prefixes a schema-relative error path with `base`, leaving paths that already start there alone. */
export function rebase(e: FieldError, base: string): FieldError {
  const f = e.field;
  if (f === base || f.startsWith(`${base}.`) || f.startsWith(`${base}[`)) return e;
  const field = f === '' ? base : f.startsWith('[') ? `${base}${f}` : `${base}.${f}`;
  const moved = Object.create(Object.getPrototypeOf(e)) as FieldError;
  Object.assign(moved, e, { field });
  return moved;
}

/** Compiles for serving: the CRD was validated on write, so errors here mean a schema this engine cannot serve. */
export function compileForServing(schema: JSONSchemaProps): CompiledSchema {
  const { compiled, errors } = compileSchema(schema);
  if (!compiled) throw new Error(`schema does not compile: ${errors.map(String).join(', ')}`);
  return compiled;
}
