// History rows name the previous write's revision instead of repeating its value; these tests check that every
// watch still gets the right prevObject however the row it points at went away (trim, compaction, restart), and
// that writes and reads served from the in-memory window behave exactly like reads of the table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import type { StoreEvent } from '../../../src/storage/interface.js';
import type { SqliteStore } from '../../../src/storage/sqlite.js';
import { pod, tempStore } from './fixtures/temp-store.js';

const key = (name: string) => `/registry/pods/default/${name}`;

/** prev_value (as stored, or null) and prev_revision of the history row at `revision`. */
function historyRow(path: string, revision: number): { prev_value: string | null; prev_revision: number | null } | undefined {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT prev_value, prev_revision FROM history WHERE revision = ?').get(revision) as never;
  } finally {
    db.close();
  }
}

function eventsFrom(store: SqliteStore, from: number): StoreEvent[] {
  const events: StoreEvent[] = [];
  store.watch('/registry/pods/', from, (ev) => events.push(ev)).stop();
  return events;
}

const prevOf = (events: StoreEvent[], revision: number) => {
  const ev = events.find((e) => e.revision === revision);
  assert.ok(ev, `event ${revision} is retained`);
  return ev.prevObject && { rv: ev.prevObject.metadata.resourceVersion, spec: ev.prevObject.spec };
};

async function fill(store: SqliteStore, from: number, n: number): Promise<void> {
  for (let i = from; i < from + n; i++) await store.create(key(`filler-${i}`), pod(`filler-${i}`));
}

test('an update stores a reference to the previous write, not its value, and a restart rebuilds prevObject', async (t) => {
  const { store, path, reopen } = tempStore(t, { historyLimit: 100, exclusive: false }); // the test reads the file too
  const a = await store.create(key('a'), pod('a', 'default', { spec: { v: 1 } }));
  const a2 = await store.update(key('a'), pod('a', 'default', { spec: { v: 2 } }));
  const gone = await store.delete(key('a'));
  const again = await reopen(store, { historyLimit: 100 });

  assert.deepEqual(historyRow(path, a2.modRevision), { prev_value: null, prev_revision: a.modRevision });
  assert.deepEqual(historyRow(path, gone.modRevision), { prev_value: null, prev_revision: a2.modRevision });
  const events = eventsFrom(again, a.modRevision - 1);
  assert.equal(prevOf(events, a.modRevision), undefined);
  assert.deepEqual(prevOf(events, a2.modRevision), { rv: String(a.modRevision), spec: { v: 1 } });
  assert.deepEqual(prevOf(events, gone.modRevision), { rv: String(a2.modRevision), spec: { v: 2 } });
});

test('a row whose predecessor is trimmed away gets the previous value copied in first', async (t) => {
  const { store, path, reopen } = tempStore(t, { historyLimit: 16, exclusive: false });
  const a = await store.create(key('a'), pod('a', 'default', { spec: { v: 1 } }));
  await fill(store, 0, 10);
  const a2 = await store.update(key('a'), pod('a', 'default', { spec: { v: 2 } }));
  assert.equal(historyRow(path, a2.modRevision)?.prev_value, null, 'by reference while the predecessor is kept');
  await fill(store, 10, 12); // the window moves past a's creation; its row is trimmed
  assert.equal(historyRow(path, a.modRevision), undefined);
  assert.match(historyRow(path, a2.modRevision)?.prev_value ?? '', /"v":1/);

  const again = await reopen(store, { historyLimit: 16 });
  assert.deepEqual(prevOf(eventsFrom(again, again.compactedRevision()), a2.modRevision), { rv: String(a.modRevision), spec: { v: 1 } });

  // Much later the predecessor is long gone when the update is written: stored inline right away.
  await fill(again, 22, 30);
  const a3 = await again.update(key('a'), pod('a', 'default', { spec: { v: 3 } }));
  assert.match(historyRow(path, a3.modRevision)?.prev_value ?? '', /"v":2/);
  const third = await reopen(again, { historyLimit: 16 });
  assert.deepEqual(prevOf(eventsFrom(third, third.compactedRevision()), a3.modRevision), { rv: String(a2.modRevision), spec: { v: 2 } });
});

test('explicit compaction keeps the previous values of the events it retains', async (t) => {
  const { store, reopen } = tempStore(t, { historyLimit: 100 });
  const a = await store.create(key('a'), pod('a', 'default', { spec: { v: 1 } }));
  const b = await store.create(key('b'), pod('b'));
  const a2 = await store.update(key('a'), pod('a', 'default', { spec: { v: 2 } }));
  store.compact(b.modRevision);
  assert.deepEqual(prevOf(eventsFrom(store, b.modRevision), a2.modRevision), { rv: String(a.modRevision), spec: { v: 1 } });
  const again = await reopen(store, { historyLimit: 100 });
  assert.deepEqual(prevOf(eventsFrom(again, b.modRevision), a2.modRevision), { rv: String(a.modRevision), spec: { v: 1 } });
});

test('reads and writes answered from the in-memory window match the table, and hand out private copies', async (t) => {
  const { store, reopen } = tempStore(t, { historyLimit: 4 });
  const a = await store.create(key('a'), pod('a', 'default', { spec: { v: 1 } }));
  const got = (await store.get(key('a')))!;
  assert.deepEqual(got, a);
  got.value.spec = { v: 'mutated' };
  got.value.metadata.labels = { x: 'y' };
  assert.deepEqual((await store.get(key('a')))!.value.spec, { v: 1 }, 'a caller editing its copy changes nothing stored');
  const events: StoreEvent[] = [];
  store.watch('/registry/pods/', a.modRevision - 1, (ev) => events.push(ev));
  assert.deepEqual(events[0]!.object.spec, { v: 1 });

  // Same-batch writes of one key see each other; a stale precondition still conflicts, with the current object.
  const [u1, u2] = await Promise.all([
    store.update(key('a'), pod('a', 'default', { spec: { v: 2 } }), a.modRevision),
    store.update(key('a'), pod('a', 'default', { spec: { v: 3 } })),
  ]);
  assert.equal(u2.modRevision, u1.modRevision + 1);
  assert.equal(u2.createRevision, a.createRevision);
  await assert.rejects(store.update(key('a'), pod('a'), a.modRevision), (err: { code: string; current?: { modRevision: number } }) => {
    assert.equal(err.code, 'Conflict');
    assert.equal(err.current?.modRevision, u2.modRevision);
    return true;
  });
  assert.deepEqual(events.map((e) => [e.type, e.prevObject?.spec]), [['ADDED', undefined], ['MODIFIED', { v: 1 }], ['MODIFIED', { v: 2 }]]);
  assert.equal(events[2]!.prevObject, events[1]!.object, 'the retained previous event is reused, not parsed again');

  await store.delete(key('a'));
  assert.equal(await store.get(key('a')), undefined);
  await assert.rejects(store.update(key('a'), pod('a')), /key not found/);
  const recreated = await store.create(key('a'), pod('a', 'default', { spec: { v: 4 } }));
  assert.equal((await store.get(key('a')))!.createRevision, recreated.modRevision);

  // After the key's writes leave the window (and after a restart) the table answers the same.
  await fill(store, 0, 6);
  assert.deepEqual(await store.get(key('a')), recreated);
  const again = await reopen(store, { historyLimit: 4 });
  assert.deepEqual(await again.get(key('a')), recreated);
  const moved = await again.update(key('a'), pod('a', 'default', { spec: { v: 5 } }));
  assert.equal(moved.createRevision, recreated.modRevision);
});
