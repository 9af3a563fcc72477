// What is the watch cache's own (k8s.io/apiserver/pkg/storage/cacher): reads allowed to come from memory, a bounded
// window with 410 below it, revisions learnt from etcd's progress notifications when writes happen elsewhere, and
// starting over (every served watch ends with Expired) when its own feed breaks. Against real etcd.
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Etcd3 } from 'etcd3';
import { startCacher, type Cacher } from '../../../src/storage/cacher/cacher.js';
import { connectEtcd } from '../../../src/storage/etcd/client.js';
import { openEtcdStore, type EtcdStore } from '../../../src/storage/etcd/etcd-store.js';
import { keyFor } from '../../../src/storage/helpers.js';
import { StorageError, type Store, type WatchOptions } from '../../../src/storage/interface.js';
import { etcdUnavailable, startEtcd, type EtcdCluster } from '../../support/etcd.js';
import { caughtUp, eventually, pod } from './conformance/suite.js';

const skip = etcdUnavailable();
let etcd: EtcdCluster | undefined;
let prefixes = 0;
before(async () => {
  if (!skip) etcd = await startEtcd({ progressNotifyMs: 500 });
});
after(async () => etcd?.stop());

async function etcdStore(t: TestContext, prefix: string): Promise<EtcdStore> {
  const client: Etcd3 = connectEtcd({ servers: [etcd!.servers] });
  const store = await openEtcdStore({ client, prefix });
  t.after(async () => {
    await store.close();
    client.close();
  });
  return store;
}

async function cacherOn(t: TestContext, backend: Store, capacity?: number, maxBytes?: number): Promise<Cacher> {
  const c = await startCacher(backend, { capacity, maxBytes, relistDelayMs: 10 });
  t.after(() => c.close());
  return c;
}

const key = (name: string) => keyFor('', 'pods', 'default', name);

test('cached reads come from memory once caught up, including writes made through another server', { skip }, async (t) => {
  const prefix = `/c${++prefixes}`;
  const other = await etcdStore(t, prefix);
  const cache = await cacherOn(t, await etcdStore(t, prefix));
  for (let i = 0; i < 7; i++) await other.create(key(`p${i}`), pod(`p${i}`));
  const last = await other.update(key('p3'), pod('p3', 'default', { spec: { v: 2 } }));
  await caughtUp(cache, last.modRevision);
  const got = await cache.get(key('p3'), { cached: true });
  assert.deepEqual(got?.value.spec, { v: 2 });
  assert.equal(got?.modRevision, last.modRevision);
  got!.value.spec = { mutated: true };
  assert.deepEqual((await cache.get(key('p3'), { cached: true }))?.value.spec, { v: 2 }, 'a private copy');
  const page1 = await cache.list('/registry/pods/', { cached: true, limit: 3 });
  assert.deepEqual(page1.items.map((i) => i.value.metadata.name), ['p0', 'p1', 'p2']);
  assert.deepEqual([page1.continueAfter, page1.remaining, page1.revision], [key('p2'), 4, cache.currentRevision()]);
  // The next page of a cached first page reads the store at the first page's revision: one snapshot.
  await other.delete(key('p4'));
  const page2 = await cache.list('/registry/pods/', { revision: page1.revision, continueAfter: page1.continueAfter });
  assert.deepEqual(page2.items.map((i) => i.value.metadata.name), ['p3', 'p4', 'p5', 'p6']);
  // Without `cached`, reads are consistent reads of the store.
  assert.equal(await cache.get(key('p4')), undefined);
});

test('watches are served from a bounded window: 410 below it, as upstream\'s cacher, even though etcd still has the events', { skip }, async (t) => {
  const prefix = `/c${++prefixes}`;
  const backend = await etcdStore(t, prefix);
  const cache = await cacherOn(t, backend, 5);
  const revs: number[] = [];
  for (let i = 0; i < 10; i++) revs.push((await cache.create(key(`p${i}`), pod(`p${i}`))).modRevision);
  await caughtUp(cache, revs[9]!);
  assert.equal(cache.compactedRevision(), revs[4]);
  assert.throws(() => cache.watch('/registry/pods/', revs[3]!, () => {}), (e: unknown) =>
    e instanceof StorageError && e.code === 'Expired' && e.message === `too old resource version: ${revs[3]} (${revs[4]})`);
  const seen: number[] = [];
  const w = cache.watch('/registry/pods/', revs[4]!, (ev) => seen.push(ev.revision));
  assert.deepEqual(seen, revs.slice(5), 'replayed synchronously from memory');
  w.stop();
  // etcd itself still answers for the old revision.
  assert.equal((await backend.list('/registry/pods/', { revision: revs[3] })).items.length, 4);
});

test('the window is bounded by bytes of object text too (--watch-history-mb): large objects push the oldest events out, 410 behind them', { skip }, async (t) => {
  const prefix = `/c${++prefixes}`;
  const budget = 256 * 1024;
  const cache = await cacherOn(t, await etcdStore(t, prefix), 1000, budget);
  const big = (name: string, fill: string) => pod(name, 'default', { spec: { blob: fill.repeat(60 * 1024) } });
  const revs: number[] = [];
  for (let i = 0; i < 6; i++) revs.push((await cache.create(key(`p${i}`), big(`p${i}`, 'a'))).modRevision);
  // Updates hold the previous value too: about 120 KiB each.
  for (let i = 0; i < 4; i++) revs.push((await cache.update(key(`p${i}`), big(`p${i}`, 'b'))).modRevision);
  await caughtUp(cache, revs[revs.length - 1]!);
  assert.ok(cache.historyBytes() <= budget, `window holds ${cache.historyBytes()} bytes, budget ${budget}`);
  assert.ok(cache.historyBytes() > budget / 2, 'the window is not emptied beyond need');
  // Ten events of 60-120 KiB cannot all fit in 256 KiB: the oldest went first, far fewer than the count bound.
  const start = cache.compactedRevision();
  assert.ok(start >= revs[5]! && start < revs[revs.length - 1]!, `window starts after ${start}`);
  assert.throws(() => cache.watch('/registry/pods/', revs[0]!, () => {}), (e: unknown) =>
    e instanceof StorageError && e.code === 'Expired' && e.message === `too old resource version: ${revs[0]} (${start})`);
  const seen: number[] = [];
  const w = cache.watch('/registry/pods/', start, (ev) => seen.push(ev.revision));
  assert.deepEqual(seen, revs.filter((r) => r > start), 'every event after the window start is retained');
  w.stop();
  // Cached reads still have every object: only the event history is bounded.
  assert.equal((await cache.list('/registry/pods/', { cached: true })).items.length, 6);
});

test('writes outside the cached key space move the cache\'s revision through etcd\'s progress notifications', { skip }, async (t) => {
  const cache = await cacherOn(t, await etcdStore(t, `/c${++prefixes}`));
  const elsewhere = await etcdStore(t, `/elsewhere${prefixes}`);
  const progress: number[] = [];
  cache.watch('', cache.currentRevision(), () => {}, { onProgress: (r) => progress.push(r) });
  const outside = await elsewhere.create(key('x'), pod('x'));
  await caughtUp(cache, outside.modRevision);
  await eventually(() => progress.some((r) => r >= outside.modRevision), 'a progress notification for the watcher');
});

test('when its own feed breaks for good, the cache ends every watch it served with Expired and lists again', { skip }, async (t) => {
  const prefix = `/c${++prefixes}`;
  const backend = await etcdStore(t, prefix);
  // The feed's error callback, captured so the test can break it as a compaction while disconnected would.
  let breakFeed: ((e: StorageError) => void) | undefined;
  const spy: Store = Object.create(backend, {
    watch: {
      value: (prefix: string, from: number, onEvent: Parameters<Store['watch']>[2], opts?: WatchOptions) => {
        breakFeed = opts?.onError;
        return backend.watch(prefix, from, onEvent, opts);
      },
    },
    close: { value: () => Promise.resolve() },
  });
  const cache = await cacherOn(t, spy);
  await cache.create(key('a'), pod('a'));
  const errors: StorageError[] = [];
  cache.watch('/registry/pods/', cache.currentRevision(), () => {}, { onError: (e) => errors.push(e) });
  const before = breakFeed;
  breakFeed!(new StorageError('Expired', '', 'too old resource version: 1 (5)'));
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.code, 'Expired');
  const b = await backend.create(key('b'), pod('b'));
  await eventually(() => breakFeed !== before, 'the cache to list and watch again');
  await caughtUp(cache, b.modRevision);
  assert.deepEqual((await cache.list('/registry/pods/', { cached: true })).items.map((i) => i.value.metadata.name), ['a', 'b']);
});
