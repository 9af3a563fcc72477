// Scheduler + node agent against a real Berth: pending pods get bound to fitting Ready nodes through
// pods/binding and run; pods that fit nowhere stay Pending with PodScheduled=False and a FailedScheduling event.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ApiError } from '../../../src/apimachinery/errors.js';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { builtin, resourcePath } from '../../../src/client/resources.js';
import { NodeAgent, startNodeAgent } from '../../../src/nodeagent/index.js';
import type { Pod } from '../../../src/api/core.js';
import { Scheduler, startScheduler } from '../../../src/scheduler/index.js';
import { bindingServed, Env, getPod, isGone, pod, startEnv, waitFor } from './env.js';

// Started before the tests register: whether pods/binding is served decides which tests can run.
const env: Env = await startEnv('berth-scheduler-');
const served = await bindingServed(env.client);
let agent: NodeAgent;
let scheduler: Scheduler;

before(async () => {
  agent = await startNodeAgent(env.client, { simStartDelayMs: 30 });
  scheduler = await startScheduler(env.client, { retryUnschedulableMs: 500 });
});

after(async () => {
  await scheduler?.stop();
  await agent?.stop();
  await env?.close();
});

const skip = () => (served ? false : 'pods/binding is not wired into src/server/resources.ts yet');
const cond = (p: Pod, type: string) => p.status?.conditions?.find((c) => c.type === type);

test('pods/binding: binds once, refuses a second binding with upstream wording', { skip: skip() }, async () => {
  await env.client.create(builtin.pods, pod('manual', { spec: { schedulerName: 'nobody' } }));
  const bind = (node: string) => env.client.rest.request({
    method: 'POST', path: resourcePath(builtin.pods, 'default', 'manual', 'binding'),
    body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'manual' }, target: { kind: 'Node', name: node } },
  });
  const res = await bind('berth-node-2') as KubeObject & { status?: string; code?: number };
  assert.equal(res.status, 'Success');
  const p = await getPod(env.client, 'manual');
  assert.equal(p.spec.nodeName, 'berth-node-2');
  assert.equal(cond(p, 'PodScheduled')?.status, 'True');
  await assert.rejects(bind('berth-node-3'), (e: unknown) =>
    e instanceof ApiError && e.code === 409 && e.message === 'Operation cannot be fulfilled on pods/binding "manual": pod manual is already assigned to node "berth-node-2"');
  await assert.rejects(env.client.rest.request({
    method: 'POST', path: resourcePath(builtin.pods, 'default', 'manual', 'binding'),
    body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'manual' }, target: { kind: 'Node' } },
  }), (e: unknown) => e instanceof ApiError && e.code === 422 && e.message === 'Binding "manual" is invalid: target.name: Required value');
});

test('schedules pending pods onto Ready nodes; they run there', { skip: skip() }, async () => {
  for (let i = 1; i <= 3; i++) await env.client.create(builtin.pods, pod(`spread-${i}`, { spec: { containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '1' } } }] } }));
  const placed = new Set<string>();
  for (let i = 1; i <= 3; i++) {
    const p = await waitFor(async () => {
      const x = await getPod(env.client, `spread-${i}`);
      return x.status?.phase === 'Running' && cond(x, 'Ready')?.status === 'True' && x;
    }, `spread-${i} running`);
    assert.match(p.spec.nodeName!, /^berth-node-[123]$/);
    assert.equal(cond(p, 'PodScheduled')?.status, 'True');
    assert.ok(p.status?.podIP);
    placed.add(p.spec.nodeName!);
  }
  assert.equal(placed.size, 3, 'least-allocated spreads equal pods over the nodes');
  const events = await env.client.list<KubeObject & { reason: string; message: string; source?: { component?: string } }>(builtin.events, { namespace: 'default', fieldSelector: 'involvedObject.name=spread-1' });
  const scheduled = events.items.find((e) => e.reason === 'Scheduled');
  assert.match(scheduled?.message ?? '', /^Successfully assigned default\/spread-1 to berth-node-[123]$/);
  assert.equal(scheduled?.source?.component, 'default-scheduler');

  await env.client.create(builtin.pods, pod('picky', { spec: { nodeSelector: { 'kubernetes.io/hostname': 'berth-node-3' } } }));
  const picky = await waitFor(async () => (await getPod(env.client, 'picky')).spec.nodeName, 'picky bound');
  assert.equal(picky, 'berth-node-3');
});

test('unschedulable pods stay Pending with PodScheduled=False and a FailedScheduling event', { skip: skip() }, async () => {
  await env.client.create(builtin.pods, pod('huge', { spec: { containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '5' } } }] } }));
  const p = await waitFor(async () => {
    const x = await getPod(env.client, 'huge');
    return cond(x, 'PodScheduled')?.status === 'False' && x;
  }, 'PodScheduled=False');
  const message = '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
  assert.equal(p.status?.phase, 'Pending');
  assert.equal(p.spec.nodeName, undefined);
  assert.equal(cond(p, 'PodScheduled')?.reason, 'Unschedulable');
  assert.equal(cond(p, 'PodScheduled')?.message, message);
  const ev = await waitFor(async () => {
    const list = await env.client.list<KubeObject & { reason: string; message: string; type: string }>(builtin.events, { namespace: 'default', fieldSelector: 'involvedObject.name=huge' });
    return list.items.find((e) => e.reason === 'FailedScheduling');
  }, 'FailedScheduling event');
  assert.equal(ev.type, 'Warning');
  assert.equal(ev.message, message);

  // A selector nothing matches is not something preemption can help with.
  await env.client.create(builtin.pods, pod('nowhere', { spec: { nodeSelector: { disk: 'ssd' } } }));
  const nowhere = await waitFor(async () => {
    const x = await getPod(env.client, 'nowhere');
    return cond(x, 'PodScheduled')?.status === 'False' && x;
  }, 'nowhere unschedulable');
  assert.equal(cond(nowhere, 'PodScheduled')?.message, "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");

  // Deleting an unscheduled pod is immediate (no node to stop it).
  await env.client.delete(builtin.pods, 'huge', { namespace: 'default' });
  assert.ok(await isGone(env.client, 'huge'));
});
