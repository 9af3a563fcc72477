// Protobuf bodies of the clients beyond kubectl 1.33, captured from the real binaries against Berth with
// tools/protobuf/capture-proxy.mjs (fixtures/README.md): Helm 3 and 4 write their release records as Secrets and
// delete them with protobuf DeleteOptions; client-go typed clients also send Scale and Eviction so (built here
// field by field from the upstream .proto numbers, independently of Berth's own encoder).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs/minimal.js';
import { builtinModel } from '../../../src/apimachinery/schema/index.js';
import { decodeKubernetesProtobuf, PROTOBUF_MAGIC } from '../../../src/apimachinery/protobuf/decode.js';
import { repoPath } from '../../repo-path.js';

const fixture = (name: string) => readFileSync(repoPath(`test/unit/protobuf/fixtures/${name}`));
const decode = (body: Uint8Array) => decodeKubernetesProtobuf(builtinModel(), body);

/** Helm's release record: base64 of gzip of the release JSON, stored as the Secret's `release` bytes. */
function helmRelease(secret: { data?: Record<string, string> }): { name: string; version: number; info: { status: string } } {
  const stored = Buffer.from(secret.data!.release!, 'base64').toString('utf8');
  return JSON.parse(gunzipSync(Buffer.from(stored, 'base64')).toString('utf8'));
}

for (const helm of ['helm3', 'helm4']) {
  test(`${helm}: the release Secret it creates (POST) and marks deployed (PUT without resourceVersion) decodes`, () => {
    const created = decode(fixture(`${helm}-release-secret-create.bin`));
    assert.equal(created.apiVersion, 'v1');
    assert.equal(created.kind, 'Secret');
    assert.equal(created.type, 'helm.sh/release.v1');
    const name = helm === 'helm3' ? 'r3' : 'r4';
    assert.equal(created.metadata.name, `sh.helm.release.v1.${name}.v1`);
    const { name: label, owner, status, version } = created.metadata.labels ?? {};
    assert.deepEqual({ label, owner, status, version }, { label: name, owner: 'helm', status: 'pending-install', version: '1' });
    assert.equal(helmRelease(created as never).info.status, 'pending-install');

    const updated = decode(fixture(`${helm}-release-secret-update.bin`));
    assert.equal(updated.metadata.resourceVersion, undefined, 'Helm updates its record unconditionally');
    assert.equal(updated.metadata.labels?.status, 'deployed');
    const release = helmRelease(updated as never);
    assert.equal(release.name, name);
    assert.equal(release.version, 1);
    assert.equal(release.info.status, 'deployed');
  });

  test(`${helm}: DeleteOptions of an uninstall (DELETE body) decodes`, () => {
    assert.deepEqual(decode(fixture(`${helm}-deleteoptions.bin`)), { apiVersion: 'v1', kind: 'DeleteOptions' });
  });
}

test('kubectl 1.35: create token sends a TokenRequest whose non-omitempty status.token is kept', () => {
  assert.deepEqual(decode(fixture('kubectl135-tokenrequest-default.bin')),
    { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: {}, spec: {}, status: { token: '' } });
});

/** `k8s\0` + runtime.Unknown{typeMeta{apiVersion, kind}, raw} as client-go's protobuf serializer writes it. */
function envelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 2).fork().uint32((1 << 3) | 2).string(apiVersion).uint32((2 << 3) | 2).string(kind).ldelim();
  w.uint32((2 << 3) | 2).bytes(raw);
  w.uint32((3 << 3) | 2).string('').uint32((4 << 3) | 2).string('');
  return Buffer.concat([PROTOBUF_MAGIC, w.finish()]);
}

/** ObjectMeta{name = 1, namespace = 3, resourceVersion = 6}. */
function objectMeta(name: string, namespace: string, resourceVersion = ''): Uint8Array {
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 2).string(name).uint32((3 << 3) | 2).string(namespace).uint32((6 << 3) | 2).string(resourceVersion);
  return w.finish();
}

test('client-go Evict: policy/v1 Eviction with embedded DeleteOptions (gracePeriodSeconds, preconditions.uid)', () => {
  const opts = protobuf.Writer.create();
  opts.uint32((1 << 3) | 0).int64(0); // gracePeriodSeconds = 0 (a pointer: present means set)
  opts.uint32((2 << 3) | 2).fork().uint32((1 << 3) | 2).string('uid-1').ldelim(); // preconditions{uid}
  const ev = protobuf.Writer.create();
  ev.uint32((1 << 3) | 2).bytes(objectMeta('web-1', 'ns1'));
  ev.uint32((2 << 3) | 2).bytes(opts.finish());
  assert.deepEqual(decode(envelope('policy/v1', 'Eviction', ev.finish())), {
    apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'web-1', namespace: 'ns1' },
    deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: 'uid-1' } },
  });
});

test('client-go UpdateScale: autoscaling/v1 Scale (replicas 0 is omitempty there, so spec is empty: the server reads 0)', () => {
  const scale = protobuf.Writer.create();
  scale.uint32((1 << 3) | 2).bytes(objectMeta('web', 'ns1', '42'));
  scale.uint32((2 << 3) | 2).fork().uint32((1 << 3) | 0).int32(0).ldelim(); // spec{replicas = 0}
  scale.uint32((3 << 3) | 2).fork().uint32((1 << 3) | 0).int32(3).uint32((2 << 3) | 2).string('app=web').ldelim();
  assert.deepEqual(decode(envelope('autoscaling/v1', 'Scale', scale.finish())), {
    apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web', namespace: 'ns1', resourceVersion: '42' },
    spec: {}, status: { replicas: 3, selector: 'app=web' },
  });
});
