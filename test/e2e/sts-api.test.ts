// The StatefulSet API surface against `berth up`, after upstream's e2e: the scale subresource through raw
// GET/PUT/PATCH and kubectl scale preconditions, the status subresource, list/patch/deletecollection, and the
// persistentVolumeClaimRetentionPolicy combinations (a Retain claim is never deleted — the invariant checker watches).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Cluster, eventually, kubectl, kubectlOk, rawRequest, startCluster } from './harness.js';
import { StatefulSetInvariants } from './lib/invariants.js';
import { apply, getJson, headlessService, newNamespace, pods, sleep, statefulSet, stopAllStreams, sts, waitReady } from './lib/sts.js';

let c: Cluster;
before(async () => { c = await startCluster({ args: ['--sim-start-delay', '50'] }); });
after(async () => {
  await stopAllStreams();
  await StatefulSetInvariants.stopAll();
  await c?.stop();
  c?.cleanup();
});

const path = (ns: string, name = 'web', sub = '') => `/apis/apps/v1/namespaces/${ns}/statefulsets${name ? `/${name}` : ''}${sub ? `/${sub}` : ''}`;
const json = (r: { status: number; body: string }, status = 200) => {
  assert.equal(r.status, status, r.body);
  return JSON.parse(r.body);
};
const claimNames = async (ns: string) => (await getJson(c, ['pvc', '-n', ns])).items
  .filter((p: any) => !p.metadata.deletionTimestamp).map((p: any) => p.metadata.name as string).sort();

test('scale subresource: GET, PUT and PATCH (autoscaling/v1 Scale) and kubectl scale preconditions', async () => {
  const ns = await newNamespace(c, 'scale');
  const inv = await StatefulSetInvariants.start(c, ns);
  await apply(c, ns, headlessService(), statefulSet({ replicas: 1 }));
  await waitReady(c, ns, 1);
  const set = await sts(c, ns);

  const scale = json(await rawRequest(c, 'GET', path(ns, 'web', 'scale')));
  assert.equal(scale.kind, 'Scale');
  assert.equal(scale.apiVersion, 'autoscaling/v1');
  assert.equal(scale.metadata.name, 'web');
  assert.equal(scale.metadata.uid, set.metadata.uid);
  assert.equal(scale.metadata.resourceVersion, set.metadata.resourceVersion);
  assert.deepEqual(scale.spec, { replicas: 1 });
  assert.deepEqual(scale.status, { replicas: 1, selector: 'app=nginx' });

  // PUT with the read resourceVersion; then a stale one conflicts
  scale.spec.replicas = 2;
  const put = json(await rawRequest(c, 'PUT', path(ns, 'web', 'scale'), JSON.stringify(scale)));
  assert.equal(put.spec.replicas, 2);
  assert.equal((await sts(c, ns)).spec.replicas, 2);
  const stale = await rawRequest(c, 'PUT', path(ns, 'web', 'scale'), JSON.stringify({ ...scale, spec: { replicas: 5 } }));
  assert.equal(stale.status, 409);
  assert.match(JSON.parse(stale.body).message, /^Operation cannot be fulfilled on statefulsets\.apps "web": the object has been modified; please apply your changes to the latest version and try again$/);

  const patched = json(await rawRequest(c, 'PATCH', path(ns, 'web', 'scale'), '{"spec":{"replicas":3}}', { 'Content-Type': 'application/merge-patch+json' }));
  assert.equal(patched.spec.replicas, 3);
  await waitReady(c, ns, 3);
  const afterScale = json(await rawRequest(c, 'GET', path(ns, 'web', 'scale')));
  assert.deepEqual(afterScale.status, { replicas: 3, selector: 'app=nginx' });

  const negative = await rawRequest(c, 'PATCH', path(ns, 'web', 'scale'), '{"spec":{"replicas":-1}}', { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(negative.status, 422);
  assert.match(JSON.parse(negative.body).message, /spec\.replicas: Invalid value: -1: must be greater than or equal to 0/);

  // kubectl scale --current-replicas is a precondition on the Scale
  const mismatch = await kubectl(c, ['scale', 'sts', 'web', '--current-replicas=2', '--replicas=1', '-n', ns]);
  assert.equal(mismatch.code, 1);
  assert.equal(mismatch.stderr, 'error: Expected replicas to be 2, was 3\n');
  assert.equal(await kubectlOk(c, ['scale', 'sts', 'web', '--current-replicas=3', '--replicas=1', '-n', ns]), 'statefulset.apps/web scaled\n');
  await waitReady(c, ns, 1);
  await inv.assertClean();
});

test('status subresource: PUT/PATCH change only status; writes to the main resource leave status alone', async () => {
  const ns = await newNamespace(c, 'status');
  await apply(c, ns, headlessService(), statefulSet({ replicas: 1 }));
  await waitReady(c, ns, 1);
  const got = json(await rawRequest(c, 'GET', path(ns, 'web', 'status')));
  assert.equal(got.kind, 'StatefulSet');
  assert.equal(got.status.replicas, 1);

  // a status write ignores spec changes and keeps generation
  const condition = { type: 'StatusUpdate', status: 'True', reason: 'E2E', message: 'Set from an e2e test', lastTransitionTime: '2024-01-01T00:00:00Z' };
  const put = json(await rawRequest(c, 'PUT', path(ns, 'web', 'status'), JSON.stringify({ ...got, spec: { ...got.spec, replicas: 7 }, status: { ...got.status, conditions: [condition] } })));
  assert.deepEqual(put.status.conditions, [condition]);
  assert.equal(put.spec.replicas, 1);
  assert.equal(put.metadata.generation, got.metadata.generation);

  const patched = json(await rawRequest(c, 'PATCH', path(ns, 'web', 'status'),
    JSON.stringify({ status: { conditions: [{ type: 'StatusPatched', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }] } }),
    { 'Content-Type': 'application/strategic-merge-patch+json' }));
  // strategic merge by type; upstream's element ordering puts a patch item absent from the original first
  assert.deepEqual(patched.status.conditions.map((k: any) => k.type), ['StatusPatched', 'StatusUpdate']);

  // a main-resource write drops status changes
  const cur = await sts(c, ns);
  const main = json(await rawRequest(c, 'PUT', path(ns, 'web'), JSON.stringify({ ...cur, status: { ...cur.status, replicas: 42 } })));
  assert.notEqual(main.status.replicas, 42);
  const raw = await kubectl(c, ['patch', 'sts', 'web', '-n', ns, '--subresource=status', '--type=merge', '-p', '{"status":{"replicas":-3}}']);
  assert.equal(raw.code, 1);
  assert.match(raw.stderr, /status\.replicas: Invalid value: -3: must be greater than or equal to 0/);
});

test('list, patch and deletecollection of StatefulSets by label', async () => {
  const ns = await newNamespace(c, 'collection');
  const labelled = (name: string) => {
    const s = statefulSet({ name, replicas: 1, appLabel: name, serviceName: name }) as any;
    s.metadata.labels = { e2e: 'collection' };
    return s;
  };
  await apply(c, ns, labelled('one'), labelled('two'), statefulSet({ name: 'other', replicas: 1, appLabel: 'other' }));
  const list = json(await rawRequest(c, 'GET', `/apis/apps/v1/namespaces/${ns}/statefulsets?labelSelector=e2e%3Dcollection`));
  assert.equal(list.kind, 'StatefulSetList');
  assert.deepEqual(list.items.map((s: any) => s.metadata.name), ['one', 'two']);
  const all = json(await rawRequest(c, 'GET', '/apis/apps/v1/statefulsets?labelSelector=e2e%3Dcollection'));
  assert.ok(all.items.every((s: any) => s.metadata.namespace === ns) && all.items.length === 2);

  const patched = json(await rawRequest(c, 'PATCH', path(ns, 'one'),
    JSON.stringify({ metadata: { labels: { patched: 'true' } }, spec: { template: { spec: { containers: [{ name: 'nginx', image: 'registry.k8s.io/nginx-slim:0.2' }] } } } }),
    { 'Content-Type': 'application/strategic-merge-patch+json' }));
  assert.equal(patched.metadata.labels.patched, 'true');
  assert.equal(patched.spec.template.spec.containers[0].image, 'registry.k8s.io/nginx-slim:0.2');
  assert.equal(patched.spec.template.spec.containers[0].ports[0].containerPort, 80, 'strategic merge by container name');
  assert.equal(patched.metadata.generation, 2);

  const gone = await rawRequest(c, 'DELETE', `/apis/apps/v1/namespaces/${ns}/statefulsets?labelSelector=e2e%3Dcollection`);
  assert.equal(gone.status, 200, gone.body);
  await eventually(async () => {
    const left = json(await rawRequest(c, 'GET', `/apis/apps/v1/namespaces/${ns}/statefulsets`));
    return left.items.length === 1 && left.items[0].metadata.name === 'other';
  });
  // the garbage collector removes their pods; the other set keeps its own
  await eventually(async () => (await pods(c, ns)).map((p) => p.name).join() === 'other-0', 15_000, 50);
});

test('claim retention: whenScaled Delete removes condemned claims; whenDeleted Retain keeps the rest after the set is gone', async () => {
  const ns = await newNamespace(c, 'retain-scaled');
  const inv = await StatefulSetInvariants.start(c, ns);
  await apply(c, ns, headlessService(), statefulSet({ replicas: 3, claims: ['www'], retention: { whenScaled: 'Delete', whenDeleted: 'Retain' } }));
  await waitReady(c, ns, 3);
  assert.deepEqual(await claimNames(ns), ['www-web-0', 'www-web-1', 'www-web-2']);
  const set = await sts(c, ns);
  assert.deepEqual(set.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Delete' });

  await kubectlOk(c, ['scale', 'sts', 'web', '--replicas=1', '-n', ns]);
  await waitReady(c, ns, 1);
  await eventually(async () => (await claimNames(ns)).join() === 'www-web-0', 15_000, 50);
  const kept = await getJson(c, ['pvc', 'www-web-0', '-n', ns]);
  assert.ok(!kept.metadata.ownerReferences?.some((r: any) => r.uid === set.metadata.uid), 'whenDeleted Retain: no reference to the set');

  await kubectlOk(c, ['delete', 'sts', 'web', '-n', ns]);
  await eventually(async () => (await pods(c, ns)).length === 0, 15_000, 50);
  await sleep(500);
  assert.deepEqual(await claimNames(ns), ['www-web-0']);
  await inv.assertClean();
});

test('claim retention: whenDeleted Delete removes every claim with the set; whenScaled Retain keeps them on scale-down', async () => {
  const ns = await newNamespace(c, 'retain-deleted');
  const inv = await StatefulSetInvariants.start(c, ns);
  await apply(c, ns, headlessService(), statefulSet({ replicas: 3, claims: ['www'], retention: { whenDeleted: 'Delete', whenScaled: 'Retain' } }));
  await waitReady(c, ns, 3);
  const set = await sts(c, ns);
  const owned = await eventually(async () => {
    const list = (await getJson(c, ['pvc', '-n', ns])).items;
    return list.length === 3 && list.every((p: any) => p.metadata.ownerReferences?.some((r: any) => r.uid === set.metadata.uid)) ? list : undefined;
  });
  assert.equal(owned[0].metadata.ownerReferences[0].kind, 'StatefulSet');

  await kubectlOk(c, ['scale', 'sts', 'web', '--replicas=1', '-n', ns]);
  await waitReady(c, ns, 1);
  await sleep(500);
  assert.deepEqual(await claimNames(ns), ['www-web-0', 'www-web-1', 'www-web-2']);

  await kubectlOk(c, ['delete', 'sts', 'web', '-n', ns]);
  await eventually(async () => (await getJson(c, ['pvc', '-n', ns])).items.length === 0, 20_000, 100);
  await inv.assertClean();
});

test('claim retention: Retain/Retain (the default) never deletes a claim, through scale-down, pod deletion and set deletion', async () => {
  const ns = await newNamespace(c, 'retain-all');
  const inv = await StatefulSetInvariants.start(c, ns);
  await apply(c, ns, headlessService(), statefulSet({ replicas: 3, claims: ['www', 'logs'] }));
  await waitReady(c, ns, 3);
  const before = (await getJson(c, ['pvc', '-n', ns])).items.map((p: any) => p.metadata.uid).sort();
  assert.equal(before.length, 6);
  assert.deepEqual((await sts(c, ns)).spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  await kubectlOk(c, ['delete', 'pod', 'web-2', '-n', ns]);
  await waitReady(c, ns, 3);
  await kubectlOk(c, ['scale', 'sts', 'web', '--replicas=1', '-n', ns]);
  await waitReady(c, ns, 1);
  await kubectlOk(c, ['delete', 'sts', 'web', '-n', ns]);
  await eventually(async () => (await pods(c, ns)).length === 0, 15_000, 50);
  await sleep(500);
  assert.deepEqual((await getJson(c, ['pvc', '-n', ns])).items.map((p: any) => p.metadata.uid).sort(), before);
  await inv.assertClean();
});
