// String formats a CRD schema may declare (apiextensions keeps only kube-openapi's supported list and drops the
// rest, so e.g. `format: int32` is documentation only). Each checker mirrors the Go parser upstream uses.
import { parseCIDRSloppy, parseIPSloppy } from '../../apimachinery/validation/ip.js';

const rx = (re: RegExp) => (s: string) => re.test(s);

const uuidRe = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const uuid3Re = /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const uuid4Re = /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const uuid5Re = /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const hostnameRe =
  /^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9\-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$/u;
const base64Re = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;
const macRe = /^([0-9A-Fa-f]{2}[:-]){5}([0-9A-Fa-f]{2})$|^([0-9A-Fa-f]{2}[:-]){7}([0-9A-Fa-f]{2})$|^([0-9A-Fa-f]{2}[:-]){19}([0-9A-Fa-f]{2})$|^([0-9A-Fa-f]{4}\.){2}([0-9A-Fa-f]{4})$/;
const dateRe = /^(\d{4})-(\d{2})-(\d{2})$/;
const dateTimeRe = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(:(\d{2})(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;
const goDurationRe = /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/;
const scalaDurationRe = /^\s*(\d+)\s*(ns|nanos?|nanoseconds?|us|µs|micros?|microseconds?|ms|millis?|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hours?|d|days?|w|wks?|weeks?)\s*$/i;

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function isDate(s: string): boolean {
  const m = dateRe.exec(s);
  return !!m && validDate(+m[1], +m[2], +m[3]);
}

function isDateTime(s: string): boolean {
  const m = dateTimeRe.exec(s);
  if (!m || !validDate(+m[1], +m[2], +m[3])) return false;
  return +m[4] < 24 && +m[5] < 60 && (m[7] === undefined || +m[7] < 60);
}

function isURI(s: string): boolean {
  // net/url.ParseRequestURI: an absolute URI or an absolute path.
  if (s.startsWith('/')) return !/\s/.test(s);
  try {
    const u = new URL(s);
    return !!u.protocol;
  } catch {
    return false;
  }
}

function isEmail(s: string): boolean {
  const bare = /^[^\s@<>]+@[^\s@<>]+$/;
  const named = /^[^<>]*<[^\s@<>]+@[^\s@<>]+>$/;
  return bare.test(s) || named.test(s.trim());
}

function isISBN10(s: string): boolean {
  const d = s.replace(/[\s-]/g, '');
  if (!/^\d{9}[\dX]$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (i + 1) * +d[i];
  sum += d[9] === 'X' ? 100 : 10 * +d[9];
  return sum % 11 === 0;
}

function isISBN13(s: string): boolean {
  const d = s.replace(/[\s-]/g, '');
  if (!/^\d{13}$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (i % 2 === 0 ? 1 : 3) * +d[i];
  return (10 - (sum % 10)) % 10 === +d[12];
}

function isCreditCard(s: string): boolean {
  const d = s.replace(/[^0-9]+/g, '');
  if (!/^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|(222[1-9]|22[3-9][0-9]|2[3-6][0-9]{2}|27[01][0-9]|2720)[0-9]{12}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11}|6[27][0-9]{14})$/.test(d)) return false;
  let sum = 0;
  let double = false;
  for (let i = d.length - 1; i >= 0; i--) {
    let n = +d[i];
    if (double) { n *= 2; if (n > 9) n -= 9; }
    sum += n;
    double = !double;
  }
  return sum % 10 === 0;
}

function isRGBColor(s: string): boolean {
  const m = /^rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)$/.exec(s);
  return !!m && [m[1], m[2], m[3]].every((v) => +v <= 255);
}

const checkers: Record<string, (s: string) => boolean> = {
  bsonobjectid: rx(/^[0-9a-fA-F]{24}$/),
  uri: isURI,
  email: isEmail,
  hostname: (s) => s.length <= 255 && hostnameRe.test(s),
  ipv4: (s) => { const ip = parseIPSloppy(s); return !!ip && s.includes('.') && !s.includes(':'); },
  ipv6: (s) => !!parseIPSloppy(s) && s.includes(':'),
  cidr: (s) => !!parseCIDRSloppy(s),
  mac: rx(macRe),
  uuid: rx(uuidRe),
  uuid3: rx(uuid3Re),
  uuid4: rx(uuid4Re),
  uuid5: rx(uuid5Re),
  isbn: (s) => isISBN10(s) || isISBN13(s),
  isbn10: isISBN10,
  isbn13: isISBN13,
  creditcard: isCreditCard,
  ssn: rx(/^\d{3}[- ]?\d{2}[- ]?\d{4}$/),
  hexcolor: rx(/^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/),
  rgbcolor: isRGBColor,
  byte: (s) => s === '' || base64Re.test(s),
  password: () => true,
  date: isDate,
  duration: (s) => goDurationRe.test(s) || s === '0' || scalaDurationRe.test(s),
  datetime: isDateTime,
};

/** Normalized name (dashes dropped, as go-openapi does) if the format is one upstream validates, else undefined. */
export function supportedFormat(format: string): string | undefined {
  const n = format.replace(/-/g, '');
  return n in checkers ? n : undefined;
}

export function formatMatches(format: string, value: string): boolean {
  const n = supportedFormat(format);
  return n === undefined || checkers[n](value);
}
