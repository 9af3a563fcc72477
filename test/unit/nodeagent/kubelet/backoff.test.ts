// Container restart back-off against client-go flowcontrol.Backoff as the kubelet configures it (10 s doubling to
// 5 min, reset after 10 min without a restart) and the CrashLoopBackOff texts of kuberuntime_manager.go doBackOff.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goDuration } from '../../../../src/apimachinery/duration.js';
import { Backoff, backOffKey, restartDecision } from '../../../../src/nodeagent/kubelet/backoff.js';
import type { Pod } from '../../../../src/api/core.js';

const pod: Pod = { metadata: { name: 'web-0', namespace: 'default', uid: 'u-1' }, spec: { containers: [{ name: 'app' }] } };

test('goDuration prints like Go time.Duration.String', () => {
  const cases: [number, string][] = [
    [0, '0s'], [250, '250ms'], [1000, '1s'], [1500, '1.5s'], [10_000, '10s'], [80_000, '1m20s'], [300_000, '5m0s'],
    [3_600_000, '1h0m0s'], [3_723_000, '1h2m3s'], [-2000, '-2s'],
  ];
  for (const [ms, want] of cases) assert.equal(goDuration(ms), want, String(ms));
});

test('next starts at 10 s and doubles to the 5 min cap', () => {
  let now = 0;
  const b = new Backoff({ now: () => now });
  const seen: number[] = [];
  for (let i = 0; i < 7; i++) {
    b.next('k', now);
    seen.push(b.get('k'));
    now += 1000;
  }
  assert.deepEqual(seen, [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
});

test('isInBackOffSince holds for the current window after the event', () => {
  let now = 1_000_000;
  const b = new Backoff({ now: () => now });
  assert.equal(b.isInBackOffSince('k', now), false, 'no entry, no back-off');
  b.next('k', now);
  const exited = now;
  now += 9_999;
  assert.equal(b.isInBackOffSince('k', exited), true);
  assert.equal(b.remaining('k', exited), 1);
  now += 1;
  assert.equal(b.isInBackOffSince('k', exited), false);
  assert.equal(b.remaining('k', exited), 0);
});

test('an entry expires 10 min after its last update: the next restart is immediate and the delay starts over', () => {
  let now = 0;
  const b = new Backoff({ now: () => now });
  for (let i = 0; i < 4; i++) b.next('k', now);
  assert.equal(b.get('k'), 80_000);
  now += 600_000;
  assert.equal(b.isInBackOffSince('k', now), true, 'exactly 10 min is not yet expired');
  now += 1;
  assert.equal(b.isInBackOffSince('k', now), false);
  b.next('k', now);
  assert.equal(b.get('k'), 10_000);
  now += 600_001;
  b.gc();
  assert.equal(b.get('k'), 0, 'gc drops expired entries');
});

test('restartDecision: first crash restarts at once, later ones wait in CrashLoopBackOff with upstream texts', () => {
  let now = 5_000_000;
  const b = new Backoff({ now: () => now });
  assert.deepEqual(restartDecision(b, pod, 'app', now), { restart: true });
  now += 3000; // ran 3 s, crashed again
  const d = restartDecision(b, pod, 'app', now);
  assert.equal(d.restart, false);
  if (d.restart) return;
  assert.equal(d.reason, 'CrashLoopBackOff');
  assert.equal(d.message, 'back-off 10s restarting failed container=app pod=web-0_default(u-1)');
  assert.equal(d.retryInMs, 10_000);
  assert.deepEqual(d.event, { type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container app in pod web-0_default(u-1)' });
  const crashed = now;
  now += 10_000;
  assert.deepEqual(restartDecision(b, pod, 'app', crashed), { restart: true }, 'window over: restart');
  assert.equal(b.get(backOffKey(pod, 'app')), 20_000);
  now += 1000;
  const d3 = restartDecision(b, pod, 'app', now);
  assert.equal(!d3.restart && d3.message, 'back-off 20s restarting failed container=app pod=web-0_default(u-1)');
});
