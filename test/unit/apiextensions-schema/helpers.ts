// Shared helpers for the schema engine tests: compile a schema (failing loudly on compile errors) and render
// errors the way kubectl shows them.
import assert from 'node:assert/strict';
import type { FieldError } from '../../../src/apimachinery/field-errors.js';
import { compileSchema, type CompiledSchema, type JSONSchemaProps } from '../../../src/apiextensions/schema/index.js';

export function compileOk(schema: JSONSchemaProps): CompiledSchema {
  const { compiled, errors } = compileSchema(schema);
  assert.deepEqual(errors.map(String), [], 'schema should compile cleanly');
  assert.ok(compiled);
  return compiled;
}

export const texts = (errs: FieldError[]) => errs.map((e) => e.toString());

export const crRoot = (props: Record<string, JSONSchemaProps>, extra: JSONSchemaProps = {}): JSONSchemaProps => ({
  type: 'object',
  properties: { spec: { type: 'object', properties: props, ...extra } },
});
