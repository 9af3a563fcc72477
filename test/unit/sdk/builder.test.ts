// The controller builder against a real in-process Berth: reconciles on create/update/owned changes, predicates
// filter, errors requeue with backoff, requeueAfter comes back.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { builtin, controller, generationChanged, labelsChanged, Manager, setOwnerReference, type KubeObject, type Request } from '../../../src/sdk/index.js';
import { startTestCluster, type TestCluster } from '../../../src/testing/index.js';
import { quietLogger, until } from './util.js';

let cluster: TestCluster;
before(async () => {
  cluster = await startTestCluster();
  console.log(`test cluster ready in ${cluster.startupMs.toFixed(0)} ms`);
});
after(() => cluster.stop());

const cm = (name: string, data: Record<string, string> = {}, labels?: Record<string, string>): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) }, data });

describe('controller builder', () => {
  test('reconciles on create and update of the primary kind, and on owned-object changes', async () => {
    const ns = 'builder-a';
    await cluster.client.create(builtin.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const seen: string[] = [];
    const mgr = new Manager({ client: cluster.client, namespace: ns, logger: quietLogger });
    controller('cm-watcher', mgr)
      .for(builtin.configMaps)
      .owns(builtin.secrets)
      .reconcile(async (req: Request) => {
        seen.push(`${req.namespace}/${req.name}`);
      })
      .build();
    await mgr.start();
    try {
      const owner = await cluster.client.create(builtin.configMaps, { ...cm('owner'), metadata: { name: 'owner', namespace: ns } });
      await until(() => seen.includes(`${ns}/owner`), 'seen.includes(`${ns}/owner`)');
      const n = seen.length;
      await cluster.client.update(builtin.configMaps, { ...owner, data: { a: '1' } });
      await until(() => seen.length > n, 'update reconciled');
      const m = seen.length;
      const secret = setOwnerReference(owner, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'owned', namespace: ns } } as KubeObject, { controller: true });
      await cluster.client.create(builtin.secrets, secret);
      await until(() => seen.slice(m).includes(`${ns}/owner`), 'owned secret maps to its owner');
      assert.ok(!seen.includes(`${ns}/owned`), 'the owned object itself is not a request');
    } finally {
      await mgr.stop();
    }
  });

  test('predicates filter updates', async () => {
    const ns = 'builder-b';
    await cluster.client.create(builtin.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    let count = 0;
    const mgr = new Manager({ client: cluster.client, namespace: ns, logger: quietLogger });
    controller('labels-only', mgr)
      .for(builtin.configMaps, { predicates: [labelsChanged()] })
      .reconcile(async () => { count++; })
      .build();
    await mgr.start();
    try {
      let obj = await cluster.client.create(builtin.configMaps, { ...cm('p'), metadata: { name: 'p', namespace: ns } });
      await until(() => count === 1, 'count === 1');
      obj = await cluster.client.update(builtin.configMaps, { ...obj, data: { x: 'changed' } });
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(count, 1, 'a data-only update is filtered out');
      await cluster.client.update(builtin.configMaps, { ...obj, metadata: { ...obj.metadata, labels: { a: 'b' } } });
      await until(() => count === 2, 'count === 2');
    } finally {
      await mgr.stop();
    }
  });

  test('generationChanged ignores metadata-only changes of objects with a generation', async () => {
    const ns = 'builder-c';
    await cluster.client.create(builtin.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    let count = 0;
    const mgr = new Manager({ client: cluster.client, namespace: ns, logger: quietLogger });
    controller('gen', mgr).for(builtin.deployments, { predicates: [generationChanged()] }).reconcile(async () => { count++; }).build();
    await mgr.start();
    try {
      const dep = await cluster.client.create<KubeObject>(builtin.deployments, {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: ns },
        spec: { replicas: 1, selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
      });
      await until(() => count === 1, 'count === 1');
      const relabeled = await cluster.client.patch<KubeObject>(builtin.deployments, 'd', { metadata: { labels: { x: 'y' } } }, 'merge', { namespace: ns });
      assert.equal(relabeled.metadata.generation, dep.metadata.generation);
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(count, 1);
      await cluster.client.patch(builtin.deployments, 'd', { spec: { replicas: 2 } }, 'merge', { namespace: ns });
      await until(() => count === 2, 'count === 2');
    } finally {
      await mgr.stop();
    }
  });

  test('errors requeue with backoff; requeueAfter comes back; one key is never reconciled twice at once', async () => {
    const ns = 'builder-d';
    await cluster.client.create(builtin.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const attempts: number[] = [];
    let active = 0;
    let maxActive = 0;
    let afterCount = 0;
    const mgr = new Manager({ client: cluster.client, namespace: ns, logger: quietLogger });
    controller('flaky', mgr)
      .for(builtin.configMaps)
      .withConcurrency(4)
      .reconcile(async (req, ctx) => {
        active++;
        maxActive = Math.max(maxActive, active);
        try {
          await new Promise((r) => setTimeout(r, 5));
          if (req.name === 'fails') {
            attempts.push(ctx.retries);
            if (attempts.length < 3) throw new Error('not yet');
            return;
          }
          afterCount++;
          return afterCount < 3 ? { requeueAfter: 20 } : undefined;
        } finally {
          active--;
        }
      })
      .build();
    await mgr.start();
    try {
      await cluster.client.create(builtin.configMaps, { ...cm('fails'), metadata: { name: 'fails', namespace: ns } });
      await cluster.client.create(builtin.configMaps, { ...cm('later'), metadata: { name: 'later', namespace: ns } });
      await until(() => attempts.length === 3, 'attempts.length === 3');
      assert.deepEqual(attempts, [0, 1, 2], 'each failure counts as a retry');
      await until(() => afterCount === 3, 'afterCount === 3');
      assert.ok(maxActive <= 2, 'at most one worker per key');
    } finally {
      await mgr.stop();
    }
  });

  test('watches() maps any kind to requests', async () => {
    const ns = 'builder-e';
    await cluster.client.create(builtin.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const seen: string[] = [];
    const mgr = new Manager({ client: cluster.client, namespace: ns, logger: quietLogger });
    controller('mapper', mgr)
      .for(builtin.configMaps)
      .watches(builtin.secrets, (s) => ({ namespace: s.metadata.namespace!, name: `for-${s.metadata.name}` }))
      .reconcile(async (req) => { seen.push(req.name); })
      .build();
    await mgr.start();
    try {
      await cluster.client.create(builtin.secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's1', namespace: ns } });
      await until(() => seen.includes('for-s1'), "seen.includes('for-s1')");
    } finally {
      await mgr.stop();
    }
  });
});
