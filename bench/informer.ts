// Informer benchmark, Berth's SDK against @kubernetes/client-node 1.x in the same run, on one `berth up` process
// holding N ConfigMaps (default 10 000):
//  - time to sync: informer start until the full list is cached (rounds alternate between the two);
//  - memory: V8 heap retained by the synced informer (after forced GCs), per 10k cached objects;
//  - no-op reconciles per second: every cached key through a reconcile that does nothing. Berth: the SDK's
//    controller (Manager, de-duplicating rate-limited work queue, 4 workers). client-node has no work queue or
//    controller: its add callbacks feed a plain array drained by 4 async loops, as users write it.
// Run: node dist/bench/informer.js [N=10000] [rounds=3]   (re-executes itself with --expose-gc)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { KubeClient } from '../src/client/client.js';
import { SharedInformer } from '../src/client/informer.js';
import { builtin } from '../src/client/resources.js';
import { ControllerBuilder } from '../src/sdk/controller.js';
import { Manager } from '../src/sdk/manager.js';
import { startBerthProcess } from './lib/processes.js';
import { count, fixed, median, table } from './lib/report.js';

const N = Number(process.argv[2] ?? 10_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const NS = 'bench-informer';
const SELECTOR = 'bench=informer';
const WORKERS = 4;

if (typeof globalThis.gc !== 'function') {
  const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const gc = globalThis.gc as () => void;

async function heapUsed(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
}

async function populate(client: KubeClient): Promise<void> {
  await client.create(builtin.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }).catch(() => {});
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < N; i = next++) {
      await client.create(builtin.configMaps, {
        apiVersion: 'v1', kind: 'ConfigMap',
        metadata: { name: `cm-${String(i).padStart(5, '0')}`, namespace: NS, labels: { bench: 'informer', shard: String(i % 16) } },
        data: { 'config.yaml': `replicas: ${i % 7}\nname: item-${i}\n`, owner: 'bench' },
      });
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

interface Sample { syncMs: number; heapBytes: number }

async function berthInformer(kubeconfig: string): Promise<Sample> {
  const client = KubeClient.fromKubeconfig({ path: kubeconfig });
  const before = await heapUsed();
  const t0 = performance.now();
  const inf = SharedInformer.forResource(client, builtin.configMaps, { namespace: NS, labelSelector: SELECTOR });
  inf.run();
  await inf.waitForSync();
  const syncMs = performance.now() - t0;
  if (inf.store.list().length !== N) throw new Error(`Berth informer cached ${inf.store.list().length}`);
  const heapBytes = (await heapUsed()) - before;
  await inf.stop();
  await client.close();
  return { syncMs, heapBytes };
}

function clientNodeConfig(kubeconfig: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  return kc;
}

async function clientNodeInformer(kubeconfig: string): Promise<Sample> {
  const kc = clientNodeConfig(kubeconfig);
  const api = kc.makeApiClient(k8s.CoreV1Api);
  const before = await heapUsed();
  const t0 = performance.now();
  const inf = k8s.makeInformer(kc, `/api/v1/namespaces/${NS}/configmaps`, () => api.listNamespacedConfigMap({ namespace: NS, labelSelector: SELECTOR }), SELECTOR);
  await inf.start(); // resolves once the list is cached and the watch is open
  const syncMs = performance.now() - t0;
  if (inf.list(NS).length !== N) throw new Error(`client-node informer cached ${inf.list(NS).length}`);
  const heapBytes = (await heapUsed()) - before;
  await inf.stop();
  return { syncMs, heapBytes };
}

/** The SDK's controller with a no-op reconcile: from the first to the N-th reconcile. */
async function berthReconciles(kubeconfig: string): Promise<number> {
  const mgr = new Manager({ kubeconfig, logger: { info: () => {}, error: () => {} } });
  let done = 0;
  let first = 0;
  let finished!: () => void;
  const all = new Promise<void>((r) => { finished = r; });
  new ControllerBuilder('noop', mgr).for(builtin.configMaps, { namespace: NS, labelSelector: SELECTOR }).withConcurrency(WORKERS)
    .reconcile(async () => {
      if (done === 0) first = performance.now();
      if (++done === N) finished();
    }).build();
  await mgr.start();
  await all;
  const perSec = N / ((performance.now() - first) / 1000);
  await mgr.stop();
  return perSec;
}

/** client-node: add callbacks push keys; WORKERS async loops call a no-op reconcile. */
async function clientNodeReconciles(kubeconfig: string): Promise<number> {
  const kc = clientNodeConfig(kubeconfig);
  const api = kc.makeApiClient(k8s.CoreV1Api);
  const inf = k8s.makeInformer(kc, `/api/v1/namespaces/${NS}/configmaps`, () => api.listNamespacedConfigMap({ namespace: NS, labelSelector: SELECTOR }), SELECTOR);
  const keys: string[] = [];
  let wake: (() => void) | undefined;
  inf.on('add', (o: k8s.V1ConfigMap) => { keys.push(`${o.metadata!.namespace}/${o.metadata!.name}`); wake?.(); });
  let done = 0;
  let first = 0;
  const reconcile = async (_key: string) => {};
  let finished!: () => void;
  const all = new Promise<void>((r) => { finished = r; });
  const loop = async () => {
    while (done < N) {
      const key = keys.shift();
      if (key === undefined) { await new Promise<void>((r) => { wake = r; }); continue; }
      if (done === 0) first = performance.now();
      await reconcile(key);
      if (++done === N) finished();
    }
    wake?.();
  };
  const loops = Array.from({ length: WORKERS }, loop);
  await inf.start();
  await all;
  const perSec = N / ((performance.now() - first) / 1000);
  wake?.();
  await inf.stop();
  await Promise.race([Promise.all(loops), new Promise((r) => setTimeout(r, 100))]);
  return perSec;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-bench-informer-'));
  const server = await startBerthProcess(dataDir);
  try {
    const admin = KubeClient.fromKubeconfig({ path: server.kubeconfig! });
    const t0 = performance.now();
    await populate(admin);
    await admin.close();
    console.log(`${count(N)} ConfigMaps created in ${fixed((performance.now() - t0) / 1000)} s`);

    const samples = { berth: [] as Sample[], node: [] as Sample[], berthRps: [] as number[], nodeRps: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate who goes first so drift on a shared machine hits both alike.
      const pair = r % 2 === 0 ? [berthInformer, clientNodeInformer] as const : [clientNodeInformer, berthInformer] as const;
      for (const fn of pair) (fn === berthInformer ? samples.berth : samples.node).push(await fn(server.kubeconfig!));
      samples.berthRps.push(await berthReconciles(server.kubeconfig!));
      samples.nodeRps.push(await clientNodeReconciles(server.kubeconfig!));
    }
    const per10k = (s: Sample[]) => median(s.map((x) => x.heapBytes)) / N * 10_000 / 2 ** 20;
    const sync = (s: Sample[]) => median(s.map((x) => x.syncMs));
    const b = { mem: per10k(samples.berth), sync: sync(samples.berth), rps: median(samples.berthRps) };
    const c = { mem: per10k(samples.node), sync: sync(samples.node), rps: median(samples.nodeRps) };
    console.log(`\n${count(N)} objects, median of ${ROUNDS} rounds, Node ${process.version}\n`);
    console.log(table(['', 'Berth SDK', 'client-node 1.x', 'Berth / client-node'], [
      ['heap per 10k cached objects (MiB)', fixed(b.mem), fixed(c.mem), fixed(b.mem / c.mem, 2)],
      ['time to sync (ms)', count(b.sync), count(c.sync), fixed(b.sync / c.sync, 2)],
      ['no-op reconciles / s', count(b.rps), count(c.rps), fixed(b.rps / c.rps, 2)],
    ]));
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
