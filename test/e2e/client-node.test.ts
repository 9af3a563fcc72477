// @kubernetes/client-node 1.x (a real client, the devDependency) against a real `berth up` with its controllers:
// a scale patch loop racing the Deployment controller's writes gets no 409, replace without a resourceVersion works,
// and an informer's cache follows the server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { Cluster, eventually, startCluster } from './harness.js';

let c: Cluster;
let kc: k8s.KubeConfig;
before(async () => {
  c = await startCluster({ args: ['--sim-start-delay', '50'] });
  kc = new k8s.KubeConfig();
  kc.loadFromFile(c.kubeconfig);
  await kc.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name: 'cn' } } });
});
after(async () => { await c?.stop(); c?.cleanup(); });

const deployment = (name: string, replicas: number): k8s.V1Deployment => ({
  metadata: { name, namespace: 'cn' },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
});

test('scale patches in a loop while the Deployment and ReplicaSet controllers write: zero 409s', async () => {
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  await apps.createNamespacedDeployment({ namespace: 'cn', body: deployment('loop', 1) });
  const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
  const failures: string[] = [];
  // Two loops patching back to back: each patch's write races the other loop's and the controllers' writes.
  await Promise.all([0, 1].map(async (loop) => {
    for (let n = 1; n <= 20; n++) {
      try {
        const scale = await apps.patchNamespacedDeploymentScale({ name: 'loop', namespace: 'cn', body: { spec: { replicas: ((n + loop) % 4) + 1 } } }, merge);
        assert.ok(scale.spec?.replicas);
      } catch (e) {
        failures.push(String((e as { code?: number }).code ?? e));
      }
    }
  }));
  assert.deepEqual(failures, []);
  // The controllers did race: the deployment's status moved while the loop ran.
  const dep = await apps.readNamespacedDeployment({ name: 'loop', namespace: 'cn' });
  assert.ok((dep.status?.observedGeneration ?? 0) > 1, JSON.stringify(dep.status));
});

test('replace without a resourceVersion, and an informer that follows creates, updates and deletes', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const list = () => core.listNamespacedConfigMap({ namespace: 'cn', labelSelector: 'inf=1' });
  const informer = k8s.makeInformer(kc, '/api/v1/namespaces/cn/configmaps', list, 'inf=1');
  await informer.start();
  try {
    await core.createNamespacedConfigMap({ namespace: 'cn', body: { metadata: { name: 'inf', labels: { inf: '1' } }, data: { v: '1' } } });
    await eventually(() => informer.get('inf', 'cn')?.data?.v === '1');
    const replaced = await core.replaceNamespacedConfigMap({ name: 'inf', namespace: 'cn', body: { metadata: { name: 'inf', labels: { inf: '1' } }, data: { v: '2' } } });
    assert.equal(replaced.data?.v, '2');
    await eventually(() => informer.get('inf', 'cn')?.data?.v === '2');
    await core.deleteNamespacedConfigMap({ name: 'inf', namespace: 'cn' });
    await eventually(() => informer.get('inf', 'cn') === undefined);
  } finally {
    await informer.stop();
  }
});
