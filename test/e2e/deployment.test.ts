// Deployments and ReplicaSets on a real `berth up` (controllers, scheduler and simulated node agent), driven by the
// real kubectl: create, the printed columns, rolling updates that respect maxSurge/maxUnavailable at every observed
// moment, rollout status/history/undo, scale, pause/resume, Recreate, and cascading deletion.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Cluster, eventually, kubectl, kubectlOk, rawRequest, startCluster } from './harness.js';

let c: Cluster;

before(async () => {
  c = await startCluster({ args: ['--sim-start-delay', '100'] });
});

after(async () => {
  await c?.stop();
  c?.cleanup();
});

interface Obj {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[]; uid: string; deletionTimestamp?: string };
  spec: { replicas?: number; template?: { spec?: { containers: { image: string }[] } }; paused?: boolean };
  status?: { phase?: string; conditions?: { type: string; status: string; reason?: string; message?: string }[]; availableReplicas?: number; replicas?: number; observedGeneration?: number };
}

async function list(ns: string, resource: 'pods' | 'replicasets', selector: string): Promise<Obj[]> {
  const path = resource === 'pods' ? `/api/v1/namespaces/${ns}/pods` : `/apis/apps/v1/namespaces/${ns}/replicasets`;
  const r = await rawRequest(c, 'GET', `${path}?labelSelector=${encodeURIComponent(selector)}`);
  assert.equal(r.status, 200, r.body);
  return (JSON.parse(r.body) as { items: Obj[] }).items;
}

async function getJson(args: string[]): Promise<Obj> {
  return JSON.parse(await kubectlOk(c, [...args, '-o', 'json'])) as Obj;
}

const rows = (out: string) => out.trim().split('\n').map((l) => l.trim().split(/\s{2,}/));
const ready = (p: Obj) => p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false;
const imageOf = (o: Obj) => o.spec.template?.spec?.containers[0].image;

async function rolloutStatus(ns: string, name: string): Promise<string> {
  return kubectlOk(c, ['-n', ns, 'rollout', 'status', `deployment/${name}`, '--timeout=60s'], { timeoutMs: 70_000 });
}

/** Samples RS sizes and pods until `done` settles, asserting the rolling-update bounds at every sample. */
async function watchInvariants(ns: string, selector: string, bounds: { maxTotal: number; minReady: number }, done: Promise<unknown>): Promise<number> {
  let finished = false;
  void done.finally(() => { finished = true; });
  let samples = 0;
  while (!finished) {
    const [rss, pods] = await Promise.all([list(ns, 'replicasets', selector), list(ns, 'pods', selector)]);
    const specTotal = rss.reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);
    assert.ok(specTotal <= bounds.maxTotal, `ReplicaSets ask for ${specTotal} pods, more than ${bounds.maxTotal}`);
    const live = pods.filter((p) => !p.metadata.deletionTimestamp);
    assert.ok(live.length <= bounds.maxTotal, `${live.length} live pods, more than ${bounds.maxTotal}`);
    const readyCount = live.filter(ready).length;
    assert.ok(readyCount >= bounds.minReady, `only ${readyCount} ready pods, fewer than ${bounds.minReady}`);
    samples++;
    await new Promise((r) => setTimeout(r, 15));
  }
  await done;
  return samples;
}

test('create deployment: ReplicaSet <deploy>-<hash>, pods <rs>-<5 chars>, printed columns, annotations', async () => {
  await kubectlOk(c, ['create', 'namespace', 'd1']);
  await kubectlOk(c, ['-n', 'd1', 'create', 'deployment', 'web', '--image=nginx', '--replicas=3']);
  const status = await rolloutStatus('d1', 'web');
  assert.match(status, /deployment "web" successfully rolled out/);

  const [header, row] = rows(await kubectlOk(c, ['-n', 'd1', 'get', 'deploy']));
  assert.deepEqual(header, ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
  assert.deepEqual(row.slice(0, 4), ['web', '3/3', '3', '3']);

  const d = await getJson(['-n', 'd1', 'get', 'deploy', 'web']);
  const rss = await list('d1', 'replicasets', 'app=web');
  assert.equal(rss.length, 1);
  const rs = rss[0];
  const hash = rs.metadata.labels?.['pod-template-hash'] ?? '';
  assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.equal(rs.metadata.name, `web-${hash}`);
  assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
  assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '3');
  assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '4');
  const ref = rs.metadata.ownerReferences?.[0];
  assert.deepEqual([ref?.kind, ref?.name, ref?.uid, ref?.controller], ['Deployment', 'web', d.metadata.uid, true]);

  const [rsHeader, rsRow] = rows(await kubectlOk(c, ['-n', 'd1', 'get', 'rs']));
  assert.deepEqual(rsHeader, ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
  assert.deepEqual(rsRow.slice(0, 4), [`web-${hash}`, '3', '3', '3']);

  const pods = await list('d1', 'pods', 'app=web');
  assert.equal(pods.length, 3);
  for (const p of pods) {
    assert.match(p.metadata.name, new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
    assert.equal(p.metadata.ownerReferences?.[0].uid, rs.metadata.uid);
    assert.equal(p.metadata.labels?.['pod-template-hash'], hash);
  }

  const conds = Object.fromEntries((d.status?.conditions ?? []).map((x) => [x.type, x]));
  assert.deepEqual([conds.Available?.status, conds.Available?.reason, conds.Available?.message], ['True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.']);
  assert.deepEqual([conds.Progressing?.status, conds.Progressing?.reason, conds.Progressing?.message], ['True', 'NewReplicaSetAvailable', `ReplicaSet "web-${hash}" has successfully progressed.`]);

  const events = await kubectlOk(c, ['-n', 'd1', 'get', 'events', '--field-selector', 'involvedObject.kind=Deployment', '-o', 'jsonpath={range .items[*]}{.reason}:{.message}{"\\n"}{end}']);
  assert.match(events, new RegExp(`ScalingReplicaSet:Scaled up replica set web-${hash} to 3`));
  const rsEvents = await kubectlOk(c, ['-n', 'd1', 'get', 'events', '--field-selector', 'involvedObject.kind=ReplicaSet', '-o', 'jsonpath={range .items[*]}{.reason}{"\\n"}{end}']);
  assert.match(rsEvents, /SuccessfulCreate/);
});

test('set image: a rolling update within maxSurge=1/maxUnavailable=1, history with change-cause, then undo', async () => {
  await kubectlOk(c, ['create', 'namespace', 'd2']);
  await kubectlOk(c, ['-n', 'd2', 'create', 'deployment', 'api', '--image=nginx:1.24', '--replicas=4']);
  await kubectlOk(c, ['-n', 'd2', 'patch', 'deploy', 'api', '-p', '{"spec":{"strategy":{"rollingUpdate":{"maxSurge":1,"maxUnavailable":1}}}}']);
  await rolloutStatus('d2', 'api');

  await kubectlOk(c, ['-n', 'd2', 'set', 'image', 'deploy/api', 'nginx=nginx:1.25']);
  // annotations are copied onto the deployment's current new ReplicaSet, so the cause is recorded after the change
  await kubectlOk(c, ['-n', 'd2', 'annotate', 'deploy', 'api', 'kubernetes.io/change-cause=upgrade to 1.25']);
  const status = rolloutStatus('d2', 'api');
  const samples = await watchInvariants('d2', 'app=api', { maxTotal: 5, minReady: 3 }, status);
  assert.ok(samples > 3, `sampled ${samples} times`);
  const out = await status;
  // The rollout may already be done when kubectl starts watching; any progress lines it printed must be upstream's.
  for (const line of out.trim().split('\n').slice(0, -1)) {
    assert.match(line, /^Waiting for deployment "api" rollout to finish: \d+ (out of 4 new replicas have been updated|old replicas are pending termination|of 4 updated replicas are available)\.\.\.$/);
  }
  assert.match(out, /deployment "api" successfully rolled out\n$/);

  const rss = await list('d2', 'replicasets', 'app=api');
  assert.equal(rss.length, 2);
  const byRev = Object.fromEntries(rss.map((rs) => [rs.metadata.annotations?.['deployment.kubernetes.io/revision'], rs]));
  assert.equal(imageOf(byRev['2']), 'nginx:1.25');
  assert.equal(byRev['2'].spec.replicas, 4);
  assert.equal(byRev['1'].spec.replicas, 0);
  assert.equal(byRev['2'].metadata.annotations?.['kubernetes.io/change-cause'], 'upgrade to 1.25');

  const history = rows(await kubectlOk(c, ['-n', 'd2', 'rollout', 'history', 'deploy/api']));
  assert.deepEqual(history.slice(1), [['REVISION', 'CHANGE-CAUSE'], ['1', '<none>'], ['2', 'upgrade to 1.25']]);

  assert.match(await kubectlOk(c, ['-n', 'd2', 'rollout', 'undo', 'deploy/api']), /deployment.apps\/api rolled back/);
  await watchInvariants('d2', 'app=api', { maxTotal: 5, minReady: 3 }, rolloutStatus('d2', 'api'));
  assert.equal(imageOf(await getJson(['-n', 'd2', 'get', 'deploy', 'api'])), 'nginx:1.24');
  const after = await list('d2', 'replicasets', 'app=api');
  const first = after.find((rs) => imageOf(rs) === 'nginx:1.24')!;
  assert.equal(first.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
  assert.equal(first.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
  assert.equal(first.spec.replicas, 4);
  const revisions = rows(await kubectlOk(c, ['-n', 'd2', 'rollout', 'history', 'deploy/api'])).slice(2).map((r) => r[0]);
  assert.deepEqual(revisions, ['2', '3']);
});

test('scale, pause and resume', async () => {
  await kubectlOk(c, ['create', 'namespace', 'd3']);
  await kubectlOk(c, ['-n', 'd3', 'create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
  await rolloutStatus('d3', 'web');
  await kubectlOk(c, ['-n', 'd3', 'scale', 'deploy/web', '--replicas=5']);
  await rolloutStatus('d3', 'web');
  await eventually(async () => (await list('d3', 'pods', 'app=web')).filter((p) => !p.metadata.deletionTimestamp && ready(p)).length === 5, 20_000, 50);
  const rs = (await list('d3', 'replicasets', 'app=web'))[0];
  assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '5');

  await kubectlOk(c, ['-n', 'd3', 'rollout', 'pause', 'deploy/web']);
  await kubectlOk(c, ['-n', 'd3', 'set', 'image', 'deploy/web', 'nginx=nginx:2']);
  const paused = await eventually(async () => {
    const d = await getJson(['-n', 'd3', 'get', 'deploy', 'web']);
    const p = d.status?.conditions?.find((x) => x.type === 'Progressing');
    return p?.reason === 'DeploymentPaused' ? p : undefined;
  }, 10_000, 50);
  assert.deepEqual([paused.status, paused.message], ['Unknown', 'Deployment is paused']);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await list('d3', 'replicasets', 'app=web')).length, 1, 'a paused deployment creates no new ReplicaSet');

  await kubectlOk(c, ['-n', 'd3', 'rollout', 'resume', 'deploy/web']);
  await rolloutStatus('d3', 'web');
  const rss = await list('d3', 'replicasets', 'app=web');
  assert.equal(rss.length, 2);
  assert.deepEqual(rss.map((x) => [imageOf(x), x.spec.replicas]).sort(), [['nginx', 0], ['nginx:2', 5]]);
});

test('Recreate: every old pod is gone before a new one exists', async () => {
  await kubectlOk(c, ['create', 'namespace', 'd4']);
  const manifest = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'db', namespace: 'd4' },
    spec: {
      replicas: 3, strategy: { type: 'Recreate' }, selector: { matchLabels: { app: 'db' } },
      template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:15' }] } },
    },
  };
  await kubectlOk(c, ['apply', '-f', '-'], { input: JSON.stringify(manifest) });
  await rolloutStatus('d4', 'db');
  await kubectlOk(c, ['-n', 'd4', 'set', 'image', 'deploy/db', 'db=postgres:16']);
  const done = rolloutStatus('d4', 'db');
  let finished = false;
  void done.finally(() => { finished = true; });
  while (!finished) {
    const pods = await list('d4', 'pods', 'app=db');
    const images = new Set(pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed').map((p) => (p.spec as { containers: { image: string }[] }).containers[0].image));
    assert.ok(images.size <= 1, `old and new pods at once: ${[...images].join(', ')}`);
    await new Promise((r) => setTimeout(r, 15));
  }
  await done;
  const pods = await list('d4', 'pods', 'app=db');
  assert.equal(pods.length, 3);
  const events = await kubectlOk(c, ['-n', 'd4', 'get', 'events', '--field-selector', 'involvedObject.kind=Deployment', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}']);
  assert.match(events, /Scaled down replica set db-\w+ to 0 from 3/);
});

test('deleting the deployment cascades to its ReplicaSets and pods', async () => {
  await kubectlOk(c, ['create', 'namespace', 'd5']);
  await kubectlOk(c, ['-n', 'd5', 'create', 'deployment', 'gone', '--image=nginx', '--replicas=2']);
  await rolloutStatus('d5', 'gone');
  await kubectlOk(c, ['-n', 'd5', 'delete', 'deploy', 'gone'], { timeoutMs: 60_000 });
  await eventually(async () => (await list('d5', 'replicasets', 'app=gone')).length === 0 && (await list('d5', 'pods', 'app=gone')).length === 0, 30_000, 100);
  const r = await kubectl(c, ['-n', 'd5', 'get', 'rs,pods']);
  assert.match(r.stderr, /No resources found in d5 namespace/);
});
