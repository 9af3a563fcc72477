// The client and informer factory Berth's components share: identities over one pool, watches that cannot starve
// other requests, and the stop order (components, then informers, then connections).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { builtin } from '../../../src/client/resources.js';
import { Berth, startBerth } from '../../../src/host/berth.js';
import { ComponentClients } from '../../../src/host/component-client.js';
import type { Component, ComponentContext } from '../../../src/component/contract.js';
import { InProcessTransport } from '../../../src/server/in-process.js';

const configMap = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { a: '1' } });
const managers = (obj: KubeObject) => (obj.metadata.managedFields ?? []).map((f) => f.manager);

describe('ComponentClients', () => {
  let dir: string;
  let berth: Berth;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-shared-client-'));
    berth = await startBerth({ dataDir: dir, port: 0, components: [] });
  });
  after(async () => {
    await berth.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('each identity writes under its own field manager; closing one view leaves the others working', async () => {
    const clients = new ComponentClients(berth.kubeconfigPath);
    try {
      const kubelet = clients.clientAs({ userAgent: 'berth-node-agent', fieldManager: 'kubelet' });
      assert.deepEqual(managers(await clients.client.create(builtin.configMaps, configMap('by-kcm'))), ['kube-controller-manager']);
      assert.deepEqual(managers(await kubelet.create(builtin.configMaps, configMap('by-kubelet'))), ['kubelet']);
      // a per-request field manager still wins over the identity's default
      assert.deepEqual(managers(await kubelet.create(builtin.configMaps, configMap('by-scheduler'), { fieldManager: 'kube-scheduler' })), ['kube-scheduler']);
      await kubelet.close();
      assert.equal((await clients.client.get(builtin.configMaps, 'by-kubelet', { namespace: 'default' })).metadata.name, 'by-kubelet');
    } finally {
      await clients.close();
    }
  });

  test('in-process clients keep what the in-process transport can do (values for bodies, shared timeout signals)', async () => {
    const transport = new InProcessTransport(() => () => {});
    const clients = new ComponentClients({ inProcess: transport });
    try {
      const { transport: seen } = clients.clientAs({ userAgent: 'probe', fieldManager: 'probe' }).rest;
      assert.equal(seen.jsonBodies, true);
      assert.equal(seen.sharesSignals, true);
    } finally {
      await clients.close();
    }
  });

  test('open watches do not take the connections other requests are capped to', async () => {
    const clients = new ComponentClients(berth.kubeconfigPath, { maxRequestConnections: 1 });
    const abort = new AbortController();
    try {
      // three idle watches, each holding a connection for as long as it runs
      const watches = [builtin.configMaps, builtin.secrets, builtin.services].map(async (res) => {
        for await (const ev of clients.client.watch(res, { namespace: 'default', resourceVersion: '0', signal: abort.signal })) void ev;
      });
      await new Promise((r) => setTimeout(r, 200));
      const listed = await Promise.race([
        Promise.all([1, 2, 3].map(() => clients.client.list(builtin.configMaps, { namespace: 'default' }))),
        new Promise<'stuck'>((r) => setTimeout(() => r('stuck'), 5000).unref()),
      ]);
      assert.notEqual(listed, 'stuck');
      abort.abort();
      await Promise.allSettled(watches);
    } finally {
      abort.abort();
      await clients.close();
    }
  });
});

describe('Berth with shared component clients', () => {
  test('components stop while the shared informers and client still work', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-shared-stop-'));
    let ctx!: ComponentContext;
    let readDuringStop: string | undefined;
    const probe: Component = {
      name: 'probe', controller: true,
      async start(c) {
        ctx = c;
        const namespaces = c.informers.informerFor(builtin.namespaces);
        c.informers.start();
        assert.equal(await namespaces.waitForSync(), true);
        return {
          async stop() {
            readDuringStop = (await c.client.get(builtin.namespaces, 'default')).metadata.name;
            assert.equal(namespaces.hasSynced(), true);
          },
        };
      },
    };
    const berth = await startBerth({ dataDir: dir, port: 0, components: [probe] });
    try {
      // one factory: a second request for the same resource and scope gets the same informer
      assert.equal(ctx.informers.informerFor(builtin.namespaces), ctx.informers.informerFor(builtin.namespaces));
      assert.ok(ctx.informers.informerFor(builtin.namespaces).store.getByName(undefined, 'kube-system'));
    } finally {
      await berth.close();
      rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(readDuringStop, 'default');
  });
});
