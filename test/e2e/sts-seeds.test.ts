// The seed transcripts (000/001: web/nginx and myapp; 002: statefulset-demo) played with the real kubectl against
// `berth up`: ordered creation, scale up and down one ordinal at a time as `kubectl get pods -w` shows it, the
// partition walkthrough (4, then 1, then OnDelete), and `delete --cascade=orphan` followed by adoption on re-apply.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Cluster, kubectl, kubectlOk, eventually, startCluster } from './harness.js';
import { StatefulSetInvariants } from './lib/invariants.js';
import { apply, collapse, getJson, headlessService, kubectlStream, names, newNamespace, pods, sleep, statefulSet, stopAllStreams, sts, waitReady, waitRolledOut, WatchRow } from './lib/sts.js';

const IMAGE = 'registry.cn-beijing.aliyuncs.com/wangxiaochun/pod-test';

let c: Cluster;
before(async () => { c = await startCluster({ args: ['--sim-start-delay', '50'] }); });
after(async () => {
  await stopAllStreams();
  await StatefulSetInvariants.stopAll();
  await c?.stop();
  c?.cleanup();
});

/** Index of the first row matching, or -1. */
const firstRow = (rows: WatchRow[], name: string, pred: (r: WatchRow) => boolean = () => true) => rows.findIndex((r) => r.name === name && pred(r));
const lastRow = (rows: WatchRow[], name: string) => rows.map((r) => r.name).lastIndexOf(name);
const image = async (ns: string, pod: string) => kubectlOk(c, ['get', 'pod', pod, '-n', ns, '-o', 'jsonpath={.spec.containers[0].image}']);

test('seed 000: web-0 then web-1, scale to 5 and back to 2 one ordinal at a time, as kubectl get pods -w shows', async () => {
  const ns = await newNamespace(c, 'seed-web');
  const inv = await StatefulSetInvariants.start(c, ns);
  const watch = await kubectlStream(c, ['get', 'pods', '-w', '-n', ns]);

  const applied = await apply(c, ns, headlessService(), statefulSet({ replicas: 2 }));
  assert.match(applied, /^service\/nginx created\nstatefulset\.apps\/web created\n$/);
  await waitReady(c, ns, 2);
  assert.equal(await kubectlOk(c, ['scale', 'sts', 'web', '--replicas', '5', '-n', ns]), 'statefulset.apps/web scaled\n');
  await waitReady(c, ns, 5);
  const table = await kubectlOk(c, ['get', 'statefulsets.apps', '-n', ns]);
  assert.match(table, /^NAME\s+READY\s+AGE\nweb\s+5\/5\s+\d+s\n$/);

  await kubectlOk(c, ['scale', 'sts', 'web', '--replicas', '2', '-n', ns]);
  await waitReady(c, ns, 2);
  await sleep(200); // let the last deletion events reach the watch
  await watch.stop();
  await inv.assertClean();

  const rows = watch.rows();
  // creation in ascending order, each pod only after its predecessor showed 1/1 Running
  const created = collapse(rows.map((r) => r.name)).filter((n, i, all) => all.indexOf(n) === i);
  assert.deepEqual(created, ['web-0', 'web-1', 'web-2', 'web-3', 'web-4']);
  for (let i = 1; i < 5; i++) {
    const predecessorRunning = firstRow(rows, `web-${i - 1}`, (r) => r.ready === '1/1' && r.status === 'Running');
    assert.ok(predecessorRunning >= 0 && predecessorRunning < firstRow(rows, `web-${i}`), `web-${i} appears after web-${i - 1} is 1/1 Running`);
  }
  // each pod's rows go Pending → ContainerCreating → Running as in the seeds
  for (let i = 0; i < 5; i++) {
    const states = collapse(rows.filter((r) => r.name === `web-${i}` && r.status !== 'Terminating').map((r) => `${r.ready} ${r.status}`));
    assert.deepEqual(states, ['0/1 Pending', '0/1 ContainerCreating', '1/1 Running'], `web-${i}: ${states.join(', ')}`);
  }
  // scale down: highest ordinal first, the next one only after the previous one is gone (its last row)
  const terminating = [4, 3, 2].map((i) => firstRow(rows, `web-${i}`, (r) => r.status === 'Terminating'));
  assert.ok(terminating.every((t) => t >= 0), 'web-4, web-3, web-2 terminate');
  assert.ok(terminating[0] < terminating[1] && terminating[1] < terminating[2], 'web-4, then web-3, then web-2');
  assert.ok(lastRow(rows, 'web-4') < terminating[1] && lastRow(rows, 'web-3') < terminating[2], 'one at a time');
  assert.equal(firstRow(rows, 'web-1', (r) => r.status === 'Terminating'), -1);

  const final = await kubectlOk(c, ['get', 'pods', '-n', ns]);
  assert.match(final, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nweb-0\s+1\/1\s+Running\s+0\s+\d+s\nweb-1\s+1\/1\s+Running\s+0\s+\d+s\n$/);
  const wide = await kubectlOk(c, ['get', 'pods', '-o', 'wide', '-n', ns]);
  assert.match(wide, /\nweb-0\s+1\/1\s+Running\s+0\s+\S+\s+10\.244\.\d+\.\d+\s+berth-node-\d\s+<none>\s+<none>\n/);
});

test('seed 000/001: partition walkthrough — update order, partition 4, partition 1, then OnDelete with manual deletes', async () => {
  const ns = await newNamespace(c, 'seed-partition');
  const inv = await StatefulSetInvariants.start(c, ns);
  await apply(c, ns, headlessService(), statefulSet({ replicas: 2, image: `${IMAGE}:v0.1` }));
  await waitReady(c, ns, 2);
  const strategy = await getJson(c, ['sts', 'web', '-n', ns]);
  assert.deepEqual(strategy.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });

  // v0.2 with partition 0: web-1 is replaced first, then web-0 once web-1 is Running again
  let watch = await kubectlStream(c, ['get', 'pods', '-w', '-n', ns]);
  await kubectlOk(c, ['set', 'image', 'sts/web', `nginx=${IMAGE}:v0.2`, '-n', ns]);
  await waitRolledOut(c, ns, 2);
  await sleep(100);
  await watch.stop();
  let rows = watch.rows();
  const t1 = firstRow(rows, 'web-1', (r) => r.status === 'Terminating');
  const t0 = firstRow(rows, 'web-0', (r) => r.status === 'Terminating');
  assert.ok(t1 >= 0 && t1 < t0, 'web-1 is updated before web-0');
  const web1Back = rows.findIndex((r, i) => i > t1 && r.name === 'web-1' && r.ready === '1/1' && r.status === 'Running');
  assert.ok(web1Back > t1 && web1Back < t0, 'web-0 waits for the new web-1 to be Running and Ready');
  for (const p of await pods(c, ns)) assert.equal(p.image, `${IMAGE}:v0.2`);

  await kubectlOk(c, ['scale', 'sts', 'web', '--replicas', '5', '-n', ns]);
  const before5 = await waitReady(c, ns, 5);
  const v02 = (await sts(c, ns)).status.currentRevision as string;

  // partition 4 with v0.3: only web-4 is updated
  await kubectlOk(c, ['patch', 'sts', 'web', '-n', ns, '--type', 'merge', '-p',
    JSON.stringify({ spec: { updateStrategy: { rollingUpdate: { partition: 4 } }, template: { spec: { containers: [{ name: 'nginx', image: `${IMAGE}:v0.3` }] } } } })]);
  const partitioned = await eventually(async () => {
    const s = await sts(c, ns);
    return s.status?.updatedReplicas === 1 && s.status.readyReplicas === 5 && s.status.observedGeneration === s.metadata.generation ? s : undefined;
  }, 15_000, 50);
  assert.equal(partitioned.status.currentRevision, v02);
  assert.notEqual(partitioned.status.updateRevision, v02);
  assert.equal(partitioned.status.currentReplicas, 4);
  await sleep(300);
  assert.equal(await image(ns, 'web-4'), `${IMAGE}:v0.3`);
  for (const i of [3, 2, 1, 0]) assert.equal(await image(ns, `web-${i}`), `${IMAGE}:v0.2`, `web-${i} stays on v0.2`);
  const status4 = await kubectlOk(c, ['rollout', 'status', 'sts/web', '-n', ns, '--timeout=10s']);
  assert.equal(status4, 'partitioned roll out complete: 1 new pods have been updated...\n');

  // partition 1: web-3, web-2, web-1 in reverse order; web-0 keeps v0.2
  watch = await kubectlStream(c, ['get', 'pods', '-w', '-n', ns]);
  await kubectlOk(c, ['patch', 'sts', 'web', '-n', ns, '--type', 'merge', '-p', '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":1}}}}']);
  await eventually(async () => {
    const s = await sts(c, ns);
    return s.status?.updatedReplicas === 4 && s.status.readyReplicas === 5 ? s : undefined;
  }, 15_000, 50);
  await sleep(100);
  await watch.stop();
  rows = watch.rows();
  const order = [3, 2, 1].map((i) => firstRow(rows, `web-${i}`, (r) => r.status === 'Terminating'));
  assert.ok(order[0] >= 0 && order[0] < order[1] && order[1] < order[2], `web-3, web-2, web-1 in order: ${order}`);
  assert.equal(firstRow(rows, 'web-0', (r) => r.status === 'Terminating'), -1);
  assert.equal(firstRow(rows, 'web-4', (r) => r.status === 'Terminating'), -1);
  for (const i of [4, 3, 2, 1]) assert.equal(await image(ns, `web-${i}`), `${IMAGE}:v0.3`);
  const web0 = (await pods(c, ns))[0];
  assert.equal(web0.image, `${IMAGE}:v0.2`);
  assert.equal(web0.uid, before5[0].uid, 'web-0 was never touched');

  // deleting web-0 brings it back on the current revision, not the update revision
  await kubectlOk(c, ['delete', 'pod', 'web-0', '-n', ns, '--wait=false']);
  const back = await eventually(async () => {
    const p = (await pods(c, ns))[0];
    return p.name === 'web-0' && p.uid !== web0.uid && p.ready ? p : undefined;
  }, 15_000, 50);
  assert.equal(back.image, `${IMAGE}:v0.2`);
  assert.equal(back.revision, v02);

  // OnDelete: nothing moves until a pod is deleted by hand; the replacement gets the update revision
  await kubectlOk(c, ['patch', 'sts', 'web', '-n', ns, '--type', 'merge', '-p', '{"spec":{"updateStrategy":{"type":"OnDelete","rollingUpdate":null}}}']);
  await sleep(500);
  const still = (await pods(c, ns))[0];
  assert.equal(still.uid, back.uid);
  assert.equal(still.image, `${IMAGE}:v0.2`);
  await kubectlOk(c, ['delete', 'pod', 'web-0', '-n', ns, '--wait=false']);
  const updated0 = await eventually(async () => {
    const p = (await pods(c, ns))[0];
    return p.name === 'web-0' && p.uid !== still.uid && p.ready ? p : undefined;
  }, 15_000, 50);
  assert.equal(updated0.image, `${IMAGE}:v0.3`);

  // a new image under OnDelete reaches only the pods deleted by hand
  const beforeV4 = await pods(c, ns);
  await kubectlOk(c, ['set', 'image', 'sts/web', `nginx=${IMAGE}:v0.4`, '-n', ns]);
  await sleep(500);
  assert.deepEqual((await pods(c, ns)).map((p) => p.uid), beforeV4.map((p) => p.uid), 'OnDelete never deletes');
  await kubectlOk(c, ['delete', 'pod', 'web-2', '-n', ns, '--wait=false']);
  await eventually(async () => {
    const p = (await pods(c, ns))[2];
    return p.uid !== beforeV4[2].uid && p.ready ? p : undefined;
  }, 15_000, 50);
  assert.deepEqual((await pods(c, ns)).map((p) => p.image.split(':')[1]), ['v0.3', 'v0.3', 'v0.4', 'v0.3', 'v0.3']);
  const s = await sts(c, ns);
  assert.equal(s.status.updatedReplicas, 1);
  await inv.assertClean();
});

test('seed 000: delete --cascade=orphan leaves pods, claims and revisions; re-applying adopts them without new pods', async () => {
  const ns = await newNamespace(c, 'seed-orphan');
  const inv = await StatefulSetInvariants.start(c, ns);
  const manifest = statefulSet({ replicas: 2, claims: ['www'] });
  await apply(c, ns, headlessService(), manifest);
  const running = await waitReady(c, ns, 2);
  const revisionsBefore = await getJson(c, ['controllerrevisions', '-n', ns]);
  const claimsBefore = await getJson(c, ['pvc', '-n', ns]);
  assert.deepEqual(claimsBefore.items.map((p: any) => p.metadata.name), ['www-web-0', 'www-web-1']);

  assert.equal(await kubectlOk(c, ['delete', 'sts', 'web', '--cascade=orphan', '-n', ns]), 'statefulset.apps "web" deleted\n');
  const none = await eventually(async () => {
    const r = await kubectl(c, ['get', 'sts', '-n', ns]);
    return r.stderr.includes('No resources found') ? r : undefined;
  });
  assert.equal(none.stderr, `No resources found in ${ns} namespace.\n`);
  // the orphan finalizer strips the owner references; everything keeps running
  const orphans = await eventually(async () => {
    const list = await getJson(c, ['pods', '-n', ns]);
    return list.items.every((p: any) => !p.metadata.ownerReferences?.length) ? list.items : undefined;
  });
  assert.deepEqual(orphans.map((p: any) => p.metadata.uid), running.map((p) => p.uid));
  await sleep(300);
  assert.deepEqual((await pods(c, ns)).map((p) => [p.name, p.uid, p.phase, p.ready]), running.map((p) => [p.name, p.uid, 'Running', true]));
  const revisionsOrphaned = await getJson(c, ['controllerrevisions', '-n', ns]);
  assert.deepEqual(revisionsOrphaned.items.map((r: any) => r.metadata.uid), revisionsBefore.items.map((r: any) => r.metadata.uid));
  assert.ok(revisionsOrphaned.items.every((r: any) => !r.metadata.ownerReferences?.length));
  assert.deepEqual((await getJson(c, ['pvc', '-n', ns])).items.map((p: any) => p.metadata.uid), claimsBefore.items.map((p: any) => p.metadata.uid));

  // the same manifest again: the new set adopts pods and revisions; no pod is created or replaced
  assert.match(await apply(c, ns, manifest), /^statefulset\.apps\/web created\n$/);
  const adopted = await sts(c, ns);
  await eventually(async () => {
    const list = await getJson(c, ['pods', '-n', ns]);
    return list.items.every((p: any) => p.metadata.ownerReferences?.[0]?.uid === adopted.metadata.uid) ? list : undefined;
  });
  const s = await waitRolledOut(c, ns, 2);
  assert.equal(s.status.currentRevision, revisionsBefore.items[0].metadata.name, 'the existing revision is reused');
  const revisionsAfter = await getJson(c, ['controllerrevisions', '-n', ns]);
  assert.deepEqual(revisionsAfter.items.map((r: any) => [r.metadata.uid, r.metadata.ownerReferences?.[0]?.uid]),
    revisionsBefore.items.map((r: any) => [r.metadata.uid, adopted.metadata.uid]));
  await sleep(300);
  assert.deepEqual((await pods(c, ns)).map((p) => p.uid), running.map((p) => p.uid));
  assert.deepEqual(inv.creations.map((x) => x.split('@')[0]), ['web-0', 'web-1'], 'only the first set created pods');
  await inv.assertClean();
});

test('seed 000: myapp scales down to 1 and up to 4 — claims are kept and reused by the same ordinal', async () => {
  const ns = await newNamespace(c, 'seed-myapp');
  const inv = await StatefulSetInvariants.start(c, ns);
  await apply(c, ns, headlessService('statefulset-headless', 'myapp-pod'),
    statefulSet({ name: 'myapp', serviceName: 'statefulset-headless', appLabel: 'myapp-pod', replicas: 3, claims: ['myappdata'] }));
  await waitReady(c, ns, 3, 'myapp');
  const claims = await eventually(async () => {
    const out = await kubectlOk(c, ['get', 'pvc', '-n', ns]);
    return (out.match(/ Bound /g) ?? []).length === 3 ? out : undefined;
  });
  assert.match(claims, /^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE\n/);
  assert.match(claims, /\nmyappdata-myapp-0\s+Bound\s+pvc-[0-9a-f-]{36}\s+1Gi\s+RWO\s+standard\s+<unset>\s+\d+s\n/);
  const uids = (await getJson(c, ['pvc', '-n', ns])).items.map((p: any) => p.metadata.uid);

  await kubectlOk(c, ['scale', 'sts', 'myapp', '--replicas=1', '-n', ns]);
  await waitReady(c, ns, 1, 'myapp');
  assert.deepEqual((await getJson(c, ['pvc', '-n', ns])).items.map((p: any) => p.metadata.uid), uids, 'whenScaled Retain keeps every claim');

  await kubectlOk(c, ['scale', 'sts', 'myapp', '--replicas=4', '-n', ns]);
  const up = await waitReady(c, ns, 4, 'myapp');
  assert.deepEqual(names(up), ['myapp-0', 'myapp-1', 'myapp-2', 'myapp-3']);
  const after = (await getJson(c, ['pvc', '-n', ns])).items;
  assert.deepEqual(after.map((p: any) => p.metadata.name), ['myappdata-myapp-0', 'myappdata-myapp-1', 'myappdata-myapp-2', 'myappdata-myapp-3']);
  assert.deepEqual(after.slice(0, 3).map((p: any) => p.metadata.uid), uids, 'myapp-1 and myapp-2 got their old claims back');
  const pod2 = await getJson(c, ['pod', 'myapp-2', '-n', ns]);
  assert.equal(pod2.spec.volumes.find((v: any) => v.name === 'myappdata').persistentVolumeClaim.claimName, 'myappdata-myapp-2');
  assert.equal(pod2.spec.hostname, 'myapp-2');
  assert.equal(pod2.spec.subdomain, 'statefulset-headless');
  await inv.assertClean();
});
