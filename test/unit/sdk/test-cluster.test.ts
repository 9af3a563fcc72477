// startTestCluster: start to ready, API-only by default, controllers on request, cleanup.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { builtin, type KubeObject } from '../../../src/sdk/index.js';
import { startTestCluster } from '../../../src/testing/index.js';
import { until } from './util.js';

// How fast it starts is a benchmark's business (bench/README.md), not an assertion that flakes on a loaded machine.
test('starts, serves the API, and stop() removes the temp dir', async () => {
  const cluster = await startTestCluster();
  console.log(`startTestCluster: ready in ${cluster.startupMs.toFixed(0)} ms`);
  try {
    assert.ok(cluster.startupMs > 0);
    assert.match(cluster.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(existsSync(cluster.kubeconfigPath));
    const nss = await cluster.client.list(builtin.namespaces);
    assert.deepEqual(nss.items.map((n) => n.metadata.name).sort(), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    // envtest-like: no controllers, so a Deployment gets no ReplicaSet.
    const nodes = await cluster.client.list(builtin.nodes);
    assert.equal(nodes.items.length, 0);
  } finally {
    await cluster.stop();
  }
  assert.equal(existsSync(cluster.dataDir), false);
  await cluster.stop(); // idempotent
});

test('with controllers: nodes register and a pod runs on the simulated runtime', async () => {
  const cluster = await startTestCluster({ controllers: true, nodes: 2, simStartDelayMs: 0 });
  console.log(`startTestCluster({ controllers: true }): ready in ${cluster.startupMs.toFixed(0)} ms`);
  try {
    await until(async () => (await cluster.client.list(builtin.nodes)).items.length === 2, 'two nodes registered');
    await cluster.client.create<KubeObject>(builtin.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    await until(async () => {
      const pod = await cluster.client.get(builtin.pods, 'p', { namespace: 'default' });
      return (pod.status as { phase?: string } | undefined)?.phase === 'Running';
    }, 'pod Running');
  } finally {
    await cluster.stop();
  }
});
