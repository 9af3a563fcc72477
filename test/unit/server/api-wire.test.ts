// The REST endpoints as real clients beyond kubectl 1.33 use them, over HTTPS against one in-process Berth (API
// server only): protobuf bodies captured from Helm and kubectl (test/unit/protobuf/fixtures), unconditional updates,
// upstream's query parameter parsing, WatchList and list semantics.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs/minimal.js';
import { PROTOBUF_MAGIC } from '../../../src/apimachinery/protobuf/decode.js';
import { startBerth, type Berth } from '../../../src/server/berth.js';
import { rawRequest } from '../../e2e/harness.js';
import { repoPath } from '../../repo-path.js';

let berth: Berth;
let dataDir: string;
const c = () => ({ kubeconfig: berth.kubeconfigPath });
const PROTOBUF = 'application/vnd.kubernetes.protobuf';

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-wire-'));
  berth = await startBerth({ dataDir, port: 0, runtime: { controllers: false } });
});

after(async () => {
  await berth?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const fixture = (name: string) => readFileSync(repoPath(`test/unit/protobuf/fixtures/${name}`));
const req = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  rawRequest(c(), method, path, body === undefined ? undefined : Buffer.isBuffer(body) || typeof body === 'string' ? body : JSON.stringify(body), headers);
const json = (r: { body: string }) => JSON.parse(r.body);

async function ensureNamespace(name: string) {
  const r = await req('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  assert.ok(r.status === 201 || r.status === 409, r.body);
}

describe('protobuf request bodies from real clients', () => {
  for (const helm of ['helm3', 'helm4']) {
    test(`${helm}: release Secret created, updated without resourceVersion, deleted with protobuf DeleteOptions`, async () => {
      const created = await req('POST', '/api/v1/namespaces/default/secrets', fixture(`${helm}-release-secret-create.bin`), { 'Content-Type': PROTOBUF });
      assert.equal(created.status, 201, created.body);
      const name = json(created).metadata.name;
      const updated = await req('PUT', `/api/v1/namespaces/default/secrets/${name}`, fixture(`${helm}-release-secret-update.bin`), { 'Content-Type': PROTOBUF });
      assert.equal(updated.status, 200, updated.body);
      assert.equal(json(updated).metadata.labels.status, 'deployed');
      assert.ok(Number(json(updated).metadata.resourceVersion) > Number(json(created).metadata.resourceVersion));
      const deleted = await req('DELETE', `/api/v1/namespaces/default/secrets/${name}`, fixture(`${helm}-deleteoptions.bin`), { 'Content-Type': PROTOBUF });
      assert.equal(deleted.status, 200, deleted.body);
      assert.equal(json(deleted).status, 'Success');
      assert.equal((await req('GET', `/api/v1/namespaces/default/secrets/${name}`)).status, 404);
    });
  }

  test('deletecollection takes a protobuf DeleteOptions body too', async () => {
    await ensureNamespace('pbcol');
    for (const n of ['a', 'b']) {
      assert.equal((await req('POST', '/api/v1/namespaces/pbcol/configmaps', { metadata: { name: n, labels: { drop: 'yes' } } })).status, 201);
    }
    const r = await req('DELETE', '/api/v1/namespaces/pbcol/configmaps?labelSelector=drop%3Dyes', fixture('helm4-deleteoptions.bin'), { 'Content-Type': PROTOBUF });
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(json(r).items.map((i: { metadata: { name: string } }) => i.metadata.name).sort(), ['a', 'b']);
  });

  test('a protobuf body of another kind is not DeleteOptions (400)', async () => {
    await ensureNamespace('pbcol');
    await req('POST', '/api/v1/namespaces/pbcol/configmaps', { metadata: { name: 'keep' } });
    const r = await req('DELETE', '/api/v1/namespaces/pbcol/configmaps/keep', fixture('kubectl135-configmap-c1.bin'), { 'Content-Type': PROTOBUF });
    assert.equal(r.status, 400, r.body);
    assert.equal(json(r).message, 'decoded object cannot be converted to DeleteOptions');
  });

  test('PUT /scale with a protobuf Scale (client-go UpdateScale)', async () => {
    await ensureNamespace('pbscale');
    const dep = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } };
    assert.equal((await req('POST', '/apis/apps/v1/namespaces/pbscale/deployments', dep)).status, 201);
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 2).fork().uint32((1 << 3) | 2).string('web').uint32((3 << 3) | 2).string('pbscale').ldelim();
    w.uint32((2 << 3) | 2).fork().uint32((1 << 3) | 0).int32(4).ldelim();
    const env = protobuf.Writer.create();
    env.uint32((1 << 3) | 2).fork().uint32((1 << 3) | 2).string('autoscaling/v1').uint32((2 << 3) | 2).string('Scale').ldelim();
    env.uint32((2 << 3) | 2).bytes(w.finish());
    const r = await req('PUT', '/apis/apps/v1/namespaces/pbscale/deployments/web/scale', Buffer.concat([PROTOBUF_MAGIC, env.finish()]), { 'Content-Type': PROTOBUF });
    assert.equal(r.status, 200, r.body);
    assert.equal(json(r).spec.replicas, 4);
    assert.equal(json(await req('GET', '/apis/apps/v1/namespaces/pbscale/deployments/web')).spec.replicas, 4);
  });
});
