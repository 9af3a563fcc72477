// Berth's own components and the SDK in the API server's process reach pods on a joined machine's node through that
// machine's kubelet server, as kubectl's requests are proxied there: exec (WebSocket v5 to the kubelet) and
// port-forward (SPDY), with the kubelet's certificate checked against the cluster CA and the node's name. The
// "joined machine" is a kubelet server on loopback with a recording KubeletApi; no root, no netns.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import type { KubeClient } from '../../../src/client/client.js';
import { builtin } from '../../../src/client/resources.js';
import type { KubeletApi, KubeletServer } from '../../../src/component/kubelet-api.js';
import { type Berth, startBerth } from '../../../src/host/berth.js';
import { COMPONENTS } from '../../../src/host/component-list.js';
import type { HostComponent, HostContext } from '../../../src/host/host-context.js';
import { ensurePki, issueClientCertificate } from '../../../src/pki/index.js';
import { startKubeletServer } from '../../../src/server/kubelet-server.js';

const NODE = 'remote-1';
let dir: string;
let berth: Berth;
let ctx: HostContext;
let kubelet: KubeletServer;
let client: KubeClient;
const calls: string[] = [];

/** What the remote machine's runtime would do: an exec that says what it ran, a port that echoes. */
const fakeKubelet: KubeletApi = {
  async exec(pod, container, command, streams) {
    calls.push(`exec ${pod.namespace}/${pod.name}/${container}: ${command.join(' ')}`);
    streams.stdout?.write(`ran ${command.join(' ')} on ${NODE}\n`);
    return { exitCode: 3 };
  },
  async attach() {
    throw new Error('not used');
  },
  async portForward(pod, port) {
    calls.push(`portforward ${pod.namespace}/${pod.name}:${port}`);
    return new PassThrough();
  },
  async logs() {
    throw new Error('not used');
  },
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'berth-remote-kubelet-'));
  const probe: HostComponent = {
    name: 'probe', controller: false,
    async start(c) {
      ctx = c;
      return { stop() {} };
    },
  };
  berth = await startBerth({ dataDir: dir, port: 0, runtime: { controllers: false }, components: [...COMPONENTS, probe] });
  client = ctx.clientAs({ userAgent: 'remote-kubelet-test' });
  const pki = await ensurePki(dir, { hosts: [] });
  const pair = await issueClientCertificate(pki, `system:node:${NODE}`, ['system:nodes']);
  kubelet = await startKubeletServer({ nodeName: NODE, host: '127.0.0.1', port: 0, caPem: pki.caCertPem, certPem: pair.certPem, keyPem: pair.keyPem, client, kubelet: fakeKubelet });

  const node = await client.create(builtin.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } } as KubeObject);
  await client.updateStatus(builtin.nodes, {
    ...node,
    status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } }, conditions: [{ type: 'Ready', status: 'True' }] },
  } as KubeObject);
  const pod = await client.create(builtin.pods, {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'far', namespace: 'default' },
    spec: { nodeName: NODE, containers: [{ name: 'main', image: 'busybox' }] },
  } as KubeObject);
  await client.updateStatus(builtin.pods, {
    ...pod,
    status: { phase: 'Running', containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'busybox', imageID: '', state: { running: { startedAt: new Date().toISOString() } } }] },
  } as KubeObject);
});

after(async () => {
  await kubelet?.close();
  await berth?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('an in-process exec into a pod on a joined node runs on that node\'s kubelet', async () => {
  const r = await client.exec('far', ['echo', 'hi'], { namespace: 'default' });
  assert.equal(r.stdout, `ran echo hi on ${NODE}\n`);
  assert.equal(r.exitCode, 3);
  assert.ok(calls.includes('exec default/far/main: echo hi'), calls.join('\n'));
});

test('an in-process port-forward to a pod on a joined node is a connection through that node\'s kubelet', async () => {
  const conn = await client.portForward('far', 8080, { namespace: 'default' });
  conn.write('ping');
  const [data] = await once(conn, 'data');
  assert.equal(String(data), 'ping');
  conn.destroy();
  assert.ok(calls.includes('portforward default/far:8080'), calls.join('\n'));
});

test('a kubelet whose certificate is not the node\'s is refused', async () => {
  const pki = await ensurePki(dir, { hosts: [] });
  const other = await issueClientCertificate(pki, 'system:node:someone-else', ['system:nodes']);
  const impostor = await startKubeletServer({ nodeName: NODE, host: '127.0.0.1', port: 0, caPem: pki.caCertPem, certPem: other.certPem, keyPem: other.keyPem, client, kubelet: fakeKubelet });
  const node = await client.get(builtin.nodes, NODE);
  try {
    await client.updateStatus(builtin.nodes, { ...node, status: { ...(node.status as object), daemonEndpoints: { kubeletEndpoint: { Port: impostor.port } } } } as KubeObject);
    await assert.rejects(client.exec('far', ['true'], { namespace: 'default' }), /certificate is for "system:node:someone-else", not system:node:remote-1/);
  } finally {
    const now = await client.get(builtin.nodes, NODE);
    await client.updateStatus(builtin.nodes, { ...now, status: { ...(now.status as object), daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } } } } as KubeObject);
    await impostor.close();
  }
});
