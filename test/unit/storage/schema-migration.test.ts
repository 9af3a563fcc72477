import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import type { StoreEvent } from '../../../src/storage/interface.js';
import { openSqliteStore } from '../../../src/storage/sqlite.js';
import { PAGE_SIZE, SCHEMA_VERSION } from '../../../src/storage/schema.js';
import { upstreamKeyOf } from '../../../src/storage/key-layout.js';
import { repoPath } from '../../repo-path.js';
import { pod, tempDir } from './fixtures/temp-store.js';

/** Keys as schemas 1-3 wrote them, and as they read after the move to upstream's layout (schema 4). */
const oldKey = (name: string) => `/registry/core/pods/default/${name}`;
const key = (name: string) => `/registry/pods/default/${name}`;

// The file layout written by schema 1 (kv was a WITHOUT ROWID table).
const SCHEMA_1 = `
CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, create_revision INTEGER NOT NULL, mod_revision INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE history (revision INTEGER PRIMARY KEY, key TEXT NOT NULL, type INTEGER NOT NULL, value TEXT NOT NULL, prev_value TEXT);
INSERT INTO meta VALUES ('schema_version', 1), ('compacted_revision', 1);
`;

function writeSchema1File(path: string): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(SCHEMA_1);
  const text = (name: string, rv: number, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ ...pod(name), ...extra, metadata: { name, namespace: 'default', resourceVersion: String(rv) } });
  const kv = db.prepare('INSERT INTO kv VALUES (?, ?, ?, ?)');
  const history = db.prepare('INSERT INTO history VALUES (?, ?, ?, ?, ?)');
  kv.run(oldKey('b'), text('b', 3), 3, 3);
  history.run(2, oldKey('a'), 1, text('a', 2), null);
  history.run(3, oldKey('b'), 1, text('b', 3), null);
  kv.run(oldKey('a'), text('a', 4, { status: { phase: 'Running' } }), 2, 4);
  history.run(4, oldKey('a'), 2, text('a', 4, { status: { phase: 'Running' } }), text('a', 2));
  db.close();
}

test('a schema-1 file opens with its objects, revisions and watch history intact, and is upgraded once', async (t) => {
  const path = join(tempDir(t), 'state.db');
  writeSchema1File(path);

  const store = openSqliteStore({ path });
  assert.equal(store.currentRevision(), 4);
  const a = await store.get(key('a'));
  assert.deepEqual({ create: a?.createRevision, mod: a?.modRevision, phase: a?.value.status }, { create: 2, mod: 4, phase: { phase: 'Running' } });
  const listed = await store.list('/registry/pods/default/');
  assert.deepEqual(listed.items.map((i) => [i.key, i.value.metadata.resourceVersion]), [[key('a'), '4'], [key('b'), '3']]);
  const page = await store.list('/registry/pods/', { limit: 1 });
  assert.deepEqual([page.items.length, page.continueAfter, page.remaining], [1, key('a'), 1]);

  const events: StoreEvent[] = [];
  const w = store.watch('/registry/pods/', 1, (ev) => events.push(ev));
  assert.deepEqual(events.map((e) => [e.type, e.revision, e.prevObject?.metadata.resourceVersion]), [['ADDED', 2, undefined], ['ADDED', 3, undefined], ['MODIFIED', 4, '2']]);
  w.stop();

  await assert.rejects(store.create(key('a'), pod('a')), /key exists/);
  const c = await store.create(key('c'), pod('c'));
  assert.equal(c.modRevision, 5);
  await store.close();

  const db = new Database(path, { readonly: true });
  const table = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'kv'").get() as { sql: string };
  const version = db.prepare("SELECT value FROM meta WHERE name = 'schema_version'").get() as { value: number };
  const leftovers = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'kv_schema1'").get() as { n: number };
  db.close();
  assert.doesNotMatch(table.sql, /WITHOUT ROWID/i);
  assert.equal(version.value, SCHEMA_VERSION);
  assert.equal(leftovers.n, 0);

  const again = openSqliteStore({ path });
  assert.deepEqual((await again.list('/registry/pods/default/')).items.map((i) => i.key), [key('a'), key('b'), key('c')]);
  assert.equal(again.currentRevision(), 5);
  await again.close();
});

test('a schema-3 file moves every key, current and in the history, into upstream\'s layout', async (t) => {
  const path = join(tempDir(t), 'state.db');
  const old = new Database(path);
  old.pragma('journal_mode = WAL');
  old.exec(SCHEMA_2.replace("('schema_version', 2)", "('schema_version', 3)"));
  old.exec('ALTER TABLE history ADD COLUMN prev_revision INTEGER');
  const keys = [
    ['/registry/core/services/default/kubernetes', '/registry/services/specs/default/kubernetes'],
    ['/registry/core/endpoints/default/kubernetes', '/registry/services/endpoints/default/kubernetes'],
    ['/registry/core/nodes/n1', '/registry/minions/n1'],
    ['/registry/apps/statefulsets/default/web', '/registry/statefulsets/default/web'],
    ['/registry/apiextensions.k8s.io/customresourcedefinitions/crontabs.stable.example.com', '/registry/apiextensions.k8s.io/customresourcedefinitions/crontabs.stable.example.com'],
    ['/registry/stable.example.com/crontabs/default/c', '/registry/stable.example.com/crontabs/default/c'],
  ];
  keys.forEach(([k], i) => {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'X', metadata: { name: 'x', resourceVersion: String(i + 2) } });
    old.prepare('INSERT INTO kv VALUES (?, ?, ?, ?)').run(k, text, i + 2, i + 2);
    old.prepare('INSERT INTO history VALUES (?, ?, ?, ?, ?, ?)').run(i + 2, k, 1, text, null, null);
  });
  old.close();

  const store = openSqliteStore({ path });
  t.after(() => store.close());
  assert.deepEqual((await store.list('/registry/')).items.map((i) => i.key).sort(), keys.map(([, k]) => k).sort());
  const events: string[] = [];
  store.watch('/registry/', 1, (ev) => events.push(ev.key)).stop();
  assert.deepEqual(events, keys.map(([, k]) => k));
});

test('a file from a newer schema is refused', (t) => {
  const path = join(tempDir(t), 'state.db');
  const db = new Database(path);
  db.exec(`CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID; INSERT INTO meta VALUES ('schema_version', ${SCHEMA_VERSION + 1});`);
  db.close();
  assert.throws(() => openSqliteStore({ path }), new RegExp(`database schema version ${SCHEMA_VERSION + 1} is newer than this server supports`));
});

// The file layout written by schema 2: history rows carried the previous value inline, with no prev_revision.
const SCHEMA_2 = `
CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, create_revision INTEGER NOT NULL, mod_revision INTEGER NOT NULL);
CREATE TABLE history (revision INTEGER PRIMARY KEY, key TEXT NOT NULL, type INTEGER NOT NULL, value TEXT NOT NULL, prev_value TEXT);
INSERT INTO meta VALUES ('schema_version', 2), ('compacted_revision', 1);
`;

test('a schema-2 file keeps its inline previous values, and new updates point at their predecessor', async (t) => {
  const path = join(tempDir(t), 'state.db');
  const old = new Database(path);
  old.pragma('journal_mode = WAL');
  old.exec(SCHEMA_2);
  const text = (rv: number, v: number) => JSON.stringify({ ...pod('a'), spec: { v }, metadata: { name: 'a', namespace: 'default', resourceVersion: String(rv) } });
  old.prepare('INSERT INTO kv VALUES (?, ?, ?, ?)').run(oldKey('a'), text(3, 2), 2, 3);
  old.prepare('INSERT INTO history VALUES (?, ?, ?, ?, ?)').run(2, oldKey('a'), 1, text(2, 1), null);
  old.prepare('INSERT INTO history VALUES (?, ?, ?, ?, ?)').run(3, oldKey('a'), 2, text(3, 2), text(2, 1));
  old.close();

  const store = openSqliteStore({ path, exclusive: false });
  const updated = await store.update(key('a'), { ...pod('a'), spec: { v: 3 } }, 3);
  assert.deepEqual([updated.createRevision, updated.modRevision], [2, 4]);
  await store.close();

  const db = new Database(path, { readonly: true });
  const rows = db.prepare('SELECT revision, prev_value IS NOT NULL AS inline, prev_revision FROM history ORDER BY revision').all();
  const version = db.prepare("SELECT value FROM meta WHERE name = 'schema_version'").get() as { value: number };
  const pageSize = db.pragma('page_size', { simple: true });
  db.close();
  assert.deepEqual(rows.map((r) => ({ ...(r as object) })), [
    { revision: 2, inline: 0, prev_revision: null },
    { revision: 3, inline: 1, prev_revision: null },
    { revision: 4, inline: 0, prev_revision: 3 },
  ]);
  assert.equal(version.value, SCHEMA_VERSION);
  assert.equal(pageSize, 4096, 'an existing file keeps its page size');

  const again = openSqliteStore({ path });
  t.after(() => again.close());
  const events: StoreEvent[] = [];
  again.watch('/registry/pods/', 1, (ev) => events.push(ev)).stop();
  assert.deepEqual(events.map((e) => [e.revision, e.prevObject?.spec]), [[2, undefined], [3, { v: 1 }], [4, { v: 2 }]]);
  assert.deepEqual((await again.get(key('a')))?.value.spec, { v: 3 });
});

test('a new file gets the larger page size', async (t) => {
  const path = join(tempDir(t), 'state.db');
  await openSqliteStore({ path }).close();
  const db = new Database(path, { readonly: true });
  t.after(() => db.close());
  assert.equal(db.pragma('page_size', { simple: true }), PAGE_SIZE);
});

interface RawRow { key: string; value: string; create_revision: number; mod_revision: number }

test('a data dir written by Berth before upstream\'s layout (schema 3, made through its API) keeps every object, revision and event', async (t) => {
  // tools/make-schema3-fixture.sh made this file with the previous Berth and the real kubectl.
  const path = join(tempDir(t), 'state.db');
  writeFileSync(path, gunzipSync(readFileSync(repoPath('test/unit/storage/fixtures/schema3-state.db.gz'))));
  const raw = new Database(path, { readonly: true });
  assert.equal(raw.prepare<[], { value: number }>("SELECT value FROM meta WHERE name = 'schema_version'").get()?.value, 3);
  const rows = raw.prepare<[], RawRow>('SELECT key, value, create_revision, mod_revision FROM kv').all();
  const history = raw.prepare<[], { revision: number; key: string; type: number }>('SELECT revision, key, type FROM history ORDER BY revision').all();
  raw.close();
  assert.ok(rows.length > 50 && history.length > rows.length, `fixture has ${rows.length} objects, ${history.length} events`);

  const store = openSqliteStore({ path });
  t.after(() => store.close());
  assert.equal(store.currentRevision(), history.at(-1)!.revision);
  const all = await store.list('/registry/');
  assert.equal(all.items.length, rows.length, 'no object lost or added');
  for (const row of rows) {
    const got = await store.get(upstreamKeyOf(row.key));
    assert.ok(got, `${row.key} is at ${upstreamKeyOf(row.key)}`);
    assert.deepEqual([got.value, got.createRevision, got.modRevision], [JSON.parse(row.value), row.create_revision, row.mod_revision], row.key);
  }
  const keys = new Set(all.items.map((i) => i.key));
  for (const k of ['/registry/services/specs/shop/web', '/registry/services/endpoints/shop/web', '/registry/minions/berth-node-1', '/registry/pods/shop/db-0',
    '/registry/secrets/shop/creds', '/registry/statefulsets/shop/db', '/registry/roles/shop/reader', '/registry/clusterroles/watcher',
    '/registry/ingress/shop/web', '/registry/leases/shop/lock', '/registry/endpointslices/shop/web-zpwsb',
    '/registry/apiextensions.k8s.io/customresourcedefinitions/crontabs.stable.example.com', '/registry/stable.example.com/crontabs/shop/nightly']) {
    assert.ok(keys.has(k), `${k} listed`);
  }
  assert.deepEqual([...keys].filter((k) => /^\/registry\/(core|apps|batch|rbac\.authorization\.k8s\.io|networking\.k8s\.io)\//.test(k)), [], 'no key left in the old layout');

  // The history replays as before, under the new keys: a watch from the start sees every event once, in order.
  const events: StoreEvent[] = [];
  store.watch('/registry/', 1, (ev) => events.push(ev)).stop();
  assert.deepEqual(events.map((e) => [e.revision, e.key, e.type]),
    history.map((h) => [h.revision, upstreamKeyOf(h.key), ({ 1: 'ADDED', 2: 'MODIFIED', 3: 'DELETED' } as const)[h.type as 1 | 2 | 3]]));
  assert.ok(events.some((e) => e.type === 'DELETED' && e.key === '/registry/configmaps/shop/gone'));

  // Opened again, nothing moves a second time, and writes carry on from the old revision.
  await store.close();
  const again = openSqliteStore({ path });
  t.after(() => again.close());
  assert.equal((await again.list('/registry/')).items.length, rows.length);
  const settings = await again.get('/registry/configmaps/shop/settings');
  assert.deepEqual(settings?.value.data, { mode: 'slow' });
  const next = await again.update(settings!.key, { ...settings!.value, data: { mode: 'fast' } }, settings!.modRevision);
  assert.equal(next.modRevision, history.at(-1)!.revision + 1);
});
