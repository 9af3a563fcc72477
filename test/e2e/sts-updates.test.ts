// Updates and identity with kubectl against `berth up`, after upstream's StatefulSet e2e suite: canary and phased
// rolling updates with partitions, rollback reusing the earlier ControllerRevision, `kubectl rollout
// status|history|undo|restart|pause` as kubectl prints them, and spec.ordinals.start changes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Cluster, eventually, kubectl, kubectlOk, startCluster } from './harness.js';
import { StatefulSetInvariants } from './lib/invariants.js';
import { apply, getJson, headlessService, names, newNamespace, pods, sleep, statefulSet, stopAllStreams, sts, waitReady, waitRolledOut } from './lib/sts.js';

const IMG = (v: number) => `registry.k8s.io/nginx-slim:0.${v}`;

let c: Cluster;
before(async () => { c = await startCluster({ args: ['--sim-start-delay', '50'] }); });
after(async () => {
  await stopAllStreams();
  await StatefulSetInvariants.stopAll();
  await c?.stop();
  c?.cleanup();
});

const patchSts = (ns: string, patch: unknown) => kubectlOk(c, ['patch', 'sts', 'web', '-n', ns, '--type', 'merge', '-p', JSON.stringify(patch)]);
const revisions = async (ns: string) => (await getJson(c, ['controllerrevisions', '-n', ns])).items
  .map((r: any) => ({ name: r.metadata.name as string, revision: r.revision as number }))
  .sort((a: { revision: number }, b: { revision: number }) => a.revision - b.revision);

test('canary and phased rolling updates with partitions; deleted pods come back on their side of the partition', async () => {
  const ns = await newNamespace(c, 'canary');
  const inv = await StatefulSetInvariants.start(c, ns);
  await apply(c, ns, headlessService(), statefulSet({ replicas: 3, image: IMG(1), updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 3 } } }));
  const initial = await waitReady(c, ns, 3);
  const current = (await sts(c, ns)).status.currentRevision;

  // partition = replicas: the new template is recorded but no pod is touched
  await kubectlOk(c, ['set', 'image', 'sts/web', `nginx=${IMG(2)}`, '-n', ns]);
  const recorded = await eventually(async () => {
    const s = await sts(c, ns);
    return s.status.observedGeneration === s.metadata.generation ? s : undefined;
  });
  assert.notEqual(recorded.status.updateRevision, current);
  await sleep(500);
  assert.deepEqual((await pods(c, ns)).map((p) => p.uid), initial.map((p) => p.uid));
  assert.equal(await kubectlOk(c, ['rollout', 'status', 'sts/web', '-n', ns, '--timeout=5s']), 'partitioned roll out complete: 0 new pods have been updated...\n');

  // canary: partition 2 updates web-2 only
  await patchSts(ns, { spec: { updateStrategy: { rollingUpdate: { partition: 2 } } } });
  await eventually(async () => {
    const ps = await pods(c, ns);
    return ps.length === 3 && ps[2].image === IMG(2) && ps.every((p) => p.ready) ? ps : undefined;
  }, 15_000, 50);
  assert.deepEqual((await pods(c, ns)).map((p) => p.image), [IMG(1), IMG(1), IMG(2)]);
  const canary = await sts(c, ns);
  assert.equal(canary.status.currentRevision, current);
  assert.equal(canary.status.currentReplicas, 2);
  assert.equal(canary.status.updatedReplicas, 1);

  // pods restored after deletion: web-0 on the current revision, web-2 on the update revision
  await kubectlOk(c, ['delete', 'pod', 'web-0', 'web-2', '-n', ns, '--wait=false']);
  const restored = await eventually(async () => {
    const ps = await pods(c, ns);
    return ps.length === 3 && ps[0].uid !== initial[0].uid && ps[2].uid !== canary.uid && ps.every((p) => p.ready && !p.terminating) ? ps : undefined;
  }, 15_000, 50);
  assert.deepEqual(restored.map((p) => p.image), [IMG(1), IMG(1), IMG(2)]);
  assert.deepEqual(restored.map((p) => p.revision), [current, current, canary.status.updateRevision]);

  // phased: partition 1 then 0; the set completes and currentRevision moves to the update revision
  await patchSts(ns, { spec: { updateStrategy: { rollingUpdate: { partition: 1 } } } });
  await eventually(async () => (await pods(c, ns))[1].image === IMG(2) && (await sts(c, ns)).status.readyReplicas === 3, 15_000, 50);
  assert.equal((await pods(c, ns))[0].image, IMG(1));
  await patchSts(ns, { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } });
  const done = await waitRolledOut(c, ns, 3);
  assert.equal(done.status.currentRevision, canary.status.updateRevision);
  assert.equal(done.status.currentReplicas, 3);
  await inv.assertClean();
});

test('kubectl rollout status, history, undo (reusing the earlier revision), restart and pause as upstream prints them', async () => {
  const ns = await newNamespace(c, 'rollout');
  const inv = await StatefulSetInvariants.start(c, ns);
  await apply(c, ns, headlessService(), statefulSet({ replicas: 3, image: IMG(1) }));
  const status = await kubectlOk(c, ['rollout', 'status', 'sts/web', '-n', ns, '--timeout=20s']);
  // kubectl's watch prints each distinct state once; the defaulted partition makes it a "partitioned" roll out
  assert.match(status, /partitioned roll out complete: 3 new pods have been updated\.\.\.\n$/);
  for (const line of status.trimEnd().split('\n').slice(0, -1)) assert.match(line, /^(Waiting for statefulset spec update to be observed\.\.\.|Waiting for [1-3] pods to be ready\.\.\.)$/);
  const rev1 = (await revisions(ns))[0];
  assert.deepEqual(rev1.revision, 1);

  await kubectlOk(c, ['set', 'image', 'sts/web', `nginx=${IMG(2)}`, '-n', ns]);
  const rolling = await kubectlOk(c, ['rollout', 'status', 'sts/web', '-n', ns, '--timeout=20s']);
  assert.match(rolling, /partitioned roll out complete: 3 new pods have been updated\.\.\.\n$/);
  await waitRolledOut(c, ns, 3);
  const rev2 = (await revisions(ns))[1];
  assert.equal(rev2.revision, 2);

  assert.equal(await kubectlOk(c, ['rollout', 'history', 'sts/web', '-n', ns]),
    'statefulset.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
  const detail = await kubectlOk(c, ['rollout', 'history', 'sts/web', '-n', ns, '--revision=1']);
  assert.match(detail, /^statefulset\.apps\/web with revision #1\nPod Template:\n\s+Labels:\s+app=nginx\n/);
  assert.match(detail, new RegExp(`\\n\\s+Image:\\s+${IMG(1).replace(/\./g, '\\.')}\\n`));
  const missing = await kubectl(c, ['rollout', 'history', 'sts/web', '-n', ns, '--revision=7']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'error: unable to find the specified revision\n');

  // undo: back to revision 1's template; the same ControllerRevision object is renumbered 3
  assert.equal(await kubectlOk(c, ['rollout', 'undo', 'sts/web', '-n', ns]), 'statefulset.apps/web rolled back\n');
  const undone = await waitRolledOut(c, ns, 3);
  assert.equal(undone.status.currentRevision, rev1.name);
  assert.deepEqual(await revisions(ns), [{ name: rev2.name, revision: 2 }, { name: rev1.name, revision: 3 }]);
  assert.ok((await pods(c, ns)).every((p) => p.image === IMG(1) && p.revision === rev1.name));
  assert.equal(await kubectlOk(c, ['rollout', 'history', 'sts/web', '-n', ns]),
    'statefulset.apps/web \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n');
  assert.equal(await kubectlOk(c, ['rollout', 'undo', 'sts/web', '-n', ns, '--to-revision=3']),
    'statefulset.apps/web skipped rollback (current template already matches revision 3)\n');
  const noSuch = await kubectl(c, ['rollout', 'undo', 'sts/web', '-n', ns, '--to-revision=9']);
  assert.equal(noSuch.stderr, 'error: unable to find specified revision 9 in history\n');

  // restart: a restartedAt annotation makes a fresh revision and replaces every pod, highest ordinal first
  const beforeRestart = await pods(c, ns);
  assert.equal(await kubectlOk(c, ['rollout', 'restart', 'sts/web', '-n', ns]), 'statefulset.apps/web restarted\n');
  const restarted = await waitRolledOut(c, ns, 3);
  assert.match(restarted.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'], /^\d{4}-\d\d-\d\dT/);
  const after = await pods(c, ns);
  assert.ok(after.every((p, i) => p.uid !== beforeRestart[i].uid && p.revision === restarted.status.updateRevision));
  assert.equal((await revisions(ns)).at(-1)!.revision, 4);

  const pause = await kubectl(c, ['rollout', 'pause', 'sts/web', '-n', ns]);
  assert.equal(pause.code, 1);
  assert.equal(pause.stderr, 'error: statefulsets.apps "web" pausing is not supported\n');

  // OnDelete: rollout status refuses, as upstream
  await patchSts(ns, { spec: { updateStrategy: { type: 'OnDelete', rollingUpdate: null } } });
  const onDelete = await kubectl(c, ['rollout', 'status', 'sts/web', '-n', ns, '--timeout=5s']);
  assert.equal(onDelete.code, 1);
  assert.equal(onDelete.stderr, 'error: rollout status is only available for RollingUpdate strategy type\n');
  await inv.assertClean();
});

test('revisionHistoryLimit keeps the newest revisions and those still used by pods', async () => {
  const ns = await newNamespace(c, 'history');
  await apply(c, ns, headlessService(), statefulSet({ replicas: 1, image: IMG(1), revisionHistoryLimit: 1 }));
  await waitReady(c, ns, 1);
  for (const v of [2, 3, 4]) {
    await kubectlOk(c, ['set', 'image', 'sts/web', `nginx=${IMG(v)}`, '-n', ns]);
    await waitRolledOut(c, ns, 1);
  }
  const revs = await eventually(async () => {
    const r = await revisions(ns);
    return r.length === 2 ? r : undefined;
  });
  assert.deepEqual(revs.map((r: { revision: number }) => r.revision), [3, 4], 'the live revision plus one of history');
});

test('spec.ordinals.start: {0,1}→{2,3,4}, {2,3}→{4,5}, {3,4}→{2,3}, removed → {0,1}', async () => {
  const ns = await newNamespace(c, 'ordinals');
  const inv = await StatefulSetInvariants.start(c, ns);
  await apply(c, ns, headlessService(), statefulSet({ replicas: 2 }));
  assert.deepEqual(names(await waitReady(c, ns, 2)), ['web-0', 'web-1']);

  const move = async (spec: unknown, expected: string[]) => {
    await patchSts(ns, { spec });
    const ps = await eventually(async () => {
      const x = await pods(c, ns);
      return x.length === expected.length && x.every((p, i) => p.name === expected[i] && p.ready && !p.terminating) ? x : undefined;
    }, 20_000, 50);
    const s = await eventually(async () => {
      const x = await sts(c, ns);
      return x.status.observedGeneration === x.metadata.generation && x.status.readyReplicas === expected.length && x.status.replicas === expected.length ? x : undefined;
    });
    assert.equal(s.status.currentReplicas, expected.length);
    return ps;
  };
  await move({ replicas: 3, ordinals: { start: 2 } }, ['web-2', 'web-3', 'web-4']);
  const pod2 = await getJson(c, ['pod', 'web-2', '-n', ns]);
  assert.equal(pod2.metadata.labels['apps.kubernetes.io/pod-index'], '2');
  assert.equal(pod2.spec.hostname, 'web-2');

  await move({ replicas: 2, ordinals: { start: 2 } }, ['web-2', 'web-3']);
  const kept = await pods(c, ns);
  await move({ ordinals: { start: 4 } }, ['web-4', 'web-5']);
  await move({ ordinals: { start: 3 } }, ['web-3', 'web-4']);
  const before = await pods(c, ns);
  await move({ ordinals: { start: 2 } }, ['web-2', 'web-3']);
  assert.equal((await pods(c, ns))[1].uid, before[0].uid, 'web-3 stays across {3,4}→{2,3}');
  assert.notEqual((await pods(c, ns))[0].uid, kept[0].uid, 'web-2 is a new pod');
  await move({ ordinals: null }, ['web-0', 'web-1']);
  assert.equal((await sts(c, ns)).spec.ordinals, undefined);

  const bad = await kubectl(c, ['patch', 'sts', 'web', '-n', ns, '--type', 'merge', '-p', '{"spec":{"ordinals":{"start":-1}}}']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /spec\.ordinals\.start: Invalid value: -1: must be greater than or equal to 0/);
  await inv.assertClean();
});
