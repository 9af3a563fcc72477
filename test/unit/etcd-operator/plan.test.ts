// etcd-operator's reconcile rules on plain data: one step at a time, waits while pods start, dead members replaced
// only with quorum, upgrades only at full size.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemberPodView, planStep } from '../../../src/operators/etcd/plan.js';

const pod = (name: string, o: Partial<MemberPodView> = {}): MemberPodView =>
  ({ name, phase: 'Running', ready: true, version: '3.2.13', creationTimestamp: `2024-01-01T00:00:0${name.slice(-1)}Z`, ...o });
const plan = (size: number, pods: MemberPodView[], members: string[], version = '3.2.13') => planStep({ size, version, pods, members });

test('scale up adds one member once every member runs', () => {
  assert.deepEqual(plan(3, [pod('a1')], ['a1']).step, { kind: 'addMember' });
  assert.deepEqual(plan(3, [pod('a1'), pod('a2')], ['a1', 'a2']).step, { kind: 'addMember' });
  assert.deepEqual(plan(3, [pod('a1'), pod('a2'), pod('a3')], ['a1', 'a2', 'a3']).step, { kind: 'settled' });
});

test('a pending pod holds every step (etcd-operator skips reconciliation)', () => {
  const p = plan(3, [pod('a1'), pod('a2', { phase: 'Pending' })], ['a1', 'a2']);
  assert.equal(p.step.kind, 'wait');
  assert.match((p.step as { reason: string }).reason, /pods pending: a2/);
  assert.equal(plan(3, [], ['a1']).step.kind, 'wait');
});

test('scale down removes the youngest member, one per step', () => {
  const pods = [pod('a1'), pod('a2'), pod('a3'), pod('a4'), pod('a5')];
  assert.deepEqual(plan(3, pods, pods.map((p) => p.name)).step, { kind: 'removeMember', name: 'a5' });
  assert.deepEqual(plan(3, pods.slice(0, 4), ['a1', 'a2', 'a3', 'a4']).step, { kind: 'removeMember', name: 'a4' });
});

test('running pods that are not members are deleted; membership then drives the step', () => {
  const p = plan(3, [pod('a1'), pod('a2'), pod('a3'), pod('x9')], ['a1', 'a2', 'a3']);
  assert.deepEqual(p.deletePods, ['x9']);
  assert.deepEqual(p.step, { kind: 'settled' });
});

test('a dead member is removed (then replaced) while quorum holds; without quorum nothing is done', () => {
  assert.deepEqual(plan(3, [pod('a1'), pod('a3')], ['a1', 'a2', 'a3']).step, { kind: 'removeDeadMember', name: 'a2' });
  assert.deepEqual(plan(3, [pod('a1')], ['a1', 'a2', 'a3']).step, { kind: 'lostQuorum', running: 1, members: 3 });
  // Five members tolerate two failures.
  assert.equal(plan(5, [pod('a1'), pod('a2'), pod('a3')], ['a1', 'a2', 'a3', 'a4', 'a5']).step.kind, 'removeDeadMember');
  // A failed pod is not running: it counts as dead.
  assert.deepEqual(plan(3, [pod('a1'), pod('a2', { phase: 'Failed' }), pod('a3')], ['a1', 'a2', 'a3']).step, { kind: 'removeDeadMember', name: 'a2' });
});

test('upgrade: one old member at a time, oldest first, only at full size and with every member ready', () => {
  const pods = [pod('a1'), pod('a2'), pod('a3')];
  const names = pods.map((p) => p.name);
  assert.deepEqual(plan(3, pods, names, '3.3.25').step, { kind: 'upgradeMember', name: 'a1', from: '3.2.13', to: '3.3.25' });
  const partly = [pod('a1', { version: '3.3.25' }), pod('a2'), pod('a3')];
  assert.deepEqual(plan(3, partly, names, '3.3.25').step, { kind: 'upgradeMember', name: 'a2', from: '3.2.13', to: '3.3.25' });
  assert.equal(plan(3, [pod('a1', { version: '3.3.25', ready: false }), pod('a2'), pod('a3')], names, '3.3.25').step.kind, 'wait');
  // Scaling comes first: a resize to 4 adds before upgrading.
  assert.deepEqual(plan(4, pods, names, '3.3.25').step, { kind: 'addMember' });
  assert.deepEqual(plan(3, pods.map((p) => ({ ...p, version: '3.3.25' })), names, '3.3.25').step, { kind: 'settled' });
});
