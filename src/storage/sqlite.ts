// The Store contract on an embedded SQLite file (better-sqlite3). One process owns the file; all writes run
// synchronously inside one transaction each, so the in-memory revision counter, the event ring and the watcher
// notifications always agree with what was committed.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { KubeObject } from '../apimachinery/types.js';
import { EventRing, HistoryEntry } from './event-ring.js';
import { StorageError, type ListResult, type Store, type StoreEvent, type StoreEventType, type StoredObject, type Watcher } from './interface.js';
import { prefixUpperBound } from './key-range.js';
import {
  configureConnection,
  EVENT_TYPE_CODES,
  EVENT_TYPES_BY_CODE,
  INITIAL_REVISION,
  migrate,
  prepareStatements,
  type Durability,
  type KvRow,
  type Statements,
} from './schema.js';
import { WatchHub } from './watch-hub.js';

export const DEFAULT_HISTORY_LIMIT = 10_000;

export interface SqliteStoreOptions {
  /** Database file, or ':memory:' (tests). Parent directories are created. */
  path: string;
  /** How many recent write events are retained for watches (default 10000). */
  historyLimit?: number;
  /** 'normal' (default) survives a process crash; 'full' fsyncs every commit and survives power loss. */
  durability?: Durability;
  /** Hold an exclusive lock on the file for the store's lifetime (default true). */
  exclusive?: boolean;
  /** How long to wait for a lock held by another process before failing (default 5000 ms). */
  busyTimeoutMs?: number;
  /** Called when a watch callback throws (default: logged to stderr). */
  onWatchCallbackError?: (err: unknown, ev: StoreEvent) => void;
}

export function openSqliteStore(opts: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(opts);
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly stmts: Statements;
  private readonly ring: EventRing;
  private readonly hub: WatchHub;
  private readonly historyLimit: number;
  /** Rows of the history table are deleted in batches once this many fall out of the ring. */
  private readonly trimBatch: number;
  private revision = INITIAL_REVISION;
  /** The history table holds no rows at or below this revision. */
  private trimmedThrough = 0;
  private closed = false;
  private readonly inTransaction: (write: () => void) => void;
  /** The history entry logged by the write transaction in progress. */
  private pendingEntry: HistoryEntry | undefined;
  /** Writes waiting for the next group commit. */
  private batch: PendingWrite[] = [];

  constructor(opts: SqliteStoreOptions) {
    this.historyLimit = opts.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    this.ring = new EventRing(this.historyLimit);
    this.trimBatch = Math.max(1, Math.floor(this.historyLimit / 8));
    this.hub = new WatchHub(opts.onWatchCallbackError ?? logWatchCallbackError);
    if (opts.path !== ':memory:') mkdirSync(dirname(opts.path), { recursive: true });
    this.db = new Database(opts.path, { timeout: opts.busyTimeoutMs ?? 5000 });
    try {
      configureConnection(this.db, opts.durability ?? 'normal', opts.exclusive ?? true);
      migrate(this.db);
      this.stmts = prepareStatements(this.db);
      this.inTransaction = this.db.transaction((write: () => void) => write());
      this.loadHistory();
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  async get(key: string): Promise<StoredObject | undefined> {
    this.assertOpen();
    const row = this.stmts.getKv.get(key);
    return row && storedFromRow(row);
  }

  async list(prefix: string, opts: { limit?: number; continueAfter?: string } = {}): Promise<ListResult> {
    this.assertOpen();
    const limit = opts.limit && opts.limit > 0 ? Math.floor(opts.limit) : 0;
    const rows = this.scan(prefix, opts.continueAfter, limit > 0 ? limit + 1 : -1);
    const result: ListResult = { items: [], revision: this.revision };
    if (limit > 0 && rows.length > limit) {
      rows.length = limit;
      const last = rows[limit - 1]!.key;
      result.continueAfter = last;
      result.remaining = this.countAfter(prefix, last);
    }
    result.items = rows.map(storedFromRow);
    return result;
  }

  /** Number of keys under `prefix` (for object-count metrics). */
  count(prefix: string): number {
    this.assertOpen();
    const upper = prefixUpperBound(prefix);
    return (upper === undefined ? this.stmts.countFrom.get(prefix) : this.stmts.countFromBounded.get(prefix, upper))!.n;
  }

  async create(key: string, value: KubeObject): Promise<StoredObject> {
    this.assertOpen();
    return this.enqueue((rev) => {
      const stamped = withResourceVersion(value, rev);
      const text = JSON.stringify(stamped);
      if (this.stmts.insertKv.run(key, text, rev, rev).changes === 0) {
        throw new StorageError('KeyExists', key, `key exists: ${key}`);
      }
      this.appendHistory(rev, key, 'ADDED', text, null);
      return { key, value: stamped, createRevision: rev, modRevision: rev };
    });
  }

  async update(key: string, value: KubeObject, expectedModRevision?: number): Promise<StoredObject> {
    this.assertOpen();
    return this.enqueue((rev) => {
      const current = this.currentFor(key, expectedModRevision);
      const stamped = withResourceVersion(value, rev);
      const text = JSON.stringify(stamped);
      this.stmts.updateKv.run(text, rev, key);
      this.appendHistory(rev, key, 'MODIFIED', text, current.value);
      return { key, value: stamped, createRevision: current.create_revision, modRevision: rev };
    });
  }

  async delete(key: string, expectedModRevision?: number): Promise<StoredObject> {
    this.assertOpen();
    return this.enqueue((rev) => {
      const current = this.currentFor(key, expectedModRevision);
      // As upstream, the DELETED event and the returned object carry the deletion revision.
      const last = JSON.parse(current.value) as KubeObject;
      last.metadata = { ...last.metadata, resourceVersion: String(rev) };
      this.stmts.deleteKv.run(key);
      this.appendHistory(rev, key, 'DELETED', JSON.stringify(last), current.value);
      return { key, value: last, createRevision: current.create_revision, modRevision: rev };
    });
  }

  watch(prefix: string, fromRevision: number, onEvent: (ev: StoreEvent) => void): Watcher {
    this.assertOpen();
    const compacted = this.compactedRevision();
    if (fromRevision < compacted) {
      throw new StorageError('Expired', prefix, `too old resource version: ${fromRevision} (${compacted})`);
    }
    return this.hub.watch(prefix, fromRevision, onEvent, this.ring);
  }

  currentRevision(): number {
    return this.revision;
  }

  compactedRevision(): number {
    // The ring always holds exactly the revisions (compacted, current].
    return this.revision - this.ring.length;
  }

  compact(revision: number): void {
    this.assertOpen();
    const target = Math.min(Math.floor(revision), this.revision);
    if (target <= this.compactedRevision()) return;
    this.db.transaction(() => {
      this.stmts.deleteHistoryThrough.run(target);
      this.stmts.setMeta.run(target, 'compacted_revision');
    })();
    this.trimmedThrough = Math.max(this.trimmedThrough, target);
    this.ring.dropThrough(target);
  }

  /** Number of live watchers (for metrics and tests). */
  watcherCount(): number {
    return this.hub.size;
  }

  /** Rows and revision bounds of the on-disk history table (diagnostics and tests). */
  historyStats(): { rows: number; oldest: number | null; newest: number | null } {
    this.assertOpen();
    const b = this.stmts.historyBounds.get()!;
    return { rows: this.stmts.historyRows.get()!.n, oldest: b.lo, newest: b.hi };
  }

  /** SQLite's own consistency check of the file: 'ok' when healthy, otherwise the problems found. */
  integrityCheck(): string {
    this.assertOpen();
    const rows = this.db.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check).join('\n');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush(); // acknowledge what was already accepted
    this.closed = true;
    this.hub.stopAll();
    this.db.close();
  }

  /**
   * Group commit: writes issued in the same turn of the event loop (concurrent requests) run in one transaction,
   * each in order and each acknowledged only after that transaction committed. A write whose own check fails (key
   * exists, conflict) is rejected alone and takes no revision; its checks run before it changes anything.
   */
  private enqueue(write: (rev: number) => StoredObject): Promise<StoredObject> {
    return new Promise((resolve, reject) => {
      this.batch.push({ write, resolve, reject });
      if (this.batch.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const ops = this.batch;
    this.batch = [];
    if (ops.length === 0) return;
    if (this.closed) {
      for (const op of ops) op.reject(new Error('storage is closed'));
      return;
    }
    const done: { op: PendingWrite; result: StoredObject; entry: HistoryEntry }[] = [];
    const failed: { op: PendingWrite; err: unknown }[] = [];
    try {
      this.inTransaction(() => {
        let rev = this.revision;
        for (const op of ops) {
          this.pendingEntry = undefined;
          try {
            const result = op.write(rev + 1);
            rev++;
            done.push({ op, result, entry: this.pendingEntry! });
          } catch (err) {
            failed.push({ op, err });
          }
        }
      });
    } catch (err) {
      this.pendingEntry = undefined;
      for (const op of ops) op.reject(err);
      return;
    }
    this.pendingEntry = undefined;
    for (const { op, result, entry } of done) {
      this.revision = entry.revision;
      this.ring.push(entry);
      this.hub.publish(entry);
      op.resolve(result);
    }
    for (const { op, err } of failed) op.reject(err);
  }

  /** Inside a write transaction: logs the event and, in batches, forgets rows that fell out of the window. */
  private appendHistory(rev: number, key: string, type: StoreEventType, text: string, prevText: string | null): void {
    this.stmts.insertHistory.run(rev, key, EVENT_TYPE_CODES[type], text, prevText);
    const compactedAfter = Math.max(this.compactedRevision(), rev - this.historyLimit);
    if (compactedAfter - this.trimmedThrough >= this.trimBatch) {
      this.stmts.deleteHistoryThrough.run(compactedAfter);
      this.trimmedThrough = compactedAfter;
    }
    this.pendingEntry = new HistoryEntry(rev, key, type, text, prevText);
  }

  /** The current row of `key`, checked against the caller's precondition. */
  private currentFor(key: string, expectedModRevision: number | undefined): KvRow {
    const row = this.stmts.getKv.get(key);
    if (!row) throw new StorageError('KeyNotFound', key, `key not found: ${key}`);
    if (expectedModRevision !== undefined && row.mod_revision !== expectedModRevision) {
      throw new StorageError(
        'Conflict',
        key,
        `resource version conflicts: ${key}: expected ${expectedModRevision}, current ${row.mod_revision}`,
        storedFromRow(row),
      );
    }
    return row;
  }

  private scan(prefix: string, continueAfter: string | undefined, fetch: number): KvRow[] {
    const upper = prefixUpperBound(prefix);
    const s = this.stmts;
    if (continueAfter !== undefined && continueAfter >= prefix) {
      return upper === undefined ? s.listAfter.all(continueAfter, fetch) : s.listAfterBounded.all(continueAfter, upper, fetch);
    }
    return upper === undefined ? s.listFrom.all(prefix, fetch) : s.listFromBounded.all(prefix, upper, fetch);
  }

  private countAfter(prefix: string, after: string): number {
    const upper = prefixUpperBound(prefix);
    return (upper === undefined ? this.stmts.countAfter.get(after) : this.stmts.countAfterBounded.get(after, upper))!.n;
  }

  /** Restores the revision and the watch window from disk. */
  private loadHistory(): void {
    const explicitCompaction = this.stmts.getMeta.get('compacted_revision')?.value ?? INITIAL_REVISION;
    const bounds = this.stmts.historyBounds.get()!;
    this.revision = Math.max(bounds.hi ?? 0, explicitCompaction);
    this.trimmedThrough = bounds.lo === null ? this.revision : bounds.lo - 1;
    const from = Math.max(explicitCompaction, this.revision - this.historyLimit);
    for (const row of this.stmts.historyAfter.iterate(from)) {
      const newest = this.ring.newest();
      if (newest && row.revision !== newest.revision + 1) this.ring.clear(); // a gap: only what follows it is usable
      this.ring.push(new HistoryEntry(row.revision, row.key, EVENT_TYPES_BY_CODE[row.type]!, row.value, row.prev_value));
    }
    if (this.ring.newest()?.revision !== this.revision) this.ring.clear();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('storage is closed');
  }
}

interface PendingWrite {
  write: (rev: number) => StoredObject;
  resolve: (v: StoredObject) => void;
  reject: (e: unknown) => void;
}

function storedFromRow(row: KvRow): StoredObject {
  return { key: row.key, value: JSON.parse(row.value) as KubeObject, createRevision: row.create_revision, modRevision: row.mod_revision };
}

/** A shallow copy of `value` whose metadata.resourceVersion is the write's revision; the input is not modified. */
function withResourceVersion(value: KubeObject, rev: number): KubeObject {
  return { ...value, metadata: { ...value.metadata, resourceVersion: String(rev) } };
}

function logWatchCallbackError(err: unknown, ev: StoreEvent): void {
  console.error(`storage: watch callback failed on ${ev.type} ${ev.key} at revision ${ev.revision}:`, err);
}
