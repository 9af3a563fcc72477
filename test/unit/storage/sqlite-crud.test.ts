import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../../../src/storage/sqlite.js';
import { INITIAL_REVISION } from '../../../src/storage/schema.js';
import { pod, tempStore } from './fixtures/temp-store.js';

const key = (ns: string, name: string) => `/registry/pods/${ns}/${name}`;

test('an empty store starts at the initial revision, and the revision follows each write as it resolves', async (t) => {
  const { store } = tempStore(t);
  assert.equal(store.currentRevision(), INITIAL_REVISION);
  const created = await store.create(key('default', 'web-0'), pod('web-0'));
  assert.equal(created.createRevision, INITIAL_REVISION + 1);
  assert.equal(store.currentRevision(), created.modRevision);
  const deleted = await store.delete(key('default', 'web-0'));
  assert.equal(store.currentRevision(), deleted.modRevision);
});

test('the revision never goes backwards across reopen, even when the newest writes were deletes', async (t) => {
  const { store, reopen } = tempStore(t);
  for (let i = 0; i < 5; i++) await store.create(key('default', `p${i}`), pod(`p${i}`));
  for (let i = 0; i < 5; i++) await store.delete(key('default', `p${i}`));
  const before = store.currentRevision();
  assert.equal(before, INITIAL_REVISION + 10);
  const again = await reopen(store);
  assert.equal(again.currentRevision(), before);
  assert.equal((await again.list('/registry/')).items.length, 0);
  assert.equal((await again.create(key('default', 'p0'), pod('p0'))).createRevision, before + 1);

  // Compacting everything leaves no history rows; the revision must still survive.
  again.compact(again.currentRevision());
  const third = await reopen(again);
  assert.equal(third.currentRevision(), before + 1);
  assert.equal(third.compactedRevision(), before + 1);
});

test('lists are prefix range scans: all namespaces, one namespace, no bleeding into similar names', async (t) => {
  const { store } = tempStore(t);
  for (const [ns, name] of [['default', 'a'], ['default', 'b'], ['default-2', 'a'], ['kube-system', 'dns'], ['default', 'c']]) {
    await store.create(key(ns!, name!), pod(name!, ns));
  }
  await store.create('/registry/namespaces/default', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  await store.create('/registry/podtemplates/default/a', { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 'a' } });
  await store.create('/registry/statefulsets/default/web', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web' } });

  const keys = async (prefix: string) => (await store.list(prefix)).items.map((i) => i.key);
  // Byte order of whole keys, as etcd: '-' sorts before '/'.
  assert.deepEqual(await keys('/registry/pods/'), [
    key('default-2', 'a'), key('default', 'a'), key('default', 'b'), key('default', 'c'), key('kube-system', 'dns'),
  ]);
  assert.deepEqual(await keys('/registry/pods/default/'), [key('default', 'a'), key('default', 'b'), key('default', 'c')]);
  assert.deepEqual(await keys('/registry/pods/default-2/'), [key('default-2', 'a')]);
  assert.deepEqual(await keys('/registry/namespaces/'), ['/registry/namespaces/default']);
  assert.deepEqual(await keys('/registry/statefulsets/'), ['/registry/statefulsets/default/web']);
  assert.equal((await store.list('')).items.length, 8);
  assert.equal(store.count('/registry/pods/'), 5);
  assert.equal(store.count('/registry/pods/default/'), 3);

  const listed = await store.list('/registry/pods/default/');
  assert.equal(listed.revision, store.currentRevision());
  assert.equal(listed.continueAfter, undefined);
  assert.equal(listed.remaining, undefined);
  assert.equal(listed.items[0]!.value.metadata.resourceVersion, String(listed.items[0]!.modRevision));
});

test('a second server cannot open a file that is in use', async (t) => {
  const { path } = tempStore(t);
  assert.throws(() => openSqliteStore({ path, busyTimeoutMs: 50 }), /locked|busy/i);
});

test('in-memory stores work for tests', async () => {
  const store = openSqliteStore({ path: ':memory:' });
  await store.create('/registry/pods/default/a', pod('a'));
  assert.equal((await store.list('/registry/pods/')).items.length, 1);
  await store.close();
  await assert.rejects(store.get('/registry/pods/default/a'), /closed/);
});

test('group commit: concurrent writes share a transaction, keep contiguous revisions, and fail alone', async (t) => {
  const { store } = tempStore(t);
  const start = store.currentRevision();
  const obj = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
  const results = await Promise.allSettled([
    store.create('/registry/configmaps/ns/a', obj('a')),
    store.create('/registry/configmaps/ns/a', obj('a')), // same key in the same batch: KeyExists, alone
    store.create('/registry/configmaps/ns/b', obj('b')),
    store.update('/registry/configmaps/ns/missing', obj('missing')), // KeyNotFound, alone
    store.create('/registry/configmaps/ns/c', obj('c')),
  ]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
  const revs = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.modRevision] : []));
  assert.deepEqual(revs, [start + 1, start + 2, start + 3], 'failed writes take no revision');
  assert.equal(store.currentRevision(), start + 3);
  const listed = await store.list('/registry/configmaps/ns/');
  assert.deepEqual(listed.items.map((i) => i.value.metadata.resourceVersion), [String(start + 1), String(start + 2), String(start + 3)]);
});
