// Probe workers against kubernetes pkg/kubelet/prober/worker.go and worker_test.go (initial values, thresholds,
// initial delay, startup gating, on-hold after a liveness failure, prober errors thrown away, exit on terminal
// pods) and prober_manager.go UpdatePodStatus (started / ready), with a fake clock: no test sleeps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeletEvent } from '../../../../../src/nodeagent/kubelet/events.js';
import type { ProbeRun } from '../../../../../src/nodeagent/kubelet/prober/prober.js';
import type { ProbeType, ResultValue } from '../../../../../src/nodeagent/kubelet/prober/results.js';
import {
  ContainerProber, probeKill, ProbeResults, ProbeWorker, type Clock, type ProbedContainer, type ProbeKill, type ProbeUpdate,
} from '../../../../../src/nodeagent/kubelet/prober/worker.js';
import type { ContainerSpec, Pod } from '../../../../../src/api/core.js';

/** Timers fire only when the test advances time. */
class FakeClock implements Clock {
  t = 1_000_000;
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  };
  clearTimeout = (h: unknown) => { this.timers.delete(h as number); };
  /** Moves time forward, firing due timers in order and letting the probes they start settle. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await settle();
    for (;;) {
      const next = [...this.timers].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
}

const settle = async () => { for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r)); };

const pod = (restartPolicy = 'Always', extra: Partial<Pod['metadata']> = {}): Pod =>
  ({ metadata: { name: 'web-0', namespace: 'default', uid: 'u1', ...extra }, spec: { restartPolicy, terminationGracePeriodSeconds: 30, containers: [] } });

/** A scripted prober: results in order, the last repeating; counts runs. */
function scripted(...results: (ResultValue | 'error')[]) {
  const calls: ProbeType[] = [];
  const run = async (t: ProbeType): Promise<ProbeRun> => {
    const r = results[Math.min(calls.length, results.length - 1)];
    calls.push(t);
    if (r === 'error') return { result: 'Failure', error: 'boom', event: { type: 'Warning', reason: 'Unhealthy', message: `${t} probe errored and resulted in unknown state: boom` } };
    return r === 'Failure' ? { result: r, event: { type: 'Warning', reason: 'Unhealthy', message: `${t} probe failed: nope` } } : { result: r };
  };
  return { run, calls };
}

function setup(probeType: ProbeType, container: ContainerSpec, results: (ResultValue | 'error')[], p = pod()) {
  const clock = new FakeClock();
  let status: ProbedContainer | undefined = { podPhase: 'Running', containerID: 'berth://c1', running: { startedAt: clock.t }, started: probeType !== 'startup' };
  const updates: ProbeUpdate[] = [];
  const events: KubeletEvent[] = [];
  const store = new ProbeResults((u) => updates.push(u));
  const s = scripted(...results);
  let exited = false;
  const worker = new ProbeWorker({
    probeType, pod: p, container, status: () => status, run: s.run, results: store, clock,
    onEvent: (e) => events.push(e), onExit: () => { exited = true; },
  });
  return {
    clock, worker, updates, events, store, calls: s.calls,
    set(next: ProbedContainer | undefined) { status = next; },
    get exited() { return exited; },
  };
}

const readinessContainer: ContainerSpec = { name: 'app', readinessProbe: { httpGet: { port: 80 }, periodSeconds: 10, successThreshold: 2, failureThreshold: 2 } };

test('readiness: Failure until the success threshold, then changes only at the thresholds', async () => {
  const w = setup('readiness', readinessContainer, ['Success', 'Success', 'Success', 'Failure', 'Failure', 'Success']);
  w.worker.start();
  await w.clock.advance(0);
  assert.deepEqual(w.updates, [{ probeType: 'readiness', containerID: 'berth://c1', result: 'Failure' }], 'initial value, one success is below the threshold');
  await w.clock.advance(10_000);
  assert.equal(w.store.get('readiness', 'berth://c1'), 'Success');
  await w.clock.advance(20_000); // success, failure (below threshold)
  assert.equal(w.store.get('readiness', 'berth://c1'), 'Success');
  await w.clock.advance(10_000); // second failure
  assert.equal(w.store.get('readiness', 'berth://c1'), 'Failure');
  assert.deepEqual(w.updates.map((u) => u.result), ['Failure', 'Success', 'Failure']);
  assert.equal(w.calls.length, 5, 'one probe per period');
  assert.equal(w.events.filter((e) => e.reason === 'Unhealthy').length, 2, 'every failed run has its event');
  w.worker.stop();
});

test('initialDelaySeconds: no probe before the delay since the container started (the first tick after it)', async () => {
  const w = setup('liveness', { name: 'app', livenessProbe: { tcpSocket: { port: 80 }, initialDelaySeconds: 15, periodSeconds: 10 } }, ['Success']);
  w.worker.start();
  await w.clock.advance(10_000);
  assert.equal(w.calls.length, 0);
  assert.deepEqual(w.updates, [{ probeType: 'liveness', containerID: 'berth://c1', result: 'Success' }], 'liveness starts as Success');
  await w.clock.advance(10_000);
  assert.equal(w.calls.length, 1);
  w.worker.stop();
});

test('liveness: Failure after failureThreshold (default 3) then on hold until a new container ID', async () => {
  const w = setup('liveness', { name: 'app', livenessProbe: { exec: { command: ['true'] } } }, ['Failure']);
  w.worker.start();
  await w.clock.advance(10_000);
  assert.equal(w.calls.length, 2);
  assert.equal(w.store.get('liveness', 'berth://c1'), 'Success', 'two failures are below the threshold');
  await w.clock.advance(10_000);
  assert.equal(w.calls.length, 3);
  assert.equal(w.store.get('liveness', 'berth://c1'), 'Failure');
  await w.clock.advance(60_000);
  assert.equal(w.calls.length, 3, 'on hold: no more probes of the old container');
  w.set({ podPhase: 'Running', containerID: 'berth://c2', running: { startedAt: w.clock.t }, started: true });
  await w.clock.advance(10_000);
  assert.equal(w.calls.length, 4, 'a new container is probed again');
  assert.equal(w.store.get('liveness', 'berth://c1'), undefined, 'the old result is gone');
  assert.equal(w.store.get('liveness', 'berth://c2'), 'Success', 'and the new one starts from Success');
  w.worker.stop();
});

test('a prober error is thrown away: it neither counts toward a threshold nor resets it', async () => {
  const w = setup('liveness', { name: 'app', livenessProbe: { exec: { command: ['x'] }, failureThreshold: 2 } }, ['Failure', 'error', 'error', 'Failure']);
  w.worker.start();
  await w.clock.advance(30_000);
  assert.equal(w.calls.length, 4);
  assert.equal(w.store.get('liveness', 'berth://c1'), 'Failure');
  assert.equal(w.events.filter((e) => e.message.includes('errored')).length, 2);
  w.worker.stop();
});

test('startup gates the others; once Success it stops probing; the container counts as started', async () => {
  const clock = new FakeClock();
  const container: ContainerSpec = {
    name: 'app',
    startupProbe: { httpGet: { port: 80 }, periodSeconds: 5, failureThreshold: 30 },
    livenessProbe: { httpGet: { port: 80 } },
    readinessProbe: { httpGet: { port: 80 } },
  };
  let startupOk = false;
  const calls: ProbeType[] = [];
  const updates: ProbeUpdate[] = [];
  let status: ProbedContainer = { podPhase: 'Running', containerID: 'berth://c1', running: { startedAt: clock.t }, started: false };
  const prober = new ContainerProber({
    pod: pod(), container, status: () => status, target: () => ({ podIP: '10.0.0.1' }), clock,
    run: async (t) => { calls.push(t); return { result: t === 'startup' ? (startupOk ? 'Success' : 'Failure') : 'Success' }; },
    onUpdate: (u) => updates.push(u),
  });
  prober.start();
  await clock.advance(20_000);
  assert.deepEqual([...new Set(calls)], ['startup'], 'liveness and readiness wait for startup');
  assert.equal(prober.started(), false);
  assert.equal(prober.ready(), false);
  startupOk = true;
  await clock.advance(5_000);
  assert.equal(prober.started(), true);
  status = { ...status, started: true }; // the status manager publishes started
  const before = calls.filter((c) => c === 'startup').length;
  assert.equal(prober.ready(), false, 'not ready until the readiness probe passes…');
  await clock.advance(0);
  assert.equal(prober.ready(), true, '…which ready() triggered at once');
  await clock.advance(60_000);
  assert.equal(calls.filter((c) => c === 'startup').length, before, 'startup no longer probed');
  assert.ok(calls.includes('liveness'));
  assert.deepEqual(updates.filter((u) => u.probeType === 'startup').map((u) => u.result), ['Unknown', 'Success']);
  prober.stop();
});

test('a failed startup or liveness probe comes with the kill and its Killing text', async () => {
  const clock = new FakeClock();
  const container: ContainerSpec = { name: 'web', livenessProbe: { httpGet: { port: 80 }, failureThreshold: 1, terminationGracePeriodSeconds: 5 } };
  const kills: ProbeKill[] = [];
  const prober = new ContainerProber({
    pod: pod(), container, clock, target: () => ({ podIP: '10.0.0.1' }),
    status: () => ({ podPhase: 'Running', containerID: 'berth://c1', running: { startedAt: clock.t }, started: true }),
    run: async () => ({ result: 'Failure' }),
    onUpdate: (_u, kill) => { if (kill) kills.push(kill); },
  });
  prober.start();
  await clock.advance(0);
  assert.deepEqual(kills, [{
    probeType: 'liveness', containerID: 'berth://c1', restart: true, gracePeriodSeconds: 5,
    event: { type: 'Normal', reason: 'Killing', message: 'Container web failed liveness probe, will be restarted' },
  }]);
  prober.stop();
  const never = probeKill(pod('Never'), { name: 'web', startupProbe: { exec: { command: ['x'] } } }, 'startup', 'berth://c9');
  assert.equal(never.event.message, 'Container web failed startup probe');
  assert.equal(never.restart, false);
  assert.equal(never.gracePeriodSeconds, 30, "the pod's grace period without a probe-level one");
  assert.equal(probeKill(pod('Always', { deletionGracePeriodSeconds: 7 }), { name: 'web' }, 'liveness', 'x').gracePeriodSeconds, 7);
});

test('non-running containers are Failure; the worker ends with the pod or a container that will not restart', async () => {
  const w = setup('readiness', readinessContainer, ['Success']);
  w.worker.start();
  await w.clock.advance(0);
  w.set({ podPhase: 'Running', containerID: 'berth://c1', terminated: true });
  await w.clock.advance(10_000);
  assert.equal(w.store.get('readiness', 'berth://c1'), 'Failure');
  assert.equal(w.exited, false, 'restartPolicy Always: keeps waiting for the next container');
  w.set({ podPhase: 'Succeeded', containerID: 'berth://c1', terminated: true });
  await w.clock.advance(10_000);
  assert.equal(w.exited, true);
  assert.equal(w.store.get('readiness', 'berth://c1'), undefined, 'results are removed on exit');

  const never = setup('readiness', readinessContainer, ['Success'], pod('Never'));
  never.worker.start();
  await never.clock.advance(0);
  never.set({ podPhase: 'Running', containerID: 'berth://c1', terminated: true });
  await never.clock.advance(10_000);
  assert.equal(never.exited, true, 'restartPolicy Never: a terminated container ends the worker');
});

test('a pod being deleted: liveness reports a last Success and stops', async () => {
  const w = setup('liveness', { name: 'app', livenessProbe: { exec: { command: ['x'] } } }, ['Failure'], pod('Always', { deletionTimestamp: '2026-01-01T00:00:00Z' }));
  w.worker.start();
  await w.clock.advance(30_000);
  assert.equal(w.calls.length, 0);
  assert.equal(w.store.get('liveness', 'berth://c1'), undefined, 'removed as the worker exits');
  assert.deepEqual(w.updates.map((u) => u.result), ['Success'], 'the initial Success is the last word');
  assert.equal(w.exited, true);
});

test('no status or no container yet: the worker waits', async () => {
  const w = setup('readiness', readinessContainer, ['Success']);
  w.set(undefined);
  w.worker.start();
  await w.clock.advance(30_000);
  w.set({ podPhase: 'Pending', containerID: '' });
  await w.clock.advance(30_000);
  assert.equal(w.calls.length, 0);
  assert.deepEqual(w.updates, []);
  assert.equal(w.exited, false);
  w.worker.stop();
  assert.equal(w.exited, true);
});
