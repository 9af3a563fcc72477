import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StorageError, type StoreEvent } from '../../../src/storage/interface.js';
import { INITIAL_REVISION } from '../../../src/storage/schema.js';
import { pod, tempStore } from './fixtures/temp-store.js';

const key = (ns: string, name: string) => `/registry/pods/${ns}/${name}`;
const brief = (ev: StoreEvent) => `${ev.type} ${ev.object.metadata.namespace}/${ev.object.metadata.name}@${ev.revision}`;

function expectExpired(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof StorageError);
    assert.equal(err.code, 'Expired');
    assert.equal(err.message, message);
    return true;
  });
}

test('live events arrive synchronously: delivered before the write resolves', async (t) => {
  const { store } = tempStore(t);
  const all: string[] = [];
  store.watch('/registry/pods/', store.currentRevision(), (ev) => all.push(brief(ev)));
  const a = await store.create(key('default', 'a'), pod('a'));
  assert.deepEqual(all, [`ADDED default/a@${a.modRevision}`]);
  const gone = await store.delete(key('default', 'a'));
  assert.deepEqual(all, [`ADDED default/a@${a.modRevision}`, `DELETED default/a@${gone.modRevision}`]);
});

test('explicit compaction expires older watches with the upstream message; the compacted revision itself is fine', async (t) => {
  const { store } = tempStore(t);
  for (let i = 0; i < 10; i++) await store.create(key('default', `p${i}`), pod(`p${i}`));
  const cut = INITIAL_REVISION + 6;
  store.compact(cut);
  assert.equal(store.compactedRevision(), cut);
  expectExpired(() => store.watch('/registry/pods/', cut - 1, () => {}), `too old resource version: ${cut - 1} (${cut})`);
  const seen: number[] = [];
  store.watch('/registry/pods/', cut, (ev) => seen.push(ev.revision));
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
  for (let i = 0; i < 3000; i++) watchers.push(store.watch(`/registry/pods/ns-${i}/`, start, () => calls++));
  let cmCalls = 0;
  watchers.push(store.watch('/registry/configmaps/', start, () => cmCalls++));
  for (let i = 0; i < 500; i++) await store.create(`/registry/configmaps/default/c${i}`, pod(`c${i}`));
  assert.equal(cmCalls, 500);
  assert.equal(calls, 0);
  await store.create(key('ns-7', 'x'), pod('x', 'ns-7'));
  assert.equal(calls, 1);
  for (const w of watchers) w.stop();
  assert.equal(store.watcherCount(), 0);
});
