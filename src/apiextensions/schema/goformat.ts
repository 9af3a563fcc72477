import { FieldError, OMIT_VALUE } from '../../apimachinery/field-errors.js';
// Go's fmt %v rendering of a float64 (strconv 'g', shortest): exponent form when the decimal exponent is below -4
// or at least 6, so 1000000 prints as "1e+06" and 0.5 as "0.5".
export function goFloat(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN';
  if (v === 0) return '0';
  const [mant, e] = v.toExponential().split('e');
  const exp = Number(e);
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? '-' : '+'}${Math.abs(exp) < 10 ? '0' : ''}${Math.abs(exp)}`;
  return String(v);
}

/** Go's %#v of a decoded JSON value (map[string]interface {}, []interface {}, int64, float64, string, bool, nil). */
export function goSharpV(v: unknown): string {
  if (v === null || v === undefined) return 'interface {}(nil)';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFloat(v);
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map((x) => goSharpV(x)).join(', ')}}`;
  const o = v as Record<string, unknown>;
  const body = Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${goSharpV(o[k])}`).join(', ');
  return `map[string]interface {}{${body}}`;
}

/** A FieldError whose bad value prints like Go (%#v for compound values, as apimachinery does). */
export class GoValueFieldError extends FieldError {
  override errorBody(): string {
    const v = this.badValue;
    if (v === OMIT_VALUE || (v !== null && typeof v !== 'object')) return super.errorBody();
    const head = this.type === 'FieldValueDuplicate' ? 'Duplicate value' : this.type === 'FieldValueNotSupported' ? 'Unsupported value' : 'Invalid value';
    const text = typeof v === 'object' && v !== null && 'goText' in v ? String((v as { goText: string }).goText) : goSharpV(v);
    return `${head}: ${text}${this.detail ? `: ${this.detail}` : ''}`;
  }
}

/** A bad value that is already Go-formatted text (e.g. a %#v struct). */
export const goText = (text: string) => ({ goText: text });
