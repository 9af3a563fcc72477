import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podPrinter } from '../../../src/printers/pod.js';
import type { KubeObject } from '../../../src/apimachinery/types.js';

const now = new Date('2024-05-01T12:00:00Z');
const created = '2024-05-01T11:00:00Z'; // 60m before now

function pod(spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'default', creationTimestamp: created, ...meta }, spec, status };
}

const running = { running: { startedAt: created } };

test('pod columns match upstream names, types and priorities', () => {
  assert.deepEqual(
    podPrinter.columns.map((c) => [c.name, c.type, c.format, c.priority]),
    [
      ['Name', 'string', 'name', 0], ['Ready', 'string', '', 0], ['Status', 'string', '', 0], ['Restarts', 'string', '', 0],
      ['Age', 'string', '', 0], ['IP', 'string', '', 1], ['Node', 'string', '', 1], ['Nominated Node', 'string', '', 1],
      ['Readiness Gates', 'string', '', 1],
    ],
  );
});

test('running pod', () => {
  const p = pod(
    { containers: [{ name: 'nginx' }], nodeName: 'node1' },
    { phase: 'Running', podIPs: [{ ip: '10.0.0.5' }], conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'nginx', ready: true, restartCount: 0, state: running }] },
  );
  assert.deepEqual(podPrinter.cells(p, now), ['web-0', '1/1', 'Running', '0', '60m', '10.0.0.5', 'node1', '<none>', '<none>']);
});

test('pending pod without statuses', () => {
  const p = pod({ containers: [{ name: 'a' }, { name: 'b' }] }, { phase: 'Pending' });
  assert.deepEqual(podPrinter.cells(p, now).slice(0, 5), ['web-0', '0/2', 'Pending', '0', '60m']);
  assert.deepEqual(podPrinter.cells(p, now).slice(5), ['<none>', '<none>', '<none>', '<none>']);
});

test('ContainerCreating and CrashLoopBackOff with restarts "(… ago)"', () => {
  const creating = pod({ containers: [{ name: 'c' }] }, { phase: 'Pending', containerStatuses: [{ name: 'c', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] });
  assert.equal(podPrinter.cells(creating, now)[2], 'ContainerCreating');
  const crashing = pod(
    { containers: [{ name: 'c' }] },
    { phase: 'Running', containerStatuses: [{ name: 'c', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2024-05-01T11:55:00Z' } } }] },
  );
  assert.deepEqual(podPrinter.cells(crashing, now).slice(1, 4), ['0/1', 'CrashLoopBackOff', '3 (5m ago)']);
});

test('completed and terminated containers', () => {
  const done = pod({ containers: [{ name: 'c' }] }, { phase: 'Succeeded', containerStatuses: [{ name: 'c', ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] });
  assert.equal(podPrinter.cells(done, now)[2], 'Completed');
  const killed = pod({ containers: [{ name: 'c' }] }, { phase: 'Failed', containerStatuses: [{ name: 'c', state: { terminated: { exitCode: 137, signal: 9 } } }] });
  assert.equal(podPrinter.cells(killed, now)[2], 'Signal:9');
  const exited = pod({ containers: [{ name: 'c' }] }, { phase: 'Failed', containerStatuses: [{ name: 'c', state: { terminated: { exitCode: 2 } } }] });
  assert.equal(podPrinter.cells(exited, now)[2], 'ExitCode:2');
  // One container completed while another still runs: Running when the pod is Ready, else NotReady.
  const mixed = (ready: string) =>
    pod(
      { containers: [{ name: 'a' }, { name: 'b' }] },
      { phase: 'Running', conditions: [{ type: 'Ready', status: ready }], containerStatuses: [{ name: 'a', ready: true, state: running }, { name: 'b', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] },
    );
  assert.deepEqual(podPrinter.cells(mixed('True'), now).slice(1, 3), ['1/2', 'Running']);
  assert.equal(podPrinter.cells(mixed('False'), now)[2], 'NotReady');
});

test('init containers: Init:0/1, Init:Error, Init:CrashLoopBackOff, restarts counted from init', () => {
  const spec = { initContainers: [{ name: 'init' }], containers: [{ name: 'c' }] };
  const waiting = pod(spec, { phase: 'Pending', initContainerStatuses: [{ name: 'init', state: running }], containerStatuses: [{ name: 'c', state: { waiting: { reason: 'PodInitializing' } } }] });
  assert.deepEqual(podPrinter.cells(waiting, now).slice(1, 4), ['0/1', 'Init:0/1', '0']);
  const failed = pod(spec, { phase: 'Pending', initContainerStatuses: [{ name: 'init', restartCount: 2, state: { terminated: { exitCode: 1, reason: 'Error' } }, lastState: { terminated: { exitCode: 1, finishedAt: '2024-05-01T11:59:00Z' } } }] });
  assert.deepEqual(podPrinter.cells(failed, now).slice(2, 4), ['Init:Error', '2 (60s ago)']);
  const backoff = pod(spec, { phase: 'Pending', initContainerStatuses: [{ name: 'init', state: { waiting: { reason: 'CrashLoopBackOff' } } }] });
  assert.equal(podPrinter.cells(backoff, now)[2], 'Init:CrashLoopBackOff');
  const noReason = pod(spec, { phase: 'Pending', initContainerStatuses: [{ name: 'init', state: { terminated: { exitCode: 3 } } }] });
  assert.equal(podPrinter.cells(noReason, now)[2], 'Init:ExitCode:3');
});

test('sidecar (restartable) init containers count toward READY', () => {
  const p = pod(
    { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }], containers: [{ name: 'app' }] },
    {
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }],
      initContainerStatuses: [{ name: 'proxy', started: true, ready: true, restartCount: 1, state: running }],
      containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: running }],
    },
  );
  assert.deepEqual(podPrinter.cells(p, now).slice(1, 4), ['2/2', 'Running', '1']);
});

test('Terminating, Unknown (NodeLost), SchedulingGated and readiness gates', () => {
  const base = { containers: [{ name: 'c' }] };
  const deleting = pod(base, { phase: 'Running' }, { deletionTimestamp: '2024-05-01T11:59:00Z' });
  assert.equal(podPrinter.cells(deleting, now)[2], 'Terminating');
  const finished = pod(base, { phase: 'Succeeded' }, { deletionTimestamp: '2024-05-01T11:59:00Z' });
  assert.equal(podPrinter.cells(finished, now)[2], 'Succeeded');
  const lost = pod(base, { phase: 'Running', reason: 'NodeLost' }, { deletionTimestamp: '2024-05-01T11:59:00Z' });
  assert.equal(podPrinter.cells(lost, now)[2], 'Unknown');
  const gated = pod(base, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] });
  assert.equal(podPrinter.cells(gated, now)[2], 'SchedulingGated');
  const evicted = pod(base, { phase: 'Failed', reason: 'Evicted' });
  assert.equal(podPrinter.cells(evicted, now)[2], 'Evicted');
  const gates = pod({ ...base, readinessGates: [{ conditionType: 'a' }, { conditionType: 'b' }] }, { phase: 'Running', nominatedNodeName: 'n2', conditions: [{ type: 'a', status: 'True' }] });
  assert.deepEqual(podPrinter.cells(gates, now).slice(7), ['n2', '1/2']);
  const noAge = pod(base, { phase: 'Pending' }, { creationTimestamp: undefined });
  assert.equal(podPrinter.cells(noAge, now)[4], '<unknown>');
});
