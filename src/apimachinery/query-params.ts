// Query parameters read as upstream converts url.Values into its options structs (apimachinery
// pkg/runtime/conversion.go): of a repeated parameter the first value counts; a boolean is false only when absent,
// "0" or "false" in any letter case (so `watch=True`, `force=1` and even `watch=` are true); an integer is Go's
// strconv.ParseInt of that value, and anything else is a 400 carrying Go's text. Parameters an endpoint does not
// know are ignored.
import { errBadRequest } from './errors.js';

/** Convert_Slice_string_To_bool; undefined when the parameter is absent (a nil *bool). */
export function boolParam(query: URLSearchParams, name: string): boolean | undefined {
  const v = query.get(name);
  if (v === null) return undefined;
  return !(v === '0' || v.toLowerCase() === 'false');
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** Convert_Slice_string_To_int64 (strconv.ParseInt(v, 10, 64)); undefined when absent. */
export function int64Param(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null) return undefined;
  return parseGoInt64(v);
}

export function parseGoInt64(v: string): number {
  if (!/^[+-]?\d+$/.test(v)) throw errBadRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  const n = BigInt(v);
  if (n > INT64_MAX || n < INT64_MIN) throw errBadRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: value out of range`);
  return Number(n);
}
