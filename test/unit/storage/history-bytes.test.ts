// The watch history is bounded by the bytes of its texts as well as by its count: large objects shorten the window
// (oldest first, on disk too) instead of growing memory, watches from before it are Expired, and a restart reads
// back only the shape of the retained rows, their texts when a watch asks for them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoreEvent } from '../../../src/storage/interface.js';
import { StorageError } from '../../../src/storage/interface.js';
import { tempStore } from './fixtures/temp-store.js';

const KB = 1024;
const key = (name: string) => `/registry/configmaps/default/${name}`;
const configMap = (name: string, fill: string, bytes: number) =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { big: fill.repeat(bytes) } });

test('updates of a large object keep the history within its byte budget, compacting the oldest first on disk too', async (t) => {
  const budget = 1024 * KB;
  const { store } = tempStore(t, { historyMaxBytes: budget });
  const first = await store.create(key('big'), configMap('big', 'a', 90 * KB));
  for (let i = 0; i < 40; i++) {
    await store.update(key('big'), configMap('big', String.fromCharCode(98 + (i % 20)), 90 * KB));
    assert.ok(store.historyWindow().bytes <= budget, `window holds ${store.historyWindow().bytes} bytes`);
  }
  const { events, bytes } = store.historyWindow();
  // each update counts its value and the one it replaced: ~180 KB, so five or six fit in 1 MiB
  assert.ok(events >= 4 && events <= 6, `${events} events (${bytes} bytes) retained`);
  assert.equal(store.compactedRevision(), store.currentRevision() - events);
  // the rows behind the window are deleted in batches of an eighth of the budget
  const rows = store.historyStats().rows;
  assert.ok(rows <= events + 2, `${rows} history rows on disk for a window of ${events}`);
  assert.throws(() => store.watch(key(''), first.modRevision, () => {}), (e: unknown) => {
    assert.ok(e instanceof StorageError && e.code === 'Expired');
    assert.match(e.message, /too old resource version/);
    return true;
  });
});

test('small objects still get the whole count window under the default byte budget', async (t) => {
  const { store } = tempStore(t, { historyLimit: 200 });
  for (let i = 0; i < 300; i++) await store.create(key(`cm-${i}`), configMap(`cm-${i}`, 'x', 100));
  assert.equal(store.historyWindow().events, 200);
});

test('a restart reads the window within the byte budget and serves its events, with previous values, from disk', async (t) => {
  const budget = 1024 * KB;
  const { store, reopen } = tempStore(t, { historyMaxBytes: budget });
  await store.create(key('big'), configMap('big', 'a', 90 * KB));
  for (let i = 0; i < 12; i++) await store.update(key('big'), configMap('big', String.fromCharCode(98 + i), 90 * KB));
  const small = await store.update(key('big'), configMap('big', 'z', 10));
  const before = store.historyWindow();
  const again = await reopen(store, { historyMaxBytes: budget });
  const after = again.historyWindow();
  assert.ok(after.bytes <= budget, `${after.bytes} bytes after restart`);
  assert.ok(after.events >= before.events - 1 && after.events <= before.events + 1, `${after.events} events after restart, ${before.events} before`);
  const from = again.compactedRevision();
  const events: StoreEvent[] = [];
  again.watch(key(''), from, (ev) => events.push(ev)).stop();
  assert.equal(events.length, after.events);
  const last = events[events.length - 1]!;
  assert.equal(last.revision, small.modRevision);
  assert.equal((last.object.data as Record<string, string>).big, 'z'.repeat(10));
  assert.equal((last.prevObject!.data as Record<string, string>).big, 'm'.repeat(90 * KB));
  // reads at every retained revision still work
  for (let rev = from; rev <= again.currentRevision(); rev++) assert.equal((await again.list(key(''), { revision: rev })).items.length, 1);
  // and new writes continue the window
  await again.update(key('big'), configMap('big', 'y', 10));
  assert.equal(again.historyWindow().events, after.events + 1);
});
