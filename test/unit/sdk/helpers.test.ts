// Finalizer, ownerReference and condition helpers; finalizers against a real Berth.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  addFinalizer, AlreadyOwnedError, ApiError, apply, builtin, findCondition, hasFinalizer, isConditionTrue, removeCondition,
  removeFinalizer, setCondition, setOwnerReference, type Condition, type KubeObject,
} from '../../../src/sdk/index.js';
import { startTestCluster, type TestCluster } from '../../../src/testing/index.js';

let cluster: TestCluster;
before(async () => { cluster = await startTestCluster(); });
after(() => cluster.stop());

describe('finalizers', () => {
  test('add and remove with a resourceVersion precondition', async () => {
    const c = cluster.client;
    let obj = await c.create<KubeObject>(builtin.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fin', namespace: 'default' } });
    obj = await addFinalizer(c, builtin.configMaps, obj, 'example.com/cleanup');
    assert.deepEqual(obj.metadata.finalizers, ['example.com/cleanup']);
    assert.ok(hasFinalizer(obj, 'example.com/cleanup'));
    const same = await addFinalizer(c, builtin.configMaps, obj, 'example.com/cleanup');
    assert.equal(same, obj, 'already present: no request');
    obj = await addFinalizer(c, builtin.configMaps, obj, 'example.com/second');
    assert.deepEqual(obj.metadata.finalizers, ['example.com/cleanup', 'example.com/second']);

    // A stale copy is refused instead of clobbering the newer state.
    const stale = structuredClone(obj);
    await c.patch(builtin.configMaps, 'fin', { data: { changed: 'yes' } }, 'merge', { namespace: 'default' });
    await assert.rejects(removeFinalizer(c, builtin.configMaps, stale, 'example.com/cleanup'), (e: unknown) => e instanceof ApiError && e.code >= 400 && e.code < 500);

    const fresh = await c.get(builtin.configMaps, 'fin', { namespace: 'default' });
    obj = await removeFinalizer(c, builtin.configMaps, fresh, 'example.com/cleanup');
    assert.deepEqual(obj.metadata.finalizers, ['example.com/second']);
    // Deleting now only marks the object; removing the last finalizer lets it go.
    await c.delete(builtin.configMaps, 'fin', { namespace: 'default' });
    const terminating = await c.get(builtin.configMaps, 'fin', { namespace: 'default' });
    assert.ok(terminating.metadata.deletionTimestamp);
    await removeFinalizer(c, builtin.configMaps, terminating, 'example.com/second');
    await assert.rejects(c.get(builtin.configMaps, 'fin', { namespace: 'default' }), (e: unknown) => e instanceof ApiError && e.code === 404);
  });

  test('server-side apply with a field manager', async () => {
    const applied = await apply<KubeObject>(cluster.client, builtin.configMaps, { metadata: { name: 'ssa', namespace: 'default' }, data: { a: '1' } }, { fieldManager: 'my-operator' });
    assert.equal(applied.data && (applied.data as Record<string, string>).a, '1');
    assert.ok(applied.metadata.managedFields?.some((f) => f.manager === 'my-operator' && f.operation === 'Apply'));
  });
});

describe('owner references', () => {
  const owner = { apiVersion: 'example.com/v1', kind: 'Db', metadata: { name: 'db', namespace: 'ns', uid: 'u1' } } as KubeObject;
  test('controller reference with blockOwnerDeletion; updating in place', () => {
    const obj = { metadata: { name: 'pod', namespace: 'ns' } } as KubeObject;
    setOwnerReference(owner, obj, { controller: true });
    assert.deepEqual(obj.metadata.ownerReferences, [{ apiVersion: 'example.com/v1', kind: 'Db', name: 'db', uid: 'u1', controller: true, blockOwnerDeletion: true }]);
    setOwnerReference(owner, obj, { controller: true, blockOwnerDeletion: false });
    assert.equal(obj.metadata.ownerReferences!.length, 1);
    assert.equal(obj.metadata.ownerReferences![0].blockOwnerDeletion, undefined);
  });
  test('a second controller is refused; plain owners accumulate', () => {
    const obj = { metadata: { name: 'pod', namespace: 'ns' } } as KubeObject;
    setOwnerReference(owner, obj, { controller: true });
    const other = { apiVersion: 'example.com/v1', kind: 'Db', metadata: { name: 'other', namespace: 'ns', uid: 'u2' } } as KubeObject;
    assert.throws(() => setOwnerReference(other, obj, { controller: true }), (e: unknown) => e instanceof AlreadyOwnedError && /already owned by another Db controller db/.test(e.message));
    setOwnerReference(other, obj);
    assert.equal(obj.metadata.ownerReferences!.length, 2);
  });
  test('cross-namespace owners are refused', () => {
    const obj = { metadata: { name: 'pod', namespace: 'elsewhere' } } as KubeObject;
    assert.throws(() => setOwnerReference(owner, obj), /cross-namespace owner references are disallowed, owner's namespace ns, obj's namespace elsewhere/);
  });
});

describe('conditions (meta.SetStatusCondition rules)', () => {
  const t0 = new Date('2024-01-01T00:00:00.123Z');
  const t1 = new Date('2024-01-01T00:05:00Z');
  test('a new condition gets now as lastTransitionTime (whole seconds)', () => {
    const conds: Condition[] = [];
    assert.equal(setCondition(conds, { type: 'Ready', status: 'False', reason: 'Starting', message: 'wait' }, t0), true);
    assert.deepEqual(conds, [{ type: 'Ready', status: 'False', reason: 'Starting', message: 'wait', lastTransitionTime: '2024-01-01T00:00:00Z' }]);
  });
  test('reason/message changes keep the transition time; a status change moves it', () => {
    const conds: Condition[] = [];
    setCondition(conds, { type: 'Ready', status: 'False', reason: 'Starting' }, t0);
    assert.equal(setCondition(conds, { type: 'Ready', status: 'False', reason: 'StillStarting', message: 'm', observedGeneration: 2 }, t1), true);
    assert.equal(findCondition(conds, 'Ready')!.lastTransitionTime, '2024-01-01T00:00:00Z');
    assert.equal(findCondition(conds, 'Ready')!.observedGeneration, 2);
    assert.equal(setCondition(conds, { type: 'Ready', status: 'False', reason: 'StillStarting', message: 'm', observedGeneration: 2 }, t1), false, 'no change');
    assert.equal(setCondition(conds, { type: 'Ready', status: 'True', reason: 'Up' }, t1), true);
    assert.equal(findCondition(conds, 'Ready')!.lastTransitionTime, '2024-01-01T00:05:00Z');
    assert.ok(isConditionTrue(conds, 'Ready'));
  });
  test('a given lastTransitionTime is used only when the status transitions', () => {
    const conds: Condition[] = [];
    setCondition(conds, { type: 'A', status: 'True', lastTransitionTime: '2020-01-01T00:00:00Z' }, t0);
    assert.equal(conds[0].lastTransitionTime, '2020-01-01T00:00:00Z');
    setCondition(conds, { type: 'A', status: 'True', lastTransitionTime: '2021-01-01T00:00:00Z' }, t0);
    assert.equal(conds[0].lastTransitionTime, '2020-01-01T00:00:00Z');
    setCondition(conds, { type: 'A', status: 'False', lastTransitionTime: '2022-01-01T00:00:00Z' }, t0);
    assert.equal(conds[0].lastTransitionTime, '2022-01-01T00:00:00Z');
    assert.equal(removeCondition(conds, 'A'), true);
    assert.equal(conds.length, 0);
  });
});
