import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StorageError, type StoreEvent } from '../../../src/storage/interface.js';
import { INITIAL_REVISION } from '../../../src/storage/schema.js';
import { pod, tempStore } from './fixtures/temp-store.js';

const key = (ns: string, name: string) => `/registry/core/pods/${ns}/${name}`;
const brief = (ev: StoreEvent) => `${ev.type} ${ev.object.metadata.namespace}/${ev.object.metadata.name}@${ev.revision}`;

function expectExpired(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof StorageError);
    assert.equal(err.code, 'Expired');
    assert.equal(err.message, message);
    return true;
  });
}

test('live events arrive synchronously, in order, filtered by prefix, with prev objects', async (t) => {
  const { store } = tempStore(t);
  const all: StoreEvent[] = [];
  const onlyDefault: string[] = [];
  store.watch('/registry/core/pods/', store.currentRevision(), (ev) => all.push(ev));
  store.watch('/registry/core/pods/default/', store.currentRevision(), (ev) => onlyDefault.push(brief(ev)));

  const a = await store.create(key('default', 'a'), pod('a'));
  assert.equal(all.length, 1, 'delivered before the write resolves');
  await store.create(key('default-2', 'a'), pod('a', 'default-2'));
  await store.create('/registry/core/podtemplates/default/x', pod('x'));
  const a2 = await store.update(key('default', 'a'), pod('a', 'default', { spec: { v: 2 } }));
  const gone = await store.delete(key('default', 'a'));

  const r = a.modRevision;
  assert.deepEqual(all.map(brief), [`ADDED default/a@${r}`, `ADDED default-2/a@${r + 1}`, `MODIFIED default/a@${r + 3}`, `DELETED default/a@${r + 4}`]);
  assert.deepEqual(onlyDefault, [`ADDED default/a@${r}`, `MODIFIED default/a@${r + 3}`, `DELETED default/a@${r + 4}`]);

  const [added, , modified, deleted] = all;
  assert.equal(added!.prevObject, undefined);
  assert.equal(added!.object.metadata.resourceVersion, String(r));
  assert.equal(modified!.prevObject!.metadata.resourceVersion, String(a.modRevision));
  assert.deepEqual(modified!.object, a2.value);
  assert.equal(deleted!.object.metadata.resourceVersion, String(gone.modRevision), 'DELETED carries the deletion revision');
  assert.deepEqual(deleted!.object.spec, { v: 2 });
  assert.equal(deleted!.prevObject!.metadata.resourceVersion, String(a2.modRevision));
});

test('a watch replays retained history after fromRevision, then continues live without gaps or duplicates', async (t) => {
  const { store } = tempStore(t);
  const first = await store.create(key('default', 'p0'), pod('p0'));
  for (let i = 1; i < 5; i++) await store.create(key('default', `p${i}`), pod(`p${i}`));
  const seen: number[] = [];
  const w = store.watch('/registry/core/pods/', first.modRevision + 1, (ev) => seen.push(ev.revision));
  assert.deepEqual(seen, [first.modRevision + 2, first.modRevision + 3, first.modRevision + 4]);
  await store.create(key('default', 'p5'), pod('p5'));
  assert.deepEqual(seen.at(-1), first.modRevision + 5);
  w.stop();
  await store.create(key('default', 'p6'), pod('p6'));
  assert.equal(seen.length, 4, 'no events after stop');
  assert.equal(store.watcherCount(), 0);

  // Starting exactly at the empty store's revision replays everything.
  const everything: number[] = [];
  store.watch('/registry/', INITIAL_REVISION, (ev) => everything.push(ev.revision));
  assert.equal(everything.length, 7);
});

test('explicit compaction expires older watches with the upstream message; the compacted revision itself is fine', async (t) => {
  const { store } = tempStore(t);
  for (let i = 0; i < 10; i++) await store.create(key('default', `p${i}`), pod(`p${i}`));
  const cut = INITIAL_REVISION + 6;
  store.compact(cut);
  assert.equal(store.compactedRevision(), cut);
  expectExpired(() => store.watch('/registry/core/pods/', cut - 1, () => {}), `too old resource version: ${cut - 1} (${cut})`);
  const seen: number[] = [];
  store.watch('/registry/core/pods/', cut, (ev) => seen.push(ev.revision));
  assert.deepEqual(seen, [cut + 1, cut + 2, cut + 3, cut + 4]);
  store.compact(cut - 3); // going backwards is a no-op
  assert.equal(store.compactedRevision(), cut);
  store.compact(store.currentRevision() + 100); // clamped to the current revision
  assert.equal(store.compactedRevision(), store.currentRevision());
  store.watch('/registry/', store.currentRevision(), () => {});
});

test('when the ring rolls over, watches from before the window expire', async (t) => {
  const { store } = tempStore(t, { historyLimit: 5 });
  for (let i = 0; i < 12; i++) await store.create(key('default', `p${i}`), pod(`p${i}`));
  const current = store.currentRevision();
  assert.equal(store.compactedRevision(), current - 5);
  expectExpired(() => store.watch('/registry/', current - 6, () => {}), `too old resource version: ${current - 6} (${current - 5})`);
  const seen: number[] = [];
  store.watch('/registry/', current - 5, (ev) => seen.push(ev.revision));
  assert.deepEqual(seen, [current - 4, current - 3, current - 2, current - 1, current]);
});

test('after a restart a client resumes its watch from a revision it saw before', async (t) => {
  const { store, reopen } = tempStore(t, { historyLimit: 50 });
  const seenBefore: number[] = [];
  store.watch('/registry/core/pods/', store.currentRevision(), (ev) => seenBefore.push(ev.revision));
  for (let i = 0; i < 6; i++) await store.create(key('default', `p${i}`), pod(`p${i}`));
  await store.update(key('default', 'p0'), pod('p0', 'default', { spec: { v: 2 } }));
  const bookmark = seenBefore[2]!;

  const again = await reopen(store);
  const resumed: StoreEvent[] = [];
  again.watch('/registry/core/pods/', bookmark, (ev) => resumed.push(ev));
  assert.deepEqual(resumed.map((e) => e.revision), seenBefore.slice(3));
  assert.equal(resumed.at(-1)!.type, 'MODIFIED');
  assert.equal(resumed.at(-1)!.prevObject!.metadata.name, 'p0');
  await again.delete(key('default', 'p1'));
  assert.equal(resumed.at(-1)!.type, 'DELETED');
});

test('after a restart the retained window is the last historyLimit events, and explicit compaction persists', async (t) => {
  const { store, reopen } = tempStore(t, { historyLimit: 100 });
  for (let i = 0; i < 30; i++) await store.create(key('default', `p${i}`), pod(`p${i}`));
  const current = store.currentRevision();

  // Reopen with a smaller window: only the newest 10 events are retained.
  const small = await reopen(store, { historyLimit: 10 });
  assert.equal(small.compactedRevision(), current - 10);
  expectExpired(() => small.watch('/registry/', current - 11, () => {}), `too old resource version: ${current - 11} (${current - 10})`);

  small.compact(current - 3);
  const big = await reopen(small, { historyLimit: 100 });
  assert.equal(big.compactedRevision(), current - 3, 'explicit compaction is durable');
  const seen: number[] = [];
  big.watch('/registry/', current - 3, (ev) => seen.push(ev.revision));
  assert.deepEqual(seen, [current - 2, current - 1, current]);
});

test('the history table is trimmed as the window rolls, and reload stays consistent', async (t) => {
  const { store, reopen } = tempStore(t, { historyLimit: 16 });
  for (let i = 0; i < 200; i++) await store.create(key('default', `p${i}`), pod(`p${i}`));
  const again = await reopen(store, { historyLimit: 16 });
  assert.equal(again.currentRevision(), INITIAL_REVISION + 200);
  assert.equal(again.compactedRevision(), again.currentRevision() - 16);
  const stats = again.historyStats();
  assert.ok(stats.rows <= 16 + 16 / 8, `history rows stay bounded, got ${stats.rows}`);
  assert.equal(stats.newest, again.currentRevision());
});

test('callbacks that write or start watches keep every watcher in order and free of duplicates', async (t) => {
  const { store } = tempStore(t);
  const outer: string[] = [];
  const inner: string[] = [];
  let started = false;
  let echo: Promise<unknown> | undefined;
  store.watch('/registry/core/pods/', store.currentRevision(), (ev) => {
    outer.push(brief(ev));
    if (ev.type === 'ADDED' && ev.object.metadata.name === 'trigger') {
      // Written from inside a callback: must be delivered after the current event, to everyone.
      echo = store.create(key('default', 'echo'), pod('echo'));
      if (!started) {
        started = true;
        store.watch('/registry/core/pods/', ev.revision - 1, (e) => inner.push(brief(e)));
      }
    }
  });
  const later: string[] = [];
  store.watch('/registry/core/pods/', store.currentRevision(), (ev) => later.push(brief(ev)));
  const trig = await store.create(key('default', 'trigger'), pod('trigger'));
  await echo; // writes are group-committed: the echo commits in the next batch
  const r = trig.modRevision;
  assert.deepEqual(outer, [`ADDED default/trigger@${r}`, `ADDED default/echo@${r + 1}`]);
  assert.deepEqual(later, outer, 'a watcher registered after the writer sees the same order');
  assert.deepEqual(inner, outer, 'a watch started mid-dispatch sees each event once');
});

test('a throwing callback is reported and does not break the write or other watchers', async (t) => {
  const errors: unknown[] = [];
  const { store } = tempStore(t, { onWatchCallbackError: (err) => errors.push(err) });
  store.watch('/registry/', store.currentRevision(), () => {
    throw new Error('boom');
  });
  const ok: number[] = [];
  store.watch('/registry/', store.currentRevision(), (ev) => ok.push(ev.revision));
  const created = await store.create(key('default', 'a'), pod('a'));
  assert.deepEqual(ok, [created.modRevision]);
  assert.equal(errors.length, 1);
});

test('fan-out visits only watchers of the written resource', async (t) => {
  const { store } = tempStore(t);
  let calls = 0;
  const start = store.currentRevision();
  const watchers = [];
  for (let i = 0; i < 3000; i++) watchers.push(store.watch(`/registry/core/pods/ns-${i}/`, start, () => calls++));
  let cmCalls = 0;
  watchers.push(store.watch('/registry/core/configmaps/', start, () => cmCalls++));
  for (let i = 0; i < 500; i++) await store.create(`/registry/core/configmaps/default/c${i}`, pod(`c${i}`));
  assert.equal(cmCalls, 500);
  assert.equal(calls, 0);
  await store.create(key('ns-7', 'x'), pod('x', 'ns-7'));
  assert.equal(calls, 1);
  for (const w of watchers) w.stop();
  assert.equal(store.watcherCount(), 0);
});
