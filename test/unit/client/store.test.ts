import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { CONTROLLER_UID_INDEX, indexByControllerUid, ObjectCache, objectKey, splitObjectKey } from '../../../src/client/store.js';

const obj = (name: string, rv: string, namespace?: string, owner?: string): KubeObject => ({
  metadata: { name, namespace, resourceVersion: rv, ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: owner, uid: `u-${owner}`, controller: true }] } : {}) },
});

test('keys are namespace/name, or name when cluster-scoped', () => {
  assert.equal(objectKey(obj('a', '1', 'ns')), 'ns/a');
  assert.equal(objectKey(obj('node1', '1')), 'node1');
  assert.deepEqual(splitObjectKey('ns/a'), { namespace: 'ns', name: 'a' });
  assert.deepEqual(splitObjectKey('node1'), { name: 'node1' });
});

test('byNamespace and custom indexes follow updates and deletes', () => {
  const c = new ObjectCache({ [CONTROLLER_UID_INDEX]: indexByControllerUid });
  c.upsert(obj('p1', '1', 'a', 'web'));
  c.upsert(obj('p2', '1', 'a', 'db'));
  c.upsert(obj('p3', '1', 'b', 'web'));
  assert.deepEqual(c.byNamespace('a').map(objectKey).sort(), ['a/p1', 'a/p2']);
  assert.deepEqual(c.byIndex(CONTROLLER_UID_INDEX, 'u-web').map(objectKey).sort(), ['a/p1', 'b/p3']);
  c.upsert(obj('p1', '2', 'a', 'db')); // re-owned
  assert.deepEqual(c.byIndex(CONTROLLER_UID_INDEX, 'u-web').map(objectKey), ['b/p3']);
  assert.deepEqual(c.indexKeys(CONTROLLER_UID_INDEX, 'u-db').sort(), ['a/p1', 'a/p2']);
  c.remove('b/p3');
  assert.deepEqual(c.byIndex(CONTROLLER_UID_INDEX, 'u-web'), []);
  assert.equal(c.get('a/p1')?.metadata.resourceVersion, '2');
  assert.equal(c.size, 2);
  assert.throws(() => c.byIndex('nope', 'x'), /index "nope" does not exist/);
});

test('indexers added later index existing objects', () => {
  const c = new ObjectCache();
  c.upsert(obj('x', '1', 'n', 'o'));
  c.addIndexers({ byOwner: indexByControllerUid });
  assert.deepEqual(c.byIndex('byOwner', 'u-o').map(objectKey), ['n/x']);
});

test('replace reports only real differences', () => {
  const c = new ObjectCache();
  const same = obj('same', '5', 'n');
  c.upsert(same);
  c.upsert(obj('changed', '5', 'n'));
  c.upsert(obj('gone', '5', 'n'));
  const diff = c.replace([obj('same', '5', 'n'), obj('changed', '9', 'n'), obj('new', '9', 'n')]);
  assert.deepEqual(diff.added.map(objectKey), ['n/new']);
  assert.deepEqual(diff.updated.map((u) => [u.old.metadata.resourceVersion, u.new.metadata.resourceVersion]), [['5', '9']]);
  assert.deepEqual(diff.deleted.map(objectKey), ['n/gone']);
  assert.equal(c.get('n/same'), same, 'unchanged objects keep their cached instance');
  assert.deepEqual(c.listKeys().sort(), ['n/changed', 'n/new', 'n/same']);
  assert.deepEqual(c.byNamespace('n').length, 3);
});
