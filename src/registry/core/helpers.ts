// Small helpers shared by the core/v1 strategies. Objects are plain JSON, so fields are read defensively.
import { FieldError, FieldPath, invalid } from '../../apimachinery/field-errors.js';
import { Quantity, tryParseQuantity } from '../../apimachinery/quantity.js';
import { isJsonObject } from '../../apimachinery/json.js';

export type Obj = Record<string, any>;

export const isObj = (v: unknown): v is Obj => isJsonObject(v);
export const arr = <T = Obj>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

/** Ensures obj[key] is an object and returns it. */
export function objAt(obj: Obj, key: string): Obj {
  if (!isObj(obj[key])) obj[key] = {};
  return obj[key];
}

/** JSON form of a Quantity, or null (with an error) when the text does not parse. */
export function quantityOf(v: unknown, path: FieldPath, errs: FieldError[]): Quantity | null {
  const q = tryParseQuantity(v);
  if (!q) errs.push(invalid(path.toString(), v, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
  return q;
}

/** intstr.IntOrString as JSON: a number or a string. */
export type IntOrString = number | string;

/** Keys sorted the way Go's sets.List sorts strings. */
export const sortedKeys = (o: Obj | undefined) => Object.keys(o ?? {}).sort();

/** Validates a name with a ValidateNameFunc-style function at a path. */
export function nameErrors(fn: (n: string, prefix: boolean) => string[], value: string, path: FieldPath | string): FieldError[] {
  return fn(value, false).map((m) => invalid(path.toString(), value, m));
}
