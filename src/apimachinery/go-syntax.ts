// Go's `%#v` of the common value shapes that validation errors embed (field.Error prints a struct, map or slice bad
// value that way, and users search for those texts): one home for the renderers the strategies share.
import { isJsonObject } from './json.js';

/** A Go string literal as %#v prints it (JSON's escaping matches for the text Kubernetes names and labels hold). */
export const goQuote = (s: string): string => JSON.stringify(s);

/** []string: `[]string{"a", "b"}`, or `[]string(nil)` for a missing list. */
export function goStringSlice(v: unknown): string {
  if (!Array.isArray(v)) return '[]string(nil)';
  return `[]string{${v.map((s) => goQuote(String(s))).join(', ')}}`;
}

/** map[string]string: `map[string]string{"a":"b"}` with the keys sorted (fmt sorts them), or `map[string]string(nil)`. */
export function goStringMap(m: unknown): string {
  if (!isJsonObject(m)) return 'map[string]string(nil)';
  const keys = Object.keys(m).sort();
  return `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(String(m[k]))}`).join(', ')}}`;
}
