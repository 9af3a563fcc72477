// The dependency graph's reverse edges follow owner references as they change.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject, OwnerReference } from '../../../src/apimachinery/types.js';
import type { ApiResource } from '../../../src/controllers/garbagecollector/discovery.js';
import { DependencyGraph, isDeletingDependents, isOrphaning, nodeOf } from '../../../src/controllers/garbagecollector/graph.js';

const cm: ApiResource = { group: '', version: 'v1', resource: 'configmaps', namespaced: true, kind: 'ConfigMap', verbs: ['list', 'watch', 'delete'] };
const ref = (uid: string, extra: Partial<OwnerReference> = {}): OwnerReference => ({ apiVersion: 'v1', kind: 'ConfigMap', name: uid, uid, ...extra });
const obj = (uid: string, owners: OwnerReference[] = [], metadata: Partial<KubeObject['metadata']> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: uid, namespace: 'ns', uid, resourceVersion: '1', ownerReferences: owners, ...metadata } });
const names = (g: DependencyGraph, owner: string) => g.dependentsOf(owner).map((n) => n.uid).sort();

test('edges follow owner references through updates and removals', () => {
  const g = new DependencyGraph();
  g.upsert(nodeOf(cm, obj('a')));
  g.upsert(nodeOf(cm, obj('d1', [ref('a')])));
  g.upsert(nodeOf(cm, obj('d2', [ref('a'), ref('ghost')])));
  assert.deepEqual(names(g, 'a'), ['d1', 'd2']);
  assert.deepEqual(names(g, 'ghost'), ['d2'], 'an owner never observed still has its dependents');

  g.upsert(nodeOf(cm, obj('d2', [ref('ghost')])));
  assert.deepEqual(names(g, 'a'), ['d1']);
  g.remove('a');
  assert.deepEqual(names(g, 'a'), ['d1'], 'a removed owner keeps the edges its dependents hold');
  g.remove('d1');
  assert.deepEqual(names(g, 'a'), []);
  assert.equal(g.size, 1);
});

test('deletion states come from deletionTimestamp and the GC finalizers', () => {
  const ts = '2026-01-01T00:00:00Z';
  assert.ok(isDeletingDependents(nodeOf(cm, obj('x', [], { deletionTimestamp: ts, finalizers: ['foregroundDeletion'] }))));
  assert.ok(!isDeletingDependents(nodeOf(cm, obj('x', [], { finalizers: ['foregroundDeletion'] }))));
  assert.ok(isOrphaning(nodeOf(cm, obj('x', [], { deletionTimestamp: ts, finalizers: ['a', 'orphan'] }))));
  assert.ok(!isOrphaning(nodeOf(cm, obj('x', [], { deletionTimestamp: ts }))));
});
