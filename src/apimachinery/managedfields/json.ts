// JSON the way Go's encoding/json writes it for map-shaped data: object keys sorted, and `<`, `>`, `&`, U+2028 and
// U+2029 escaped. Used for FieldsV1 keys (`k:{...}`, `v:...`) and the last-applied annotation, where the exact
// bytes are visible to users.
import { jsonEqual } from '../json.js';
import { isJsonObject } from '../json.js';

export { jsonEqual };

export function goJSON(value: unknown): string {
  const text = JSON.stringify(value !== null && typeof value === 'object' ? sortKeys(value) : value);
  // Most keys and values have nothing Go would escape: skip the replace then.
  if (typeof text === 'string' && !GO_ESCAPED_CHAR.test(text)) return text;
  return text.replace(GO_ESCAPED_CHARS, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

const GO_ESCAPED_CHAR = /[<>&\u2028\u2029]/;
const GO_ESCAPED_CHARS = /[<>&\u2028\u2029]/g;

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}

export const isObject = isJsonObject;

