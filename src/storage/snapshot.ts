// Reading a prefix as it was at an earlier revision, the way etcd answers a range read at a revision: the current
// rows, with every key written after that revision replaced by its value just before its first later write (or
// left out when that write created it). The event ring holds every write after the compacted revision together
// with the value it replaced, so any revision from compactedRevision() on can be reconstructed.
import type { EventRing } from './event-ring.js';

/** A key's state at the snapshot revision: its value then (text and revisions), or null when it did not exist. */
export type PastState = { text: string; createRevision: number; modRevision: number } | null;

/**
 * The keys under `prefix` (and after `after`, when given) written in (revision, newest]: for each, its state at
 * `revision`. `prevTextOf` supplies a previous value the ring entry does not hold (read back from the history table).
 */
export function pastStates(
  ring: EventRing, prefix: string, revision: number, after: string | undefined,
  prevTextOf: (prevRevision: number, key: string) => string | undefined,
): Map<string, PastState> {
  const past = new Map<string, PastState>();
  const newest = ring.newest()?.revision ?? revision;
  for (let r = revision + 1; r <= newest; r++) {
    const e = ring.at(r);
    if (!e) throw new Error(`snapshot at ${revision}: revision ${r} is not retained`);
    if (!e.key.startsWith(prefix) || (after !== undefined && e.key <= after) || past.has(e.key)) continue;
    if (e.type === 'ADDED') {
      past.set(e.key, null);
      continue;
    }
    const text = e.prevText ?? prevTextOf(e.prevRevision, e.key);
    if (text === undefined) throw new Error(`snapshot at ${revision}: the value of ${e.key} at ${e.prevRevision} is gone`);
    past.set(e.key, { text, createRevision: e.createRevision, modRevision: e.prevRevision });
  }
  return past;
}
