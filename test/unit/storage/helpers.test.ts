import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinResources } from '../../../src/host/builtin-resources.js';
import { guaranteedUpdate, keyFor, prefixFor } from '../../../src/storage/helpers.js';
import { resourceBucket } from '../../../src/storage/key-layout.js';
import { StorageError } from '../../../src/storage/interface.js';
import { pod, tempStore } from './fixtures/temp-store.js';

test('keyFor and prefixFor lay keys out as kube-apiserver does in etcd: /registry/<resource prefix>/[<namespace>/]<name>', () => {
  assert.equal(keyFor('apps', 'statefulsets', 'default', 'web'), '/registry/statefulsets/default/web');
  assert.equal(keyFor('', 'pods', 'kube-system', 'dns'), '/registry/pods/kube-system/dns');
  assert.equal(keyFor('', 'namespaces', undefined, 'default'), '/registry/namespaces/default');
  assert.equal(keyFor('storage.k8s.io', 'storageclasses', '', 'standard'), '/registry/storageclasses/standard');
  // upstream's SpecialDefaultResourcePrefixes
  assert.equal(keyFor('', 'services', 'default', 'kubernetes'), '/registry/services/specs/default/kubernetes');
  assert.equal(keyFor('', 'endpoints', 'default', 'kubernetes'), '/registry/services/endpoints/default/kubernetes');
  assert.equal(keyFor('', 'nodes', undefined, 'n1'), '/registry/minions/n1');
  assert.equal(keyFor('', 'replicationcontrollers', 'default', 'rc'), '/registry/controllers/default/rc');
  assert.equal(keyFor('networking.k8s.io', 'ingresses', 'default', 'web'), '/registry/ingress/default/web');
  // servers with their own storage: CRDs and custom resources are group-qualified
  assert.equal(keyFor('apiextensions.k8s.io', 'customresourcedefinitions', undefined, 'crontabs.stable.example.com'),
    '/registry/apiextensions.k8s.io/customresourcedefinitions/crontabs.stable.example.com');
  assert.equal(keyFor('stable.example.com', 'crontabs', 'default', 'c'), '/registry/stable.example.com/crontabs/default/c');
  assert.equal(prefixFor('', 'pods'), '/registry/pods/');
  assert.equal(prefixFor('', 'pods', 'default'), '/registry/pods/default/');
  assert.equal(prefixFor('apps', 'statefulsets', ''), '/registry/statefulsets/');
  assert.ok(keyFor('', 'pods', 'default', 'a').startsWith(prefixFor('', 'pods', 'default')));
});

test('watch fan-out buckets are the resource prefixes', () => {
  assert.equal(resourceBucket('/registry/pods/default/web-0'), '/registry/pods/');
  assert.equal(resourceBucket('/registry/pods/'), '/registry/pods/');
  assert.equal(resourceBucket('/registry/namespaces/default'), '/registry/namespaces/');
  assert.equal(resourceBucket('/registry/services/specs/default/kubernetes'), '/registry/services/specs/');
  assert.equal(resourceBucket('/registry/services/'), undefined);
  assert.equal(resourceBucket('/registry/stable.example.com/crontabs/default/c'), '/registry/stable.example.com/crontabs/');
  assert.equal(resourceBucket('/registry/'), undefined);
  assert.equal(resourceBucket(''), undefined);
});

test('every built-in kind has its own storage prefix, and none is inside another', () => {
  const prefixes = new Map<string, string>();
  for (const def of builtinResources()) {
    const sr = def.storageResource ?? def;
    const prefix = prefixFor(sr.group, sr.resource);
    const owner = `${sr.group}/${sr.resource}`;
    assert.ok(!prefixes.has(prefix) || prefixes.get(prefix) === owner, `${prefix} is used by ${prefixes.get(prefix)} and ${owner}`);
    prefixes.set(prefix, owner);
  }
  for (const a of prefixes.keys()) for (const b of prefixes.keys()) if (a !== b) assert.ok(!b.startsWith(a), `${b} is inside ${a}`);
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
