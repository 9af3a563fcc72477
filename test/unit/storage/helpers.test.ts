import { test } from 'node:test';
import assert from 'node:assert/strict';
import { guaranteedUpdate, keyFor, prefixFor } from '../../../src/storage/helpers.js';
import { StorageError } from '../../../src/storage/interface.js';
import { pod, tempStore } from './fixtures/temp-store.js';

test('keyFor and prefixFor build the /registry/<group>/<resource>/[<namespace>/]<name> scheme', () => {
  assert.equal(keyFor('apps', 'statefulsets', 'default', 'web'), '/registry/apps/statefulsets/default/web');
  assert.equal(keyFor('', 'pods', 'kube-system', 'dns'), '/registry/core/pods/kube-system/dns');
  assert.equal(keyFor('', 'namespaces', undefined, 'default'), '/registry/core/namespaces/default');
  assert.equal(keyFor('storage.k8s.io', 'storageclasses', '', 'standard'), '/registry/storage.k8s.io/storageclasses/standard');
  assert.equal(prefixFor('', 'pods'), '/registry/core/pods/');
  assert.equal(prefixFor('', 'pods', 'default'), '/registry/core/pods/default/');
  assert.equal(prefixFor('apps', 'statefulsets', ''), '/registry/apps/statefulsets/');
  assert.ok(keyFor('', 'pods', 'default', 'a').startsWith(prefixFor('', 'pods', 'default')));
});

test('guaranteedUpdate retries on a conflicting concurrent write and applies the change to the newer object', async (t) => {
  const { store } = tempStore(t);
  const key = keyFor('', 'pods', 'default', 'a');
  await store.create(key, pod('a', 'default', { status: { restarts: 0 }, spec: {} }));
  let calls = 0;
  const result = await guaranteedUpdate(store, key, async (cur) => {
    calls++;
    if (calls === 1) {
      // Someone else writes between our read and our write.
      await store.update(key, { ...cur.value, spec: { nodeName: 'n1' } });
    }
    const status = cur.value.status as { restarts: number };
    return { ...cur.value, status: { restarts: status.restarts + 1 } };
  });
  assert.equal(calls, 2);
  assert.deepEqual(result.value.spec, { nodeName: 'n1' }, 'the concurrent write is kept');
  assert.deepEqual(result.value.status, { restarts: 1 });
  assert.equal(result.modRevision, store.currentRevision());
});

test('guaranteedUpdate skips the write when nothing changed, even if tryUpdate edits in place', async (t) => {
  const { store } = tempStore(t);
  const key = keyFor('', 'pods', 'default', 'a');
  const created = await store.create(key, pod('a'));
  const same = await guaranteedUpdate(store, key, (cur) => cur.value);
  assert.equal(same.modRevision, created.modRevision);
  assert.equal(store.currentRevision(), created.modRevision);

  const changed = await guaranteedUpdate(store, key, (cur) => {
    cur.value.metadata.labels = { app: 'web' };
    return cur.value;
  });
  assert.equal(changed.modRevision, created.modRevision + 1);
  assert.deepEqual((await store.get(key))!.value.metadata.labels, { app: 'web' });
});

test('guaranteedUpdate re-reads a stale cached object instead of trusting a no-op against it', async (t) => {
  const { store } = tempStore(t);
  const key = keyFor('', 'pods', 'default', 'a');
  const stale = await store.create(key, pod('a'));
  await store.update(key, pod('a', 'default', { spec: { v: 2 } }));
  const seen: unknown[] = [];
  const result = await guaranteedUpdate(store, key, (cur) => {
    seen.push(cur.value.spec);
    return cur.value;
  }, { current: stale });
  assert.equal(seen.length, 2);
  assert.deepEqual(result.value.spec, { v: 2 });
});

test('guaranteedUpdate gives up after maxAttempts, and reports missing keys', async (t) => {
  const { store } = tempStore(t);
  const key = keyFor('', 'pods', 'default', 'a');
  await store.create(key, pod('a'));
  let calls = 0;
  await assert.rejects(
    guaranteedUpdate(store, key, async (cur) => {
      calls++;
      await store.update(key, { ...cur.value, spec: { bump: calls } });
      return { ...cur.value, spec: { mine: true } };
    }, { maxAttempts: 3 }),
    (err: unknown) => err instanceof StorageError && err.code === 'Conflict',
  );
  assert.equal(calls, 3);
  await assert.rejects(guaranteedUpdate(store, keyFor('', 'pods', 'default', 'nope'), (c) => c.value), (err: unknown) =>
    err instanceof StorageError && err.code === 'KeyNotFound');
  // An error from tryUpdate aborts without writing.
  const rev = store.currentRevision();
  await assert.rejects(guaranteedUpdate(store, key, () => { throw new Error('invalid'); }), /invalid/);
  assert.equal(store.currentRevision(), rev);
});
