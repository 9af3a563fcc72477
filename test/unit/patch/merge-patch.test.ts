import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMergePatch } from '../../../src/apimachinery/patch/merge-patch.js';
import { ApiError } from '../../../src/apimachinery/errors.js';
import { deepFreeze } from './fixture-model.js';

test('merge patch: RFC 7386 examples', () => {
  // From the RFC's appendix, as behaviour.
  const cases: [unknown, unknown, unknown][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [doc, patch, expected] of cases) {
    assert.deepStrictEqual(applyMergePatch(deepFreeze(doc), deepFreeze(patch)), expected, JSON.stringify({ doc, patch }));
  }
});

test('merge patch: kubectl patch --type merge on a custom resource', () => {
  const cr = deepFreeze({ apiVersion: 'x/v1', kind: 'W', metadata: { name: 'w', labels: { a: '1' } }, spec: { size: 1, items: [1, 2], nested: { keep: true } } });
  const out = applyMergePatch(cr, { metadata: { labels: { a: null, b: '2' } }, spec: { size: 3, items: [3], nested: { add: { x: null, y: 1 } } } }) as any;
  assert.deepStrictEqual(out, { apiVersion: 'x/v1', kind: 'W', metadata: { name: 'w', labels: { b: '2' } }, spec: { size: 3, items: [3], nested: { keep: true, add: { y: 1 } } } });
  assert.equal(cr.spec.size, 1);
});

test('merge patch: a null value in the document is replaced with a pruned object', () => {
  assert.deepStrictEqual(applyMergePatch({ a: null }, { a: { b: null, c: 1 } }), { a: { c: 1 } });
});

test('merge patch: non-object patches', () => {
  for (const p of [null, 'x', 5, true]) {
    assert.throws(() => applyMergePatch({ a: 1 }, p), (e: unknown) => e instanceof ApiError && e.code === 400 && e.message === 'Invalid JSON Patch');
  }
  // An array patch becomes the document (the handler then fails to decode it into the kind).
  assert.deepStrictEqual(applyMergePatch({ a: 1 }, [{ a: null, b: 1 }, null]), [{ b: 1 }, null]);
});
