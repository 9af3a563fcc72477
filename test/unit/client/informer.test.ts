import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { KubeClient } from '../../../src/client/client.js';
import { SharedInformer, SharedInformerFactory } from '../../../src/client/informer.js';
import { builtin } from '../../../src/client/resources.js';
import { FakeServer } from './fake-server.js';

async function waitFor(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function setup(opts: { pageSize?: number } = {}) {
  const fake = new FakeServer();
  const client = new KubeClient({ transport: fake });
  const log: string[] = [];
  const errors: unknown[] = [];
  const inf = SharedInformer.forResource(client, builtin.configMaps, { pageSize: opts.pageSize ?? 2, backoff: { initialMs: 5, maxMs: 20 }, onError: (e) => errors.push(e) });
  const rv = (o: KubeObject) => o.metadata.resourceVersion;
  inf.addEventHandler({
    onAdd: (o, initial) => log.push(`add ${o.metadata.name}@${rv(o)}${initial ? ' (initial)' : ''}`),
    onUpdate: (a, b) => log.push(`update ${b.metadata.name}@${rv(a)}->${rv(b)}`),
    onDelete: (o) => log.push(`delete ${o.metadata.name}@${rv(o)}`),
  });
  const watchRvs = () => fake.requests.filter((r) => r.path.includes('watch=true')).map((r) => new URL(r.path, 'https://x').searchParams.get('resourceVersion'));
  return { fake, inf, log, errors, watchRvs };
}

test('lists in pages, syncs, then follows the watch from the list resourceVersion', async () => {
  const { fake, inf, log, watchRvs } = setup();
  fake.put('a', {}); fake.put('b', {}); fake.put('c', {});
  inf.run();
  assert.equal(await inf.waitForSync(), true);
  assert.equal(inf.hasSynced(), true);
  assert.deepEqual(log, ['add a@101 (initial)', 'add b@102 (initial)', 'add c@103 (initial)']);
  const lists = fake.requests.filter((r) => !r.path.includes('watch=true')).map((r) => r.path);
  assert.deepEqual(lists, ['/api/v1/configmaps?limit=2', '/api/v1/configmaps?limit=2&continue=103%3A2']);
  await waitFor(() => fake.openWatches === 1);
  assert.deepEqual(watchRvs(), ['103']);
  fake.put('a', { x: '1' });
  fake.remove('b');
  await waitFor(() => log.length === 5);
  assert.deepEqual(log.slice(3), ['update a@101->104', 'delete b@105']);
  assert.equal(inf.store.get('default/a')?.metadata.resourceVersion, '104');
  assert.equal(inf.store.get('default/b'), undefined);
  assert.equal(inf.store.get('default/c')?.kind, 'ConfigMap', 'list items get kind filled in');
  await inf.stop();
  assert.equal(fake.openWatches, 0, 'stop closes the watch');
});

test('cached objects are frozen, listed or watched: a handler that changes one gets a TypeError', async () => {
  const { fake, inf } = setup();
  fake.put('listed', { k: 'v' });
  inf.run();
  await inf.waitForSync();
  await waitFor(() => fake.openWatches === 1);
  fake.put('watched', { k: 'v' });
  await waitFor(() => inf.store.get('default/watched') !== undefined);
  for (const name of ['listed', 'watched']) {
    const cached = inf.store.get(`default/${name}`)!;
    assert.ok(Object.isFrozen(cached) && Object.isFrozen(cached.metadata) && Object.isFrozen(cached.data), name);
    assert.throws(() => { (cached.data as Record<string, string>).k = 'changed'; }, TypeError);
    const copy = structuredClone(cached);
    (copy.data as Record<string, string>).k = 'changed';
    assert.equal((cached.data as Record<string, string>).k, 'v', 'a copy is free to change');
  }
  await inf.stop();
});

test('a dropped connection resumes from the last resourceVersion, bookmarks included, without duplicates or relist', async () => {
  const { fake, inf, log, watchRvs, errors } = setup();
  fake.put('a', {});
  inf.run();
  await inf.waitForSync();
  await waitFor(() => fake.openWatches === 1);
  fake.put('b', {});
  await waitFor(() => log.length === 2);
  fake.rv += 10; // writes elsewhere, only visible through a bookmark
  fake.bookmark();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(inf.resourceVersion, '112');
  fake.dropWatches();
  fake.put('c', {}); // happens while disconnected; must arrive once via replay
  await waitFor(() => fake.openWatches === 1);
  await waitFor(() => log.length === 3);
  assert.deepEqual(watchRvs(), ['101', '112']);
  assert.deepEqual(log, ['add a@101 (initial)', 'add b@102', 'add c@113']);
  assert.equal(fake.requests.filter((r) => !r.path.includes('watch=true')).length, 1, 'no relist');
  assert.equal(errors.length, 1);
  // a clean server-side close re-watches at once from the same place
  fake.endWatches();
  await waitFor(() => watchRvs().length === 3);
  assert.equal(watchRvs()[2], '113');
  await inf.stop();
});

test('410 Expired relists and replaces the cache, emitting only real differences', async () => {
  const { fake, inf, log, errors } = setup();
  fake.put('same', {}); fake.put('changed', {}); fake.put('gone', {});
  inf.run();
  await inf.waitForSync();
  await waitFor(() => fake.openWatches === 1);
  fake.endWatches(); // disconnect, then the history is compacted while away
  fake.put('changed', { v: '2' });
  fake.remove('gone');
  fake.put('new', {});
  fake.compact();
  log.length = 0;
  await waitFor(() => log.length === 3);
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(log.sort(), ['add new@106', 'delete gone@103', 'update changed@102->104']);
  assert.deepEqual(inf.store.listKeys().sort(), ['default/changed', 'default/new', 'default/same']);
  assert.deepEqual(errors, [], '410 is routine, not an error');
  await waitFor(() => fake.openWatches === 1);
  assert.equal(inf.resourceVersion, '106');
  await inf.stop();
});

test('handler exceptions and list failures never escape; late handlers get the cache as adds; resync replays', async () => {
  const fake = new FakeServer();
  const client = new KubeClient({ transport: fake, retry: { maxRetries: 0 } });
  const errors: string[] = [];
  const inf = SharedInformer.forResource(client, builtin.configMaps, { backoff: { initialMs: 5, maxMs: 10 }, resyncPeriodMs: 40, onError: (_e, during) => errors.push(during) });
  inf.addEventHandler({ onAdd: () => { throw new Error('handler bug'); } });
  fake.canned.push({ status: 500, body: 'down' });
  fake.put('a', {});
  inf.run();
  await inf.waitForSync();
  assert.deepEqual(errors, ['list', 'handler']);
  const late: string[] = [];
  inf.addEventHandler({ onAdd: (o, initial) => late.push(`add ${o.metadata.name} ${initial}`), onUpdate: (a, b) => late.push(`resync ${a === b}`) });
  assert.deepEqual(late, ['add a true']);
  await waitFor(() => late.length >= 2);
  assert.equal(late[1], 'resync true');
  await inf.stop();
  assert.equal(await inf.waitForSync(), true);
});

test('the factory shares one informer per resource and scope', async () => {
  const fake = new FakeServer();
  const f = new SharedInformerFactory(new KubeClient({ transport: fake }));
  const a = f.informerFor(builtin.configMaps);
  assert.equal(f.informerFor(builtin.configMaps), a);
  assert.notEqual(f.informerFor(builtin.configMaps, { namespace: 'x' }), a);
  f.start();
  assert.equal(await f.waitForCacheSync(), true);
  await f.stop();
  assert.equal(fake.openWatches, 0);
});
