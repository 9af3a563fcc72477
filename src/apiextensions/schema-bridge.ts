// The one place that calls the CRD schema engine (./schema) for compiling: checking a version's openAPIV3Schema
// when a CRD is written, and compiling it again when the CRD is served.
import type { FieldError } from '../apimachinery/field-errors.js';
import { compileSchema, type CompiledSchema } from './schema/index.js';
import type { JSONSchemaProps } from './types.js';

export type { CompiledSchema };

/** Compiles a schema; errors carry paths under `base` (e.g. `spec.versions[0].schema.openAPIV3Schema`). */
export function compileAt(schema: JSONSchemaProps, base: string): { compiled?: CompiledSchema; errors: FieldError[] } {
  return compileSchema(schema, { fieldPath: base });
}

/** Compiles for serving: the CRD was validated on write, so failing here means a schema that cannot be served. */
export function compileForServing(schema: JSONSchemaProps): CompiledSchema {
  const { compiled, errors } = compileSchema(schema);
  if (!compiled) throw new Error(`schema does not compile: ${errors.map(String).join(', ')}`);
  return compiled;
}
