// Tables, connection settings and prepared statements of the SQLite store.
//
//   kv       current objects; prefix lists are one range scan of the key index. A rowid table, so an object of a
//            few KB sits whole in its leaf page: WITHOUT ROWID (schema 1) kept only ~1 KB inline and spilled the
//            rest to overflow pages, which made every write rewrite several more pages
//   history  one row per write, the revision log; its highest revision is the store revision. An update or delete
//            names the revision of the key's previous write (prev_revision) instead of storing that value again;
//            prev_value is filled in only when the row it points at is about to be trimmed (or already was).
//            Schema 2 stored prev_value on every row, which doubled the bytes written per update
//   meta     small durable counters (the explicit compaction point, schema version)
// Schema 4 moved the keys to upstream's layout (key-layout.ts): `/registry/core/pods/…` became `/registry/pods/…`.
import type Database from 'better-sqlite3';
import type { StoreEventType } from './interface.js';
import { upstreamKeyOf } from './key-layout.js';

export const SCHEMA_VERSION = 4;
/** Revision of an empty store; like etcd, the first write gets revision 2 and "0" is never a real revision. */
export const INITIAL_REVISION = 1;

const DDL = `
CREATE TABLE IF NOT EXISTS meta (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS history (
  revision   INTEGER PRIMARY KEY,
  key        TEXT NOT NULL,
  type       INTEGER NOT NULL,
  value      TEXT NOT NULL,
  prev_value TEXT,
  prev_revision INTEGER
);
`;

const KV_TABLE = (name: string) => `
CREATE TABLE ${name} (
  key             TEXT PRIMARY KEY,
  value           TEXT NOT NULL,
  create_revision INTEGER NOT NULL,
  mod_revision    INTEGER NOT NULL
);`;

export type Durability = 'normal' | 'full';

/** Page size of new database files. */
export const PAGE_SIZE = 8192;

/**
 * WAL with synchronous=NORMAL makes every commit reach the OS before the write is acknowledged, which survives a
 * crash of this process (kill -9) but not necessarily of the machine; 'full' also fsyncs the WAL on each commit.
 * Exclusive locking keeps a second server from opening the same file and forking the revision counter.
 */
export function configureConnection(db: Database.Database, durability: Durability, exclusive: boolean): void {
  // Only takes effect while the file is still empty (existing files keep theirs): 8 KiB pages hold several
  // objects of a few KB each where 4 KiB pages held one, so a commit writes fewer pages and the trees stay shallow.
  db.pragma(`page_size = ${PAGE_SIZE}`);
  // Also only for a new file (useIncrementalVacuum converts an older one): freed pages can be given back to the OS.
  db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('temp_store = MEMORY');
  if (exclusive) db.pragma('locking_mode = EXCLUSIVE');
}

/**
 * SQLite's quick_check of the whole file (structure, not index contents), at start: a damaged file stops the server
 * with the file's name instead of failing later on some read.
 */
export function checkIntegrity(db: Database.Database, path: string): void {
  let problems: string[];
  try {
    problems = (db.pragma('quick_check(20)') as { quick_check: string }[]).map((r) => r.quick_check);
  } catch (e) {
    problems = [e instanceof Error ? e.message : String(e)];
  }
  if (problems.length === 1 && problems[0] === 'ok') return;
  throw new Error(`${path} is damaged (SQLite quick_check failed): ${problems.join('; ')}; restore it from a backup or move it away to start empty`);
}

/** auto_vacuum mode 2: INCREMENTAL. */
const AUTO_VACUUM_INCREMENTAL = 2;

/**
 * Files made before incremental vacuum (auto_vacuum NONE) are rebuilt once by VACUUM, which is the only way SQLite
 * changes the mode of a file that has tables. The layout stays readable by older servers: no schema version bump.
 */
export function useIncrementalVacuum(db: Database.Database): void {
  if (db.pragma('auto_vacuum', { simple: true }) === AUTO_VACUUM_INCREMENTAL) return;
  db.pragma('auto_vacuum = INCREMENTAL');
  db.exec('VACUUM');
}

/**
 * Gives free pages back to the file system when they are more than a quarter of the file (and at least 1 MiB):
 * after mass deletion or history compaction the file shrinks instead of staying at its high-water mark.
 * Returns the pages freed.
 */
export function vacuumFreePages(db: Database.Database): number {
  const free = db.pragma('freelist_count', { simple: true }) as number;
  const total = db.pragma('page_count', { simple: true }) as number;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  if (free * pageSize < 1024 * 1024 || free * 4 < total) return 0;
  db.pragma('incremental_vacuum');
  // In WAL mode the file shrinks when the truncation is checkpointed.
  db.pragma('wal_checkpoint(TRUNCATE)');
  return free;
}

export function migrate(db: Database.Database): void {
  db.transaction(() => {
    db.exec(DDL);
    const row = db.prepare<[string], { value: number }>('SELECT value FROM meta WHERE name = ?').get('schema_version');
    if (row && row.value > SCHEMA_VERSION) {
      throw new Error(`database schema version ${row.value} is newer than this server supports (${SCHEMA_VERSION})`);
    }
    const hasKv = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kv'").get() !== undefined;
    if (!hasKv) db.exec(KV_TABLE('kv'));
    else if (row && row.value < 2) rebuildKvWithRowids(db);
    addPrevRevision(db);
    if (row && row.value < 4) moveToUpstreamKeys(db);
    db.prepare('INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)').run('schema_version', SCHEMA_VERSION);
    db.prepare('INSERT OR IGNORE INTO meta (name, value) VALUES (?, ?)').run('compacted_revision', INITIAL_REVISION);
  }).immediate();
}

/** Schema 1 → 2: the same rows, moved from the WITHOUT ROWID table into a rowid one (inside the caller's transaction). */
function rebuildKvWithRowids(db: Database.Database): void {
  db.exec(`ALTER TABLE kv RENAME TO kv_schema1;
${KV_TABLE('kv')}
INSERT INTO kv (key, value, create_revision, mod_revision)
  SELECT key, value, create_revision, mod_revision FROM kv_schema1 ORDER BY key;
DROP TABLE kv_schema1;`);
}

/** Schema 2 → 3 (idempotent): existing rows keep their inline prev_value; only new rows point at their predecessor. */
function addPrevRevision(db: Database.Database): void {
  const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('history')").all();
  if (!columns.some((c) => c.name === 'prev_revision')) db.exec('ALTER TABLE history ADD COLUMN prev_revision INTEGER');
}

/** Schema 3 → 4: every key, current and in the history, rewritten into upstream's layout. */
function moveToUpstreamKeys(db: Database.Database): void {
  db.function('berth_upstream_key', { deterministic: true }, (key: unknown) => upstreamKeyOf(String(key)));
  db.exec(`UPDATE kv SET key = berth_upstream_key(key);
UPDATE history SET key = berth_upstream_key(key);`);
}

export const EVENT_TYPE_CODES: Record<StoreEventType, number> = { ADDED: 1, MODIFIED: 2, DELETED: 3 };
export const EVENT_TYPES_BY_CODE: Record<number, StoreEventType> = { 1: 'ADDED', 2: 'MODIFIED', 3: 'DELETED' };

export interface KvRow {
  key: string;
  value: string;
  create_revision: number;
  mod_revision: number;
}

/** A history row without its values (octet_length reads the record header, not the value's pages). */
export interface HistoryShape {
  revision: number;
  key: string;
  type: number;
  prev_revision: number | null;
  inline_prev: number;
  bytes: number;
}

/** The revisions of a key's row: what a write needs to check its precondition, without reading the value. */
export interface KvRevisions {
  create_revision: number;
  mod_revision: number;
}

const KV_COLUMNS = 'key, value, create_revision, mod_revision';

/** A page of values joined: the bytes, how many, and the last key (null for an empty page). */
export interface JoinedRow {
  joined: Buffer | null;
  n: number;
  last: string | null;
}

const joinedRange = (where: string) =>
  `SELECT CAST(group_concat(value, ',' ORDER BY key) AS BLOB) AS joined, count(*) AS n, max(key) AS last FROM (SELECT key, value FROM kv WHERE ${where} ORDER BY key LIMIT ?)`;

type Stmt<Params extends unknown[], Row = unknown> = Database.Statement<Params, Row>;

export interface Statements {
  getKv: Stmt<[string], KvRow>;
  getKvRevisions: Stmt<[string], KvRevisions>;
  getKvValue: Stmt<[string], { value: string }>;
  insertKv: Stmt<[string, string | Buffer, number, number]>;
  updateKv: Stmt<[string | Buffer, number, string]>;
  deleteKv: Stmt<[string]>;
  listFromBounded: Stmt<[string, string, number], KvRow>;
  listAfterBounded: Stmt<[string, string, number], KvRow>;
  listFrom: Stmt<[string, number], KvRow>;
  listAfter: Stmt<[string, number], KvRow>;
  countFromBounded: Stmt<[string, string], { n: number }>;
  countAfterBounded: Stmt<[string, string], { n: number }>;
  countFrom: Stmt<[string], { n: number }>;
  countAfter: Stmt<[string], { n: number }>;
  joinFromBounded: Stmt<[string, string, number], JoinedRow>;
  joinAfterBounded: Stmt<[string, string, number], JoinedRow>;
  joinFrom: Stmt<[string, number], JoinedRow>;
  joinAfter: Stmt<[string, number], JoinedRow>;
  insertHistory: Stmt<[number, string, number, string | Buffer, string | Buffer | null, number | null]>;
  storePrevValue: Stmt<[string | Buffer, number]>;
  historyValue: Stmt<[number], { value: string }>;
  /** Re-encryption at start: rows under a prefix, and rewriting a value in place (same revision). */
  kvKeysUnder: Stmt<[string, string], { key: string }>;
  historyKeysUnder: Stmt<[string, string], { revision: number; key: string }>;
  rewriteKv: Stmt<[string | Buffer, string]>;
  rewriteHistory: Stmt<[string | Buffer, string | Buffer | null, number]>;
  deleteHistoryThrough: Stmt<[number]>;
  /** The newest rows after a revision, newest first, without their values: what start-up keeps of the history. */
  historyShapesDesc: Stmt<[number, number], HistoryShape>;
  historyRow: Stmt<[number], { value: string | Buffer; prev_value: string | Buffer | null; prev_revision: number | null }>;
  historyBounds: Stmt<[], { lo: number | null; hi: number | null }>;
  historyRows: Stmt<[], { n: number }>;
  getMeta: Stmt<[string], { value: number }>;
  setMeta: Stmt<[number, string]>;
}

export function prepareStatements(db: Database.Database): Statements {
  return {
    getKv: db.prepare<[string], KvRow>(`SELECT ${KV_COLUMNS} FROM kv WHERE key = ?`),
    getKvRevisions: db.prepare<[string], KvRevisions>('SELECT create_revision, mod_revision FROM kv WHERE key = ?'),
    getKvValue: db.prepare<[string], { value: string }>('SELECT value FROM kv WHERE key = ?'),
    insertKv: db.prepare<[string, string | Buffer, number, number]>(
      'INSERT INTO kv (key, value, create_revision, mod_revision) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING',
    ),
    updateKv: db.prepare<[string | Buffer, number, string]>('UPDATE kv SET value = ?, mod_revision = ? WHERE key = ?'),
    deleteKv: db.prepare<[string]>('DELETE FROM kv WHERE key = ?'),

    // Range scans over the primary key: [lower or (lower, upper). LIMIT -1 means no limit.
    listFromBounded: db.prepare<[string, string, number], KvRow>(
      `SELECT ${KV_COLUMNS} FROM kv WHERE key >= ? AND key < ? ORDER BY key LIMIT ?`,
    ),
    listAfterBounded: db.prepare<[string, string, number], KvRow>(
      `SELECT ${KV_COLUMNS} FROM kv WHERE key > ? AND key < ? ORDER BY key LIMIT ?`,
    ),
    listFrom: db.prepare<[string, number], KvRow>(`SELECT ${KV_COLUMNS} FROM kv WHERE key >= ? ORDER BY key LIMIT ?`),
    listAfter: db.prepare<[string, number], KvRow>(`SELECT ${KV_COLUMNS} FROM kv WHERE key > ? ORDER BY key LIMIT ?`),
    countFromBounded: db.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM kv WHERE key >= ? AND key < ?'),
    countAfterBounded: db.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM kv WHERE key > ? AND key < ?'),
    countFrom: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM kv WHERE key >= ?'),
    countAfter: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM kv WHERE key > ?'),

    // The same ranges' values in key order joined with commas, as bytes: a JSON list's items without a JS string each.
    joinFromBounded: db.prepare<[string, string, number], JoinedRow>(joinedRange('key >= ? AND key < ?')),
    joinAfterBounded: db.prepare<[string, string, number], JoinedRow>(joinedRange('key > ? AND key < ?')),
    joinFrom: db.prepare<[string, number], JoinedRow>(joinedRange('key >= ?')),
    joinAfter: db.prepare<[string, number], JoinedRow>(joinedRange('key > ?')),

    insertHistory: db.prepare<[number, string, number, string | Buffer, string | Buffer | null, number | null]>(
      'INSERT INTO history (revision, key, type, value, prev_value, prev_revision) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    storePrevValue: db.prepare<[string | Buffer, number]>('UPDATE history SET prev_value = ? WHERE revision = ?'),
    historyValue: db.prepare<[number], { value: string }>('SELECT value FROM history WHERE revision = ?'),
    kvKeysUnder: db.prepare<[string, string], { key: string }>('SELECT key FROM kv WHERE key >= ? AND key < ?'),
    historyKeysUnder: db.prepare<[string, string], { revision: number; key: string }>('SELECT revision, key FROM history WHERE key >= ? AND key < ?'),
    rewriteKv: db.prepare<[string | Buffer, string]>('UPDATE kv SET value = ? WHERE key = ?'),
    rewriteHistory: db.prepare<[string | Buffer, string | Buffer | null, number]>('UPDATE history SET value = ?, prev_value = ? WHERE revision = ?'),
    deleteHistoryThrough: db.prepare<[number]>('DELETE FROM history WHERE revision <= ?'),
    historyShapesDesc: db.prepare<[number, number], HistoryShape>(
      `SELECT revision, key, type, prev_revision, prev_value IS NOT NULL AS inline_prev,
         octet_length(value) + coalesce(octet_length(prev_value), 0) AS bytes
       FROM history WHERE revision > ? ORDER BY revision DESC LIMIT ?`,
    ),
    historyRow: db.prepare<[number], { value: string | Buffer; prev_value: string | Buffer | null; prev_revision: number | null }>(
      'SELECT value, prev_value, prev_revision FROM history WHERE revision = ?',
    ),
    historyBounds: db.prepare<[], { lo: number | null; hi: number | null }>(
      'SELECT min(revision) AS lo, max(revision) AS hi FROM history',
    ),

    historyRows: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM history'),

    getMeta: db.prepare<[string], { value: number }>('SELECT value FROM meta WHERE name = ?'),
    setMeta: db.prepare<[number, string]>('UPDATE meta SET value = ? WHERE name = ?'),
  };
}
