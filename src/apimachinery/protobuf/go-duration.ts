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
