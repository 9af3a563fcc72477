// Wall-clock arithmetic in an IANA time zone, as Go's time package does it for time.Date and Time.In: the civil
// fields of an instant in a zone, and the instant of civil fields (out-of-range fields normalised, a wall time
// skipped or repeated by a daylight-saving change resolved like Go: the offset in force just before it).
// `zone` undefined means the process's own zone (Go's time.Local).

export interface CivilTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** The process's zone, as Go's time.Local reads TZ or /etc/localtime. */
export const localZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short', era: 'short',
    });
    formatters.set(zone, f);
  }
  return f;
}

const isUtc = (zone: string) => zone === 'UTC' || zone === 'Etc/UTC' || zone === 'GMT';

export function zonedParts(ms: number, zone?: string): CivilTime {
  const z = zone ?? localZone();
  if (isUtc(z)) {
    const d = new Date(ms);
    return {
      year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
      hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), weekday: d.getUTCDay(),
    };
  }
  const out: Record<string, string> = {};
  for (const p of formatter(z).formatToParts(new Date(ms))) out[p.type] = p.value;
  const year = out.era === 'BC' ? 1 - Number(out.year) : Number(out.year);
  return {
    year, month: Number(out.month), day: Number(out.day),
    hour: Number(out.hour), minute: Number(out.minute), second: Number(out.second), weekday: WEEKDAYS[out.weekday] ?? 0,
  };
}

/** Seconds east of UTC in force at `ms`. */
export function zoneOffsetMs(ms: number, zone?: string): number {
  const z = zone ?? localZone();
  if (isUtc(z)) return 0;
  const p = zonedParts(ms, z);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** time.Date(year, month, day, hour, min, sec, 0, zone) in epoch ms; fields may overflow (month 13, day 32). */
export function zonedTime(year: number, month: number, day: number, hour: number, minute: number, second: number, zone?: string): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  const wall = d.getTime();
  const z = zone ?? localZone();
  if (isUtc(z)) return wall;
  // the offset guessed from the wall time read as UTC, then corrected once (Go's lookup of unix - offset)
  const guess = zoneOffsetMs(wall, z);
  const utc = wall - guess;
  const actual = zoneOffsetMs(utc, z);
  return actual === guess ? utc : wall - actual;
}

/** Go's Format(time.RFC3339) of the instant in the zone: `2025-01-02T03:04:05+09:00`, or `Z` at offset zero. */
export function formatRFC3339In(ms: number, zone?: string): string {
  const off = zoneOffsetMs(ms, zone);
  const wall = new Date(Math.floor(ms / 1000) * 1000 + off).toISOString().replace(/\.\d{3}Z$/, '');
  if (off === 0) return `${wall}Z`;
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off) / 60_000;
  return `${wall}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
