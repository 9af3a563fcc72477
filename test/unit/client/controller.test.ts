import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { enqueueOwner, ownerKey, runWorkers } from '../../../src/client/controller.js';
import { ItemExponentialRateLimiter, WorkQueue } from '../../../src/client/workqueue.js';

test('runWorkers: failures requeue with backoff, success forgets, requeueAfter comes back, never two at once', async () => {
  const q = new WorkQueue<string>({ rateLimiter: new ItemExponentialRateLimiter(5, 100) });
  const calls: string[] = [];
  let inFlight = 0;
  let maxInFlightForA = 0;
  let aCalls = 0;
  let requeued = false;
  const errors: string[] = [];
  const done = runWorkers(q, 4, async (key) => {
    calls.push(key);
    if (key === 'a') {
      inFlight++;
      maxInFlightForA = Math.max(maxInFlightForA, inFlight);
      aCalls++;
      if (aCalls === 1) q.add('a'); // re-added while processing: must wait for done
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      if (aCalls <= 2) throw new Error('transient');
      if (aCalls === 3) assert.equal(q.numRequeues('a'), 2);
      return;
    }
    if (!requeued) {
      requeued = true;
      return { requeueAfter: 10 };
    }
    return;
  }, { onError: (k, e) => errors.push(`${k}: ${(e as Error).message}`) });
  q.add('a');
  q.add('b');
  await new Promise((r) => setTimeout(r, 150));
  await q.shutDownWithDrain();
  await done;
  assert.equal(maxInFlightForA, 1);
  assert.deepEqual(errors, ['a: transient', 'a: transient']);
  assert.equal(q.numRequeues('a'), 0, 'success forgot the backoff');
  assert.equal(calls.filter((c) => c === 'b').length, 2);
  assert.ok(calls.filter((c) => c === 'a').length >= 3);
});

const pod = (owner?: { kind: string; apiVersion: string; controller?: boolean }): KubeObject => ({
  metadata: { name: 'p', namespace: 'ns', ownerReferences: owner ? [{ ...owner, name: 'web', uid: `u-${owner.kind}` }] : [] },
});

test('ownerKey maps an object to its controller of the given kind and group', () => {
  assert.equal(ownerKey(pod({ kind: 'StatefulSet', apiVersion: 'apps/v1', controller: true }), 'StatefulSet', 'apps'), 'ns/web');
  assert.equal(ownerKey(pod({ kind: 'StatefulSet', apiVersion: 'apps/v1' }), 'StatefulSet'), undefined, 'not a controller ref');
  assert.equal(ownerKey(pod({ kind: 'StatefulSet', apiVersion: 'example.com/v1', controller: true }), 'StatefulSet', 'apps'), undefined);
  assert.equal(ownerKey(pod(), 'StatefulSet'), undefined);
});

test('enqueueOwner queues old and new owners when the controller changes', () => {
  const q = new WorkQueue<string>();
  const h = enqueueOwner(q, 'StatefulSet', 'apps');
  const a = pod({ kind: 'StatefulSet', apiVersion: 'apps/v1', controller: true });
  const b: KubeObject = { metadata: { ...a.metadata, ownerReferences: [{ kind: 'StatefulSet', apiVersion: 'apps/v1', name: 'db', uid: 'u2', controller: true }] } };
  h.onUpdate!(a, b);
  assert.equal(q.len(), 2);
  h.onDelete!(pod());
  assert.equal(q.len(), 2);
});
