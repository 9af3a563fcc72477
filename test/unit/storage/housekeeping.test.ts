// Storage housekeeping on SQLite: free pages go back to the file system (incremental vacuum, also for files made
// before it), and a damaged file stops the store at open with the file's name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../../src/storage/sqlite.js';
import { pod, tempDir, tempStore } from './fixtures/temp-store.js';

const key = (name: string) => `/registry/pods/default/${name}`;
/** The database and its WAL, in MB. */
const fileMb = (path: string) => (statSync(path).size + (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0)) / 1024 / 1024;

test('after mass deletion and history compaction the file shrinks', async (t) => {
  const { store, path } = tempStore(t, { historyLimit: 100, vacuumIntervalMs: 0 });
  for (let i = 0; i < 600; i++) await store.create(key(`p-${i}`), pod(`p-${i}`, 'default', { spec: { blob: 'x'.repeat(20_000) } }));
  for (let i = 0; i < 600; i++) await store.delete(key(`p-${i}`));
  store.compact(store.currentRevision());
  const full = fileMb(path);
  assert.ok(full > 10, `${full.toFixed(1)} MB before housekeeping`);
  // the deletions' pages are free now; housekeeping gives them back
  const freed = store.housekeeping();
  const after = fileMb(path);
  assert.ok(freed > 0, 'free pages were released');
  assert.ok(after < full / 4, `file went from ${full.toFixed(1)} MB to ${after.toFixed(1)} MB`);
  // and the store carries on
  await store.create(key('after'), pod('after'));
  assert.equal((await store.list('/registry/pods/')).items.length, 1);
});

test('a file made before incremental vacuum is converted once at open, keeping its objects', async (t) => {
  const path = join(tempDir(t), 'state.db');
  const old = openSqliteStore({ path, vacuumIntervalMs: 0 });
  await old.create(key('a'), pod('a'));
  await old.close();
  const raw = new Database(path);
  raw.pragma('auto_vacuum = NONE');
  raw.exec('VACUUM');
  assert.equal(raw.pragma('auto_vacuum', { simple: true }), 0);
  raw.close();

  const store = openSqliteStore({ path, vacuumIntervalMs: 0, exclusive: false });
  t.after(() => store.close());
  assert.equal((await store.get(key('a')))?.value.metadata.name, 'a');
  const check = new Database(path, { readonly: true });
  try {
    assert.equal(check.pragma('auto_vacuum', { simple: true }), 2, 'INCREMENTAL');
  } finally {
    check.close();
  }
});

test('a damaged file is refused at open with its name', async (t) => {
  const path = join(tempDir(t), 'state.db');
  const store = openSqliteStore({ path, vacuumIntervalMs: 0 });
  for (let i = 0; i < 200; i++) await store.create(key(`p-${i}`), pod(`p-${i}`, 'default', { spec: { blob: 'y'.repeat(2000) } }));
  await store.close();
  // scribble over pages in the middle of the file (not the header)
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(8192 * 3, 0x5a), 0, 8192 * 3, 8192 * 4);
  closeSync(fd);
  assert.throws(() => openSqliteStore({ path }), (e: Error) => {
    assert.ok(e.message.includes(path), e.message);
    assert.match(e.message, /damaged|malformed|not a database/);
    return true;
  });
});

test('a file that is not a database is refused with its name', async (t) => {
  const path = join(tempDir(t), 'state.db');
  const fd = openSync(path, 'w');
  writeSync(fd, Buffer.alloc(64 * 1024, 0x41));
  closeSync(fd);
  assert.throws(() => openSqliteStore({ path }), (e: Error) => {
    assert.ok(e.message.startsWith(`${path}: `), e.message);
    assert.match(e.message, /not a database/);
    return true;
  });
});
