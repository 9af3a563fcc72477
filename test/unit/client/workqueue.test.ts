import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BucketRateLimiter, defaultControllerRateLimiter, ItemExponentialRateLimiter, MaxOfRateLimiter, WorkQueue } from '../../../src/client/workqueue.js';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

test('adds are de-duplicated while queued and handed out in order', async () => {
  const q = new WorkQueue<string>();
  q.add('a'); q.add('b'); q.add('a');
  assert.equal(q.len(), 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
  assert.equal(q.len(), 0);
});

test('an item being processed is not handed out again until done, then once more', async () => {
  const q = new WorkQueue<string>();
  q.add('x');
  const first = await q.get();
  assert.equal(first, 'x');
  q.add('x'); q.add('x');
  assert.equal(q.len(), 0, 'not queued while processing');
  let second: string | undefined;
  void q.get().then((v) => (second = v));
  await tick();
  assert.equal(second, undefined, 'a waiting worker must not get x while it is in process');
  q.done('x');
  await tick();
  assert.equal(second, 'x');
  q.done('x');
  assert.equal(q.len(), 0);
});

test('get waits for an add; shutDown releases waiters with undefined but hands out queued items first', async () => {
  const q = new WorkQueue<string>();
  const waiting = q.get();
  q.add('late');
  assert.equal(await waiting, 'late');
  q.add('queued');
  const idle = new WorkQueue<string>();
  const released = idle.get();
  idle.shutDown();
  assert.equal(await released, undefined);
  q.shutDown();
  q.add('ignored');
  assert.equal(await q.get(), 'queued');
  assert.equal(await q.get(), undefined);
});

test('addAfter delays, and the earlier of two delays wins', async () => {
  const q = new WorkQueue<string>();
  q.addAfter('d', 200);
  q.addAfter('d', 20);
  assert.equal(q.len(), 0);
  await tick(60);
  assert.equal(q.len(), 1);
  assert.equal(await q.get(), 'd');
  q.done('d');
  await tick(200);
  assert.equal(q.len(), 0, 'the later timer was dropped');
});

test('shutDownWithDrain waits for in-process items, including ones re-added meanwhile', async () => {
  const q = new WorkQueue<string>();
  q.add('a');
  const item = (await q.get())!;
  let drained = false;
  const p = q.shutDownWithDrain().then(() => (drained = true));
  await tick(10);
  assert.equal(drained, false);
  q.done(item);
  await p;
  assert.equal(drained, true);
});

test('item exponential limiter: 5 ms doubling to the cap; forget resets', () => {
  const l = new ItemExponentialRateLimiter<string>(5, 1000);
  assert.deepEqual([l.when('a'), l.when('a'), l.when('a'), l.when('b')], [5, 10, 20, 5]);
  assert.equal(l.numRequeues('a'), 3);
  for (let i = 0; i < 20; i++) l.when('a');
  assert.equal(l.when('a'), 1000);
  l.forget('a');
  assert.equal(l.numRequeues('a'), 0);
  assert.equal(l.when('a'), 5);
});

test('token bucket allows the burst, then paces at qps and refills over time', () => {
  let now = 0;
  const l = new BucketRateLimiter<string>(10, 100, () => now);
  for (let i = 0; i < 100; i++) assert.equal(l.when(`k${i}`), 0);
  assert.equal(l.when('x'), 100);
  assert.equal(l.when('y'), 200);
  now += 1000; // +10 tokens repay the 2 borrowed
  assert.equal(l.when('z'), 0);
});

test('default controller limiter takes the max of per-item backoff and the bucket', () => {
  const l = defaultControllerRateLimiter<string>();
  assert.equal(l.when('a'), 5);
  assert.equal(l.when('a'), 10);
  assert.equal(l.numRequeues('a'), 2);
  const m = new MaxOfRateLimiter<string>(new ItemExponentialRateLimiter(1, 10), new ItemExponentialRateLimiter(100, 1000));
  assert.equal(m.when('q'), 100);
});

test('addRateLimited re-adds after the backoff and counts requeues; metrics hooks fire', async () => {
  const depths: number[] = [];
  let retries = 0;
  const q = new WorkQueue<string>({ rateLimiter: new ItemExponentialRateLimiter(10, 1000), metrics: { depth: (n) => depths.push(n), retried: () => retries++ } });
  q.addRateLimited('r');
  assert.equal(q.numRequeues('r'), 1);
  assert.equal(q.len(), 0);
  await tick(40);
  assert.equal(q.len(), 1);
  assert.equal(retries, 1);
  assert.deepEqual(depths, [1]);
  assert.equal(await q.get(), 'r');
  assert.deepEqual(depths, [1, 0]);
  q.forget('r');
  assert.equal(q.numRequeues('r'), 0);
});
