// The controller scaffold as the SDK exports it: a user's controller built on QueueController syncs against a real
// in-process Berth (run by the SDK Manager), and stop() drains as documented in controllers/common/queue-controller.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { builtin, Manager, QueueController, type KubeObject, type Syncable } from '../../../src/sdk/index.js';
import { startTestCluster, type TestCluster } from '../../../src/testing/index.js';
import { ConfigMapMirrorController } from './tutorial/configmap-mirror-controller.js';
import { quietLogger, until } from './util.js';

let cluster: TestCluster;
before(async () => {
  cluster = await startTestCluster();
});
after(() => cluster.stop());

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

/** A controller that records the keys it synced; a sync of `blockOn` waits for `release()`. */
class Recorder extends QueueController {
  readonly synced: string[] = [];
  started = '';
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  constructor(private readonly cacheList: Syncable[], private readonly blockOn = '') {
    super(cluster.client, 'recorder', 'recorder', { workers: 1 });
  }
  release(): void {
    this.open();
  }
  protected caches() {
    return this.cacheList;
  }
  protected async sync(key: string): Promise<void> {
    this.started = key;
    if (key === this.blockOn) await this.gate;
    this.synced.push(key);
  }
}

describe('QueueController in the SDK', () => {
  test("a user's controller syncs: creates the mirror, follows the source, and repairs an edited mirror through its owner", async () => {
    const ns = 'mirror-a';
    await cluster.client.create(builtin.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const mgr = new Manager({ client: cluster.client, namespace: ns, logger: quietLogger });
    mgr.add(new ConfigMapMirrorController(mgr.client, mgr.informers));
    await mgr.start();
    const mirrorData = async () => (await cluster.client.get<ConfigMap>(builtin.configMaps, 'site-mirror', { namespace: ns }).catch(() => undefined))?.data;
    try {
      const source = await cluster.client.create<ConfigMap>(builtin.configMaps, {
        apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'site', namespace: ns, labels: { mirror: 'yes' } }, data: { page: 'v1' },
      });
      await until(async () => (await mirrorData())?.page === 'v1', 'the mirror is created');
      const mirror = await cluster.client.get<ConfigMap>(builtin.configMaps, 'site-mirror', { namespace: ns });
      assert.deepEqual(mirror.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.uid, r.controller]), [['ConfigMap', 'site', source.metadata.uid, true]]);

      await cluster.client.update<ConfigMap>(builtin.configMaps, { ...source, data: { page: 'v2' } });
      await until(async () => (await mirrorData())?.page === 'v2', 'the mirror follows its source');

      await cluster.client.update<ConfigMap>(builtin.configMaps, { ...mirror, metadata: { ...mirror.metadata, resourceVersion: undefined }, data: { page: 'edited' } });
      await until(async () => (await mirrorData())?.page === 'v2', 'an edited mirror is put back (its change maps to its owner)');
    } finally {
      await mgr.stop();
    }
  });

  test('stop() lets the sync in hand and the keys already queued finish, and accepts no new key', async () => {
    const c = new Recorder([], 'a');
    for (const key of ['a', 'b', 'c']) c.queue.add(key);
    const running = c.run();
    await until(() => c.started === 'a', 'the first sync started');
    const stopping = c.stop();
    c.queue.add('late');
    c.enqueueAfter({ metadata: { name: 'later', namespace: 'x' } }, 0);
    c.release();
    await stopping;
    await running;
    assert.deepEqual(c.synced, ['a', 'b', 'c']);
  });

  test('a controller whose caches never synced stops at once, dropping its queued keys', async () => {
    const never: Syncable = { waitForSync: (signal) => new Promise((resolve) => signal?.addEventListener('abort', () => resolve(false), { once: true })) };
    const c = new Recorder([never]);
    c.queue.add('a');
    const running = c.run();
    await c.stop();
    await running;
    assert.deepEqual(c.synced, []);
  });
});
