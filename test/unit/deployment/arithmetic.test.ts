// The rolling-update arithmetic of deployment_util.go with upstream's own examples, and the ReplicaSet helpers:
// deletion ranking, expectations and slow-start batches.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maxScaledDown } from '../../../src/controllers/deployment/rolling.js';
import type { Deployment } from '../../../src/controllers/deployment/types.js';
import {
  findActiveOrLatest, getProportion, isSaturated, lastRevision, maxSurge, maxUnavailable, newRSNewReplicas, resolveFenceposts,
  setNewReplicaSetAnnotations,
} from '../../../src/controllers/deployment/util.js';
import { scaledValueFromIntOrPercent } from '../../../src/controllers/deployment/intstr.js';
import { ControllerExpectations, EXPECTATIONS_TIMEOUT_MS } from '../../../src/controllers/common/expectations.js';
import { slowStartBatch } from '../../../src/controllers/replicaset/pod-control.js';
import { getPodsToDelete } from '../../../src/controllers/replicaset/pod-ranking.js';
import type { Pod, ReplicaSet } from '../../../src/controllers/replicaset/types.js';

const deployment = (replicas: number, surge: number | string = '25%', unavailable: number | string = '25%', type = 'RollingUpdate'): Deployment => ({
  metadata: { name: 'web', namespace: 'default' },
  spec: { replicas, selector: {}, template: {}, strategy: { type, rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } } },
});

const rs = (name: string, replicas: number, extra: Partial<ReplicaSet['status']> = {}, annotations: Record<string, string> = {}, created = '2024-01-01T00:00:00Z'): ReplicaSet => ({
  metadata: { name, namespace: 'default', uid: name, annotations, creationTimestamp: created },
  spec: { replicas, selector: {} },
  status: { replicas, ...extra },
});

test('intstr percentages round up for surge and down for unavailability', () => {
  assert.equal(scaledValueFromIntOrPercent('25%', 3, true), 1);
  assert.equal(scaledValueFromIntOrPercent('25%', 3, false), 0);
  assert.equal(scaledValueFromIntOrPercent('25%', 10, true), 3);
  assert.equal(scaledValueFromIntOrPercent('25%', 10, false), 2);
  assert.equal(scaledValueFromIntOrPercent(2, 10, false), 2);
  assert.throws(() => scaledValueFromIntOrPercent('25', 10, true), /invalid type: string is not a percentage/);
  assert.throws(() => scaledValueFromIntOrPercent('x%', 10, true), /invalid value "x%"/);
});

test('ResolveFenceposts: upstream examples, and 0/0 becomes one unavailable pod', () => {
  assert.deepEqual(resolveFenceposts('0%', '1%', 2), { surge: 0, unavailable: 1 });
  assert.deepEqual(resolveFenceposts('1%', '25%', 2), { surge: 1, unavailable: 0 });
  assert.deepEqual(resolveFenceposts('1%', '0%', 1), { surge: 1, unavailable: 0 });
  assert.deepEqual(resolveFenceposts('25%', '25%', 3), { surge: 1, unavailable: 0 });
  assert.deepEqual(resolveFenceposts(0, 0, 5), { surge: 0, unavailable: 1 });
});

test('MaxSurge / MaxUnavailable: defaults of 25%, capped unavailability, Recreate has neither', () => {
  assert.equal(maxSurge(deployment(3)), 1);
  assert.equal(maxUnavailable(deployment(3)), 0);
  assert.equal(maxSurge(deployment(10)), 3);
  assert.equal(maxUnavailable(deployment(10)), 2);
  assert.equal(maxUnavailable(deployment(2, 0, 5)), 2, 'never more than the replicas');
  assert.equal(maxUnavailable(deployment(0)), 0);
  assert.equal(maxSurge(deployment(3, 1, 1, 'Recreate')), 0);
});

test('NewRSNewReplicas: scale up within replicas + maxSurge, never past the desired count', () => {
  const d = deployment(10, 3, 2);
  const newRS = rs('new', 0);
  assert.equal(newRSNewReplicas(d, [rs('old', 10), newRS], newRS), 3);
  const grown = rs('new', 3);
  assert.equal(newRSNewReplicas(d, [rs('old', 10), grown], grown), 3, 'at the surge limit');
  assert.equal(newRSNewReplicas(d, [rs('old', 5), grown], grown), 8);
  assert.equal(newRSNewReplicas(d, [rs('old', 0), rs('new', 9)], rs('new', 9)), 10);
  assert.equal(newRSNewReplicas(deployment(4, 1, 1, 'Recreate'), [newRS], newRS), 4);
});

test('old pods that may be scaled down: total minus minimum available minus unavailable new pods', () => {
  const d = deployment(10, 3, 2);
  const newRS = rs('new', 3, { availableReplicas: 0 });
  assert.equal(maxScaledDown([rs('old', 10, { availableReplicas: 10 }), newRS], newRS, d), 13 - 8 - 3);
  const ready = rs('new', 3, { availableReplicas: 3 });
  assert.equal(maxScaledDown([rs('old', 10, { availableReplicas: 10 }), ready], ready, d), 5);
});

test('GetProportion: shares of a scaling event by max-replicas annotation, bounded by what is left', () => {
  const d = deployment(15, 3, 2); // scaled from 10 (max 13) to 15 (max 18): +5 to distribute
  const a = rs('a', 8, {}, { 'deployment.kubernetes.io/max-replicas': '13' });
  const b = rs('b', 5, {}, { 'deployment.kubernetes.io/max-replicas': '13' });
  const pa = getProportion(a, d, 5, 0);
  assert.equal(pa, 3); // round(8*18/13)=11 → +3
  assert.equal(getProportion(b, d, 5, pa), 2); // round(5*18/13)=7 → +2, allowed 2
  assert.equal(getProportion(a, d, 0, 0), 0);
  const toZero = deployment(0);
  assert.equal(getProportion(a, toZero, -8, 0), -8);
});

test('FindActiveOrLatest and IsSaturated', () => {
  const older = rs('old', 0, {}, {}, '2024-01-01T00:00:00Z');
  const newer = rs('newer', 0, {}, {}, '2024-01-02T00:00:00Z');
  assert.equal(findActiveOrLatest(undefined, [older, newer])?.metadata.name, 'newer');
  assert.equal(findActiveOrLatest(rs('n', 2), [older])?.metadata.name, 'n');
  assert.equal(findActiveOrLatest(rs('n', 2), [rs('o', 1)]), undefined);
  const d = deployment(3);
  assert.ok(isSaturated(d, rs('n', 3, { availableReplicas: 3 }, { 'deployment.kubernetes.io/desired-replicas': '3' })));
  assert.ok(!isSaturated(d, rs('n', 3, { availableReplicas: 2 }, { 'deployment.kubernetes.io/desired-replicas': '3' })));
  assert.ok(!isSaturated(d, rs('n', 3, { availableReplicas: 3 })));
});

test('revision annotations: a rollback raises the revision and keeps the old one in revision-history', () => {
  const d = deployment(3);
  d.metadata.annotations = { 'kubernetes.io/change-cause': 'x', 'deployment.kubernetes.io/revision': '9', 'kubectl.kubernetes.io/last-applied-configuration': '{}' };
  const target = rs('r', 0, {}, { 'deployment.kubernetes.io/revision': '1' });
  assert.ok(setNewReplicaSetAnnotations(d, target, '3', true, 2000));
  assert.deepEqual(target.metadata.annotations, { 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1', 'kubernetes.io/change-cause': 'x' });
  assert.ok(setNewReplicaSetAnnotations(d, target, '5', true, 2000));
  assert.equal(target.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1,3');
  const fresh = rs('f', 0);
  setNewReplicaSetAnnotations(d, fresh, '1', false, 2000);
  assert.equal(fresh.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '3');
  assert.equal(fresh.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '4');
  assert.equal(lastRevision([rs('a', 0, {}, { 'deployment.kubernetes.io/revision': '4' }), rs('b', 0, {}, { 'deployment.kubernetes.io/revision': '7' })]), 4);
});

const pod = (name: string, opts: { node?: string; phase?: string; ready?: boolean; readySince?: string; created?: string; restarts?: number; cost?: string }): Pod => ({
  metadata: { name, uid: name, creationTimestamp: opts.created ?? '2024-01-01T00:00:00Z', ...(opts.cost ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': opts.cost } } : {}) },
  spec: { nodeName: opts.node ?? 'n1', containers: [] },
  status: {
    phase: opts.phase ?? 'Running',
    conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True', lastTransitionTime: opts.readySince ?? '2024-01-01T00:00:00Z' }],
    containerStatuses: [{ name: 'c', restartCount: opts.restarts ?? 0, ready: opts.ready !== false, image: 'img', imageID: '' }],
  },
});

test('deletion ranking: unscheduled, pending, not ready, cheap, doubled up, recently ready, restarting, newer go first', () => {
  const now = Date.parse('2024-06-01T00:00:00Z');
  const pick = (pods: Pod[], related = pods) => getPodsToDelete(pods, related, 1, now)[0].metadata.name;
  assert.equal(pick([pod('scheduled', {}), pod('unscheduled', { node: '' })]), 'unscheduled');
  assert.equal(pick([pod('running', {}), pod('pending', { phase: 'Pending' })]), 'pending');
  assert.equal(pick([pod('unknown', { phase: 'Unknown' }), pod('pending', { phase: 'Pending' })]), 'pending');
  assert.equal(pick([pod('ready', {}), pod('unready', { ready: false })]), 'unready');
  assert.equal(pick([pod('costly', { cost: '100' }), pod('cheap', { cost: '-5' })]), 'cheap');
  assert.equal(pick([pod('alone', { node: 'n2' }), pod('crowded', { node: 'n1' })], [pod('alone', { node: 'n2' }), pod('crowded', { node: 'n1' }), pod('other', { node: 'n1' })]), 'crowded');
  assert.equal(pick([pod('long', { readySince: '2024-01-01T00:00:00Z' }), pod('recent', { readySince: '2024-05-31T23:59:00Z' })]), 'recent');
  assert.equal(pick([pod('calm', {}), pod('crashy', { restarts: 4 })]), 'crashy');
  assert.equal(pick([pod('old', { created: '2023-01-01T00:00:00Z', readySince: '2024-01-01T00:00:00Z' }), pod('new', { created: '2024-05-31T00:00:00Z', readySince: '2024-01-01T00:00:00Z' })]), 'new');
  assert.deepEqual(getPodsToDelete([pod('a', {}), pod('b', {})], [], 5, now).map((p) => p.metadata.name), ['a', 'b']);
});

test('expectations: satisfied only once every create/delete was observed, or after the timeout', () => {
  let t = 0;
  const e = new ControllerExpectations(() => t);
  assert.ok(e.satisfied('ns/rs'));
  e.expectCreations('ns/rs', 2);
  assert.ok(!e.satisfied('ns/rs'));
  e.creationObserved('ns/rs');
  assert.ok(!e.satisfied('ns/rs'));
  e.creationObserved('ns/rs');
  assert.ok(e.satisfied('ns/rs'));
  e.expectDeletions('ns/rs', ['ns/a', 'ns/b']);
  e.deletionObserved('ns/rs', 'ns/a');
  e.deletionObserved('ns/rs', 'ns/a'); // the same pod seen twice counts once
  assert.ok(!e.satisfied('ns/rs'));
  t = EXPECTATIONS_TIMEOUT_MS + 1;
  assert.ok(e.satisfied('ns/rs'), 'expired');
});

test('slowStartBatch: batches of 1, 2, 4, … and a stop after the first failing batch', async () => {
  const batches: number[] = [];
  let inFlight = 0;
  let calls = 0;
  const ok = await slowStartBatch(10, 1, async () => {
    calls++;
    inFlight++;
    await new Promise((r) => setTimeout(r, 1));
    batches.push(inFlight);
    inFlight--;
  });
  assert.deepEqual(ok, { successes: 10 });
  assert.equal(calls, 10);
  let n = 0;
  const failing = await slowStartBatch(10, 1, async () => {
    n++;
    if (n === 3) throw new Error('quota');
  });
  assert.equal(failing.successes, 2); // batch 1 ok, batch of 2 had one failure
  assert.equal(n, 3);
  assert.match(String(failing.error), /quota/);
});
