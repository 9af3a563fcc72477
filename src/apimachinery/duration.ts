// Durations for humans, as apimachinery pkg/util/duration prints them (the AGE column and friends).

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

// Go's int(x) and integer division truncate toward zero.
const trunc = Math.trunc;

/** duration.HumanDuration: ~2-3 significant figures, e.g. `45s`, `2m3s`, `10m`, `3h4m`, `2d3h`, `8d`, `2y100d`. */
export function humanDuration(ms: number): string {
  const seconds = trunc(ms / SECOND);
  // Up to a second in the future still counts as now (clock skew).
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${trunc(hours / 24)}d` : `${trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = trunc(hours / 24) % 365;
    const years = trunc(hours / 24 / 365);
    return dy === 0 ? `${years}y` : `${years}y${dy}d`;
  }
  return `${trunc(hours / 24 / 365)}y`;
}

/** duration.ShortHumanDuration: one unit only, e.g. `45s`, `5m`, `3h`, `12d`, `2y`. */
export function shortHumanDuration(ms: number): string {
  const seconds = trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = trunc(ms / MINUTE);
  if (minutes < 60) return `${minutes}m`;
  const hours = trunc(ms / HOUR);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${trunc(hours / 24)}d`;
  return `${trunc(hours / 24 / 365)}y`;
}

/**
 * The printers' translateTimestampSince: HumanDuration of now - timestamp, or `<unknown>` for a missing
 * (zero) timestamp.
 */
export function timestampSince(timestamp: string | undefined | null, now: Date): string {
  if (!timestamp) return '<unknown>';
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return '<unknown>';
  return humanDuration(now.getTime() - t);
}

/**
 * Go's time.Duration String, for whole milliseconds: `0s`, `250ms`, `10s`, `1.5s`, `1m20s`, `5m0s`, `1h0m0s` (how
 * the kubelet prints back-off delays and probe timeouts in messages).
 */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 0) return `-${goDuration(-ms)}`;
  if (ms < SECOND) return `${ms}ms`;
  const h = trunc(ms / HOUR);
  const m = trunc((ms % HOUR) / MINUTE);
  const s = String((ms % MINUTE) / SECOND);
  if (h) return `${h}h${m}m${s}s`;
  if (m) return `${m}m${s}s`;
  return `${s}s`;
}
