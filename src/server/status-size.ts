// Bounds the size of an error body. Messages quote what the client sent (a name, a patched object), several times
// over: a 1 MiB name made a 4–6 MiB Status. Past the budget, each long text is cut, and the causes are capped, so an
// error costs the server and the client little whatever the input.
import type { Status } from '../apimachinery/types.js';

/** A Status whose JSON is at most this long is sent as it is. */
export const MAX_STATUS_BYTES = 64 * 1024;
const MAX_MESSAGE = 16 * 1024;
const MAX_CAUSE_MESSAGE = 2 * 1024;
const MAX_NAME = 1024;
const MAX_CAUSES = 32;

export function boundedStatus(status: Status, text = JSON.stringify(status)): string {
  if (text.length <= MAX_STATUS_BYTES) return text;
  const out: Status = { ...status, message: cut(status.message, MAX_MESSAGE) };
  if (status.details) {
    const d = { ...status.details };
    if (typeof d.name === 'string') d.name = cut(d.name, MAX_NAME);
    if (d.causes) {
      d.causes = d.causes.slice(0, MAX_CAUSES).map((c) => ({ ...c, message: cut(c.message, MAX_CAUSE_MESSAGE), field: cut(c.field, MAX_NAME) }));
    }
    out.details = d;
  }
  return JSON.stringify(out);
}

function cut<T extends string | undefined>(s: T, max: number): T {
  if (s === undefined || s.length <= max) return s;
  return `${s.slice(0, max)}... (${s.length - max} more characters)` as T;
}
