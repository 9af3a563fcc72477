// The StatefulSet controller against a real in-process Berth, driven by the real kubectl, with a fake kubelet
// writing pod status: seed 002's set comes up in order with its claims, scales up and down one ordinal at a time,
// replaces deleted pods under the same name, and rolls out / back with kubectl rollout.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../src/apimachinery/types.js';
import { builtin } from '../../src/client/resources.js';
import type { ControllerRevision } from '../../src/controllers/history/controller-history.js';
import type { PersistentVolumeClaim, Pod, StatefulSet } from '../../src/controllers/statefulset/types.js';
import { eventually, kubectlOk } from './harness.js';
import { createManifest, FakeKubelet, setPodRunning, startStatefulSetEnv, StatefulSetEnv } from './statefulset-kubelet.js';
import { repoPath } from '../repo-path.js';

const FIXTURE = repoPath('test/e2e/fixtures/statefulset-demo.yaml');
const SET = 'statefulset-demo';
const NS = 'sts';

let env: StatefulSetEnv;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rv = (o: KubeObject) => Number(o.metadata.resourceVersion);

async function podOrUndefined(namespace: string, name: string): Promise<Pod | undefined> {
  try {
    return await env.client.get<Pod>(builtin.pods, name, { namespace });
  } catch {
    return undefined;
  }
}

const podNames = async (namespace: string) =>
  (await env.client.list<Pod>(builtin.pods, { namespace })).items.map((p) => p.metadata.name ?? '').sort();

const getSet = (namespace: string, name = SET) => env.client.get<StatefulSet>(builtin.statefulSets, name, { namespace });

before(async () => {
  env = await startStatefulSetEnv();
});

after(async () => {
  await env?.close();
});

test('seed 002: OrderedReady creation with claims, identity labels, status, revision and events', async () => {
  await kubectlOk(env.kube, ['apply', '-f', FIXTURE]);

  const pod0 = await eventually(() => podOrUndefined(NS, `${SET}-0`), 10_000, 20);
  const claim0 = await env.client.get<PersistentVolumeClaim>(builtin.persistentVolumeClaims, `myapp-pvc-${SET}-0`, { namespace: NS });
  assert.ok(rv(claim0) < rv(pod0), 'the claim is created before its pod');
  assert.deepEqual(claim0.metadata.labels, { app: 'myapp-pod', controller: 'sts' });
  assert.deepEqual((claim0.spec as { resources?: unknown }).resources, { requests: { storage: '2Gi' } });

  const revisions = (await env.client.list<ControllerRevision>(builtin.controllerRevisions, { namespace: NS })).items;
  assert.equal(revisions.length, 1);
  const revision = revisions[0];
  assert.match(revision.metadata.name ?? '', new RegExp(`^${SET}-[a-z0-9]+$`));
  assert.equal(revision.revision, 1);
  const set0 = await getSet(NS);
  assert.equal(revision.metadata.ownerReferences?.[0]?.uid, set0.metadata.uid);

  const hash = revision.metadata.name!;
  assert.deepEqual(pod0.metadata.labels, {
    app: 'myapp-pod', controller: 'sts',
    'controller-revision-hash': hash,
    'statefulset.kubernetes.io/pod-name': `${SET}-0`,
    'apps.kubernetes.io/pod-index': '0',
  });
  assert.equal(pod0.spec?.hostname, `${SET}-0`);
  assert.equal(pod0.spec?.subdomain, 'myapp-sts-svc');
  assert.deepEqual(pod0.spec?.volumes?.find((v) => v.name === 'myapp-pvc')?.persistentVolumeClaim, { claimName: `myapp-pvc-${SET}-0` });
  const owner = pod0.metadata.ownerReferences?.[0];
  assert.deepEqual(owner, { apiVersion: 'apps/v1', kind: 'StatefulSet', name: SET, uid: set0.metadata.uid, controller: true, blockOwnerDeletion: true });

  // OrderedReady: ordinal 1 waits for ordinal 0 to be Running and Ready
  await sleep(300);
  assert.deepEqual(await podNames(NS), [`${SET}-0`]);
  await setPodRunning(env.client, NS, `${SET}-0`, false);
  await sleep(200);
  assert.deepEqual(await podNames(NS), [`${SET}-0`], 'Running but not Ready still blocks');
  await setPodRunning(env.client, NS, `${SET}-0`);
  const pod1 = await eventually(() => podOrUndefined(NS, `${SET}-1`), 10_000, 20);
  const claim1 = await env.client.get<PersistentVolumeClaim>(builtin.persistentVolumeClaims, `myapp-pvc-${SET}-1`, { namespace: NS });
  assert.ok(rv(claim1) < rv(pod1));
  assert.equal(pod1.metadata.labels?.['apps.kubernetes.io/pod-index'], '1');

  await setPodRunning(env.client, NS, `${SET}-1`);
  const set = await eventually(async () => {
    const s = await getSet(NS);
    return s.status?.readyReplicas === 2 ? s : undefined;
  }, 10_000, 20);
  assert.equal(set.status?.replicas, 2);
  assert.equal(set.status?.availableReplicas, 2);
  assert.equal(set.status?.currentReplicas, 2);
  assert.equal(set.status?.updatedReplicas, 2);
  assert.equal(set.status?.currentRevision, hash);
  assert.equal(set.status?.updateRevision, hash);
  assert.equal(set.status?.observedGeneration, set.metadata.generation);
  assert.equal(set.status?.collisionCount, 0);

  const describe = await eventually(async () => {
    const out = await kubectlOk(env.kube, ['describe', 'sts', SET, '-n', NS]);
    return out.includes(`create Pod ${SET}-1 in StatefulSet ${SET} successful`) ? out : undefined;
  }, 10_000, 100);
  assert.match(describe, /Normal\s+SuccessfulCreate\s+.*statefulset-controller\s+create Claim myapp-pvc-statefulset-demo-0 Pod statefulset-demo-0 in StatefulSet statefulset-demo success/);
  assert.match(describe, /Normal\s+SuccessfulCreate\s+.*statefulset-controller\s+create Pod statefulset-demo-0 in StatefulSet statefulset-demo successful/);
  assert.match(describe, /Pods Status:\s+2 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed/);
});

test('seed 002: kubectl scale, rollout status, rollout history and rollout undo', async () => {
  const ns = 'sts-rollout';
  const kubelet = new FakeKubelet(env.client, 10, ns);
  await kubelet.start();
  try {
    await createManifest(env.client, readFileSync(FIXTURE, 'utf8'), ns);
    await kubectlOk(env.kube, ['scale', `sts/${SET}`, '-n', ns, '--replicas=4']);
    const status = await kubectlOk(env.kube, ['rollout', 'status', `sts/${SET}`, '-n', ns, '--timeout=20s']);
    // the defaulted partition (0) makes kubectl report a partitioned roll out, as against upstream
    assert.match(status, /partitioned roll out complete: 4 new pods have been updated\.\.\.\n$/);
    assert.deepEqual(await podNames(ns), [0, 1, 2, 3].map((i) => `${SET}-${i}`));
    const claims = (await env.client.list(builtin.persistentVolumeClaims, { namespace: ns })).items.map((c) => c.metadata.name).sort();
    assert.deepEqual(claims, [0, 1, 2, 3].map((i) => `myapp-pvc-${SET}-${i}`));

    // a template change makes revision 2 and replaces pods from the highest ordinal down
    const firstRevision = (await getSet(ns)).status?.updateRevision;
    await kubectlOk(env.kube, ['set', 'image', `sts/${SET}`, '-n', ns, 'myapp=ikubernetes/myapp:v2']);
    const rolled = await kubectlOk(env.kube, ['rollout', 'status', `sts/${SET}`, '-n', ns, '--timeout=30s']);
    assert.match(rolled, /partitioned roll out complete: 4 new pods have been updated\.\.\.\n$/);
    const set2 = await eventually(async () => {
      const s = await getSet(ns);
      return s.status?.currentRevision === s.status?.updateRevision ? s : undefined;
    }, 10_000, 20);
    assert.notEqual(set2.status?.updateRevision, firstRevision);
    assert.equal(set2.status?.updatedReplicas, 4);
    for (const pod of (await env.client.list<Pod>(builtin.pods, { namespace: ns })).items) {
      assert.equal(pod.metadata.labels?.['controller-revision-hash'], set2.status?.updateRevision);
      assert.equal((pod.spec as { containers: { image: string }[] }).containers[0].image, 'ikubernetes/myapp:v2');
    }

    const history = await kubectlOk(env.kube, ['rollout', 'history', `sts/${SET}`, '-n', ns]);
    assert.match(history, /^statefulset\.apps\/statefulset-demo\s*\nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);
    const rev2 = await kubectlOk(env.kube, ['rollout', 'history', `sts/${SET}`, '-n', ns, '--revision=2']);
    assert.match(rev2, /Image:\s+ikubernetes\/myapp:v2/);

    // undo goes back to revision 1's template, which is renumbered 3 rather than copied
    const undo = await kubectlOk(env.kube, ['rollout', 'undo', `sts/${SET}`, '-n', ns]);
    assert.match(undo, /statefulset\.apps\/statefulset-demo rolled back/);
    await kubectlOk(env.kube, ['rollout', 'status', `sts/${SET}`, '-n', ns, '--timeout=30s']);
    const set3 = await eventually(async () => {
      const s = await getSet(ns);
      return s.status?.currentRevision === firstRevision ? s : undefined;
    }, 10_000, 20);
    assert.equal(set3.status?.updateRevision, firstRevision);
    const revisions = (await env.client.list<ControllerRevision>(builtin.controllerRevisions, { namespace: ns })).items;
    assert.deepEqual(revisions.map((r) => [r.metadata.name === firstRevision, r.revision]).sort(), [[false, 2], [true, 3]]);
    const afterUndo = await kubectlOk(env.kube, ['rollout', 'history', `sts/${SET}`, '-n', ns]);
    assert.match(afterUndo, /REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>\n/);
    for (const pod of (await env.client.list<Pod>(builtin.pods, { namespace: ns })).items) {
      assert.equal((pod.spec as { containers: { image: string }[] }).containers[0].image, 'ikubernetes/myapp:v1');
    }

    // scale down to 1: highest ordinal first; claims are retained (whenScaled: Retain by default)
    await kubectlOk(env.kube, ['scale', `sts/${SET}`, '-n', ns, '--replicas=1']);
    await eventually(async () => (await podNames(ns)).length === 1, 15_000, 20);
    assert.deepEqual(await podNames(ns), [`${SET}-0`]);
    await eventually(async () => (await getSet(ns)).status?.replicas === 1, 10_000, 20);
    const kept = (await env.client.list(builtin.persistentVolumeClaims, { namespace: ns })).items.length;
    assert.equal(kept, 4);
  } finally {
    await kubelet.stop();
  }
});

test('scale down deletes one pod at a time, highest ordinal first, waiting for each to terminate', async () => {
  const ns = 'sts-down';
  const manifest = readFileSync(FIXTURE, 'utf8').replace('replicas: 2', 'replicas: 3');
  const kubelet = new FakeKubelet(env.client, 10, ns);
  await kubelet.start();
  try {
    await createManifest(env.client, manifest, ns);
    await eventually(async () => (await getSet(ns)).status?.readyReplicas === 3, 15_000, 20);
    // a finalizer keeps each deleted pod Terminating until the test lets it go
    for (const i of [1, 2]) {
      await env.client.patch(builtin.pods, `${SET}-${i}`, { metadata: { finalizers: ['test.berth.dev/hold'] } }, 'merge', { namespace: ns });
    }
    await env.client.patch(builtin.statefulSets, SET, { spec: { replicas: 1 } }, 'merge', { namespace: ns });

    const terminating = async (i: number) => !!(await podOrUndefined(ns, `${SET}-${i}`))?.metadata.deletionTimestamp;
    await eventually(() => terminating(2), 10_000, 20);
    await sleep(300);
    assert.equal(await terminating(1), false, 'ordinal 1 waits while ordinal 2 terminates');

    await env.client.patch(builtin.pods, `${SET}-2`, { metadata: { finalizers: null } }, 'merge', { namespace: ns });
    await eventually(() => terminating(1), 10_000, 20);
    assert.equal(await podOrUndefined(ns, `${SET}-2`), undefined);
    await env.client.patch(builtin.pods, `${SET}-1`, { metadata: { finalizers: null } }, 'merge', { namespace: ns });
    await eventually(async () => (await podNames(ns)).length === 1, 10_000, 20);
    assert.deepEqual(await podNames(ns), [`${SET}-0`]);

    const events = (await env.client.list<KubeObject & { reason?: string; message?: string }>(builtin.events, { namespace: ns })).items;
    const deletes = events.filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message);
    assert.deepEqual(deletes, [`delete Pod ${SET}-2 in StatefulSet ${SET} successful`, `delete Pod ${SET}-1 in StatefulSet ${SET} successful`]);
  } finally {
    await kubelet.stop();
  }
});

test('a deleted pod is recreated under the same name with the same claim', async () => {
  const ns = 'sts-recreate';
  const kubelet = new FakeKubelet(env.client, 10, ns);
  await kubelet.start();
  try {
    await createManifest(env.client, readFileSync(FIXTURE, 'utf8'), ns);
    await eventually(async () => (await getSet(ns)).status?.readyReplicas === 2, 15_000, 20);
    const before = await env.client.get<Pod>(builtin.pods, `${SET}-1`, { namespace: ns });
    await kubectlOk(env.kube, ['delete', 'pod', `${SET}-1`, '-n', ns, '--wait=false']);
    const again = await eventually(async () => {
      const p = await podOrUndefined(ns, `${SET}-1`);
      return p && p.metadata.uid !== before.metadata.uid ? p : undefined;
    }, 10_000, 20);
    assert.deepEqual(again.spec?.volumes?.find((v) => v.name === 'myapp-pvc')?.persistentVolumeClaim, { claimName: `myapp-pvc-${SET}-1` });
    assert.equal(again.spec?.hostname, `${SET}-1`);
    await eventually(async () => (await getSet(ns)).status?.readyReplicas === 2, 10_000, 20);
    const claims = (await env.client.list(builtin.persistentVolumeClaims, { namespace: ns })).items;
    assert.equal(claims.length, 2, 'the existing claim is reused, not duplicated');
  } finally {
    await kubelet.stop();
  }
});
