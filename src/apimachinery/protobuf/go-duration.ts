// Go's time.Duration.String(): "1h0m0s", "1m30s", "1.5s", "500ms", "1.5µs", "0s" — the form metav1.Duration
// takes in JSON.

/** `value` as "<int>.<frac>" with `digits` fractional digits, trailing zeros (and a bare dot) removed. */
function withFraction(value: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const frac = (value % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return frac ? `${value / scale}.${frac}` : `${value / scale}`;
}

export function formatGoDuration(nanoseconds: bigint): string {
  if (nanoseconds === 0n) return '0s';
  const sign = nanoseconds < 0n ? '-' : '';
  const u = nanoseconds < 0n ? -nanoseconds : nanoseconds;
  if (u < 1_000n) return `${sign}${u}ns`;
  if (u < 1_000_000n) return `${sign}${withFraction(u, 3)}µs`;
  if (u < 1_000_000_000n) return `${sign}${withFraction(u, 6)}ms`;
  const seconds = u / 1_000_000_000n;
  const secondsText = withFraction((seconds % 60n) * 1_000_000_000n + (u % 1_000_000_000n), 9);
  const minutes = seconds / 60n;
  if (minutes === 0n) return `${sign}${secondsText}s`;
  const hours = minutes / 60n;
  if (hours === 0n) return `${sign}${minutes}m${secondsText}s`;
  return `${sign}${hours}h${minutes % 60n}m${secondsText}s`;
}

const UNIT_NANOS: Record<string, bigint> = {
  ns: 1n, us: 1_000n, 'µs': 1_000n, 'μs': 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n,
};

/** Go's time.ParseDuration ("1h30m", "1.5s", "-2m", "0"), in nanoseconds; undefined when `text` is not one. */
export function parseGoDuration(text: string): bigint | undefined {
  let s = text;
  let sign = 1n;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1n;
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return undefined;
  let total = 0n;
  const part = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/;
  while (s.length) {
    const m = part.exec(s);
    if (!m || (m[1] === '' && (m[2] ?? '') === '')) return undefined;
    const unit = UNIT_NANOS[m[3]!]!;
    const frac = m[2] ?? '';
    total += BigInt(m[1] || '0') * unit + (frac ? (BigInt(frac) * unit) / 10n ** BigInt(frac.length) : 0n);
    s = s.slice(m[0].length);
  }
  return sign * total;
}
