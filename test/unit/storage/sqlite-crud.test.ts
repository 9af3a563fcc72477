import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StorageError } from '../../../src/storage/interface.js';
import { openSqliteStore } from '../../../src/storage/sqlite.js';
import { INITIAL_REVISION } from '../../../src/storage/schema.js';
import { pod, tempStore } from './fixtures/temp-store.js';

const key = (ns: string, name: string) => `/registry/core/pods/${ns}/${name}`;

async function rejectsWith(p: Promise<unknown>, code: StorageError['code']): Promise<StorageError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof StorageError, `expected StorageError, got ${String(err)}`);
    assert.equal(err.code, code);
    return err;
  }
  assert.fail(`expected ${code}`);
}

test('create, get, update and delete stamp revisions and keep the input untouched', async (t) => {
  const { store } = tempStore(t);
  assert.equal(store.currentRevision(), INITIAL_REVISION);
  const input = pod('web-0');
  const created = await store.create(key('default', 'web-0'), input);
  assert.equal(input.metadata.resourceVersion, undefined, 'caller object must not be modified');
  assert.equal(created.createRevision, INITIAL_REVISION + 1);
  assert.equal(created.modRevision, created.createRevision);
  assert.equal(created.value.metadata.resourceVersion, String(created.modRevision));
  assert.equal(store.currentRevision(), created.modRevision);

  const got = await store.get(key('default', 'web-0'));
  assert.deepEqual(got, created);
  got!.value.metadata.name = 'mutated';
  assert.equal((await store.get(key('default', 'web-0')))!.value.metadata.name, 'web-0', 'get returns a private copy');

  const updated = await store.update(key('default', 'web-0'), { ...input, spec: { nodeName: 'n1' } }, created.modRevision);
  assert.equal(updated.createRevision, created.createRevision);
  assert.equal(updated.modRevision, created.modRevision + 1);
  assert.equal(updated.value.metadata.resourceVersion, String(updated.modRevision));
  assert.deepEqual((await store.get(key('default', 'web-0')))!.value.spec, { nodeName: 'n1' });

  const deleted = await store.delete(key('default', 'web-0'), updated.modRevision);
  assert.equal(deleted.modRevision, updated.modRevision + 1);
  assert.equal(deleted.value.metadata.resourceVersion, String(deleted.modRevision), 'deleted object carries the deletion revision');
  assert.deepEqual(deleted.value.spec, { nodeName: 'n1' });
  assert.equal(await store.get(key('default', 'web-0')), undefined);
  assert.equal(store.currentRevision(), deleted.modRevision);
});

test('create on an existing key, and update/delete of a missing key, fail without bumping the revision', async (t) => {
  const { store } = tempStore(t);
  await store.create(key('default', 'a'), pod('a'));
  const rev = store.currentRevision();
  await rejectsWith(store.create(key('default', 'a'), pod('a')), 'KeyExists');
  await rejectsWith(store.update(key('default', 'missing'), pod('missing')), 'KeyNotFound');
  await rejectsWith(store.delete(key('default', 'missing')), 'KeyNotFound');
  assert.equal(store.currentRevision(), rev);
  // The failed writes left nothing behind: the next write gets the very next revision.
  assert.equal((await store.create(key('default', 'b'), pod('b'))).modRevision, rev + 1);
});

test('compare-and-swap: a stale expected revision is a Conflict carrying the current object', async (t) => {
  const { store } = tempStore(t);
  const v1 = await store.create(key('default', 'a'), pod('a'));
  const v2 = await store.update(key('default', 'a'), pod('a', 'default', { spec: { x: 2 } }), v1.modRevision);
  const conflict = await rejectsWith(store.update(key('default', 'a'), pod('a', 'default', { spec: { x: 3 } }), v1.modRevision), 'Conflict');
  assert.deepEqual(conflict.current, v2);
  const delConflict = await rejectsWith(store.delete(key('default', 'a'), v1.modRevision), 'Conflict');
  assert.equal(delConflict.current!.modRevision, v2.modRevision);
  assert.deepEqual((await store.get(key('default', 'a')))!.value.spec, { x: 2 });
  // Unconditional writes ignore the revision.
  await store.update(key('default', 'a'), pod('a'));
  await store.delete(key('default', 'a'));
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
  await store.create('/registry/core/namespaces/default', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  await store.create('/registry/core/podtemplates/default/a', { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 'a' } });
  await store.create('/registry/apps/statefulsets/default/web', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web' } });

  const keys = async (prefix: string) => (await store.list(prefix)).items.map((i) => i.key);
  // Byte order of whole keys, as etcd: '-' sorts before '/'.
  assert.deepEqual(await keys('/registry/core/pods/'), [
    key('default-2', 'a'), key('default', 'a'), key('default', 'b'), key('default', 'c'), key('kube-system', 'dns'),
  ]);
  assert.deepEqual(await keys('/registry/core/pods/default/'), [key('default', 'a'), key('default', 'b'), key('default', 'c')]);
  assert.deepEqual(await keys('/registry/core/pods/default-2/'), [key('default-2', 'a')]);
  assert.deepEqual(await keys('/registry/core/namespaces/'), ['/registry/core/namespaces/default']);
  assert.deepEqual(await keys('/registry/apps/statefulsets/'), ['/registry/apps/statefulsets/default/web']);
  assert.equal((await store.list('')).items.length, 8);
  assert.equal(store.count('/registry/core/pods/'), 5);
  assert.equal(store.count('/registry/core/pods/default/'), 3);

  const listed = await store.list('/registry/core/pods/default/');
  assert.equal(listed.revision, store.currentRevision());
  assert.equal(listed.continueAfter, undefined);
  assert.equal(listed.remaining, undefined);
  assert.equal(listed.items[0]!.value.metadata.resourceVersion, String(listed.items[0]!.modRevision));
});

test('list paging with limit, continueAfter and remaining walks every key exactly once', async (t) => {
  const { store } = tempStore(t);
  const names = Array.from({ length: 23 }, (_, i) => `p${String(i).padStart(2, '0')}`);
  for (const n of names) await store.create(key('default', n), pod(n));
  await store.create(key('zzz', 'other'), pod('other', 'zzz'));

  const seen: string[] = [];
  let continueAfter: string | undefined;
  const remainings: (number | undefined)[] = [];
  do {
    const page = await store.list('/registry/core/pods/default/', { limit: 5, continueAfter });
    assert.ok(page.items.length <= 5);
    seen.push(...page.items.map((i) => i.value.metadata.name!));
    remainings.push(page.remaining);
    continueAfter = page.continueAfter;
    if (continueAfter) assert.equal(continueAfter, page.items.at(-1)!.key);
  } while (continueAfter);
  assert.deepEqual(seen, names);
  assert.deepEqual(remainings, [18, 13, 8, 3, undefined]);

  // An exact fit is complete: no continue token.
  const exact = await store.list('/registry/core/pods/default/', { limit: 23 });
  assert.equal(exact.continueAfter, undefined);
  // A continue key from before the prefix starts at the beginning; one past it gives nothing.
  assert.equal((await store.list('/registry/core/pods/default/', { limit: 1, continueAfter: '/a' })).items[0]!.key, key('default', 'p00'));
  assert.equal((await store.list('/registry/core/pods/default/', { continueAfter: '/registry/core/pods/default0' })).items.length, 0);
  // limit 0 means unlimited.
  assert.equal((await store.list('/registry/core/pods/', { limit: 0 })).items.length, 24);
});

test('a second server cannot open a file that is in use', async (t) => {
  const { path } = tempStore(t);
  assert.throws(() => openSqliteStore({ path, busyTimeoutMs: 50 }), /locked|busy/i);
});

test('in-memory stores work for tests', async () => {
  const store = openSqliteStore({ path: ':memory:' });
  await store.create('/registry/core/pods/default/a', pod('a'));
  assert.equal((await store.list('/registry/core/pods/')).items.length, 1);
  await store.close();
  await assert.rejects(store.get('/registry/core/pods/default/a'), /closed/);
});

test('group commit: concurrent writes share a transaction, keep contiguous revisions, and fail alone', async (t) => {
  const { store } = tempStore(t);
  const start = store.currentRevision();
  const obj = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
  const results = await Promise.allSettled([
    store.create('/registry/core/configmaps/ns/a', obj('a')),
    store.create('/registry/core/configmaps/ns/a', obj('a')), // same key in the same batch: KeyExists, alone
    store.create('/registry/core/configmaps/ns/b', obj('b')),
    store.update('/registry/core/configmaps/ns/missing', obj('missing')), // KeyNotFound, alone
    store.create('/registry/core/configmaps/ns/c', obj('c')),
  ]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
  const revs = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.modRevision] : []));
  assert.deepEqual(revs, [start + 1, start + 2, start + 3], 'failed writes take no revision');
  assert.equal(store.currentRevision(), start + 3);
  const listed = await store.list('/registry/core/configmaps/ns/');
  assert.deepEqual(listed.items.map((i) => i.value.metadata.resourceVersion), [String(start + 1), String(start + 2), String(start + 3)]);
});
