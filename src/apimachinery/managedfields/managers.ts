// metadata.managedFields ↔ the in-memory form: one field set per manager identity. As upstream, the identity is the
// entry without its time and fields (and without apiVersion for Apply entries), so an Update by the same manager
// through another apiVersion or subresource is a separate entry.
import type { ManagedFieldsEntry } from '../types.js';
import { FieldSet } from './fieldset.js';

export interface VersionedSet {
  set: FieldSet;
  apiVersion: string;
  applied: boolean;
}

export interface Managed {
  /** Keyed by manager identity (see managerIdentity). */
  fields: Map<string, VersionedSet>;
  times: Map<string, string | undefined>;
}

export interface ManagerInfo {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion?: string;
  subresource?: string;
}

export const emptyManaged = (): Managed => ({ fields: new Map(), times: new Map() });

export function managerIdentity(info: ManagerInfo): string {
  const id: Record<string, string> = {};
  if (info.manager) id.manager = info.manager;
  id.operation = info.operation;
  if (info.operation === 'Update' && info.apiVersion) id.apiVersion = info.apiVersion;
  if (info.subresource) id.subresource = info.subresource;
  return JSON.stringify(id);
}

export function parseManagerIdentity(identity: string): ManagerInfo {
  const parsed = JSON.parse(identity) as Partial<ManagerInfo>;
  return { manager: parsed.manager ?? '', operation: parsed.operation ?? 'Update', apiVersion: parsed.apiVersion, subresource: parsed.subresource };
}

/** Reads managedFields; throws (with upstream's wording) on entries that cannot be tracked. */
export function decodeManagedFields(entries: readonly ManagedFieldsEntry[] | undefined): Managed {
  const managed = emptyManaged();
  (entries ?? []).forEach((entry, i) => {
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    if (!entry.apiVersion) throw new Error('apiVersion must not be empty');
    if (!entry.fieldsType) throw new Error(`missing fieldsType in managed fields entry ${i}`);
    if (entry.fieldsType !== 'FieldsV1') throw new Error(`invalid fieldsType "${String(entry.fieldsType)}" in managed fields entry ${i}`);
    const identity = managerIdentity({ manager: entry.manager ?? '', operation: entry.operation, apiVersion: entry.apiVersion, subresource: entry.subresource });
    managed.fields.set(identity, { set: FieldSet.fromFieldsV1(entry.fieldsV1 ?? {}), apiVersion: entry.apiVersion, applied: entry.operation === 'Apply' });
    managed.times.set(identity, entry.time);
  });
  return managed;
}

/** The managedFields list, sorted like upstream (Apply before Update, then by time, manager, apiVersion, subresource). */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] | undefined {
  if (managed.fields.size === 0) return undefined;
  const entries: ManagedFieldsEntry[] = [];
  for (const [identity, vs] of managed.fields) {
    const info = parseManagerIdentity(identity);
    const entry: ManagedFieldsEntry = {};
    if (info.manager) entry.manager = info.manager;
    entry.operation = vs.applied ? 'Apply' : 'Update';
    entry.apiVersion = vs.apiVersion;
    const time = managed.times.get(identity);
    if (time) entry.time = time;
    entry.fieldsType = 'FieldsV1';
    entry.fieldsV1 = vs.set.toFieldsV1();
    if (info.subresource) entry.subresource = info.subresource;
    entries.push(entry);
  }
  return entries.sort(compareEntries);
}

const seconds = (time: string | undefined) => (time ? Math.floor(Date.parse(time) / 1000) || 0 : 0);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function compareEntries(p: ManagedFieldsEntry, q: ManagedFieldsEntry): number {
  if (p.operation !== q.operation) return cmp(p.operation ?? '', q.operation ?? '');
  const byTime = seconds(p.time) - seconds(q.time);
  if (byTime !== 0) return byTime;
  return cmp(p.manager ?? '', q.manager ?? '') || cmp(p.apiVersion ?? '', q.apiVersion ?? '') || cmp(p.subresource ?? '', q.subresource ?? '');
}

export const DEFAULT_MAX_UPDATE_MANAGERS = 10;

/**
 * Keeps at most `max` Update entries: the oldest ones are folded, per apiVersion, into an "ancient-changes" entry
 * (upstream capManagersManager).
 */
export function capUpdateManagers(managed: Managed, max = DEFAULT_MAX_UPDATE_MANAGERS): void {
  const updaters = [...managed.fields].filter(([, vs]) => !vs.applied).map(([id]) => id);
  if (updaters.length <= max) return;
  updaters.sort((a, b) => seconds(managed.times.get(a)) - seconds(managed.times.get(b)) || cmp(a, b));
  const firstByVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > max; i++) {
    const id = updaters[i];
    const vs = managed.fields.get(id)!;
    const time = managed.times.get(id);
    const bucket = managerIdentity({ manager: 'ancient-changes', operation: 'Update', apiVersion: vs.apiVersion });
    const first = firstByVersion.get(vs.apiVersion);
    if (first === undefined) {
      firstByVersion.set(vs.apiVersion, id);
      continue;
    }
    if (!managed.fields.has(bucket)) {
      managed.fields.set(bucket, managed.fields.get(first)!);
      managed.fields.delete(first);
    }
    const existing = managed.fields.get(bucket)!;
    managed.fields.set(bucket, { set: vs.set.union(existing.set), apiVersion: vs.apiVersion, applied: vs.applied });
    managed.fields.delete(id);
    managed.times.set(bucket, time);
    length--;
  }
}
