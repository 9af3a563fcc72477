// IP and CIDR checks from apimachinery pkg/util/validation/ip.go. Go's "sloppy" parser (k8s.io/utils/net) accepts
// IPv4 octets with leading zeros (read as decimal); strict validation rejects those and IPv4-mapped IPv6.
import { FieldError, invalid } from '../field-errors.js';

export interface ParsedIP {
  /** 4 bytes for dotted IPv4, 16 for IPv6 text (which may still hold an IPv4-mapped address). */
  bytes: number[];
  hadLeadingZeros: boolean;
}

function parseIPv4(s: string): { bytes: number[]; leadingZeros: boolean } | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const bytes: number[] = [];
  let leadingZeros = false;
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return null;
    if (p.length > 1 && p.startsWith('0')) leadingZeros = true;
    const n = Number(p);
    if (n > 255) return null;
    bytes.push(n);
  }
  return { bytes, leadingZeros };
}

function parseIPv6(s: string): { bytes: number[]; leadingZeros: boolean } | null {
  if (s.includes('%')) return null; // zones are not IPs for our purposes
  let leadingZeros = false;
  let tail4: number[] = [];
  let text = s;
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.slice(lastColon + 1).includes('.')) {
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (!v4) return null;
    leadingZeros = v4.leadingZeros;
    tail4 = v4.bytes;
    text = text.slice(0, lastColon + 1) + '0:0'; // placeholder groups replaced below
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const toGroups = (h: string): number[] | null => {
    if (h === '') return [];
    const gs = h.split(':');
    const out: number[] = [];
    for (const g of gs) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = toGroups(halves[0]);
  if (!head) return null;
  let groups: number[];
  if (halves.length === 2) {
    const tail = toGroups(halves[1]);
    if (!tail) return null;
    if (head.length + tail.length > 7) return null;
    groups = [...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    if (head.length !== 8) return null;
    groups = head;
  }
  const bytes: number[] = [];
  for (const g of groups) bytes.push(g >> 8, g & 0xff);
  if (tail4.length) bytes.splice(12, 4, ...tail4);
  return { bytes, leadingZeros };
}

/** Like netutils.ParseIPSloppy; null when not an IP at all. */
export function parseIPSloppy(s: string): ParsedIP | null {
  if (s.includes(':')) {
    const r = parseIPv6(s);
    return r && { bytes: r.bytes, hadLeadingZeros: r.leadingZeros };
  }
  const r = parseIPv4(s);
  return r && { bytes: r.bytes, hadLeadingZeros: r.leadingZeros };
}

const isV4Mapped = (b: number[]) => b.length === 16 && b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;

/** True when the address is IPv4 (including IPv4-mapped IPv6, as Go's To4 does). */
export function isIPv4(ip: ParsedIP): boolean {
  return ip.bytes.length === 4 || isV4Mapped(ip.bytes);
}

/** Go's net.IP.String(): dotted IPv4 for 4-byte and IPv4-mapped addresses, RFC 5952 otherwise. */
export function formatIP(ip: ParsedIP): string {
  const b = ip.bytes;
  if (b.length === 4) return b.join('.');
  if (isV4Mapped(b)) return b.slice(12).join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i] << 8) | b[i + 1]);
  // longest run (≥2) of zero groups becomes '::'
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

function parseIPChecked(path: string, value: string, strict: boolean): { ip: ParsedIP | null; errs: FieldError[] } {
  const ip = parseIPSloppy(value);
  if (!ip) return { ip: null, errs: [invalid(path, value, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')] };
  const errs: FieldError[] = [];
  if (strict) {
    if (ip.hadLeadingZeros) errs.push(invalid(path, value, 'must not have leading 0s'));
    else if (ip.bytes.length === 16 && isV4Mapped(ip.bytes)) errs.push(invalid(path, value, 'must not be an IPv4-mapped IPv6 address'));
  }
  return { ip, errs };
}

/** IsValidIPForLegacyField: sloppy parsing unless strict; values in validOld are always accepted. */
export function isValidIPForLegacyField(path: string, value: string, strict: boolean, validOld: string[] = []): FieldError[] {
  if (validOld.includes(value)) return [];
  return parseIPChecked(path, value, strict).errs;
}

/** IsValidIP: strict, and must be canonical. */
export function isValidIP(path: string, value: string): FieldError[] {
  const { ip, errs } = parseIPChecked(path, value, true);
  if (errs.length || !ip) return errs;
  const canon = formatIP(ip);
  return value === canon ? [] : [invalid(path, value, `must be in canonical form (${JSON.stringify(canon)})`)];
}

export function getWarningsForIP(path: string, value: string): string[] {
  const ip = parseIPSloppy(value);
  if (!ip) return [];
  if (ip.hadLeadingZeros || (ip.bytes.length === 16 && isV4Mapped(ip.bytes))) {
    return [`${path}: non-standard IP address ${JSON.stringify(value)} will be considered invalid in a future Kubernetes release: use ${JSON.stringify(formatIP(ip))}`];
  }
  if (ip.bytes.length === 16 && formatIP(ip) !== value) {
    return [`${path}: IPv6 address ${JSON.stringify(value)} should be in RFC 5952 canonical format (${JSON.stringify(formatIP(ip))})`];
  }
  return [];
}

export interface ParsedCIDR {
  ip: ParsedIP;
  prefixLen: number;
  hadLeadingZeros: boolean;
}

export function parseCIDRSloppy(value: string): ParsedCIDR | null {
  const slash = value.indexOf('/');
  if (slash < 0) return null;
  const ip = parseIPSloppy(value.slice(0, slash));
  const lenText = value.slice(slash + 1);
  if (!ip || !/^[0-9]{1,3}$/.test(lenText)) return null;
  const prefixLen = Number(lenText);
  if (prefixLen > ip.bytes.length * 8) return null;
  return { ip, prefixLen, hadLeadingZeros: ip.hadLeadingZeros || (lenText.length > 1 && lenText.startsWith('0')) };
}

function maskedBytes(c: ParsedCIDR): number[] {
  return c.ip.bytes.map((b, i) => {
    const bits = Math.max(0, Math.min(8, c.prefixLen - i * 8));
    return b & ((0xff << (8 - bits)) & 0xff);
  });
}

/** Go's IPNet.String() of the masked network. */
export function formatCIDR(c: ParsedCIDR): string {
  const bytes = maskedBytes(c);
  if (c.ip.bytes.length === 16 && isV4Mapped(c.ip.bytes) && c.prefixLen >= 96) {
    return `${bytes.slice(12).join('.')}/${c.prefixLen - 96}`;
  }
  return `${formatIP({ bytes, hadLeadingZeros: false })}/${c.prefixLen}`;
}

export function isValidCIDR(path: string, value: string): FieldError[] {
  const c = parseCIDRSloppy(value);
  if (!c) return [invalid(path, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
  if (c.hadLeadingZeros) return [invalid(path, value, 'must not have leading 0s in IP or prefix length')];
  if (c.ip.bytes.length === 16 && isV4Mapped(c.ip.bytes)) return [invalid(path, value, 'must not have an IPv4-mapped IPv6 address')];
  const masked = maskedBytes(c);
  if (masked.some((b, i) => b !== c.ip.bytes[i])) return [invalid(path, value, 'must not have bits set beyond the prefix length')];
  const canon = formatCIDR(c);
  return value === canon ? [] : [invalid(path, value, `must be in canonical form (${JSON.stringify(canon)})`)];
}
