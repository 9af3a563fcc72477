import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  controllerRevisionName, equalRevision, fnv32, hashControllerRevision, safeEncodeString, sortControllerRevisions, type ControllerRevision,
} from '../../../src/controllers/history/controller-history.js';
import { goJsonMarshal } from '../../../src/controllers/history/go-json.js';
import { applyRevision, getPatch, newRevision, nextRevision } from '../../../src/controllers/statefulset/revisions.js';
import type { StatefulSet } from '../../../src/controllers/statefulset/types.js';
import { setDefaultsStatefulSet } from '../../../src/registry/apps/statefulset.js';
import { FakeCluster, newSet } from './fake-cluster.js';

// kubernetes pkg/controller/statefulset compatibility test: a set created by 1.33 from this manifest carries
// revision `test-c77f6d978` with exactly these data bytes.
const UPSTREAM_133_RAW =
  '{"spec":{"template":{"$patch":"replace","metadata":{"annotations":{"test":"value"},"creationTimestamp":null,"labels":{"app":"foo"}},' +
  '"spec":{"containers":[{"image":"test","imagePullPolicy":"Always","name":"test","resources":{},"terminationMessagePath":"/dev/termination-log",' +
  '"terminationMessagePolicy":"File"}],"dnsPolicy":"ClusterFirst","restartPolicy":"Always","schedulerName":"default-scheduler",' +
  '"securityContext":{},"terminationGracePeriodSeconds":30}}}}';

function upstreamFixtureSet(): StatefulSet {
  const set: StatefulSet = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'test', namespace: 'test', uid: 'ssuid', generation: 1 },
    spec: {
      selector: { matchLabels: { app: 'foo' } },
      template: { metadata: { annotations: { test: 'value' }, labels: { app: 'foo' } }, spec: { containers: [{ image: 'test', name: 'test' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'test', labels: { key: 'value' } }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  };
  setDefaultsStatefulSet(set);
  return set;
}

describe('revision hashing', () => {
  it('FNV-1 32 and SafeEncodeString agree with Go', () => {
    assert.equal(fnv32(Buffer.alloc(0)), 0x811c9dc5);
    assert.equal(fnv32(Buffer.from('a')), 0x050c5d7e); // FNV-1, not FNV-1a (0xe40c292c)
    assert.equal(safeEncodeString('0123456789'), '456789bcdf'); // '0' is byte 48, 48 % 27 = 21 → '4'
  });

  it('reproduces the exact patch bytes and name upstream 1.33 computes for a defaulted set', () => {
    const set = upstreamFixtureSet();
    assert.equal(getPatch(set), UPSTREAM_133_RAW);
    const rev = newRevision(set, 1, 0);
    assert.equal(rev.metadata.name, 'test-c77f6d978');
    assert.equal(rev.metadata.labels!['controller.kubernetes.io/hash'], 'c77f6d978');
    assert.equal(rev.metadata.labels!.app, 'foo');
    assert.deepEqual(rev.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'test', uid: 'ssuid', controller: true, blockOwnerDeletion: true }]);
    // the collision count is part of the hash; a nil count (never passed by the controller) hashes differently
    assert.equal(hashControllerRevision(rev, 1), 'c77f6d979');
    assert.notEqual(hashControllerRevision(rev), 'c77f6d978');
  });

  it('hashes what Go would marshal: empty/zero fields dropped, quantities canonical, HTML escaped', () => {
    const set = newSet();
    const noisy = structuredClone(set);
    Object.assign(noisy.spec.template.spec!.containers as object[], [{ ...(noisy.spec.template.spec!.containers as object[])[0], args: [], workingDir: '', stdin: false, env: [{ name: 'A', value: 'a<b>&' }] }]);
    const patch = getPatch(noisy);
    assert.ok(!patch.includes('"args"') && !patch.includes('workingDir') && !patch.includes('stdin'));
    assert.ok(patch.includes('"value":"a\\u003cb\\u003e\\u0026"'));
    const withLimits = structuredClone(set);
    withLimits.spec.template.spec!.containers[0].resources = { limits: { cpu: '0.5' } };
    assert.ok(getPatch(withLimits).includes('"resources":{"limits":{"cpu":"500m"}}'));
    assert.equal(goJsonMarshal({ b: 1, a: [1e21, 0.5], $p: null }), '{"$p":null,"a":[1e+21,0.5],"b":1}');
  });

  it('names are prefix-hash with the prefix cut to 223 bytes', () => {
    assert.equal(controllerRevisionName('web', 'abc'), 'web-abc');
    assert.equal(controllerRevisionName('x'.repeat(300), 'h').length, 225);
  });

  it('applyRevision restores the stored template; nextRevision and sorting follow the numbers', () => {
    const v1 = newSet({ image: 'nginx:1' });
    const rev1 = newRevision(v1, 1, 0);
    const v2 = structuredClone(v1);
    (v2.spec.template.spec!.containers as { image: string }[])[0].image = 'nginx:2';
    const restored = applyRevision(v2, rev1);
    assert.equal((restored.spec.template.spec!.containers as { image: string }[])[0].image, 'nginx:1');
    assert.ok(!('$patch' in restored.spec.template));
    assert.equal(getPatch(restored), getPatch(v1));
    const revs = [{ ...rev1, revision: 3 }, { ...newRevision(v2, 2, 0) }] as ControllerRevision[];
    sortControllerRevisions(revs);
    assert.deepEqual(revs.map((r) => r.revision), [2, 3]);
    assert.equal(nextRevision(revs), 4);
    assert.equal(nextRevision([]), 1);
    assert.ok(equalRevision(rev1, newRevision(v1, 7, 3)));
    assert.ok(!equalRevision(rev1, revs[0]));
  });
});

describe('getStatefulSetRevisions via sync', () => {
  it('creates revision 1 for a new set and records it as current and update revision', async () => {
    const c = new FakeCluster(newSet({ replicas: 1 }));
    const r = await c.sync();
    assert.equal(c.revisions.size, 1);
    const [rev] = c.revisions.values();
    assert.equal(rev.revision, 1);
    assert.equal(r.status.currentRevision, rev.metadata.name);
    assert.equal(r.status.updateRevision, rev.metadata.name);
    assert.equal(r.status.collisionCount, 0);
    assert.match(rev.metadata.name!, /^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
  });

  it('rollback reuses the earlier revision under the same name with the next number', async () => {
    const c = new FakeCluster(newSet({ replicas: 2, image: 'nginx:1' }));
    await c.settle();
    const rev1 = c.set.status!.updateRevision!;
    c.update((s) => ((s.spec.template.spec!.containers as { image: string }[])[0].image = 'nginx:2'));
    await c.settle();
    const rev2 = c.set.status!.updateRevision!;
    assert.notEqual(rev2, rev1);
    assert.equal(c.revisions.get(rev2)!.revision, 2);
    c.update((s) => ((s.spec.template.spec!.containers as { image: string }[])[0].image = 'nginx:1'));
    await c.settle();
    assert.equal(c.set.status!.updateRevision, rev1);
    assert.equal(c.set.status!.currentRevision, rev1);
    assert.equal(c.revisions.get(rev1)!.revision, 3);
    assert.equal(c.revisions.size, 2);
    assert.deepEqual(c.podNames().map((n) => c.revisionOf(n)), [rev1, rev1]);
  });

  it('bumps collisionCount when the hashed name is taken by other data', async () => {
    const set = newSet({ replicas: 1 });
    const c = new FakeCluster(set);
    const squatter = newRevision(set, 1, 0);
    squatter.data = { spec: { template: { $patch: 'replace', metadata: { labels: { other: 'x' } } } } };
    await c.createControllerRevision(squatter);
    const r = await c.sync();
    assert.equal(r.status.collisionCount, 1);
    assert.equal(r.updateRevision.metadata.name, `web-${hashControllerRevision(newRevision(set, 1, 0), 1)}`);
    assert.equal(c.set.status!.collisionCount, 1);
  });

  it('truncates history beyond revisionHistoryLimit, keeping live revisions', async () => {
    const c = new FakeCluster(newSet({ replicas: 1, revisionHistoryLimit: 2 }));
    for (let i = 1; i <= 6; i++) {
      c.update((s) => ((s.spec.template.spec!.containers as { image: string }[])[0].image = `nginx:${i}`));
      await c.settle();
    }
    const numbers = [...c.revisions.values()].map((r) => r.revision).sort((a, b) => a - b);
    // two historic revisions plus the live one
    assert.deepEqual(numbers, [4, 5, 6]);
    assert.ok(c.revisions.has(c.set.status!.updateRevision!));
  });
});
