import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import protobuf from 'protobufjs/minimal.js';
import { builtinModel, buildModel } from '../../../src/apimachinery/schema/index.js';
import { gvkKey, type StructDef } from '../../../src/apimachinery/schema/types.js';
import { parseApiVersion } from '../../../src/apimachinery/types.js';
import { ApiError } from '../../../src/apimachinery/errors.js';
import { decodeKubernetesProtobuf, PROTOBUF_MAGIC } from '../../../src/apimachinery/protobuf/decode.js';
import { formatGoDuration } from '../../../src/apimachinery/protobuf/go-duration.js';
import { repoPath } from '../../repo-path.js';
import { pathToFileURL } from 'node:url';

const FIXTURES = pathToFileURL(repoPath('test/unit/protobuf/fixtures') + '/');
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES));

/** kubectl's JSON prints a zero metav1.Time as null; the decoder leaves such fields out. */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, withoutNulls(x)]));
  return v;
}

// Each .bin with a .json next to it is the body real kubectl (1.33, 1.35) POSTed for a `kubectl create ...` command
// (see fixtures/README.md);
// the .json next to it is what the same command prints with `--dry-run=client -o json`.
for (const bin of readdirSync(FIXTURES).filter((f) => f.endsWith('.bin') && readdirSync(FIXTURES).includes(f.replace(/\.bin$/, '.json')))) {
  test(`kubectl's protobuf body decodes to its JSON form: ${bin}`, (t) => {
    const want = withoutNulls(JSON.parse(fixture(bin.replace(/\.bin$/, '.json')).toString('utf8'))) as { apiVersion: string; kind: string };
    const { group, version } = parseApiVersion(want.apiVersion);
    if (!builtinModel().kinds.has(gvkKey(group, version, want.kind))) {
      t.todo(`the type model has no ${want.kind} yet`);
      return;
    }
    const got = decodeKubernetesProtobuf(builtinModel(), fixture(bin));
    assert.deepEqual(got, want);
  });
}

test('kubectl create namespace foo', () => {
  const ns = decodeKubernetesProtobuf(builtinModel(), fixture('namespace-foo.bin'));
  // Go writes empty generateName/namespace/uid/... and a zero creationTimestamp; JSON omits them all.
  assert.deepEqual(ns, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'foo' }, spec: {}, status: {} });
});

test('pointer fields keep their zero values (replicas: 0), omitempty fields drop them', () => {
  const d = decodeKubernetesProtobuf(builtinModel(), fixture('deployment-web0.bin'));
  const spec = d.spec as Record<string, any>;
  assert.equal(spec.replicas, 0);
  assert.equal('minReadySeconds' in spec, false);
  assert.equal('paused' in spec, false);
  assert.deepEqual(spec.template.spec.containers, [{ name: 'nginx', image: 'nginx', resources: {} }]);
});

test('secret data stays base64 and empty values are kept as map entries', () => {
  const s = decodeKubernetesProtobuf(builtinModel(), fixture('secret-s1.bin'));
  assert.deepEqual(s.data, { password: Buffer.from('s3cret').toString('base64'), empty: '' });
});

test('inlined structs (IngressRule.IngressRuleValue is field 2) land in the parent object', () => {
  const ing = decodeKubernetesProtobuf(builtinModel(), fixture('ingress-ing1.bin'));
  const rule = (ing.spec as any).rules[0];
  assert.equal(rule.host, 'foo.com');
  assert.equal(rule.http.paths[0].path, '/bar');
  assert.deepEqual(rule.http.paths[0].backend, { service: { name: 'svc1', port: { number: 80 } } });
});

test('repeated strings keep empty elements (apiGroups [""])', () => {
  const role = decodeKubernetesProtobuf(builtinModel(), fixture('role-r1.bin'));
  assert.deepEqual((role as any).rules, [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }]);
});

// ---- a hand-made kind covering every special wire shape ----------------------------------------------------------

const gadget: StructDef = {
  name: 'test.Gadget',
  gvk: [{ group: 'test.berth.dev', version: 'v1', kind: 'Gadget' }],
  fields: [
    { name: 'metadata', type: { kind: 'ref', name: 'test.Meta' }, proto: 1 },
    { name: 'count', type: { kind: 'integer', format: 'int64' }, proto: 2 },
    { name: 'ports', type: { kind: 'array', items: { kind: 'integer', format: 'int32' } }, proto: 3 },
    { name: 'created', type: { kind: 'time' }, proto: 4 },
    { name: 'renewed', type: { kind: 'microTime' }, proto: 5 },
    { name: 'timeout', type: { kind: 'duration' }, proto: 6 },
    { name: 'target', type: { kind: 'intOrString' }, proto: 7 },
    { name: 'memory', type: { kind: 'quantity' }, proto: 8 },
    { name: 'limits', type: { kind: 'map', values: { kind: 'quantity' } }, proto: 9 },
    { name: 'payload', type: { kind: 'rawExtension' }, proto: 10 },
    { name: 'fields', type: { kind: 'fieldsV1' }, proto: 11 },
    { name: 'ratio', type: { kind: 'number', format: 'double' }, proto: 12 },
    { name: 'enabled', type: { kind: 'boolean' }, proto: 13, optional: true },
    { name: 'note', type: { kind: 'string' }, proto: 14 },
    { name: 'blob', type: { kind: 'bytes' }, proto: 15 },
    { name: 'flags', type: { kind: 'array', items: { kind: 'boolean' } }, proto: 16 },
    { name: 'extra', type: { kind: 'map', values: { kind: 'array', items: { kind: 'string' } } }, proto: 17 },
  ],
};
const meta: StructDef = {
  name: 'test.Meta',
  fields: [
    { name: 'name', type: { kind: 'string' }, proto: 1 },
    { name: 'labels', type: { kind: 'map', values: { kind: 'string' } }, proto: 2 },
  ],
};
const model = buildModel([gadget, meta]);

type W = protobuf.Writer;
const message = (build: (w: W) => void): Uint8Array => {
  const w = protobuf.Writer.create();
  build(w);
  return w.finish();
};
const tag = (num: number, wt: number) => (num << 3) | wt;

function envelope(raw: Uint8Array, apiVersion = 'test.berth.dev/v1', kind = 'Gadget', extra?: (w: W) => void): Uint8Array {
  const unknown = message((w) => {
    w.uint32(tag(1, 2)).bytes(message((t) => t.uint32(tag(1, 2)).string(apiVersion).uint32(tag(2, 2)).string(kind)));
    w.uint32(tag(2, 2)).bytes(raw);
    extra?.(w);
  });
  return Uint8Array.from([...PROTOBUF_MAGIC, ...unknown]);
}

function assertBadRequest(fn: () => unknown, pattern: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ApiError, `expected ApiError, got ${String(e)}`);
    assert.equal(e.code, 400);
    assert.equal(e.reason, 'BadRequest');
    assert.match(e.message, pattern);
    return true;
  });
}

test('special wire shapes: int64, packed and unpacked repeats, times, duration, intOrString, quantities, JSON', () => {
  const raw = message((w) => {
    w.uint32(tag(1, 2)).bytes(message((m) => {
      m.uint32(tag(1, 2)).string('g1');
      m.uint32(tag(2, 2)).bytes(message((e) => e.uint32(tag(1, 2)).string('app').uint32(tag(2, 2)).string('web')));
      m.uint32(tag(2, 2)).bytes(message((e) => e.uint32(tag(1, 2)).string('tier'))); // value omitted → ""
    }));
    w.uint32(tag(2, 0)).int64(2 ** 40 + 7);
    w.uint32(tag(3, 2)).fork().int32(80).int32(443).ldelim(); // packed
    w.uint32(tag(3, 0)).int32(0); // unpacked, zero kept inside a list
    w.uint32(tag(4, 2)).bytes(message((t) => t.uint32(tag(1, 0)).int64(1704164645).uint32(tag(2, 0)).int32(999)));
    w.uint32(tag(5, 2)).bytes(message((t) => t.uint32(tag(1, 0)).int64(1704164645).uint32(tag(2, 0)).int32(123456789)));
    w.uint32(tag(6, 2)).bytes(message((t) => t.uint32(tag(1, 0)).int64(3600 * 1e9)));
    w.uint32(tag(7, 2)).bytes(message((t) => t.uint32(tag(1, 0)).int64(1).uint32(tag(3, 2)).string('http')));
    w.uint32(tag(8, 2)).bytes(message((t) => t.uint32(tag(1, 2)).string('1Gi')));
    w.uint32(tag(9, 2)).bytes(message((e) => e.uint32(tag(1, 2)).string('cpu').uint32(tag(2, 2)).bytes(message((q) => q.uint32(tag(1, 2)).string('500m')))));
    w.uint32(tag(10, 2)).bytes(message((t) => t.uint32(tag(1, 2)).bytes(Buffer.from('{"a":[1,2]}'))));
    w.uint32(tag(11, 2)).bytes(message((t) => t.uint32(tag(1, 2)).bytes(Buffer.from('{"f:metadata":{}}'))));
    w.uint32(tag(12, 1)).double(0.25);
    w.uint32(tag(13, 0)).bool(false); // pointer field: false is a value
    w.uint32(tag(14, 2)).string(''); // non-pointer omitempty string: dropped
    w.uint32(tag(15, 2)).bytes(Uint8Array.of(1, 2, 3));
    w.uint32(tag(16, 2)).fork().bool(true).bool(false).ldelim();
    const extraValue = (items: string[]) => message((v) => items.forEach((i) => v.uint32(tag(1, 2)).string(i)));
    w.uint32(tag(17, 2)).bytes(message((e) => e.uint32(tag(1, 2)).string('scopes').uint32(tag(2, 2)).bytes(extraValue(['a', 'b']))));
    w.uint32(tag(17, 2)).bytes(message((e) => e.uint32(tag(1, 2)).string('none').uint32(tag(2, 2)).bytes(extraValue([]))));
    w.uint32(tag(99, 2)).string('from a newer version'); // unknown field: skipped
    w.uint32(tag(98, 0)).uint64(5);
  });
  const got = decodeKubernetesProtobuf(model, envelope(raw));
  assert.deepEqual(got, {
    apiVersion: 'test.berth.dev/v1',
    kind: 'Gadget',
    metadata: { name: 'g1', labels: { app: 'web', tier: '' } },
    count: 2 ** 40 + 7,
    ports: [80, 443, 0],
    created: '2024-01-02T03:04:05Z',
    renewed: '2024-01-02T03:04:05.123456Z',
    timeout: '1h0m0s',
    target: 'http',
    memory: '1Gi',
    limits: { cpu: '500m' },
    payload: { a: [1, 2] },
    fields: { 'f:metadata': {} },
    ratio: 0.25,
    enabled: false,
    blob: 'AQID',
    flags: [true, false],
    extra: { scopes: ['a', 'b'], none: [] },
  });
});

test('zero values: empty time message is unset, int intOrString, negative int64', () => {
  const raw = message((w) => {
    w.uint32(tag(2, 0)).int64(-5);
    w.uint32(tag(4, 2)).bytes(new Uint8Array());
    w.uint32(tag(7, 2)).bytes(message((t) => t.uint32(tag(1, 0)).int64(0).uint32(tag(2, 0)).int32(8080)));
  });
  const got = decodeKubernetesProtobuf(model, envelope(raw));
  assert.deepEqual(got, { apiVersion: 'test.berth.dev/v1', kind: 'Gadget', metadata: {}, count: -5, target: 8080 });
});

test('a RawExtension may nest another protobuf object', () => {
  const inner = envelope(message((w) => w.uint32(tag(1, 2)).bytes(message((m) => m.uint32(tag(1, 2)).string('inner')))));
  const raw = message((w) => w.uint32(tag(10, 2)).bytes(message((t) => t.uint32(tag(1, 2)).bytes(inner))));
  const got = decodeKubernetesProtobuf(model, envelope(raw));
  assert.deepEqual(got.payload, { apiVersion: 'test.berth.dev/v1', kind: 'Gadget', metadata: { name: 'inner' } });
});

test('malformed bodies are 400 BadRequest, never crashes', () => {
  assertBadRequest(() => decodeKubernetesProtobuf(model, new Uint8Array()), /^empty data$/);
  assertBadRequest(() => decodeKubernetesProtobuf(model, Buffer.from('{"kind":"Gadget"}')), /does not appear to be a protobuf message, expected prefix \[107 56 115 0\]/);
  assertBadRequest(() => decodeKubernetesProtobuf(model, envelope(new Uint8Array(), 'v1', 'Nope')), /no kind "Nope" is registered for version "v1"/);
  assertBadRequest(() => decodeKubernetesProtobuf(model, envelope(new Uint8Array(), 'test.berth.dev/v1', '')), /Kind/);
  assertBadRequest(() => decodeKubernetesProtobuf(model, envelope(new Uint8Array(), undefined, undefined, (w) => w.uint32(tag(3, 2)).string('gzip'))), /content encoding "gzip"/);
  // wrong wire type: `count` sent as a string
  assertBadRequest(() => decodeKubernetesProtobuf(model, envelope(message((w) => w.uint32(tag(2, 2)).string('x')))), /wrong wireType = 2 for field count/);
  // invalid embedded JSON
  const badJson = message((w) => w.uint32(tag(10, 2)).bytes(message((t) => t.uint32(tag(1, 2)).bytes(Buffer.from('{nope')))));
  assertBadRequest(() => decodeKubernetesProtobuf(model, envelope(badJson)), /embedded JSON is invalid/);
  // truncated bodies at every length
  const full = fixture('deployment-web.bin');
  for (let n = PROTOBUF_MAGIC.length; n < full.length; n++) {
    try {
      decodeKubernetesProtobuf(builtinModel(), full.subarray(0, n));
    } catch (e) {
      assert.ok(e instanceof ApiError && e.code === 400, `length ${n}: ${String(e)}`);
    }
  }
  // garbage after the magic
  for (let seed = 1; seed < 200; seed++) {
    const junk = Uint8Array.from({ length: 40 }, (_, i) => (seed * 131 + i * 17 + ((seed * i) ^ 0x5a)) & 0xff);
    try {
      decodeKubernetesProtobuf(builtinModel(), Uint8Array.from([...PROTOBUF_MAGIC, ...junk]));
    } catch (e) {
      assert.ok(e instanceof ApiError && e.code === 400, `seed ${seed}: ${String(e)}`);
    }
  }
});

test('Go duration strings', () => {
  const s = 1_000_000_000n;
  assert.equal(formatGoDuration(0n), '0s');
  assert.equal(formatGoDuration(3600n * s), '1h0m0s');
  assert.equal(formatGoDuration(90n * s), '1m30s');
  assert.equal(formatGoDuration(1_500_000_000n), '1.5s');
  assert.equal(formatGoDuration(500_000_000n), '500ms');
  assert.equal(formatGoDuration(1_500n), '1.5µs');
  assert.equal(formatGoDuration(7n), '7ns');
  assert.equal(formatGoDuration(-(2n * 3600n + 3n) * s), '-2h0m3s');
  assert.equal(formatGoDuration(26n * 3600n * s + 1n), '26h0m0.000000001s');
});
