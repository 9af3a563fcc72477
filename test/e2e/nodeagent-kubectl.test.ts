// The real kubectl against an in-process Berth with the simulated node agent (and, when pods/binding is served,
// the scheduler): `get nodes` shows Ready nodes at v1.33.0, `get pods -o wide` a running pod with its IP and node,
// `describe` the kubelet's events, and `delete` waits for the agent to finish the graceful deletion.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { NodeAgent, startNodeAgent } from '../../src/nodeagent/index.js';
import { Scheduler, startScheduler } from '../../src/scheduler/index.js';
import { bindingServed, Env, startEnv } from '../unit/nodeagent/env.js';
import { eventually, kubectl, kubectlOk } from './harness.js';

const env: Env = await startEnv('berth-e2e-nodeagent-');
const served = await bindingServed(env.client);
const cluster = { kubeconfig: env.berth.kubeconfigPath, home: join(env.dataDir, 'home') };
mkdirSync(cluster.home, { recursive: true });
let agent: NodeAgent;
let scheduler: Scheduler | undefined;

before(async () => {
  agent = await startNodeAgent(env.client, { simStartDelayMs: 50 });
  if (served) scheduler = await startScheduler(env.client);
});

after(async () => {
  await scheduler?.stop();
  await agent?.stop();
  await env.close();
});

/** Polls kubectl until the pod's Ready condition is True (kubectl wait is avoided: see the report). */
const waitReady = (name: string) => eventually(async () =>
  (await kubectlOk(cluster, ['get', 'pod', name, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'])) === 'True', 20_000, 50);

const rows = (out: string) => out.trim().split('\n').map((l) => l.trim().split(/\s{2,}/));

test('kubectl get nodes: three Ready nodes at v1.33.0', async () => {
  const out = await kubectlOk(cluster, ['get', 'nodes']);
  const [header, ...nodes] = rows(out);
  assert.deepEqual(header, ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
  assert.deepEqual(nodes.map((r) => r[0]), ['berth-node-1', 'berth-node-2', 'berth-node-3']);
  for (const r of nodes) {
    assert.equal(r[1], 'Ready');
    assert.equal(r[2], 'worker');
    assert.equal(r[4], 'v1.33.0');
  }
  const wide = rows(await kubectlOk(cluster, ['get', 'nodes', '-o', 'wide']));
  assert.deepEqual(wide[0].slice(5, 7), ['INTERNAL-IP', 'EXTERNAL-IP']);
  assert.equal(wide[1][5], '172.18.0.2');
  assert.ok(wide[1].includes('berth-sim://0.1'));
});

test('kubectl get pods -o wide: READY 1/1, Running, with IP and NODE', async () => {
  const manifest = served
    ? 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n'
    : 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  nodeName: berth-node-2\n  containers:\n  - name: web\n    image: nginx:1.27\n';
  await kubectlOk(cluster, ['apply', '-f', '-'], { input: manifest });
  await waitReady('web');
  const [header, row] = rows(await kubectlOk(cluster, ['get', 'pods', '-o', 'wide']));
  assert.deepEqual(header, ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
  assert.equal(row[0], 'web');
  assert.equal(row[1], '1/1');
  assert.equal(row[2], 'Running');
  assert.equal(row[3], '0');
  assert.match(row[5], /^10\.244\.[0-2]\.\d+$/);
  assert.match(row[6], /^berth-node-[123]$/);

  const describe = await kubectlOk(cluster, ['describe', 'pod', 'web']);
  assert.match(describe, /Status:\s+Running/);
  assert.match(describe, /Normal\s+Started\s+.*kubelet\s+Started container web/);
  if (served) assert.match(describe, /Normal\s+Scheduled\s+.*default-scheduler\s+Successfully assigned default\/web to berth-node-[123]/);
});

test('kubectl get pods shows Init:0/1 while init containers run, and Error / Completed for exited pods', async () => {
  await kubectlOk(cluster, ['apply', '-f', '-'], {
    input: [
      // Each container takes 6 s to start: a kubectl poll on a loaded machine takes over a second, and must still see
      // the init container's window.
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: slow-init\n  annotations:\n    sim.berth.dev/start-delay-ms: "6000"\nspec:\n  nodeName: berth-node-1\n  initContainers:\n  - name: setup\n    image: busybox\n  containers:\n  - name: app\n    image: nginx\n',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: failing\n  annotations:\n    sim.berth.dev/exit-code: "3"\nspec:\n  nodeName: berth-node-1\n  restartPolicy: Never\n  containers:\n  - name: app\n    image: busybox\n',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: done\n  annotations:\n    sim.berth.dev/exit-code: "0"\nspec:\n  nodeName: berth-node-1\n  restartPolicy: Never\n  containers:\n  - name: app\n    image: busybox\n',
    ].join('---\n'),
  });
  const status = async (name: string) => rows(await kubectlOk(cluster, ['get', 'pod', name]))[1][2];
  await eventually(async () => (await status('slow-init')) === 'Init:0/1', 10_000, 50);
  await eventually(async () => (await status('failing')) === 'Error', 10_000, 50);
  await eventually(async () => (await status('done')) === 'Completed', 10_000, 50);
  await eventually(async () => (await status('slow-init')) === 'Running', 30_000, 50);
});

test('kubectl delete pod waits for the agent to stop it; Terminating shows meanwhile', async () => {
  await kubectlOk(cluster, ['apply', '-f', '-'], {
    input: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: stubborn\n  annotations:\n    sim.berth.dev/ignore-sigterm: "true"\nspec:\n  nodeName: berth-node-3\n  terminationGracePeriodSeconds: 2\n  containers:\n  - name: app\n    image: nginx\n',
  });
  await waitReady('stubborn');
  const started = Date.now();
  const deleting = kubectl(cluster, ['delete', 'pod', 'stubborn']);
  await eventually(async () => rows(await kubectlOk(cluster, ['get', 'pod', 'stubborn']))[1][2] === 'Terminating', 5000, 50);
  const res = await deleting;
  assert.equal(res.code, 0, res.stderr);
  assert.equal(res.stdout.trim(), 'pod "stubborn" deleted');
  assert.ok(Date.now() - started >= 1000, 'kubectl waited for the grace period');
  const gone = await kubectl(cluster, ['get', 'pod', 'stubborn']);
  assert.match(gone.stderr, /pods "stubborn" not found/);
});
