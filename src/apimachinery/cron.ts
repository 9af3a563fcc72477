// robfig/cron/v3 as Kubernetes uses it (cron.ParseStandard and Schedule.Next): five fields or a descriptor, an
// optional `TZ=`/`CRON_TZ=` prefix, that library's error texts (the API server puts them into `spec.schedule:
// Invalid value` messages) and its search for the next activation, wall-clock based in the schedule's time zone with
// its daylight-saving corrections. Times are epoch milliseconds; `GO_ZERO_TIME` stands for Go's zero time.Time, which
// Next returns when nothing matches within five years.
import { isValidTimeZone, zonedParts, zonedTime } from './zoned-time.js';

export { isValidTimeZone };

export class CronError extends Error {}

/** Go's time.Time{} (0001-01-01T00:00:00Z) in epoch ms. */
export const GO_ZERO_TIME = -62135596800000;

export interface Schedule {
  /** The first activation strictly after `t` (ms), or GO_ZERO_TIME. */
  next(t: number): number;
}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MONTH_NAMES: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DOW_NAMES: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = { min: 1, max: 12, names: MONTH_NAMES };
const DOW: Bounds = { min: 0, max: 6, names: DOW_NAMES };

/** The values a field allows; `star` when it was `*` or `?` without a step (matters for day-of-month/week). */
interface Field {
  bits: boolean[];
  star: boolean;
}

/** Go's strconv.Atoi-based mustParseInt, with robfig's texts. */
function mustParseInt(expr: string): number {
  if (!/^[+-]?[0-9]+$/.test(expr)) throw new CronError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  const n = parseInt(expr, 10);
  if (n < 0) throw new CronError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseIntOrName(expr: string, names: Record<string, number> | undefined): number {
  const named = names?.[expr.toLowerCase()];
  return named !== undefined ? named : mustParseInt(expr);
}

/** getRange: `*`, `?`, `N`, `N-M`, each with an optional `/step`. */
function getRange(expr: string, b: Bounds, into: Field): void {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  const singleDigit = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = b.min;
    end = b.max;
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0], b.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1], b.names);
    else throw new CronError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]);
    // "N/step" means "N-max/step"
    if (singleDigit) end = b.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) {
    throw new CronError(`too many slashes: ${expr}`);
  }
  if (start < b.min) throw new CronError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new CronError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronError(`step of range should be a positive number: ${expr}`);
  for (let i = start; i <= end; i += step) into.bits[i] = true;
  if (star) into.star = true;
}

function getField(text: string, b: Bounds): Field {
  const f: Field = { bits: [], star: false };
  for (const part of text.split(',')) getRange(part, b, f);
  return f;
}

const all = (b: Bounds): Field => ({ bits: Array.from({ length: b.max + 1 }, (_, i) => i >= b.min), star: true });
const only = (v: number): Field => {
  const bits: boolean[] = [];
  bits[v] = true;
  return { bits, star: false };
};

/** Go's time.ParseDuration, in ms (only what @every needs: decimal numbers with units). */
function parseGoDuration(s: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const m = /^([+-]?)((?:[0-9]*\.?[0-9]+(?:ns|us|µs|ms|s|m|h))+)$/.exec(s);
  if (!m) {
    if (s === '0') return 0;
    throw new CronError(`failed to parse duration @every ${s}: time: invalid duration ${JSON.stringify(s)}`);
  }
  let total = 0;
  for (const part of m[2].matchAll(/([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)/g)) total += Number(part[1]) * units[part[2]];
  return m[1] === '-' ? -total : total;
}

class SpecSchedule implements Schedule {
  constructor(
    private readonly second: Field,
    private readonly minute: Field,
    private readonly hour: Field,
    private readonly dom: Field,
    private readonly month: Field,
    private readonly dow: Field,
    /** IANA zone; undefined: the zone of the time handed to next(), here the process's. */
    readonly location: string | undefined,
  ) {}

  next(from: number): number {
    const loc = this.location;
    // the upcoming whole second
    let t = Math.floor(from / 1000) * 1000 + 1000;
    let added = false;
    const yearLimit = zonedParts(t, loc).year + 5;
    wrap: for (;;) {
      let p = zonedParts(t, loc);
      if (p.year > yearLimit) return GO_ZERO_TIME;
      while (!this.month.bits[p.month]) {
        if (!added) {
          added = true;
          t = zonedTime(p.year, p.month, 1, 0, 0, 0, loc);
        }
        const q = zonedParts(t, loc);
        t = zonedTime(q.year, q.month + 1, q.day, q.hour, q.minute, q.second, loc);
        p = zonedParts(t, loc);
        if (p.month === 1) continue wrap;
      }
      while (!this.dayMatches(p)) {
        if (!added) {
          added = true;
          t = zonedTime(p.year, p.month, p.day, 0, 0, 0, loc);
        }
        const q = zonedParts(t, loc);
        t = zonedTime(q.year, q.month, q.day + 1, q.hour, q.minute, q.second, loc);
        p = zonedParts(t, loc);
        // midnight may not exist (daylight saving): get back to it
        if (p.hour !== 0) {
          t += (p.hour > 12 ? 24 - p.hour : -p.hour) * 3_600_000;
          p = zonedParts(t, loc);
        }
        if (p.day === 1) continue wrap;
      }
      while (!this.hour.bits[p.hour]) {
        if (!added) {
          added = true;
          t = zonedTime(p.year, p.month, p.day, p.hour, 0, 0, loc);
        }
        t += 3_600_000;
        p = zonedParts(t, loc);
        if (p.hour === 0) continue wrap;
      }
      while (!this.minute.bits[p.minute]) {
        if (!added) {
          added = true;
          t = Math.floor(t / 60_000) * 60_000;
        }
        t += 60_000;
        p = zonedParts(t, loc);
        if (p.minute === 0) continue wrap;
      }
      while (!this.second.bits[p.second]) {
        if (!added) {
          added = true;
          t = Math.floor(t / 1000) * 1000;
        }
        t += 1000;
        p = zonedParts(t, loc);
        if (p.second === 0) continue wrap;
      }
      return t;
    }
  }

  /** dayMatches: day-of-month AND day-of-week when either is `*`, else OR (as Vixie cron). */
  private dayMatches(p: { day: number; weekday: number }): boolean {
    const domMatch = !!this.dom.bits[p.day];
    const dowMatch = !!this.dow.bits[p.weekday];
    if (this.dom.star || this.dow.star) return domMatch && dowMatch;
    return domMatch || dowMatch;
  }
}

/** ConstantDelaySchedule (@every): whole seconds, at least one. */
class ConstantDelaySchedule implements Schedule {
  constructor(private readonly delayMs: number) {}

  next(t: number): number {
    return Math.floor(t / 1000) * 1000 + this.delayMs;
  }
}

function parseDescriptor(spec: string, loc: string | undefined): Schedule {
  const zero = () => only(0);
  switch (spec) {
    case '@yearly':
    case '@annually':
      return new SpecSchedule(zero(), zero(), zero(), only(1), only(1), all(DOW), loc);
    case '@monthly':
      return new SpecSchedule(zero(), zero(), zero(), only(1), all(MONTHS), all(DOW), loc);
    case '@weekly':
      return new SpecSchedule(zero(), zero(), zero(), all(DOM), all(MONTHS), only(0), loc);
    case '@daily':
    case '@midnight':
      return new SpecSchedule(zero(), zero(), zero(), all(DOM), all(MONTHS), all(DOW), loc);
    case '@hourly':
      return new SpecSchedule(zero(), zero(), all(HOURS), all(DOM), all(MONTHS), all(DOW), loc);
  }
  const every = '@every ';
  if (spec.startsWith(every)) {
    const ms = parseGoDuration(spec.slice(every.length));
    const delay = Math.max(1000, ms);
    return new ConstantDelaySchedule(delay - (delay % 1000));
  }
  throw new CronError(`unrecognized descriptor: ${spec}`);
}

/** cron.ParseStandard: throws CronError with the library's message. */
export function parseStandard(input: string): Schedule {
  let spec = input;
  if (spec.length === 0) throw new CronError('empty spec string');
  let loc: string | undefined;
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const i = spec.indexOf(' ');
    const zone = spec.slice(spec.indexOf('=') + 1, i < 0 ? undefined : i);
    if (!isValidTimeZone(zone)) throw new CronError(`provided bad location ${zone}: unknown time zone ${zone}`);
    loc = zone;
    spec = i < 0 ? '' : spec.slice(i).trim();
  }
  if (spec.startsWith('@')) return parseDescriptor(spec, loc);
  const fields = spec.split(/\s+/).filter((f) => f.length > 0);
  if (fields.length !== 5) throw new CronError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  return new SpecSchedule(only(0), getField(fields[0], MINUTES), getField(fields[1], HOURS), getField(fields[2], DOM), getField(fields[3], MONTHS), getField(fields[4], DOW), loc);
}

/** The parse error text for a standard cron spec, or undefined when it parses. */
export function cronScheduleError(spec: string): string | undefined {
  try {
    parseStandard(spec);
    return undefined;
  } catch (e) {
    if (e instanceof CronError) return e.message;
    throw e;
  }
}
