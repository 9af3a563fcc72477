// A data dir from the Berth before upstream's key layout (SQLite schema 3, made by tools/make-schema3-fixture.sh
// through the old server's API) opened by `berth up` today: every object is served as it was, with the same uid and
// resourceVersion, and the controllers adopt what they made then instead of making it again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { repoPath } from '../repo-path.js';
import { Cluster, eventually, kubectlOk, startCluster } from './harness.js';

let c: Cluster;
/** metadata.uid and resourceVersion of each object in the old file, by `<namespace>/<name>` of its old key's tail. */
let before3: Map<string, { uid: string; resourceVersion: string }>;

before(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-e2e-'));
  const path = join(dataDir, 'state.db');
  writeFileSync(path, gunzipSync(readFileSync(repoPath('test/unit/storage/fixtures/schema3-state.db.gz'))));
  const raw = new Database(path, { readonly: true });
  before3 = new Map(raw.prepare<[], { key: string; value: string }>('SELECT key, value FROM kv').all().map((r) => {
    const m = JSON.parse(r.value).metadata;
    return [r.key, { uid: m.uid, resourceVersion: m.resourceVersion }];
  }));
  raw.close();
  c = await startCluster({ dataDir });
});

after(async () => {
  await c?.stop();
  c?.cleanup();
});

const identity = async (args: string[]) =>
  JSON.parse(await kubectlOk(c, [...args, '-o', 'jsonpath={"{\\"uid\\":\\""}{.metadata.uid}{"\\",\\"resourceVersion\\":\\""}{.metadata.resourceVersion}{"\\"}"}']));

test('objects of every kind written by the previous Berth are served with their uid and resourceVersion', async () => {
  const cases: [string, string[]][] = [
    ['/registry/core/configmaps/shop/settings', ['-n', 'shop', 'get', 'configmap', 'settings']],
    ['/registry/core/secrets/shop/creds', ['-n', 'shop', 'get', 'secret', 'creds']],
    ['/registry/core/services/shop/web', ['-n', 'shop', 'get', 'service', 'web']],
    ['/registry/apps/statefulsets/shop/db', ['-n', 'shop', 'get', 'statefulset', 'db']],
    ['/registry/rbac.authorization.k8s.io/roles/shop/reader', ['-n', 'shop', 'get', 'role', 'reader']],
    ['/registry/networking.k8s.io/ingresses/shop/web', ['-n', 'shop', 'get', 'ingress', 'web']],
    ['/registry/coordination.k8s.io/leases/shop/lock', ['-n', 'shop', 'get', 'lease', 'lock']],
    ['/registry/apiextensions.k8s.io/customresourcedefinitions/crontabs.stable.example.com', ['get', 'crd', 'crontabs.stable.example.com']],
    ['/registry/stable.example.com/crontabs/shop/nightly', ['-n', 'shop', 'get', 'crontab', 'nightly']],
  ];
  for (const [oldKey, args] of cases) {
    const want = before3.get(oldKey);
    assert.ok(want, `${oldKey} is in the fixture`);
    assert.deepEqual(await identity(args), want, args.join(' '));
  }
  assert.equal(await kubectlOk(c, ['-n', 'shop', 'get', 'secret', 'creds', '-o', 'jsonpath={.data.password}']), Buffer.from('s3cret').toString('base64'));
  assert.equal(await kubectlOk(c, ['-n', 'shop', 'get', 'configmap', 'settings', '-o', 'jsonpath={.data.mode}']), 'slow');
  assert.equal(await kubectlOk(c, ['-n', 'shop', 'get', 'crontab', 'nightly', '-o', 'jsonpath={.spec.cron}']), '0 3 * * *');
});

test('the controllers carry on with the ReplicaSet and pods they made before instead of making them again', async () => {
  const oldNames = (prefix: string) => [...before3.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(k.lastIndexOf('/') + 1)).sort();
  const names = async (kind: string) => (await kubectlOk(c, ['-n', 'shop', 'get', kind, '-o', 'jsonpath={.items[*].metadata.name}'])).split(' ').filter(Boolean).sort();
  // Scaling goes through the controllers: a Deployment that did not find its old ReplicaSet would make another one,
  // and a StatefulSet that did not find db-0 would make it again with a new uid.
  await kubectlOk(c, ['-n', 'shop', 'scale', 'deployment', 'web', '--replicas=3']);
  await kubectlOk(c, ['-n', 'shop', 'scale', 'statefulset', 'db', '--replicas=2']);
  const ready = (kind: string) => kubectlOk(c, ['-n', 'shop', 'get', kind, '-o', 'jsonpath={.status.readyReplicas}/{.status.updatedReplicas}']);
  await eventually(async () => (await ready('deployment/web')) === '3/3', 30_000, 200);
  await eventually(async () => (await ready('statefulset/db')) === '2/2', 30_000, 200);
  assert.deepEqual(await names('replicasets'), oldNames('/registry/apps/replicasets/shop/'));
  const pods = await names('pods');
  const webPods = oldNames('/registry/core/pods/shop/web-');
  assert.equal(pods.length, 5, pods.join(' '));
  assert.ok(webPods.every((p) => pods.includes(p)), `${webPods} kept among ${pods}`);
  assert.deepEqual(await identity(['-n', 'shop', 'get', 'pod', 'db-0']).then((i) => i.uid), before3.get('/registry/core/pods/shop/db-0')?.uid);
  assert.ok(pods.includes('db-1'));
  assert.equal((await kubectlOk(c, ['get', 'nodes', '-o', 'name'])).trim().split('\n').length, 3);
});
