import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch } from '../../../src/apimachinery/patch/index.js';
import { ApiError } from '../../../src/apimachinery/errors.js';
import { fixtureModel } from './fixture-model.js';

const model = fixtureModel();
const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: '1' } }, spec: { containers: [{ name: 'c', image: 'i:1', ports: [{ containerPort: 80 }] }] } };

function apiError(fn: () => unknown, code: number, reason: string, message: string) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, code);
    assert.equal(e.reason, reason);
    assert.equal(e.message, message);
    return true;
  });
}

test('applyPatch: the three kinds from raw bodies', () => {
  const smp = applyPatch('strategic', model, 'Pod', pod, '{"spec":{"containers":[{"name":"c","image":"i:2"}]}}') as any;
  assert.deepEqual(smp.spec.containers, [{ name: 'c', image: 'i:2', ports: [{ containerPort: 80 }] }]);

  const merge = applyPatch('merge', undefined, undefined, pod, Buffer.from('{"spec":{"containers":[{"name":"c","image":"i:2"}]}}')) as any;
  assert.deepEqual(merge.spec.containers, [{ name: 'c', image: 'i:2' }]);

  const json = applyPatch('json', undefined, undefined, pod, new TextEncoder().encode('[{"op":"replace","path":"/metadata/labels/a","value":"2"}]')) as any;
  assert.deepEqual(json.metadata.labels, { a: '2' });
});

test('applyPatch: strategic merge patch without a struct (custom resources) is 415', () => {
  apiError(() => applyPatch('strategic', model, undefined, pod, '{}'), 415, 'UnsupportedMediaType',
    'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
});

test('applyPatch: undecodable bodies are 400 with Go encoding/json wording', () => {
  apiError(() => applyPatch('strategic', model, 'Pod', pod, '{bad'), 400, 'BadRequest', "invalid character 'b' looking for beginning of object key string");
  apiError(() => applyPatch('strategic', model, 'Pod', pod, '{"a":'), 400, 'BadRequest', 'unexpected end of JSON input');
  apiError(() => applyPatch('strategic', model, 'Pod', pod, '{"a":1}}'), 400, 'BadRequest', "invalid character '}' after top-level value");
  apiError(() => applyPatch('strategic', model, 'Pod', pod, '{"a" 1}'), 400, 'BadRequest', "invalid character '1' after object key");
  apiError(() => applyPatch('strategic', model, 'Pod', pod, '[1 2]'), 400, 'BadRequest', "invalid character '2' after array element");
  apiError(() => applyPatch('strategic', model, 'Pod', pod, '{"a":tru}'), 400, 'BadRequest', "invalid character '}' in literal true (expecting 'e')");
  apiError(() => applyPatch('json', undefined, undefined, pod, 'x'), 400, 'BadRequest', "invalid character 'x' looking for beginning of value");
  apiError(() => applyPatch('merge', undefined, undefined, pod, '{'), 400, 'BadRequest', 'Invalid JSON Patch');
  apiError(() => applyPatch('merge', undefined, undefined, pod, '{', { fieldValidation: 'Strict' }), 400, 'BadRequest', 'error decoding patch: unexpected end of JSON input');
});

test('applyPatch: same body applied twice (update retry) gives the same result', () => {
  const body = '{"spec":{"$setElementOrder/containers":[{"name":"d"},{"name":"c"}],"containers":[{"name":"d","image":"d"}]}}';
  const a = applyPatch('strategic', model, 'Pod', pod, body);
  const b = applyPatch('strategic', model, 'Pod', pod, body);
  assert.deepEqual(a, b);
  assert.deepEqual((a as any).spec.containers.map((c: any) => c.name), ['d', 'c']);
});
