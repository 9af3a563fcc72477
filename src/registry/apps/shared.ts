// Helpers shared by the strategies of the non-core built-in kinds (apps, batch, policy, …): JSON access, Go-style
// semantic equality, label selector matching, int-or-percent checks, and Go `%#v` rendering of bad values (upstream
// prints structs and maps that way in error messages, and users paste those messages into search engines).
import { FieldError, FieldPath, invalid, required } from '../../apimachinery/field-errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { validateLabelSelector, validateNonnegativeField } from '../../apimachinery/validation/objectmeta.js';
import { isValidPercent } from '../../apimachinery/validation/names.js';
import { labelSelectorAsSelector, type LabelSelector, Selector } from '../../apimachinery/labels.js';
import { isJsonObject } from '../../apimachinery/json.js';
import { goQuote, goStringMap, goStringSlice } from '../../apimachinery/go-syntax.js';

// Objects travel as plain JSON; strategies read them loosely.
export type Obj = Record<string, any>;

export const isObj = (v: unknown): v is Obj => isJsonObject(v);

/** The object at `parent[key]`, created (as `{}`) when missing so defaults can be written into it. */
export function ensureObj(parent: Obj, key: string): Obj {
  if (!isObj(parent[key])) parent[key] = {};
  return parent[key] as Obj;
}

/** Go's `if x.Field == nil { x.Field = &value }` for each of `defaults`, in order: absent or null fields get the value. */
export function defaultNil(obj: Obj, defaults: Obj): void {
  for (const [key, value] of Object.entries(defaults)) if (obj[key] === undefined || obj[key] === null) obj[key] = value;
}

/**
 * SetDefaults of a rolling-update strategy block (Deployment's `strategy`, DaemonSet's `updateStrategy`): the type
 * defaults to RollingUpdate, and a RollingUpdate strategy gets the kind's maxUnavailable and maxSurge when unset.
 */
export function defaultRollingStrategy(spec: Obj, field: string, rolling: { maxUnavailable: number | string; maxSurge: number | string }): void {
  const strategy = ensureObj(spec, field);
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') defaultNil(ensureObj(strategy, 'rollingUpdate'), rolling);
}

/** `obj.spec` as an object (an empty one when absent, without writing it back). */
export const specOf = (obj: KubeObject): Obj => (isObj(obj.spec) ? obj.spec : {});
export const statusOf = (obj: KubeObject): Obj => (isObj(obj.status) ? obj.status : {});

export const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export const fp = (...segments: string[]): FieldPath => {
  let p = FieldPath.root(segments[0]);
  for (const s of segments.slice(1)) p = p.child(s);
  return p;
};

export const nonNegative = (v: unknown, path: FieldPath | string): FieldError[] => validateNonnegativeField(num(v), path);

/** A Go zero value in JSON form: absent, null, "", 0, false, or an empty slice/map (or a struct of zero fields). */
function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObj(v)) return Object.keys(v).every((k) => isZero(v[k]));
  return false;
}

/**
 * apiequality.Semantic.DeepEqual on the JSON form: nil and empty slices/maps are equal, and an absent field equals
 * its zero value (as for Go's non-pointer fields; after defaulting, pointer fields are set anyway).
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isZero(a) && isZero(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => semanticEqual(v, b[i]));
  if (isObj(a) && isObj(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) if (!semanticEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

// ---- label selectors -------------------------------------------------------------------------------------------

/** metav1.LabelSelectorAsSelector, with a conversion error reported as undefined (callers add their own error). */
export function toSelector(sel: unknown): Selector | undefined {
  try {
    return labelSelectorAsSelector((isObj(sel) ? sel : sel === undefined || sel === null ? null : {}) as LabelSelector | null);
  } catch {
    return undefined;
  }
}

/** Whether a LabelSelector (JSON) matches a label set; nil matches nothing, {} everything, invalid nothing. */
export function labelSelectorMatches(sel: unknown, labels: Record<string, string> | undefined | null): boolean {
  return toSelector(sel)?.matches(labels ?? undefined) ?? false;
}

/** A selector that must be present, strictly valid and non-empty ("empty selector is invalid for <kind>"). */
export function validateRequiredSelector(sel: unknown, path: FieldPath, kindWord: string): FieldError[] {
  if (sel === undefined || sel === null) return [required(path.toString())];
  const errs = validateLabelSelector(sel as LabelSelector, { allowInvalidLabelValueInSelector: false }, path);
  if (selectorHasNoTerms(isObj(sel) ? sel : {})) errs.push(invalidGo(path, goLabelSelector(sel), `empty selector is invalid for ${kindWord}`));
  return errs;
}

/** `len(matchLabels)+len(matchExpressions) == 0`. */
export function selectorHasNoTerms(sel: Obj): boolean {
  return Object.keys(isObj(sel.matchLabels) ? sel.matchLabels : {}).length + (Array.isArray(sel.matchExpressions) ? sel.matchExpressions.length : 0) === 0;
}

// ---- Go %#v rendering --------------------------------------------------------------------------------------------

export { goStringMap };

/** metav1.LabelSelector as `%#v` prints it. */
export function goLabelSelector(sel: unknown): string {
  const s = isObj(sel) ? sel : {};
  const exprs = Array.isArray(s.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${(s.matchExpressions as Obj[])
        .map((e) => `v1.LabelSelectorRequirement{Key:${goQuote(str(e.key))}, Operator:${goQuote(str(e.operator))}, Values:${goStringSlice(e.values)}}`)
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${goStringMap(s.matchLabels)}, MatchExpressions:${exprs}}`;
}

/** intstr.IntOrString as `%#v` prints it. */
export function goIntOrString(v: unknown): string {
  if (typeof v === 'string') return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`;
  return `intstr.IntOrString{Type:0, IntVal:${num(v)}, StrVal:""}`;
}

/** A typed nil or non-nil pointer field inside a `%#v` struct. */
export const goPtr = (type: string, v: unknown) => (v === undefined || v === null ? `(*${type})(nil)` : `(*${type})(0xc000000000)`);

/** A FieldError whose bad value is already rendered Go-style (printed as is, not JSON-quoted). */
export class GoValueFieldError extends FieldError {
  constructor(type: 'FieldValueInvalid' | 'FieldValueNotSupported', field: string, readonly goText: string, detail: string) {
    super(type, field, goText, detail);
  }

  override errorBody(): string {
    let s = this.type === 'FieldValueInvalid' ? 'Invalid value' : 'Unsupported value';
    s += `: ${this.goText}`;
    if (this.detail) s += `: ${this.detail}`;
    return s;
  }
}

export const invalidGo = (field: FieldPath | string, goText: string, detail: string) =>
  new GoValueFieldError('FieldValueInvalid', field.toString(), goText, detail);

// ---- int-or-percent ----------------------------------------------------------------------------------------------

/** ValidatePositiveIntOrPercent. */
export function validatePositiveIntOrPercent(v: unknown, path: FieldPath): FieldError[] {
  if (v === undefined || v === null) return []; // a nil pointer converts to the int 0
  if (typeof v === 'string') return isValidPercent(v).map((m) => invalidGo(path, goIntOrString(v), m));
  if (typeof v === 'number') return nonNegative(v, path);
  return [invalid(path.toString(), v, "must be an integer or percentage (e.g '5%')")];
}

function percentValue(v: unknown): number | undefined {
  if (typeof v !== 'string' || isValidPercent(v).length) return undefined;
  return parseInt(v.slice(0, -1), 10);
}

/** getIntOrPercentValue: the percentage number or the int; a malformed string counts as 0. */
export function intOrPercentValue(v: unknown): number {
  const p = percentValue(v);
  if (p !== undefined) return p;
  if (typeof v === 'string') return /^-?[0-9]+$/.test(v) ? parseInt(v, 10) : 0;
  return typeof v === 'number' ? v : 0;
}

export function isNotMoreThan100Percent(v: unknown, path: FieldPath): FieldError[] {
  const p = percentValue(v);
  if (p === undefined || p <= 100) return [];
  return [invalidGo(path, goIntOrString(v), 'must not be greater than 100%')];
}
