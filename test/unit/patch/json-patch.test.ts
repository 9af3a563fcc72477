import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch, decodeJsonPatch } from '../../../src/apimachinery/patch/json-patch.js';
import { ApiError } from '../../../src/apimachinery/errors.js';
import { deepFreeze } from './fixture-model.js';

const doc = () => deepFreeze({
  metadata: { name: 'x', labels: { app: 'web' }, annotations: { 'example.com/a': '1', 'a~b': '2' } },
  spec: { replicas: 1, containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }] },
});

/** The detail upstream keeps out of the 422 message. */
function failsWith(ops: unknown, detail: string, original: unknown = doc()) {
  assert.throws(() => applyJsonPatch(original, ops), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 422);
    assert.equal(e.reason, 'Invalid');
    assert.equal(e.message, 'the server rejected our request due to an error in our request');
    assert.deepEqual(e.toStatus().details, {});
    assert.equal(((e as { cause?: Error }).cause)?.message, detail);
    return true;
  });
}

test('json patch: add, replace, remove on maps and arrays', () => {
  const out = applyJsonPatch(doc(), [
    { op: 'add', path: '/metadata/labels/tier', value: 'fe' },
    { op: 'replace', path: '/spec/replicas', value: 3 },
    { op: 'remove', path: '/metadata/labels/app' },
    { op: 'add', path: '/spec/containers/1', value: { name: 'mid' } },
    { op: 'add', path: '/spec/containers/-', value: { name: 'last' } },
    { op: 'remove', path: '/spec/containers/0' },
  ]) as any;
  assert.deepEqual(out.metadata.labels, { tier: 'fe' });
  assert.equal(out.spec.replicas, 3);
  assert.deepEqual(out.spec.containers.map((c: any) => c.name), ['mid', 'b', 'last']);
});

test('json patch: pointer escaping ~1 and ~0', () => {
  const out = applyJsonPatch(doc(), [
    { op: 'replace', path: '/metadata/annotations/example.com~1a', value: 'x' },
    { op: 'remove', path: '/metadata/annotations/a~0b' },
    { op: 'add', path: '/metadata/annotations/k8s.io~1x~0y', value: 'z' },
  ]) as any;
  assert.deepEqual(out.metadata.annotations, { 'example.com/a': 'x', 'k8s.io/x~y': 'z' });
});

test('json patch: move, copy, test', () => {
  const out = applyJsonPatch(doc(), [
    { op: 'test', path: '/spec/containers/0/image', value: 'a:1' },
    { op: 'copy', from: '/metadata/labels', path: '/spec/selector' },
    { op: 'move', from: '/spec/containers/1', path: '/spec/containers/0' },
    { op: 'test', path: '/spec/selector', value: { app: 'web' } },
  ]) as any;
  assert.deepEqual(out.spec.containers.map((c: any) => c.name), ['b', 'a']);
  assert.deepEqual(out.spec.selector, { app: 'web' });
  // The copy is independent of its source.
  const again = applyJsonPatch(out, [{ op: 'add', path: '/spec/selector/x', value: 'y' }]) as any;
  assert.deepEqual(again.metadata.labels, { app: 'web' });
});

test('json patch: negative indices count from the end (evanphx v4)', () => {
  const out = applyJsonPatch(doc(), [
    { op: 'replace', path: '/spec/containers/-1/image', value: 'b:2' },
    { op: 'remove', path: '/spec/containers/-2' },
  ]) as any;
  assert.deepEqual(out.spec.containers, [{ name: 'b', image: 'b:2' }]);
});

test('json patch: replace of a missing object key adds it; test of a missing key against null passes', () => {
  const out = applyJsonPatch(doc(), [
    { op: 'test', path: '/spec/paused', value: null },
    { op: 'replace', path: '/spec/paused', value: true },
  ]) as any;
  assert.equal(out.spec.paused, true);
});

test('json patch: replace of the root', () => {
  assert.deepEqual(applyJsonPatch(doc(), [{ op: 'replace', path: '', value: { a: 1 } }]), { a: 1 });
  assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: 5 }]), { a: 1 });
});

test('json patch: inputs are not modified and untouched subtrees are shared', () => {
  const original = doc();
  const out = applyJsonPatch(original, [{ op: 'add', path: '/spec/containers/0/image', value: 'a:2' }]) as any;
  assert.equal(out.metadata, original.metadata);
  assert.equal(out.spec.containers[1], original.spec.containers[1]);
  assert.equal(original.spec.containers[0].image, 'a:1');
});

test('json patch: failures are 422 with the library text as cause', () => {
  failsWith([{ op: 'test', path: '/spec/replicas', value: 2 }], 'testing value /spec/replicas failed: test failed');
  failsWith([{ op: 'remove', path: '/metadata/labels/nope' }], "error in remove for path: '/metadata/labels/nope': Unable to remove nonexistent key: nope: missing value");
  failsWith([{ op: 'add', path: '/nope/x', value: 1 }], 'add operation does not apply: doc is missing path: "/nope/x": missing value');
  failsWith([{ op: 'add', path: '/spec/containers/5', value: 1 }], "error in add for path: '/spec/containers/5': Unable to access invalid index: 5: invalid index referenced");
  failsWith([{ op: 'add', path: '/spec/containers/x', value: 1 }], `error in add for path: '/spec/containers/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax`);
  failsWith([{ op: 'replace', path: '/spec/containers/9', value: 1 }], 'replace operation does not apply: doc is missing key: /spec/containers/9: missing value');
  failsWith([{ op: 'replace', value: 1 }], 'replace operation failed to decode path: operation missing path field: missing value');
  failsWith([{ op: 'move', from: '/nope/a', path: '/b' }], 'move operation does not apply: doc is missing from path: /nope/a: missing value');
  failsWith([{ op: 'copy', from: '/spec', path: '/nope/x' }], 'copy operation does not apply: doc is missing destination path: /nope/x: missing value');
  failsWith([{ op: 'test', path: '/spec/x/y', value: 1 }], 'test operation does not apply: is missing path: /spec/x/y: missing value');
  failsWith([{ op: 'frobnicate', path: '/a' }], 'Unexpected kind: frobnicate');
  failsWith([{ path: '/a' }], 'Unexpected kind: unknown');
});

test('json patch: a failing op aborts the whole patch and leaves the original alone', () => {
  const original = doc();
  failsWith([{ op: 'replace', path: '/spec/replicas', value: 9 }, { op: 'test', path: '/spec/replicas', value: 1 }], 'testing value /spec/replicas failed: test failed', original);
  assert.equal(original.spec.replicas, 1);
});

test('json patch: malformed documents are 400, too many ops 413', () => {
  const badRequest = (v: unknown, message: string) => assert.throws(() => decodeJsonPatch(v), (e: unknown) =>
    e instanceof ApiError && e.code === 400 && e.reason === 'BadRequest' && e.message === message);
  badRequest({ op: 'add' }, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  badRequest(['add'], 'json: cannot unmarshal string into Go value of type jsonpatch.Operation');
  assert.deepEqual(decodeJsonPatch(null), []);
  const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/a', value: 1 }));
  assert.throws(() => decodeJsonPatch(ops), (e: unknown) => e instanceof ApiError && e.code === 413 &&
    e.message === 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001');
});
