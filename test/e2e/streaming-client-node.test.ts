// @kubernetes/client-node 1.x (a real client, the devDependency): Exec (WebSocket v5), PortForward (the kubelet's
// WebSocket variant with ?ports=, v4.channel.k8s.io, port prefixes on the data and error channels) and Log, against
// pods of the test-only HostRuntime.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Server } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { startEchoServer } from '../support/echo-server.js';
import { startStreamingCluster, StreamingCluster } from '../support/streaming-cluster.js';
import { eventually } from './harness.js';

let c: StreamingCluster;
let kc: k8s.KubeConfig;
let echo: Server;
let echoPort: number;

const sink = () => {
  let text = '';
  const w = new Writable({ write(chunk: Buffer, _e, cb) { text += chunk; cb(); } });
  return { w, text: () => text };
};

before(async () => {
  c = await startStreamingCluster({ runtime: 'host' });
  ({ server: echo, port: echoPort } = await startEchoServer());
  kc = new k8s.KubeConfig();
  kc.loadFromFile(c.kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'cn' }, spec: { containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'echo hello from main; exec sleep 3600'] }] } } });
  await eventually(async () => (await core.readNamespacedPod({ name: 'cn', namespace: 'default' })).status?.phase === 'Running', 20_000, 50);
});

after(async () => {
  echo?.close();
  await c?.stop();
});

test('Exec: output on its channels and the exit status as a V1Status', async () => {
  const out = sink();
  const err = sink();
  const status = await new Promise<k8s.V1Status>((resolve) => {
    void new k8s.Exec(kc).exec('default', 'cn', 'main', ['sh', '-c', 'echo out; echo err >&2; exit 2'], out.w, err.w, null, false, resolve);
  });
  assert.equal(out.text(), 'out\n');
  assert.equal(err.text(), 'err\n');
  assert.equal(status.status, 'Failure');
  assert.equal(status.reason, 'NonZeroExitCode');
  assert.deepEqual(status.details?.causes, [{ reason: 'ExitCode', message: '2' }]);
  const ok = await new Promise<k8s.V1Status>((resolve) => {
    void new k8s.Exec(kc).exec('default', 'cn', 'main', ['true'], out.w, null, null, false, resolve);
  });
  assert.equal(ok.status, 'Success');
});

test('PortForward: the kubelet\'s WebSocket port-forward with ?ports=, data both ways', async () => {
  const input = new PassThrough();
  let got = '';
  const output = new Writable({ write(chunk: Buffer, _e, cb) { got += chunk; cb(); } });
  const ws = await new k8s.PortForward(kc).portForward('default', 'cn', [echoPort], output, null, input);
  input.write('through client-node');
  await eventually(() => got === 'through client-node', 10_000, 20);
  (ws as { close(): void }).close();
});

test('Log: a container\'s log', async () => {
  const out = sink();
  // client-node 1.4 never calls the `done` callback: the text arriving is the signal.
  const finished = once(out.w, 'finish');
  await new k8s.Log(kc).log('default', 'cn', 'main', out.w, { tailLines: 5, timestamps: false });
  await finished;
  assert.equal(out.text(), 'hello from main\n');
});
