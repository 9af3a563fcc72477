import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StatefulSet } from '../../../src/controllers/statefulset/types.js';
import { FakeCluster, newSet } from './fake-cluster.js';

const setImage = (image: string) => (s: StatefulSet) => ((s.spec.template.spec!.containers as { image: string }[])[0].image = image);

describe('OrderedReady scaling', () => {
  it('creates one pod at a time and waits for Running+Ready', async () => {
    const c = new FakeCluster(newSet({ replicas: 3, claims: ['www'] }));
    await c.sync();
    assert.deepEqual(c.podNames(), ['web-0']);
    assert.deepEqual(c.events, [
      'Normal SuccessfulCreate create Claim www-web-0 Pod web-0 in StatefulSet web success',
      'Normal SuccessfulCreate create Pod web-0 in StatefulSet web successful',
    ]);
    await c.sync(); // Pending
    c.run('web-0', false); // Running, not Ready
    await c.sync();
    assert.deepEqual(c.podNames(), ['web-0']);
    c.run('web-0');
    await c.sync();
    assert.deepEqual(c.podNames(), ['web-0', 'web-1']);
    c.run('web-1');
    const r = await c.sync();
    assert.deepEqual(c.podNames(), ['web-0', 'web-1', 'web-2']);
    assert.equal(r.status.replicas, 2); // the pod created in this pass has no phase yet
    assert.equal(r.status.readyReplicas, 2);
  });

  it('builds pods with identity, storage, revision and a blocking controller ref', async () => {
    const c = new FakeCluster(newSet({ replicas: 1, claims: ['www'] }));
    const r = await c.sync();
    const pod = c.pod('web-0');
    assert.equal(pod.metadata.generateName, 'web-');
    assert.equal(pod.spec!.hostname, 'web-0');
    assert.equal(pod.spec!.subdomain, 'nginx');
    assert.deepEqual(pod.metadata.labels, {
      app: 'nginx',
      'controller-revision-hash': r.updateRevision.metadata.name,
      'statefulset.kubernetes.io/pod-name': 'web-0',
      'apps.kubernetes.io/pod-index': '0',
    });
    assert.deepEqual(pod.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(pod.spec!.volumes, [{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-0' } }]);
    const claim = c.claims.get('www-web-0')!;
    assert.equal(claim.metadata.namespace, 'default');
    assert.deepEqual(claim.metadata.labels, { tier: 'data', app: 'nginx' });
    assert.equal(claim.metadata.ownerReferences, undefined); // Retain/Retain
  });

  it('scales down from the highest ordinal, one at a time, waiting for termination', async () => {
    const c = new FakeCluster(newSet({ replicas: 3 }));
    await c.settle();
    c.events = [];
    c.update((s) => (s.spec.replicas = 1));
    await c.sync();
    assert.ok(c.pod('web-2').metadata.deletionTimestamp);
    assert.ok(!c.pod('web-1').metadata.deletionTimestamp);
    await c.sync(); // web-2 still terminating: wait
    assert.ok(!c.pod('web-1').metadata.deletionTimestamp);
    c.reap();
    await c.sync();
    assert.ok(c.pod('web-1').metadata.deletionTimestamp);
    assert.deepEqual(c.events, [
      'Normal SuccessfulDelete delete Pod web-2 in StatefulSet web successful',
      'Normal SuccessfulDelete delete Pod web-1 in StatefulSet web successful',
    ]);
  });

  it('halts scale-up on an unhealthy pod', async () => {
    const c = new FakeCluster(newSet({ replicas: 2 }));
    await c.settle();
    c.run('web-1', false);
    c.update((s) => (s.spec.replicas = 3));
    await c.sync();
    await c.sync();
    assert.deepEqual(c.podNames(), ['web-0', 'web-1']);
  });

  it('halts scale-down while pods are unhealthy, except the first unhealthy pod', async () => {
    const c = new FakeCluster(newSet({ replicas: 3 }));
    await c.settle();
    for (const n of ['web-0', 'web-1', 'web-2']) c.run(n, false);
    c.update((s) => (s.spec.replicas = 1));
    await c.sync();
    assert.ok(![...c.pods.values()].some((p) => p.metadata.deletionTimestamp), 'nothing deleted while web-0 is unready');

    c.run('web-0');
    c.run('web-2');
    await c.sync(); // web-1 is the first unhealthy pod; healthy web-2 above it may go
    assert.ok(c.pod('web-2').metadata.deletionTimestamp);
    c.reap();
    await c.sync(); // web-1 itself is the first unhealthy pod, so it is not blocking
    assert.ok(c.pod('web-1').metadata.deletionTimestamp);
  });

  it('recreates failed pods under the same name', async () => {
    const c = new FakeCluster(newSet({ replicas: 2, claims: ['www'] }));
    await c.settle();
    const oldUid = c.pod('web-1').metadata.uid;
    c.pod('web-1').status = { phase: 'Failed' };
    await c.sync();
    assert.ok(c.pod('web-1').metadata.deletionTimestamp);
    c.reap();
    await c.sync();
    assert.notEqual(c.pod('web-1').metadata.uid, oldUid);
    assert.deepEqual(c.pod('web-1').spec!.volumes, [{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-1' } }]);
    assert.equal(c.claims.size, 2);
  });

  it('honours minReadySeconds before creating the next pod, asking for a requeue', async () => {
    const c = new FakeCluster(newSet({ replicas: 2, minReadySeconds: 10 }));
    await c.sync();
    c.run('web-0');
    c.clock += 5_000;
    const r = await c.sync();
    assert.deepEqual(c.podNames(), ['web-0']);
    assert.equal(r.requeueAfter, 10);
    assert.equal(r.status.readyReplicas, 1);
    assert.equal(r.status.availableReplicas, 0);
    c.clock += 6_000;
    await c.sync();
    assert.deepEqual(c.podNames(), ['web-0', 'web-1']);
  });

  it('moves to a new ordinal range: {0,1} → {2,3,4}', async () => {
    const c = new FakeCluster(newSet({ replicas: 2 }));
    await c.settle();
    c.update((s) => {
      s.spec.ordinals = { start: 2 };
      s.spec.replicas = 3;
    });
    await c.sync();
    assert.deepEqual(c.podNames(), ['web-0', 'web-1', 'web-2']);
    await c.settle();
    assert.deepEqual(c.podNames(), ['web-2', 'web-3', 'web-4']);
    assert.deepEqual(c.created.slice(2), ['web-2', 'web-3', 'web-4']);
    assert.equal(c.set.status!.replicas, 3);
    assert.equal(c.set.status!.readyReplicas, 3);
  });

  it('only refreshes status while the set is being deleted', async () => {
    const c = new FakeCluster(newSet({ replicas: 2 }));
    c.set.metadata.deletionTimestamp = new Date().toISOString();
    const r = await c.sync();
    assert.equal(c.pods.size, 0);
    assert.equal(r.status.replicas, 0);
  });

  it('writes status only when it changed', async () => {
    const c = new FakeCluster(newSet({ replicas: 1 }));
    await c.settle();
    const writes = c.statusWrites;
    await c.sync();
    await c.sync();
    assert.equal(c.statusWrites, writes);
    assert.deepEqual(c.set.status, {
      replicas: 1, availableReplicas: 1, readyReplicas: 1, currentReplicas: 1, updatedReplicas: 1, observedGeneration: 1,
      currentRevision: c.set.status!.updateRevision, updateRevision: c.set.status!.updateRevision, collisionCount: 0,
    });
  });
});

describe('Parallel pod management', () => {
  it('creates and deletes in bursts without waiting for readiness', async () => {
    const c = new FakeCluster(newSet({ replicas: 5, policy: 'Parallel' }));
    await c.sync();
    assert.deepEqual(c.podNames(), ['web-0', 'web-1', 'web-2', 'web-3', 'web-4']);
    c.update((s) => (s.spec.replicas = 1));
    await c.sync();
    assert.deepEqual([...c.pods.values()].filter((p) => p.metadata.deletionTimestamp).map((p) => p.metadata.name).sort(), ['web-1', 'web-2', 'web-3', 'web-4']);
  });
});

describe('updates', () => {
  it('rolls a partitioned update from the highest ordinal down to the partition', async () => {
    const c = new FakeCluster(newSet({ replicas: 5, partition: 4 }));
    await c.settle();
    const rev1 = c.set.status!.currentRevision!;
    c.update(setImage('nginx:2'));
    await c.sync();
    assert.ok(c.pod('web-4').metadata.deletionTimestamp);
    await c.settle();
    const rev2 = c.set.status!.updateRevision!;
    assert.notEqual(rev2, rev1);
    assert.deepEqual(c.podNames().map((n) => c.revisionOf(n)), [rev1, rev1, rev1, rev1, rev2]);
    assert.equal(c.set.status!.currentRevision, rev1); // partition holds pods back: never completes
    assert.equal(c.set.status!.updatedReplicas, 1);

    c.update((s) => (s.spec.updateStrategy!.rollingUpdate!.partition = 1));
    await c.settle();
    assert.deepEqual(c.podNames().map((n) => c.revisionOf(n)), [rev1, rev2, rev2, rev2, rev2]);
    // a pod recreated below the partition keeps the current revision
    await c.deletePod(c.pod('web-0'));
    c.reap();
    await c.settle();
    assert.equal(c.revisionOf('web-0'), rev1);

    c.update((s) => (s.spec.updateStrategy!.rollingUpdate!.partition = 0));
    await c.settle();
    assert.deepEqual(c.podNames().map((n) => c.revisionOf(n)), [rev2, rev2, rev2, rev2, rev2]);
    assert.equal(c.set.status!.currentRevision, rev2);
    assert.equal(c.set.status!.currentReplicas, 5);
  });

  it('deletes outdated pods highest first and waits for the replacement to become healthy', async () => {
    const c = new FakeCluster(newSet({ replicas: 3 }));
    await c.settle();
    c.update(setImage('nginx:2'));
    await c.sync();
    assert.ok(c.pod('web-2').metadata.deletionTimestamp);
    c.reap();
    await c.sync(); // recreates web-2 at the update revision
    await c.sync(); // web-2 is Pending: the rollout waits
    assert.ok(!c.pod('web-1').metadata.deletionTimestamp);
    c.run('web-2');
    await c.sync();
    assert.ok(c.pod('web-1').metadata.deletionTimestamp);
  });

  it('OnDelete leaves pods alone until they are deleted by hand', async () => {
    const c = new FakeCluster(newSet({ replicas: 2, onDelete: true }));
    await c.settle();
    const rev1 = c.set.status!.currentRevision!;
    c.update(setImage('nginx:2'));
    await c.settle();
    const rev2 = c.set.status!.updateRevision!;
    assert.deepEqual(c.podNames().map((n) => c.revisionOf(n)), [rev1, rev1]);
    await c.deletePod(c.pod('web-1'));
    c.reap();
    await c.settle();
    assert.deepEqual(c.podNames().map((n) => c.revisionOf(n)), [rev1, rev2]);
    assert.equal(c.set.status!.currentRevision, rev1);
    assert.equal(c.set.status!.updatedReplicas, 1);
  });

  it('MaxUnavailableStatefulSet deletes up to maxUnavailable outdated pods at once', async () => {
    const c = new FakeCluster(newSet({ replicas: 5 }));
    c.features.maxUnavailableStatefulSet = true;
    await c.settle();
    c.update((s) => {
      setImage('nginx:2')(s);
      s.spec.updateStrategy!.rollingUpdate!.maxUnavailable = '40%';
    });
    await c.sync();
    const deleting = [...c.pods.values()].filter((p) => p.metadata.deletionTimestamp).map((p) => p.metadata.name);
    assert.deepEqual(deleting.sort(), ['web-3', 'web-4']);
  });
});

describe('invariants', () => {
  it('random readiness and scaling never break ordered creation or duplicate an ordinal', async () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const c = new FakeCluster(newSet({ replicas: 2 }));
    for (let step = 0; step < 300; step++) {
      const roll = rand();
      if (roll < 0.1) c.update((s) => (s.spec.replicas = Math.floor(rand() * 6)));
      else if (roll < 0.15) c.update(setImage(`nginx:${Math.floor(rand() * 3)}`));
      else if (roll < 0.3) c.reap();
      for (const [name, p] of c.pods) if (!p.metadata.deletionTimestamp && rand() < 0.3) c.run(name, rand() < 0.8);
      c.clock += 1000;
      await c.sync(); // FakeCluster asserts ordered creation and rejects duplicate names with AlreadyExists
    }
    await c.settle(200);
    const replicas = c.set.spec.replicas!;
    assert.deepEqual(c.podNames(), Array.from({ length: replicas }, (_, i) => `web-${i}`));
  });
});
