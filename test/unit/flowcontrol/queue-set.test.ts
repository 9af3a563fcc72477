import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dealHand, QueueSet, type Admission } from '../../../src/flowcontrol/queue-set.js';

const granted = (a: Admission) => { assert.ok(a.ok, `refused: ${!a.ok && a.reason}`); return a.release; };

test('a flow with a backlog does not hold back another flow: the newcomer is served within one round of its queues', async () => {
  const qs = new QueueSet({ concurrencyLimit: 2, queues: 16, handSize: 4, queueLengthLimit: 50 }, 60_000);
  const order: string[] = [];
  const running = [granted(await qs.admit('heavy', 1)), granted(await qs.admit('heavy', 1))];
  const waiting: Promise<void>[] = [];
  for (let i = 0; i < 10; i++) waiting.push(qs.admit('heavy', 1).then((a) => { order.push(`heavy-${i}`); running.push(granted(a)); }));
  waiting.push(qs.admit('alice', 1).then((a) => { order.push('alice'); running.push(granted(a)); }));
  assert.equal(qs.waiting, 11);
  // Seats free one at a time, as requests finish.
  for (let done = 0; order.length < 11; done++) {
    running[done]!();
    await new Promise((r) => setImmediate(r));
  }
  await Promise.all(waiting);
  // heavy's requests sit in at most handSize (4) queues; each backlogged queue is served once per round.
  assert.ok(order.indexOf('alice') <= 4, `alice was served after ${order.indexOf('alice')} of heavy's queued requests: ${order.join(' ')}`);
  for (const r of running) r();
  assert.equal(qs.inUse, 0);
});

test('a wide request at the head waits for its seats; a narrow flow with an earlier finish time goes first', async () => {
  const qs = new QueueSet({ concurrencyLimit: 10, queues: 8, handSize: 2, queueLengthLimit: 10 }, 60_000);
  const first = granted(await qs.admit('lister', 10));
  const order: string[] = [];
  const second = qs.admit('lister', 10).then((a) => { order.push('list'); return granted(a); });
  const get = qs.admit('getter', 1).then((a) => { order.push('get'); return granted(a); });
  first();
  const releaseGet = await get;
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, ['get'], 'the 10-seat list does not fit beside the get');
  releaseGet();
  (await second)();
  assert.deepEqual(order, ['get', 'list']);
  assert.equal(qs.inUse, 0);
});

test('a full queue and a level without queuing refuse, and a waiter times out', async () => {
  const queued = new QueueSet({ concurrencyLimit: 1, queues: 1, handSize: 1, queueLengthLimit: 2 }, 60_000);
  granted(await queued.admit('a', 1));
  void queued.admit('a', 1);
  void queued.admit('b', 1);
  assert.deepEqual(await queued.admit('c', 1), { ok: false, reason: 'queue-full' });
  const reject = new QueueSet({ concurrencyLimit: 1, queues: 0, handSize: 0, queueLengthLimit: 0 }, 60_000);
  granted(await reject.admit('a', 1));
  assert.deepEqual(await reject.admit('b', 1), { ok: false, reason: 'concurrency-limit' });
  const slow = new QueueSet({ concurrencyLimit: 1, queues: 4, handSize: 2, queueLengthLimit: 5 }, 20);
  granted(await slow.admit('a', 1));
  assert.deepEqual(await slow.admit('b', 1), { ok: false, reason: 'time-out' });
  assert.equal(slow.waiting, 0);
});

test('shuffle sharding deals distinct queues, the same for the same flow, different hands for different flows', () => {
  const hand = dealHand('global-default\u0000alice', 128, 6);
  assert.equal(hand.length, 6);
  assert.equal(new Set(hand).size, 6);
  assert.ok(hand.every((i) => i >= 0 && i < 128));
  assert.deepEqual(dealHand('global-default\u0000alice', 128, 6), hand);
  assert.notDeepEqual(dealHand('global-default\u0000bob', 128, 6), hand);
  assert.deepEqual(dealHand('x', 4, 4).sort(), [0, 1, 2, 3]);
});
