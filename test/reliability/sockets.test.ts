// The SDK informer never leaks sockets: after connections are cut over and over it holds only what it uses (a
// watch, perhaps one idle keep-alive connection), and after stop() it holds none.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KubeClient } from '../../src/client/client.js';
import { builtin } from '../../src/client/resources.js';
import { EmbeddedServer, FaultProxy, sleep, waitFor } from './harness.js';
import { BerthObserver } from './observers.js';

const server = new EmbeddedServer();
let proxy: FaultProxy;
let writer: KubeClient;
let berth: BerthObserver;

before(async () => {
  await server.start();
  proxy = new FaultProxy(server);
  await proxy.start();
  writer = KubeClient.fromKubeconfig({ path: server.kubeconfigPath }, { retry: { baseDelayMs: 50, maxDelayMs: 500, maxRetries: 40 } });
  berth = new BerthObserver(proxy.kubeconfig());
  await berth.start();
});

after(async () => {
  await berth?.stop();
  await writer?.close();
  await proxy?.close();
  await server.cleanup();
});

test('no sockets leak across repeated connection cuts, and none remain after stop()', async () => {
  for (let i = 0; i < 10; i++) {
    await writer.create(builtin.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `sock-${i}`, namespace: 'default', labels: { app: 'reliability' } } });
    proxy.cutAll();
    await sleep(100);
  }
  await waitFor(() => berth.cache().size >= 10, 'the informer caught up', 10_000);
  await sleep(500);
  assert.ok(proxy.openConnections <= 2, `${proxy.openConnections} connections open after 10 cuts`);
  await berth.stop();
  await waitFor(() => proxy.openConnections === 0, 'every connection closed after stop()', 3000);
});
