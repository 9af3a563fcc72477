// The disruption controller and pods/eviction against an in-process API server: PDB status (expectedPods from the
// controllers' scale or the pods, desiredHealthy, currentHealthy, disruptionsAllowed, the DisruptionAllowed
// condition), evictions allowed, refused with upstream's 429 and DisruptionBudget cause, dry run, the v1beta1 body,
// pods the budget does not concern, unready pods, several budgets, and bad requests.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ApiError } from '../../../src/apimachinery/errors.js';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { KubeClient } from '../../../src/client/client.js';
import { loadKubeconfig } from '../../../src/client/kubeconfig.js';
import { builtin, resourcePath } from '../../../src/client/resources.js';
import { DisruptionController, type PodDisruptionBudget } from '../../../src/controllers/disruption/disruption.js';
import type { Pod } from '../../../src/controllers/statefulset/types.js';
import { ControllerEnv, setPodRunning, startControllerEnv, refusal } from '../../support/controller-env.js';
import { eventually } from '../../e2e/harness.js';

let env: ControllerEnv;
/** A client that reports 429s instead of retrying them. */
let raw: KubeClient;

before(async () => {
  env = await startControllerEnv();
  await env.start(new DisruptionController(env.client, env.informers, { onError: () => {} }));
  raw = new KubeClient({ connection: loadKubeconfig({ path: env.kube.kubeconfig }), retry: { maxRetries: 0 } });
});

after(async () => {
  await raw?.close();
  await env?.close();
});

async function runningPod(ns: string, name: string, labels: Record<string, string>, owner?: KubeObject, ready = true): Promise<Pod> {
  const pod = await env.client.create<Pod>(builtin.pods, {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: ns, labels, ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true }] } : {}) },
    // bound to a node, so deletion is graceful and the evicted pod stays visible for a while
    spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }] },
  });
  return setPodRunning(env.client, pod, { ready });
}

async function replicaSet(ns: string, name: string, replicas: number): Promise<KubeObject> {
  return env.client.create(builtin.replicaSets, {
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: ns },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  });
}

const pdbStatus = async (ns: string, name: string) => (await env.client.get<PodDisruptionBudget>(builtin.podDisruptionBudgets, name, { namespace: ns })).status!;

function evict(ns: string, pod: string, body: Record<string, unknown> = {}, query: Record<string, string> = {}) {
  return raw.rest.request<{ status: string; code?: number; message?: string }>({
    method: 'POST', path: resourcePath(builtin.pods, ns, pod, 'eviction'), query,
    body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod, namespace: ns }, ...body },
  });
}

test('status: expectedPods from the controllers for a percentage, from the pods for an integer; the DisruptionAllowed condition', async () => {
  const ns = await env.namespace('status');
  // the ReplicaSet wants 4 (no controller runs here): 50% of 4
  const rs = await replicaSet(ns, 'app', 4);
  for (const n of ['a', 'b', 'c']) await runningPod(ns, n, { app: 'app' }, rs);
  await env.client.create(builtin.podDisruptionBudgets, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'half', namespace: ns }, spec: { minAvailable: '50%', selector: { matchLabels: { app: 'app' } } } });
  const st = await eventually(async () => {
    const s = await pdbStatus(ns, 'half');
    return s.observedGeneration === 1 ? s : undefined;
  });
  assert.equal(st.expectedPods, 4);
  assert.equal(st.desiredHealthy, 2);
  assert.equal(st.currentHealthy, 3);
  assert.equal(st.disruptionsAllowed, 1);
  assert.equal(st.conditions?.length, 1);
  const c = st.conditions![0];
  assert.deepEqual({ type: c.type, status: c.status, reason: c.reason, message: c.message, observedGeneration: c.observedGeneration }, { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: 1 });
  // an integer minAvailable counts the pods themselves; one unready pod leaves no room
  await env.client.create(builtin.podDisruptionBudgets, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'two', namespace: ns }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'app' } } } });
  const two = await eventually(async () => {
    const s = await pdbStatus(ns, 'two');
    return s.observedGeneration === 1 ? s : undefined;
  });
  assert.deepEqual([two.expectedPods, two.desiredHealthy, two.currentHealthy, two.disruptionsAllowed], [4, 3, 3, 0]);
  assert.equal(two.conditions?.[0].reason, 'InsufficientPods');
});

test('eviction within the budget: the PDB records it, the pod gets DisruptionTarget and is deleted', async () => {
  const ns = await env.namespace('allowed');
  for (const n of ['p1', 'p2', 'p3']) await runningPod(ns, n, { app: 'db' });
  await env.client.create(builtin.podDisruptionBudgets, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db', namespace: ns }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'db' } } } });
  await eventually(async () => (await pdbStatus(ns, 'db')).disruptionsAllowed === 1);
  // a dry run changes nothing
  const dry = await evict(ns, 'p1', {}, { dryRun: 'All' });
  assert.equal(dry.status, 'Success');
  assert.equal((await pdbStatus(ns, 'db')).disruptionsAllowed, 1);
  assert.equal((await env.client.get<Pod>(builtin.pods, 'p1', { namespace: ns })).metadata.deletionTimestamp, undefined);

  const ok = await evict(ns, 'p1');
  assert.deepEqual(ok, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
  const pod = await env.client.get<Pod>(builtin.pods, 'p1', { namespace: ns });
  assert.ok(pod.metadata.deletionTimestamp);
  const cond = pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
  assert.deepEqual([cond?.status, cond?.reason, cond?.message], ['True', 'EvictionByEvictionAPI', 'Eviction API: evicting']);
  const st = await pdbStatus(ns, 'db');
  assert.ok(st.disruptedPods?.p1 || st.currentHealthy === 2, 'recorded until the controller sees the deletion');

  // the budget is used up: 429 with the DisruptionBudget cause
  await eventually(async () => (await pdbStatus(ns, 'db')).disruptionsAllowed === 0);
  const e = await refusal(evict(ns, 'p2'));
  assert.equal(e.code, 429);
  assert.equal(e.reason, 'TooManyRequests');
  assert.equal(e.message, "Cannot evict pod as it would violate the pod's disruption budget.");
  assert.deepEqual(e.details?.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget db needs 2 healthy pods and has 2 currently' }]);
  assert.equal((await env.client.get<Pod>(builtin.pods, 'p2', { namespace: ns })).metadata.deletionTimestamp, undefined);
});

test('pods the budget cannot protect go at once; an unready pod goes while the budget is healthy; the v1beta1 body works', async () => {
  const ns = await env.namespace('ignore');
  for (const n of ['r1', 'r2']) await runningPod(ns, n, { app: 'x' });
  await runningPod(ns, 'unready', { app: 'x' }, undefined, false);
  await env.client.create(builtin.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pending', namespace: ns, labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
  await env.client.create(builtin.podDisruptionBudgets, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'x', namespace: ns }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'x' } } } });
  await eventually(async () => (await pdbStatus(ns, 'x')).currentHealthy === 2);
  assert.equal((await pdbStatus(ns, 'x')).disruptionsAllowed, 0);
  // Pending: deleted without looking at the budget (unbound, so at once)
  assert.equal((await evict(ns, 'pending')).status, 'Success');
  await assert.rejects(env.client.get(builtin.pods, 'pending', { namespace: ns }), (e: unknown) => e instanceof ApiError && e.code === 404);
  // unready, with currentHealthy ≥ desiredHealthy: allowed without using the budget
  const beta = await raw.rest.request<{ status: string }>({
    method: 'POST', path: resourcePath(builtin.pods, ns, 'unready', 'eviction'),
    body: { apiVersion: 'policy/v1beta1', kind: 'Eviction', metadata: { name: 'unready', namespace: ns } },
  });
  assert.equal(beta.status, 'Success');
  assert.equal((await pdbStatus(ns, 'x')).disruptedPods, undefined);
  // a ready one is protected
  assert.equal((await refusal(evict(ns, 'r1'))).code, 429);
});

test('several budgets, bad bodies and missing pods answer as upstream', async () => {
  const ns = await env.namespace('odd');
  await runningPod(ns, 'm', { app: 'm', tier: 'web' });
  for (const [name, sel] of [['by-app', { app: 'm' }], ['by-tier', { tier: 'web' }]] as const) {
    await env.client.create(builtin.podDisruptionBudgets, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: ns }, spec: { minAvailable: 0, selector: { matchLabels: sel } } });
  }
  const multi = await refusal(evict(ns, 'm'));
  assert.equal(multi.code, 500);
  assert.equal(multi.message, 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  const mismatch = await refusal(raw.rest.request({ method: 'POST', path: resourcePath(builtin.pods, ns, 'm', 'eviction'), body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'other' } } }));
  assert.equal(mismatch.code, 400);
  assert.equal(mismatch.message, 'name in URL does not match name in Eviction object');
  const gone = await refusal(evict(ns, 'nope'));
  assert.equal(gone.code, 404);
  assert.equal(gone.message, 'pods "nope" not found');
  const badDry = await refusal(evict(ns, 'm', { deleteOptions: { dryRun: ['All'] } }, { dryRun: 'Nope' }));
  assert.equal(badDry.code, 400);
});
