// Small helpers over decoded JSON values shared by the patch engines, plus Go-style value printing: upstream's patch
// errors embed values formatted with Go's `%v` (e.g. `map: map[image:nginx] does not contain declared merge key:
// name`), and users search for those texts, so we print values the same way.
import { isJsonObject, jsonEqual } from '../json.js';

export { jsonEqual };

export type JsonMap = { [key: string]: unknown };

export const isJsonMap: (v: unknown) => v is JsonMap = isJsonObject;

export const hasOwn = (m: object, k: string): boolean => Object.hasOwn(m, k);


/** A fresh copy of a JSON value (used where upstream copies, e.g. the json-patch `copy` operation). */
export function jsonClone<T>(v: T): T {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(jsonClone) as T;
  const out: JsonMap = {};
  for (const k of Object.keys(v)) out[k] = jsonClone((v as JsonMap)[k]);
  return out as T;
}

/** Go's `%v` rendering of a value decoded into interface{} (maps print with sorted keys). */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goValue((v as JsonMap)[k])}`).join(' ')}]`;
  }
  return String(v);
}

// Integral JSON numbers decode to int64 upstream; the rest are float64 printed with %g.
function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  const exp = Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 21) {
    const [mant, e] = n.toExponential().split('e');
    const sign = e.startsWith('-') ? '-' : '+';
    const digits = e.replace(/^[+-]/, '');
    return `${mant}e${sign}${digits.length < 2 ? '0' + digits : digits}`;
  }
  return String(n);
}

/** Go's reflect type name of a decoded JSON value, as printed in `expected a X, but received a Y`. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'object') return 'map[string]interface {}';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  return 'string';
}

/** Go's `%s` of an arbitrary value: strings print bare, anything else as `%!s(type=value)`. */
export function goString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (typeof v === 'number') return `%!s(${goTypeName(v)}=${goValue(v)})`;
  if (typeof v === 'boolean') return `%!s(bool=${v})`;
  return goValue(v);
}
