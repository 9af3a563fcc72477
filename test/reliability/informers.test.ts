// Informers under faults, Berth's SDK informer and @kubernetes/client-node 1.x's side by side on the same server,
// the same proxy and the same changes: API server killed and restarted (same data dir), history compacted (410
// Gone), connections cut mid-stream, 429 Too Many Requests with Retry-After. Berth's informer is held to its
// guarantees; for client-node nothing is asserted, what it did is recorded (printed as a table; see
// docs/reliability.md).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../src/apimachinery/types.js';
import { KubeClient } from '../../src/client/client.js';
import { builtin } from '../../src/client/resources.js';
import { keyFor } from '../../src/storage/helpers.js';
import { EmbeddedServer, FaultProxy, sleep, waitFor } from './harness.js';
import { BerthObserver, ClientNodeObserver, Observation, Observer } from './observers.js';

const server = new EmbeddedServer();
let proxy: FaultProxy;
let writer: KubeClient;
let berth: BerthObserver;
let clientNode: ClientNodeObserver;
let bare: ClientNodeObserver;
const rows: string[] = [];
const unhandled: string[] = [];
const onUnhandled = (e: unknown) => { unhandled.push(e instanceof Error ? e.message : String(e)); };

const cm = (name: string, v: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels: { app: 'reliability' } }, data: { v } });
let seq = 0;

/** Creates, updates and deletes through the server directly (not through the proxy); retries ride out restarts. */
async function churn(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const name = `cm-${seq++}`;
    const o = await writer.create(builtin.configMaps, cm(name, '1'));
    await writer.update(builtin.configMaps, { ...o, data: { v: '2' } });
    if (i % 3 === 2) await writer.delete(builtin.configMaps, name, { namespace: 'default' });
  }
}

async function truth(): Promise<Map<string, string>> {
  const list = await writer.list(builtin.configMaps, { namespace: 'default', labelSelector: 'app=reliability' });
  return new Map(list.items.map((o) => [o.metadata.name!, o.metadata.resourceVersion!]));
}

const same = (a: Map<string, string>, b: Map<string, string>) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

/** Waits up to `ms` for each observer to match the server; records the row; returns Berth's numbers. */
async function settle(fault: string, ms = 6000): Promise<{ berth: Observation; berthConverged: boolean }> {
  const want = await truth();
  const converged = new Map<Observer, number | undefined>();
  const t0 = Date.now();
  await waitFor(() => {
    for (const o of [berth, clientNode, bare]) if (!converged.has(o) && same(o.cache(), want)) converged.set(o, Date.now() - t0);
    // The handler-less client-node informer is not waited for: once its watch dies it never comes back.
    return converged.has(berth) && converged.has(clientNode);
  }, 'the informers', ms).catch(() => {});
  await sleep(300); // room for late duplicates
  if (!converged.has(bare) && same(bare.cache(), want)) converged.set(bare, Date.now() - t0);
  const b = berth.mark();
  const c = clientNode.mark();
  const n = bare.mark();
  const cell = (o: Observer, d: Observation) => {
    const ms = converged.get(o);
    const state = ms === undefined ? `**stale**: cache ${o.cache().size} vs ${want.size} objects` : `converged in ${ms} ms`;
    return `${state}; ${d.lists} list(s), ${d.duplicates} duplicate(s), ${d.errors} error(s)${d.restarts ? `, ${d.restarts} restart(s) by user code` : ''}`;
  };
  rows.push(`| ${fault} | ${cell(berth, b)} | ${cell(clientNode, c)} | ${cell(bare, n)} |`);
  return { berth: b, berthConverged: converged.has(berth) };
}

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  await server.start();
  proxy = new FaultProxy(server);
  await proxy.start();
  writer = KubeClient.fromKubeconfig({ path: server.kubeconfigPath }, { retry: { baseDelayMs: 50, maxDelayMs: 500, maxRetries: 40 } });
  const kc = proxy.kubeconfig();
  berth = new BerthObserver(kc);
  clientNode = new ClientNodeObserver(kc, 300);
  bare = new ClientNodeObserver(kc);
  await churn(3);
  await Promise.all([berth.start(), clientNode.start(), bare.start()]);
  await settle('baseline (no fault)');
});

after(async () => {
  await berth?.stop();
  await clientNode?.stop();
  await bare?.stop();
  await writer?.close();
  await proxy?.close();
  await server.cleanup();
  process.off('unhandledRejection', onUnhandled);
  if (unhandled.length) rows.push(`| unhandled promise rejections in the process (either client-node variant) | 0 | ${unhandled.length}: ${[...new Set(unhandled)].slice(0, 2).join('; ')} | |`);
  console.log(['', '| fault | Berth SDK informer | client-node 1.x, restart on error (README pattern) | client-node 1.x, no error handler |', '|---|---|---|---|', ...rows].join('\n'));
});

test('API server killed and restarted on the same data dir, with changes made while it was down', async () => {
  await churn(3);
  await server.kill();
  // Changes while the server is down (written to its storage): a resumed watch must still deliver them.
  await server.withStore(async (store) => {
    const key = keyFor('', 'configmaps', 'default', 'cm-0');
    const o = await store.get(key);
    if (o) await store.update(key, { ...o.value, data: { v: 'offline' } });
  });
  await sleep(300);
  await server.start();
  await churn(3);
  const r = await settle('API server killed and restarted (same data dir)');
  assert.ok(r.berthConverged, 'Berth informer caught up');
  assert.equal(r.berth.duplicates, 0, 'no duplicate deliveries');
  assert.equal(r.berth.lists, 0, 'resumed from its resourceVersion without relisting');
});

test('history compacted while the server was down: 410 Gone, one relist that reports only real differences', async () => {
  await churn(2);
  await waitFor(() => same(berth.cache(), new Map([...berth.cache()])), 'noop');
  await sleep(300);
  berth.mark();
  await server.kill();
  const before = berth.cache();
  let changed = 0;
  await server.withStore(async (store) => {
    const names = [...before.keys()].sort();
    const upd = keyFor('', 'configmaps', 'default', names[0]);
    const o = (await store.get(upd))!;
    await store.update(upd, { ...o.value, data: { v: 'compacted' } });
    await store.delete(keyFor('', 'configmaps', 'default', names[1]));
    const fresh = cm('cm-offline', 'x');
    await store.create(keyFor('', 'configmaps', 'default', 'cm-offline'), { ...fresh, metadata: { ...fresh.metadata, uid: 'offline-uid', creationTimestamp: new Date().toISOString().replace(/\.\d+Z/, 'Z') } });
    changed = 3;
    store.compact(store.currentRevision());
  });
  await server.start();
  const r = await settle('history compacted → 410 Gone on resume');
  assert.ok(r.berthConverged);
  assert.equal(r.berth.lists, 1, 'exactly one relist');
  assert.equal(r.berth.adds + r.berth.updates + r.berth.deletes, changed, 'the relist emitted only the three real differences');
  assert.equal(r.berth.duplicates, 0);
});

test('connections cut mid-stream, repeatedly, while objects change', async () => {
  const writing = churn(12);
  for (let i = 0; i < 6; i++) {
    await sleep(150);
    proxy.cutAll();
  }
  await writing;
  const r = await settle('connections cut mid-stream (6 times during 36 changes)');
  assert.ok(r.berthConverged);
  assert.equal(r.berth.duplicates, 0);
  assert.equal(r.berth.lists, 0, 'each reconnect resumed the watch');
});

test('429 Too Many Requests with Retry-After for 1.5 s, open watches cut', async () => {
  proxy.throttled = 0;
  proxy.throttle(1500);
  await churn(4);
  await sleep(1600);
  const r = await settle('429 + Retry-After: 1 for 1.5 s (streams cut)');
  assert.ok(proxy.throttled > 0, 'the proxy answered 429');
  assert.ok(r.berthConverged);
  assert.equal(r.berth.duplicates, 0);
  assert.equal(r.berth.lists, 0);
});
