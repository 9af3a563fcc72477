// The toolkit against a real Berth server over HTTPS with the kubeconfig it writes: CRUD, informer event order,
// resuming across a server restart on the same data dir, and relisting after a forced 410.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ApiError } from '../../../src/apimachinery/errors.js';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { KubeClient } from '../../../src/client/client.js';
import { EventRecorder } from '../../../src/client/events.js';
import { HttpRequest, Transport, UndiciTransport } from '../../../src/client/http.js';
import { SharedInformer } from '../../../src/client/informer.js';
import { loadKubeconfig } from '../../../src/client/kubeconfig.js';
import { builtin } from '../../../src/client/resources.js';
import { Berth, startBerth } from '../../../src/host/berth.js';
import { keyFor } from '../../../src/storage/helpers.js';
import { openSqliteStore } from '../../../src/storage/sqlite.js';

const LABEL = { app: 'client-itest' };

class RecordingTransport implements Transport {
  readonly log: string[] = [];
  constructor(private readonly inner: Transport) {}
  request(req: HttpRequest) {
    this.log.push(`${req.method} ${req.path}`);
    return this.inner.request(req);
  }
  close() {
    return this.inner.close();
  }
}

async function waitFor(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let dataDir: string;
let berth: Berth;
let port: number;
let transport: RecordingTransport;
let client: KubeClient;
const start = () => startBerth({ dataDir, port, bookmarkIntervalMs: 300, runtime: { controllers: false } });

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-client-'));
  port = 0;
  berth = await start();
  port = berth.port;
  transport = new RecordingTransport(new UndiciTransport(loadKubeconfig({ path: berth.kubeconfigPath })));
  client = new KubeClient({ transport, fieldManager: 'client-itest', retry: { baseDelayMs: 50, maxDelayMs: 500 } });
});

after(async () => {
  await client?.close();
  await berth?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('CRUD through the client, with typed errors', async () => {
  const cm = await client.create<KubeObject>(builtin.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'crud', namespace: 'default' }, data: { a: '1' } });
  assert.ok(cm.metadata.uid && cm.metadata.resourceVersion);
  const got = await client.get(builtin.configMaps, 'crud', { namespace: 'default' });
  assert.deepEqual(got.data, { a: '1' });
  const updated = await client.update(builtin.configMaps, { ...got, data: { a: '2' } });
  assert.notEqual(updated.metadata.resourceVersion, got.metadata.resourceVersion);
  await assert.rejects(client.update(builtin.configMaps, { ...got, data: { a: '3' } }), (e: unknown) => e instanceof ApiError && e.code === 409 && e.reason === 'Conflict');
  const merged = await client.patch(builtin.configMaps, 'crud', { data: { b: 'x' } }, 'merge', { namespace: 'default' });
  assert.deepEqual(merged.data, { a: '2', b: 'x' });
  const applied = await client.apply(builtin.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'crud', namespace: 'default' }, data: { c: 'y' } }, { force: true });
  assert.equal((applied.data as Record<string, string>).c, 'y');
  const list = await client.list(builtin.configMaps, { namespace: 'default', limit: 1 });
  assert.ok(list.metadata.resourceVersion);
  await client.delete(builtin.configMaps, 'crud', { namespace: 'default' });
  await assert.rejects(client.get(builtin.configMaps, 'crud', { namespace: 'default' }), (e: unknown) =>
    e instanceof ApiError && e.code === 404 && e.reason === 'NotFound' && e.message === 'configmaps "crud" not found');
});

test('informer: ordered events, resume across a restart, relist with a minimal diff after a forced 410', async () => {
  const log: string[] = [];
  const errors: string[] = [];
  const inf = SharedInformer.forResource(client, builtin.configMaps, {
    namespace: 'default', labelSelector: 'app=client-itest', backoff: { initialMs: 50, maxMs: 400 },
    onError: (e, during) => errors.push(`${during}: ${(e as Error).message}`),
  });
  const name = (o: KubeObject) => o.metadata.name;
  inf.addEventHandler({
    onAdd: (o) => log.push(`ADDED ${name(o)} ${JSON.stringify(o.data ?? {})}`),
    onUpdate: (_a, b) => log.push(`MODIFIED ${name(b)} ${JSON.stringify(b.data ?? {})}`),
    onDelete: (o) => log.push(`DELETED ${name(o)}`),
  });
  const lists = () => transport.log.filter((l) => l.startsWith('GET /api/v1/namespaces/default/configmaps?labelSelector=app%3Dclient-itest&limit=')).length;
  try {
    inf.run();
    assert.equal(await inf.waitForSync(), true);
    const cm = (n: string, data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n, namespace: 'default', labels: LABEL }, data });
    const a = await client.create(builtin.configMaps, cm('a', { v: '1' }));
    await client.update(builtin.configMaps, { ...a, data: { v: '2' } });
    await client.create(builtin.configMaps, cm('keep', { k: '1' }));
    await client.delete(builtin.configMaps, 'a', { namespace: 'default' });
    await waitFor(() => log.length === 4, '4 events');
    assert.deepEqual(log, ['ADDED a {"v":"1"}', 'MODIFIED a {"v":"2"}', 'ADDED keep {"k":"1"}', 'DELETED a']);

    // Restart on the same data dir: the watch resumes from the last resourceVersion, no relist, no duplicates.
    const rvBefore = Number(inf.resourceVersion);
    const watchesBefore = transport.log.filter((l) => l.includes('watch=true')).length;
    await berth.close();
    berth = await start();
    // Once the informer is watching again the client has also seen the old server's connections close; a POST
    // sent on one of those in the meantime would fail (it is not retried: it may have reached the server).
    await waitFor(() => transport.log.filter((l) => l.includes('watch=true')).length > watchesBefore, 'watch re-established');
    await client.create(builtin.configMaps, cm('b', { v: '1' }));
    await waitFor(() => log.length === 5, 'event after restart');
    await new Promise((r) => setTimeout(r, 400)); // room for duplicates to show up, and a bookmark
    assert.deepEqual(log.slice(4), ['ADDED b {"v":"1"}']);
    assert.equal(lists(), 1, 'resumed without relisting');
    const resumedFrom = transport.log.filter((l) => l.includes('watch=true')).map((l) => Number(new URL(l.split(' ')[1], 'https://x').searchParams.get('resourceVersion')));
    assert.ok(resumedFrom.slice(1).every((rv) => rv >= rvBefore), `resumed from ${resumedFrom} (last seen ${rvBefore})`);

    // Forced 410: with the server down, change objects and compact the history directly in its storage, then
    // restart. The informer's resourceVersion is now too old; it must relist and report exactly the changes.
    await berth.close();
    const store = openSqliteStore({ path: join(dataDir, 'state.db') });
    const bKey = keyFor('', 'configmaps', 'default', 'b');
    const b = (await store.get(bKey))!;
    await store.update(bKey, { ...b.value, data: { v: '2' } });
    await store.create(keyFor('', 'configmaps', 'default', 'c'), { ...cm('c', { v: '1' }), metadata: { ...cm('c', {}).metadata, uid: 'c-uid', creationTimestamp: new Date().toISOString().replace(/\.\d+Z/, 'Z') } });
    await store.delete(keyFor('', 'configmaps', 'default', 'keep'));
    store.compact(store.currentRevision());
    await store.close();
    log.length = 0;
    berth = await start();
    await waitFor(() => log.length === 3, 'relist diff');
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(log.sort(), ['ADDED c {"v":"1"}', 'DELETED keep', 'MODIFIED b {"v":"2"}']);
    assert.equal(lists(), 2, 'one relist');
    assert.deepEqual(inf.store.listKeys().sort(), ['default/b', 'default/c']);
    assert.ok(!errors.some((e) => /too old|Expired/.test(e)), '410 is handled, not reported');

    // And it keeps watching after the relist.
    await client.delete(builtin.configMaps, 'c', { namespace: 'default' });
    await waitFor(() => log.length === 4, 'event after relist');
    assert.equal(log[3], 'DELETED c');
  } finally {
    await inf.stop();
  }
});

test('event recorder against the server: create, then count++ on repeats', async () => {
  const rec = new EventRecorder(client, { component: 'client-itest' });
  const obj = await client.create(builtin.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'evt', namespace: 'default' } });
  rec.event(obj, 'Normal', 'Tested', 'hello');
  rec.event(obj, 'Normal', 'Tested', 'hello');
  await rec.flush();
  const events = await client.list(builtin.events, { namespace: 'default', fieldSelector: 'involvedObject.name=evt' });
  assert.equal(events.items.length, 1);
  const ev = events.items[0] as KubeObject & { count: number; reason: string; source: { component: string } };
  assert.deepEqual([ev.count, ev.reason, ev.source.component], [2, 'Tested', 'client-itest']);
  assert.match(ev.metadata.name!, /^evt\.[0-9a-f]+$/);
});
