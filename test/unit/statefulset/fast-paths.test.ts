// The shortcuts that keep a sync of a large set cheap must give the same answers as the long way round.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { revisionDataBytes } from '../../../src/controllers/history/controller-history.js';
import { goJsonMarshal } from '../../../src/controllers/history/go-json.js';
import { slowStartBatch, truncateHistory } from '../../../src/controllers/statefulset/control.js';
import { getPatch, newRevision } from '../../../src/controllers/statefulset/revisions.js';
import type { Pod } from '../../../src/controllers/statefulset/types.js';
import { labelSelectorAsSelector } from '../../../src/apimachinery/labels.js';
import { ControllerRefManager } from '../../../src/controllers/common/controller-ref-manager.js';
import {
  getControllerUid, getOrdinal, getParentNameAndOrdinal, getPodRevision, identityMatches, isCreated, isFailed, isHealthy, isPending,
  isPodReady, isRunningAndAvailable, isRunningAndReady, isSucceeded, isTerminating, newStatefulSetPod, podMatchesSelector,
} from '../../../src/controllers/statefulset/utils.js';
import { StatefulSetCaches } from '../../../src/controllers/statefulset/caches.js';
import { FakeCluster, newSet } from './fake-cluster.js';

describe('pod name split', () => {
  it('splits at the last dash and only accepts decimal digits after it', () => {
    const split = (name: string) => ({ ...getParentNameAndOrdinal({ metadata: { name } }) });
    assert.deepEqual(split('web-0'), { parent: 'web', ordinal: 0 });
    assert.deepEqual(split('web-007'), { parent: 'web', ordinal: 7 });
    assert.deepEqual(split('a-b-2147483647'), { parent: 'a-b', ordinal: 2147483647 });
    assert.deepEqual(split('web-2147483648'), { parent: 'web', ordinal: -1 });
    for (const bad of ['web-', '-', 'web-1a', 'web-+1', 'web-1.0', 'web-1-x', '']) assert.deepEqual(split(bad), { parent: '', ordinal: -1 }, bad);
    assert.deepEqual(split('-3'), { parent: '', ordinal: 3 });
  });

  it('follows a pod renamed in place instead of answering from memory', () => {
    const caches = new StatefulSetCaches();
    const pod = { metadata: { name: 'web-1' } };
    assert.equal(getParentNameAndOrdinal(pod, caches).ordinal, 1);
    pod.metadata.name = 'db-4';
    assert.deepEqual({ ...getParentNameAndOrdinal(pod, caches) }, { parent: 'db', ordinal: 4 });
  });

  it('a non-canonical ordinal does not match the identity of that ordinal', () => {
    const set = newSet();
    const pod = newStatefulSetPod(set, 7);
    assert.ok(identityMatches(set, pod));
    const padded: Pod = { ...pod, metadata: { ...pod.metadata, name: 'web-07', labels: { ...pod.metadata.labels, 'statefulset.kubernetes.io/pod-name': 'web-07' } } };
    assert.ok(!identityMatches(set, padded));
  });
});

describe('slowStartBatch', () => {
  it('runs batches of 1, 2, 4, … mixing answers with and without promises', async () => {
    const started: number[] = [];
    const r = await slowStartBatch(1, 10, (i) => {
      started.push(i);
      return i % 2 ? Promise.resolve(true) : false;
    });
    assert.deepEqual(r, { successes: 10 });
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('stops after the first batch with a failure, synchronous or not', async () => {
    const started: number[] = [];
    const r = await slowStartBatch(1, 10, (i) => {
      started.push(i);
      if (i === 2) throw new Error('sync boom');
      if (i === 1) return Promise.reject(new Error('async boom'));
      return true;
    });
    // batches [0] [1,2] — the second fails twice, the third never starts
    assert.deepEqual(started, [0, 1, 2]);
    assert.equal(r.successes, 1);
    assert.match(r.error!.message, /sync boom/);
    assert.match(r.error!.message, /async boom/);
  });
});

describe('revision data', () => {
  it('newRevision shares one frozen payload per template, equal to a fresh marshal', () => {
    const set = newSet();
    const caches = new StatefulSetCaches();
    const a = newRevision(set, 1, 0, caches);
    const b = newRevision(structuredClone(set), 2, 0, caches);
    assert.equal(a.data, b.data);
    assert.ok(Object.isFrozen(a.data));
    assert.notEqual(newRevision(set, 1, 0, new StatefulSetCaches()).data, a.data, 'another controller\'s caches share nothing');
    assert.deepEqual(newRevision(set, 1, 0).data, a.data);
    assert.equal(getPatch(set, caches), getPatch(set));
    assert.equal(revisionDataBytes(a).toString(), goJsonMarshal(structuredClone(a.data)));
    assert.equal(revisionDataBytes(a).toString(), getPatch(set));
    const changed = structuredClone(set);
    (changed.spec.template.spec!.containers as { image: string }[])[0].image = 'nginx:2';
    assert.notEqual(getPatch(changed), getPatch(set));
    assert.notEqual(newRevision(changed, 3, 0).metadata.name, a.metadata.name);
  });

  it('bytes follow a revision whose data object is replaced', () => {
    const rev = { data: { a: 1 } as unknown };
    assert.equal(revisionDataBytes(rev).toString(), '{"a":1}');
    rev.data = { a: 2 };
    assert.equal(revisionDataBytes(rev).toString(), '{"a":2}');
  });
});

describe('truncateHistory', () => {
  it('keeps revisions pods still run, and skips the pod scan only when nothing can be over the limit', async () => {
    const c = new FakeCluster(newSet({ revisionHistoryLimit: 1 }));
    const revs = [1, 2, 3, 4].map((n) => newRevision(newSet({ image: `nginx:${n}` }), n, 0));
    for (const r of revs) c.revisions.set(r.metadata.name!, r);
    const podOn = (i: number) => ({ metadata: { name: `web-${i}`, labels: { 'controller-revision-hash': revs[i].metadata.name! } } }) as Pod;
    // revs[3] is current and update, a pod runs revs[0]; of revs[1], revs[2] the older one goes
    await truncateHistory(c.set, [podOn(0)], revs, revs[3], revs[3], c);
    assert.deepEqual([...c.revisions.keys()].sort(), [revs[0], revs[2], revs[3]].map((r) => r.metadata.name).sort());
    // within the limit without looking at pods: nothing is deleted
    await truncateHistory(c.set, [], [revs[2], revs[3]], revs[3], revs[3], c);
    assert.equal(c.revisions.size, 3);
  });
});

describe('remembered pod facts', () => {
  const set = newSet();
  const now = new Date('2025-05-01T10:00:30Z');
  const base = newStatefulSetPod(set, 2);
  base.metadata.uid = 'pod-uid';
  const variants: [string, (p: Pod) => void][] = [
    ['placeholder', () => {}],
    ['pending', (p) => (p.status = { phase: 'Pending' })],
    ['running, ready since 10:00:00', (p) => (p.status = { phase: 'Running', conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True', lastTransitionTime: '2025-05-01T10:00:00Z' }] })],
    ['running, not ready', (p) => (p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] })],
    ['failed', (p) => (p.status = { phase: 'Failed' })],
    ['succeeded', (p) => (p.status = { phase: 'Succeeded' })],
    ['terminating', (p) => { p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }; p.metadata.deletionTimestamp = '2025-05-01T10:00:10Z'; }],
    ['padded ordinal', (p) => (p.metadata.name = 'web-02')],
    ['other namespace', (p) => (p.metadata.namespace = 'other')],
    ['stale pod-name label', (p) => (p.metadata.labels!['statefulset.kubernetes.io/pod-name'] = 'web-9')],
    ['orphan without labels', (p) => { delete p.metadata.ownerReferences; delete p.metadata.labels; }],
    ['another controller', (p) => (p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: 'rs-uid', controller: true }])],
    ['not a set pod name', (p) => (p.metadata.name = 'web-abc')],
  ];
  const answers = (p: Pod, c?: StatefulSetCaches) => ({
    split: { ...getParentNameAndOrdinal(p, c) },
    ordinal: getOrdinal(p, c),
    identity: identityMatches(set, p, c),
    created: isCreated(p, c),
    pending: isPending(p, c),
    failed: isFailed(p, c),
    succeeded: isSucceeded(p, c),
    terminating: isTerminating(p, c),
    ready: isPodReady(p, c),
    runningAndReady: isRunningAndReady(p, c),
    healthy: isHealthy(p, c),
    available0: isRunningAndAvailable(p, 0, now, c),
    available10: isRunningAndAvailable(p, 10, now, c),
    available60: isRunningAndAvailable(p, 60, now, c),
    revision: getPodRevision(p, c),
    controllerUid: getControllerUid(p, c),
    selected: podMatchesSelector(p, labelSelectorAsSelector(set.spec.selector), c),
  });

  for (const [name, change] of variants) {
    it(`answer as the pod itself does: ${name}`, () => {
      const direct = structuredClone(base);
      change(direct);
      const remembered = structuredClone(direct);
      const caches = new StatefulSetCaches();
      caches.rememberPodFacts(remembered);
      assert.deepEqual(answers(remembered, caches), answers(direct));
      // a pod the caches were never told about is read directly
      assert.deepEqual(answers(direct, caches), answers(direct));
    });
  }

  it('the selector answer follows the selector asked about', () => {
    const pod = structuredClone(base);
    const caches = new StatefulSetCaches();
    caches.rememberPodFacts(pod);
    assert.equal(podMatchesSelector(pod, labelSelectorAsSelector({ matchLabels: { app: 'nginx' } }), caches), true);
    assert.equal(podMatchesSelector(pod, labelSelectorAsSelector({ matchLabels: { app: 'other' } }), caches), false);
    assert.equal(podMatchesSelector(pod, labelSelectorAsSelector({ matchExpressions: [{ key: 'app', operator: 'Exists' }] }), caches), true);
  });

  it('claiming with remembered facts keeps, ignores, releases and adopts the same pods', async () => {
    const owned = (name: string, labels: Record<string, string>) => ({
      ...structuredClone(base),
      metadata: { ...structuredClone(base.metadata), name, uid: `uid-${name}`, labels: { ...labels, 'statefulset.kubernetes.io/pod-name': name } },
    });
    const pods: Pod[] = [
      owned('web-0', { app: 'nginx' }),
      owned('web-1', { app: 'changed' }),
      { ...owned('web-2', { app: 'nginx' }), metadata: { ...owned('web-2', { app: 'nginx' }).metadata, ownerReferences: undefined } },
      { ...owned('web-3', { app: 'nginx' }), metadata: { ...owned('web-3', { app: 'nginx' }).metadata, ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'other', controller: true }] } },
      owned('db-0', { app: 'nginx' }),
    ];
    const claimWith = async (remember: boolean) => {
      const objs = pods.map((p) => structuredClone(p));
      const caches = new StatefulSetCaches();
      if (remember) for (const p of objs) caches.rememberPodFacts(p);
      const selector = labelSelectorAsSelector(set.spec.selector);
      const patched: string[] = [];
      const manager = new ControllerRefManager<Pod>({
        owner: set,
        ownerApiVersion: 'apps/v1',
        ownerKind: 'StatefulSet',
        selector,
        canAdopt: async () => {},
        patch: async (obj, patch) => {
          patched.push(`${obj.metadata.name} ${JSON.stringify(patch)}`);
          return obj;
        },
        ...(remember ? { controllerUidOf: (p: Pod) => getControllerUid(p, caches), selectorMatches: (p: Pod) => podMatchesSelector(p, selector, caches) } : {}),
      });
      const { claimed, error } = await manager.claim(objs, (p) => getParentNameAndOrdinal(p, remember ? caches : undefined).parent === set.metadata.name);
      return { claimed: claimed.map((p) => p.metadata.name), patched, error };
    };
    const direct = await claimWith(false);
    assert.deepEqual(direct.claimed, ['web-0', 'web-2']);
    assert.equal(direct.patched.length, 3); // web-1 and db-0 released, web-2 adopted
    assert.deepEqual(await claimWith(true), direct);
  });
});
