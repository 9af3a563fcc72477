import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OwnerReference } from '../../../src/apimachinery/types.js';
import type { PersistentVolumeClaim, Pod } from '../../../src/controllers/statefulset/types.js';
import {
  getParentNameAndOrdinal, isClaimOwnerUpToDate, isRunningAndAvailable, newStatefulSetPod, updateClaimOwnerRefForSetAndPod,
} from '../../../src/controllers/statefulset/utils.js';
import { FakeCluster, newSet } from './fake-cluster.js';

const refsOf = (c: FakeCluster, claim: string) =>
  (c.claims.get(claim)!.metadata.ownerReferences ?? []).map((r: OwnerReference) => `${r.kind}/${r.name}${r.controller ? ' (controller)' : ''}`);

describe('PVC retention policy', () => {
  it('whenDeleted=Delete gives every claim a controller ref to the set', async () => {
    const c = new FakeCluster(newSet({ replicas: 2, claims: ['www'], retention: { whenDeleted: 'Delete', whenScaled: 'Retain' } }));
    await c.settle();
    assert.deepEqual(refsOf(c, 'www-web-0'), ['StatefulSet/web (controller)']);
    assert.deepEqual(refsOf(c, 'www-web-1'), ['StatefulSet/web (controller)']);
  });

  it('whenScaled=Delete hands condemned claims to their pod before the pod is deleted', async () => {
    const c = new FakeCluster(newSet({ replicas: 2, claims: ['www'], retention: { whenDeleted: 'Delete', whenScaled: 'Delete' } }));
    await c.settle();
    assert.deepEqual(refsOf(c, 'www-web-1'), ['StatefulSet/web (controller)']);
    c.update((s) => (s.spec.replicas = 1));
    await c.sync();
    assert.ok(c.pod('web-1').metadata.deletionTimestamp);
    assert.deepEqual(refsOf(c, 'www-web-1'), ['Pod/web-1 (controller)']);
    assert.equal(c.claims.get('www-web-1')!.metadata.ownerReferences![0].uid, c.pod('web-1').metadata.uid);
    assert.deepEqual(refsOf(c, 'www-web-0'), ['StatefulSet/web (controller)']);
  });

  it('a claim still owned by an earlier pod of the same name blocks recreation (whenScaled=Delete)', async () => {
    const c = new FakeCluster(newSet({ replicas: 1, claims: ['www'], retention: { whenDeleted: 'Retain', whenScaled: 'Delete' } }));
    c.claims.set('www-web-0', {
      metadata: { name: 'www-web-0', namespace: 'default', ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'web-0', uid: 'gone', controller: true }] },
    });
    await c.sync();
    assert.equal(c.pods.size, 0);
  });

  it('Retain/Retain removes our refs but leaves foreign controllers alone', () => {
    const set = newSet({ replicas: 1, claims: ['www'] });
    const pod: Pod = { ...newStatefulSetPod(set, 0), metadata: { ...newStatefulSetPod(set, 0).metadata, uid: 'p0' } };
    const claim: PersistentVolumeClaim = {
      metadata: { name: 'www-web-0', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'uid-web', controller: true }] },
    };
    assert.equal(isClaimOwnerUpToDate(claim, set, pod), false);
    updateClaimOwnerRefForSetAndPod(claim, set, pod);
    assert.equal(claim.metadata.ownerReferences, undefined);
    assert.equal(isClaimOwnerUpToDate(claim, set, pod), true);

    const deleting = newSet({ replicas: 1, claims: ['www'], retention: { whenDeleted: 'Delete', whenScaled: 'Retain' } });
    const foreign: PersistentVolumeClaim = { metadata: { name: 'www-web-0', ownerReferences: [{ apiVersion: 'x/v1', kind: 'Other', name: 'o', uid: 'o', controller: true }] } };
    assert.equal(isClaimOwnerUpToDate(foreign, deleting, pod), true);
    const stale: PersistentVolumeClaim = { metadata: { name: 'www-web-0', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'old' }] } };
    assert.equal(isClaimOwnerUpToDate(stale, deleting, pod), true);
  });

  it('reports a claim that is being deleted and retries', async () => {
    const c = new FakeCluster(newSet({ replicas: 1, claims: ['www'] }));
    c.claims.set('www-web-0', { metadata: { name: 'www-web-0', namespace: 'default', deletionTimestamp: '2025-05-01T09:00:00Z' } });
    await assert.rejects(c.sync(), /pvc www-web-0 is being deleted/);
    assert.equal(c.pods.size, 0);
    assert.deepEqual(c.events, ['Warning FailedCreate create Pod web-0 in StatefulSet web failed error: pvc www-web-0 is being deleted']);
  });
});

describe('utilities', () => {
  it('parses parent and ordinal like upstream', () => {
    assert.deepEqual(getParentNameAndOrdinal({ metadata: { name: 'web-1-12' } }), { parent: 'web-1', ordinal: 12 });
    assert.deepEqual(getParentNameAndOrdinal({ metadata: { name: 'web' } }), { parent: '', ordinal: -1 });
    assert.deepEqual(getParentNameAndOrdinal({ metadata: { name: 'web-99999999999' } }), { parent: 'web', ordinal: -1 });
  });

  it('counts availability strictly after minReadySeconds', () => {
    const pod: Pod = { metadata: { name: 'web-0' }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2025-05-01T10:00:00Z' }] } };
    assert.equal(isRunningAndAvailable(pod, 0, new Date('2025-05-01T10:00:00Z')), true);
    assert.equal(isRunningAndAvailable(pod, 10, new Date('2025-05-01T10:00:10Z')), false);
    assert.equal(isRunningAndAvailable(pod, 10, new Date('2025-05-01T10:00:10.001Z')), true);
  });
});
