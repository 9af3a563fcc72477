// The CRI container log line (k8s.io/cri-api LogTag*, containerd's cio redirectLogs; parsed by the kubelet's
// kuberuntime/logs/logs.go parseCRILog): `<RFC3339Nano> <stdout|stderr> <F|P> <content>\n`. Timestamps are kept as
// nanoseconds since the epoch (bigint), since the format and `--timestamps` carry nine fractional digits.

export type LogStream = 'stdout' | 'stderr';

export interface LogRecord {
  /** Nanoseconds since the Unix epoch. */
  timeNs: bigint;
  stream: LogStream;
  /** P: a piece of a line longer than the runtime's line limit; the last piece is F. */
  partial: boolean;
  /** The content without the record's newline. */
  content: Buffer;
}

const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;

// Wall-clock nanoseconds: Date.now() has milliseconds only, so the high-resolution clock supplies the rest; it is
// re-anchored when the two drift apart by more than a second (clock adjustments).
let anchorNs = BigInt(Date.now()) * NS_PER_MS;
let anchorHr = process.hrtime.bigint();

export function nowNs(): bigint {
  const t = anchorNs + (process.hrtime.bigint() - anchorHr);
  const wall = BigInt(Date.now()) * NS_PER_MS;
  if (t - wall > NS_PER_S || wall - t > NS_PER_S) {
    anchorNs = wall;
    anchorHr = process.hrtime.bigint();
    return wall;
  }
  return t;
}

export function nsFromDate(d: Date): bigint {
  return BigInt(d.getTime()) * NS_PER_MS;
}

/**
 * RFC 3339 in UTC with nanoseconds: `fixed` always has nine digits (the kubelet's RFC3339NanoFixed, for
 * `--timestamps`); otherwise trailing zeros are dropped as Go's RFC3339Nano does (what containerd writes).
 */
export function formatTimestamp(ns: bigint, fixed: boolean): string {
  const seconds = ns / NS_PER_S;
  const frac = ns % NS_PER_S;
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  const digits = frac.toString().padStart(9, '0');
  if (fixed) return `${base}.${digits}Z`;
  const trimmed = digits.replace(/0+$/, '');
  return trimmed ? `${base}.${trimmed}Z` : `${base}Z`;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Parses RFC 3339 with up to nine fractional digits and any offset (RFC3339NanoLenient). */
export function parseTimestamp(text: string): bigint | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  if (Number.isNaN(ms)) return undefined;
  let ns = BigInt(ms) * NS_PER_MS + BigInt((m[7] ?? '').padEnd(9, '0') || '0');
  if (m[8] !== 'Z') {
    const sign = m[8][0] === '-' ? -1n : 1n;
    const offsetMin = BigInt(+m[8].slice(1, 3) * 60 + +m[8].slice(4, 6));
    ns -= sign * offsetMin * 60n * NS_PER_S;
  }
  return ns;
}

export function encodeRecord(r: LogRecord): Buffer {
  const head = Buffer.from(`${formatTimestamp(r.timeNs, false)} ${r.stream} ${r.partial ? 'P' : 'F'} `, 'latin1');
  return Buffer.concat([head, r.content, NEWLINE]);
}

const NEWLINE = Buffer.from('\n');

/** Parses one line of a log file (without its newline); undefined for a line that is not a CRI record. */
export function parseRecord(line: Buffer): LogRecord | undefined {
  const s1 = line.indexOf(0x20);
  if (s1 < 0) return undefined;
  const timeNs = parseTimestamp(line.subarray(0, s1).toString('latin1'));
  if (timeNs === undefined) return undefined;
  const s2 = line.indexOf(0x20, s1 + 1);
  if (s2 < 0) return undefined;
  const stream = line.subarray(s1 + 1, s2).toString('latin1');
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const s3 = line.indexOf(0x20, s2 + 1);
  if (s3 < 0) return undefined;
  // Tags are ':'-separated for forward compatibility; the first says whether the record is partial.
  const tag = line.subarray(s2 + 1, s3).toString('latin1').split(':')[0];
  return { timeNs, stream, partial: tag === 'P', content: line.subarray(s3 + 1) };
}
