// /metrics, /healthz and /readyz of a Manager: controller-runtime's series names, counted from real reconciles.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { builtin, controller, Manager } from '../../../src/sdk/index.js';
import { startTestCluster, type TestCluster } from '../../../src/testing/index.js';
import { quietLogger, until } from './util.js';

let cluster: TestCluster;
before(async () => { cluster = await startTestCluster(); });
after(() => cluster.stop());

const sample = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

test('metrics endpoint exposes reconcile, work queue and informer series; health endpoints report readiness', async () => {
  const ns = 'metrics';
  await cluster.client.create(builtin.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const mgr = new Manager({ client: cluster.client, namespace: ns, logger: quietLogger, metrics: { port: 0 }, health: { port: 0 } });
  let calls = 0;
  controller('metered', mgr).for(builtin.configMaps).reconcile(async (req) => {
    calls++;
    if (req.name === 'bad' && calls < 3) throw new Error('boom');
  }).build();
  const health = () => `http://127.0.0.1:${mgr.healthPort}`;
  await mgr.start();
  try {
    assert.equal((await fetch(`${health()}/healthz`)).status, 200);
    assert.equal((await fetch(`${health()}/readyz`)).status, 200);
    await cluster.client.create(builtin.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'good', namespace: ns } });
    await cluster.client.create(builtin.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad', namespace: ns } });
    await until(() => calls >= 3, 'three reconciles');
    const res = await fetch(`http://127.0.0.1:${mgr.metricsPort}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = await res.text();
    assert.ok((sample(text, 'controller_runtime_reconcile_total{controller="metered",result="success"}') ?? 0) >= 1, text);
    assert.ok((sample(text, 'controller_runtime_reconcile_total{controller="metered",result="error"}') ?? 0) >= 1);
    assert.ok((sample(text, 'controller_runtime_reconcile_errors_total{controller="metered"}') ?? 0) >= 1);
    assert.ok((sample(text, 'controller_runtime_reconcile_time_seconds_count{controller="metered"}') ?? 0) >= 3);
    assert.ok((sample(text, 'workqueue_adds_total{name="metered"}') ?? 0) >= 3);
    assert.ok((sample(text, 'workqueue_retries_total{name="metered"}') ?? 0) >= 1);
    assert.equal(sample(text, 'workqueue_depth{name="metered"}'), 0);
    assert.ok((sample(text, 'workqueue_queue_duration_seconds_count{name="metered"}') ?? 0) >= 3);
    assert.match(text, /# TYPE informer_watch_restarts_total counter/);
    assert.equal(sample(text, 'controller_runtime_max_concurrent_reconciles{controller="metered"}'), 1);
    assert.equal((await fetch(`http://127.0.0.1:${mgr.metricsPort}/nope`)).status, 404);
  } finally {
    await mgr.stop();
  }
});

test('readyz waits for the caches; a standby with leader election is ready, a stopped manager is not', async () => {
  const mgr = new Manager({
    client: cluster.client, namespace: 'default', logger: quietLogger, health: { port: 0 },
    leaderElection: { name: 'metrics-lock', namespace: 'default', leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 200 },
  });
  controller('ready', mgr).for(builtin.configMaps).reconcile(async () => {}).build();
  assert.equal(mgr.isReady(), false);
  await mgr.start();
  await until(() => mgr.isReady(), 'ready after start');
  const res = await fetch(`http://127.0.0.1:${mgr.healthPort}/readyz`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'ok');
  await mgr.stop();
  assert.equal(mgr.isReady(), false);
});
