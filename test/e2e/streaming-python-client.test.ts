// The Python client's `stream` (Debian's python3-kubernetes 22.x: WebSocket `v4.channel.k8s.io` for exec, the
// kubelet's WebSocket port-forward) through test/e2e/fixtures/python-stream.py, against the test-only HostRuntime.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import type { Server } from 'node:net';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../src/apimachinery/types.js';
import { KubeClient } from '../../src/client/client.js';
import { builtin } from '../../src/client/resources.js';
import { repoPath } from '../repo-path.js';
import { PYTHON, pythonClientMissing } from '../support/python-client.js';
import { startEchoServer } from '../support/echo-server.js';
import { startStreamingCluster, StreamingCluster } from '../support/streaming-cluster.js';
import { eventually } from './harness.js';


const missing = pythonClientMissing();
let c: StreamingCluster;
let echo: Server;
let echoPort: number;

before(async () => {
  if (missing) return;
  c = await startStreamingCluster({ runtime: 'host' });
  ({ server: echo, port: echoPort } = await startEchoServer());
  const client = KubeClient.fromKubeconfig({ path: c.kubeconfig }, { userAgent: 'python-test-setup' });
  await client.create(builtin.pods, {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'py', namespace: 'default' },
    spec: { containers: [{ name: 'main', image: 'busybox', command: ['sleep', '3600'] }] },
  } as KubeObject);
  await eventually(async () => ((await client.get(builtin.pods, 'py', { namespace: 'default' })).status as { phase?: string })?.phase === 'Running', 20_000, 50);
  await client.close();
});

after(async () => {
  echo?.close();
  await c?.stop();
});

test('exec output, stderr and exit code, stdin, and a forwarded connection', { skip: missing, timeout: 90_000 }, async () => {
  const out = await new Promise<string>((resolve, reject) => execFile(PYTHON, [repoPath('test/e2e/fixtures/python-stream.py'), c.kubeconfig, 'py', String(echoPort)],
    { env: { PATH: process.env.PATH, HOME: c.home }, timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))));
  const seen = JSON.parse(out);
  assert.equal(seen.output, 'out\n');
  assert.equal(seen.stderr, 'err\n');
  assert.equal(seen.returncode, 4);
  assert.equal(seen.stdin, 'hello');
  assert.equal(seen.forwarded, 'via python');
});
