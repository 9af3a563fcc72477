// The controller scaffold as the SDK exports it: a user's controller built on QueueController syncs against a real
// in-process Berth (run by the SDK Manager), and stop() drains as documented in controllers/common/queue-controller.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { builtin, Manager, QueueController, WorkQueue, type KubeObject, type Syncable } from '../../../src/sdk/index.js';
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

/** A controller with a second queue (addQueue) whose syncs wait for `release()` once `holdSecond` is set. */
class TwoQueues extends QueueController {
  readonly synced: string[] = [];
  readonly second = new WorkQueue<string>({ name: 'second' });
  holdSecond = false;
  waiting = false;
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  constructor() {
    super(cluster.client, 'two-queues', 'main', { workers: 1 });
    this.addQueue(this.second, async (key) => {
      if (this.holdSecond) {
        this.waiting = true;
        await this.gate;
      }
      this.synced.push(key);
    });
  }
  release(): void {
    this.open();
  }
  protected caches() {
    return [];
  }
  protected async sync(key: string): Promise<void> {
    this.synced.push(key);
  }
}

/** A controller with a periodic pass every 5 ms; the second pass fails; a pass after `slow` waits for finish(). */
class Periodic extends QueueController {
  passes = 0;
  errors = 0;
  slow = false;
  inPass = false;
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  constructor(private readonly cacheList: Syncable[]) {
    super(cluster.client, 'periodic', 'periodic', { workers: 1 });
    this.every(5, async () => {
      this.inPass = true;
      try {
        if (this.slow) await this.gate;
        this.passes++;
        if (this.passes === 2) throw new Error('second pass fails');
      } finally {
        this.inPass = false;
      }
    }, () => this.errors++);
  }
  finish(): void {
    this.open();
  }
  protected caches() {
    return this.cacheList;
  }
  protected async sync(): Promise<void> {}
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

  test('a queue added with addQueue() runs beside the main one and drains with it on stop()', async () => {
    const c = new TwoQueues();
    c.queue.add('main-a');
    c.second.add('second-a');
    c.second.add('second-b');
    const running = c.run();
    await until(() => c.synced.includes('main-a') && c.synced.includes('second-b'), 'both queues synced');
    c.holdSecond = true;
    c.second.add('second-c');
    c.second.add('second-d');
    await until(() => c.synced.includes('second-c') || c.waiting, 'the second queue took a key');
    const stopping = c.stop();
    c.second.add('late');
    c.release();
    await stopping;
    await running;
    assert.ok(c.second.isShuttingDown());
    assert.deepEqual(c.synced.filter((k) => k.startsWith('second')), ['second-a', 'second-b', 'second-c', 'second-d']);
    assert.ok(!c.synced.includes('late'));
  });

  test('every() runs a pass each period once the caches have listed, and stop() waits for the pass in hand', async () => {
    let listed = false;
    const cache: Syncable = { waitForSync: async () => (listed = true) };
    const c = new Periodic([cache]);
    const running = c.run();
    await until(() => c.passes >= 3, 'three periodic passes');
    assert.ok(listed);
    c.slow = true;
    await until(() => c.inPass, 'a slow pass started');
    const stopping = c.stop();
    c.finish();
    await stopping;
    const passes = c.passes;
    assert.equal(c.inPass, false, 'the pass in hand finished before stop() resolved');
    await running;
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(c.passes, passes, 'no pass after stop()');
    assert.ok(c.errors >= 1, 'a failing pass is reported and the loop goes on');
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
