// resource.Quantity (apimachinery pkg/api/resource): parsing, canonical printing, comparison and arithmetic.
// Values are held exactly as mantissa × 10^exponent with bigint, which covers both the int64 fast path and the
// inf.Dec slow path of upstream; only the "keep the caller's spelling" rule of the fast path is reproduced
// separately, because it decides what the server echoes back.

export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

export const QUANTITY_REGEXP_TEXT = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
export const ERR_FORMAT_WRONG = `quantities must match the regular expression '${QUANTITY_REGEXP_TEXT}'`;
export const ERR_NUMERIC = 'unable to parse numeric part of quantity';
export const ERR_SUFFIX = "unable to parse quantity's suffix";

export class QuantityParseError extends Error {}

const MAX_INT64 = (1n << 63n) - 1n;
const MIN_INT64 = -(1n << 63n);
const NANO = -9;

const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimalByExp = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]));
const binaryByExp = new Map(Object.entries(binarySuffixes).map(([s, e]) => [e, s]));

const pow10 = (n: number) => 10n ** BigInt(n);
const abs = (v: bigint) => (v < 0n ? -v : v);

/** Divides rounding away from zero (inf.RoundUp). */
function divAwayFromZero(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b === 0n ? q : a < 0n ? q - 1n : q + 1n;
}

function interpretSuffix(s: string): { base: 10 | 2; exponent: number; format: QuantityFormat } | null {
  if (s in decimalSuffixes) return { base: 10, exponent: decimalSuffixes[s], format: 'DecimalSI' };
  if (s in binarySuffixes) return { base: 2, exponent: binarySuffixes[s], format: 'BinarySI' };
  if (s.length > 1 && (s[0] === 'e' || s[0] === 'E')) {
    // strconv.ParseInt: optional sign then digits only
    if (!/^[+-]?[0-9]+$/.test(s.slice(1))) return null;
    const e = Number(s.slice(1));
    if (!Number.isSafeInteger(e) || Math.abs(e) > 2147483647) return null;
    return { base: 10, exponent: e, format: 'DecimalExponent' };
  }
  return null;
}

interface Split { positive: boolean; value: string; num: string; denom: string; suffix: string }

const isDigit = (c: string) => c >= '0' && c <= '9';

/** Mirrors upstream's hand-written scanner (parseQuantityString), including its quirks with leading zeros. */
function splitQuantity(str: string): Split {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-') { positive = false; pos++; } else if (str[0] === '+') pos++;
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  if (i >= end) return { positive, value: str, num: str.slice(pos), denom: '', suffix: '' };
  const num = str.slice(pos, i) || '0';
  pos = i;
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    if (i >= end) return { positive, value: str, num, denom, suffix: '' };
    pos = i;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  i = pos;
  while (i < end && 'eEinumkKMGTP'.includes(str[i])) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  pos = i;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  i = pos;
  while (i < end && isDigit(str[i])) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  throw new QuantityParseError(ERR_FORMAT_WRONG);
}

export class Quantity {
  /** Caller's original spelling, kept when upstream would keep it (already canonical). */
  private cached: string | undefined;

  constructor(
    /** value = mantissa × 10^exponent */
    readonly mantissa: bigint,
    readonly exponent: number,
    readonly format: QuantityFormat,
    cached?: string,
  ) {
    this.cached = cached;
  }

  static fromInt(v: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(v), 0, format);
  }

  static fromMilli(v: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(v), -3, format);
  }

  isZero(): boolean { return this.mantissa === 0n; }
  sign(): number { return this.mantissa === 0n ? 0 : this.mantissa < 0n ? -1 : 1; }

  /** -1, 0, 1 like Quantity.Cmp. */
  cmp(other: Quantity): number {
    const e = Math.min(this.exponent, other.exponent);
    const a = this.mantissa * pow10(this.exponent - e);
    const b = other.mantissa * pow10(other.exponent - e);
    return a === b ? 0 : a < b ? -1 : 1;
  }

  equals(other: Quantity): boolean { return this.cmp(other) === 0; }

  /** Sum in this quantity's format (Quantity.Add). */
  add(other: Quantity): Quantity {
    const e = Math.min(this.exponent, other.exponent);
    return new Quantity(this.mantissa * pow10(this.exponent - e) + other.mantissa * pow10(other.exponent - e), e, this.format);
  }

  sub(other: Quantity): Quantity { return this.add(other.neg()); }
  neg(): Quantity { return new Quantity(-this.mantissa, this.exponent, this.format); }

  /** Value scaled to 10^scale units, rounded away from zero (ScaledValue). */
  scaledValue(scale: number): bigint {
    const d = this.exponent - scale;
    if (d >= 0) return this.mantissa * pow10(d);
    return divAwayFromZero(this.mantissa, pow10(-d));
  }

  /** Whole units, rounded up (Quantity.Value), e.g. bytes or cores. */
  value(): bigint { return this.scaledValue(0); }
  milliValue(): bigint { return this.scaledValue(-3); }
  asNumber(): number { return Number(this.mantissa) * 10 ** this.exponent; }

  toJSON(): string { return this.toString(); }

  toString(): string {
    if (this.cached !== undefined) return this.cached;
    this.cached = this.canonical();
    return this.cached;
  }

  private canonical(): string {
    if (this.mantissa === 0n) return '0';
    let format = this.format;
    if (format === 'BinarySI') {
      // small values and fractions have no binary spelling
      if (this.cmp(Quantity.fromInt(-1024)) > 0 && this.cmp(Quantity.fromInt(1024)) < 0) format = 'DecimalSI';
      else if (this.exponent < 0 && this.mantissa % pow10(-this.exponent) !== 0n) format = 'DecimalSI'; // not whole
    }
    if (format === 'BinarySI') {
      let amount = this.value();
      let times = 0;
      while (abs(amount) >= 1024n && amount % 1024n === 0n) { amount /= 1024n; times++; }
      return amount.toString() + (binaryByExp.get(times * 10) ?? '');
    }
    let amount = this.mantissa;
    let exp = this.exponent;
    while (abs(amount) >= 10n && amount % 10n === 0n) { amount /= 10n; exp++; }
    while (((exp % 3) + 3) % 3 !== 0) { amount *= 10n; exp--; }
    let suffix: string;
    if (format === 'DecimalExponent') suffix = exp === 0 ? '' : `e${exp}`;
    else suffix = decimalByExp.get(exp) ?? ''; // upstream prints no suffix when none fits
    return amount.toString() + suffix;
  }
}

/** ParseQuantity: throws QuantityParseError with upstream's message. */
export function parseQuantity(str: string): Quantity {
  if (str.length === 0) throw new QuantityParseError(ERR_FORMAT_WRONG);
  if (str === '0') return new Quantity(0n, 0, 'DecimalSI', '0');
  const { positive, value, num, denom, suffix } = splitQuantity(str);
  const suf = interpretSuffix(suffix);
  if (!suf) throw new QuantityParseError(ERR_SUFFIX);
  let format = suf.format;

  // Upstream's int64 fast path: it keeps the caller's spelling when it is already canonical.
  const fast = fastPath(str, num, denom, suf.base, suf.exponent, format, positive);
  if (fast) return fast;

  // Exact decimal value of the numeric part.
  if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$/.test(value) && value !== '0') throw new QuantityParseError(ERR_NUMERIC);
  const unsigned = value.replace(/^[+-]/, '');
  const [ip, fp = ''] = unsigned.split('.');
  let mant = BigInt((ip || '0') + fp);
  let exp = -fp.length;
  if (suf.base === 10) exp += suf.exponent;
  else mant *= 1n << BigInt(suf.exponent);
  if (exp < NANO) {
    mant = divAwayFromZero(mant, pow10(NANO - exp));
    exp = NANO;
  }
  if (format === 'BinarySI' && mant * (exp >= 0 ? pow10(exp) : 1n) > MAX_INT64 * (exp >= 0 ? 1n : pow10(-exp))) {
    mant = MAX_INT64;
    exp = 0;
  }
  const q = new Quantity(mant, exp, format);
  if (format === 'BinarySI' && q.cmp(Quantity.fromInt(1)) < 0 && mant > 0n) format = 'DecimalSI';
  return new Quantity(positive ? mant : -mant, exp, format);
}

function fastPath(str: string, num: string, denom: string, base: number, exponent: number, format: QuantityFormat, positive: boolean): Quantity | null {
  let precision: number;
  let scale: number;
  let mantissa = 1n;
  if (format === 'BinarySI') {
    scale = 0;
    if (exponent >= 0 && denom.length === 0) {
      mantissa = 1n << BigInt(exponent);
      precision = 15 - num.length - Math.trunc(Math.fround(exponent) * 3 / 10) - 1;
    } else precision = -1;
  } else {
    scale = exponent;
    precision = 18 - (num.length + denom.length);
  }
  if (precision < 0) return null;
  scale -= denom.length;
  if (scale < NANO) return null;
  const shifted = num + denom;
  if (!/^[0-9]+$/.test(shifted)) return null;
  const v = BigInt(shifted);
  if (v > MAX_INT64) return null;
  let result = v * mantissa;
  if (result > MAX_INT64 || result < MIN_INT64) return null;
  if (!positive) result = -result;
  let keep = false;
  if (base === 2) keep = exponent % 10 === 0 && (v & 7n) !== 0n;
  else keep = scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
  return new Quantity(result, scale, format, keep ? str : undefined);
}

/** Parses, returning null instead of throwing. */
export function tryParseQuantity(s: unknown): Quantity | null {
  if (typeof s === 'number') s = String(s);
  if (typeof s !== 'string') return null;
  try { return parseQuantity(s); } catch { return null; }
}
