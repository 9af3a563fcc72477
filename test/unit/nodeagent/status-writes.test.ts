// How many pod status writes the agent makes: with a zero start delay the first write already carries Running
// (the status manager writes the latest state), with a real delay every step stays visible to a watcher; the
// container Events are the same either way.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { builtin } from '../../../src/client/resources.js';
import { NodeAgent, startNodeAgent } from '../../../src/nodeagent/index.js';
import type { Pod } from '../../../src/api/core.js';
import { Env, pod, startEnv, waitFor } from './env.js';

let env: Env;
let fast: NodeAgent;
let slow: NodeAgent;

before(async () => {
  env = await startEnv('berth-status-writes-');
  fast = await startNodeAgent(env.client, { nodes: 1, namePrefix: 'fast-', simStartDelayMs: 0 });
  slow = await startNodeAgent(env.client, { nodes: 1, namePrefix: 'slow-', simStartDelayMs: 150, podCidr: '10.245.0.0/16' });
});

after(async () => {
  await fast?.stop();
  await slow?.stop();
  await env?.close();
});

const ready = (p: Pod) => p.status?.phase === 'Running' && !!p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

/** Creates the pod and returns every version of it a watcher sees until it is Ready. */
async function watchUntilReady(p: Pod): Promise<Pod[]> {
  const abort = new AbortController();
  const seen: Pod[] = [];
  const start = await env.client.list(builtin.pods, { namespace: 'default' });
  const done = (async () => {
    for await (const ev of env.client.watch<Pod>(builtin.pods, { namespace: 'default', resourceVersion: start.metadata.resourceVersion, fieldSelector: `metadata.name=${p.metadata.name}`, signal: abort.signal })) {
      seen.push(ev.object);
      if (ready(ev.object)) return;
    }
  })();
  await env.client.create(builtin.pods, p);
  const timer = setTimeout(() => abort.abort(), 8000);
  await done;
  clearTimeout(timer);
  abort.abort();
  return seen;
}

async function containerEvents(name: string): Promise<string[]> {
  return waitFor(async () => {
    const list = await env.client.list<KubeObject & { reason: string; message: string; involvedObject: { name: string; fieldPath?: string }; source: { component: string } }>(builtin.events, { namespace: 'default' });
    const mine = list.items.filter((e) => e.involvedObject.name === name && e.source.component === 'kubelet');
    return mine.length >= 3 && mine.map((e) => `${e.reason} ${e.involvedObject.fieldPath} ${e.message}`);
  }, `events of ${name}`);
}

test('start delay 0: one status write takes the pod from Pending to Running and Ready', async () => {
  const seen = await watchUntilReady(pod('quick', { nodeName: 'fast-1' }));
  assert.equal(seen[0].status?.phase, 'Pending');
  assert.equal(seen.length, 2, `versions seen: ${seen.map((p) => p.status?.phase).join(', ')}`);
  const running = seen[1];
  assert.ok(ready(running));
  assert.ok(running.status?.containerStatuses?.[0].state?.running?.startedAt);
  assert.match(running.status!.podIP!, /^10\.244\.0\.\d+$/);
  assert.deepEqual((await containerEvents('quick')).sort(), [
    'Created spec.containers{app} Created container: app',
    'Pulled spec.containers{app} Container image "nginx:1.27" already present on machine',
    'Started spec.containers{app} Started container app',
  ]);
});

test('a real start delay: watchers see ContainerCreating before Running', async () => {
  const seen = await watchUntilReady(pod('steady', { nodeName: 'slow-1' }));
  const creating = seen.find((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ContainerCreating');
  assert.ok(creating, `versions seen: ${seen.map((p) => p.status?.phase).join(', ')}`);
  assert.equal(creating.status?.phase, 'Pending');
  assert.ok(ready(seen[seen.length - 1]));
  assert.deepEqual((await containerEvents('steady')).sort(), [
    'Created spec.containers{app} Created container: app',
    'Pulled spec.containers{app} Container image "nginx:1.27" already present on machine',
    'Started spec.containers{app} Started container app',
  ]);
});
