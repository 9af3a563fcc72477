// Defaulting, pruning and unknown-field reporting (fieldValidation=Strict) of custom resources.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultCustomResource, findUnknownFieldsCR, pruneCustomResource } from '../../../src/apiextensions/schema/index.js';
import { compileOk, crRoot } from './helpers.js';

test('defaults fill missing fields, nested defaults apply inside defaulted objects, list items default too', () => {
  const c = compileOk(crRoot({
    replicas: { type: 'integer', default: 1 },
    strategy: { type: 'object', default: {}, properties: { type: { type: 'string', default: 'Rolling' } } },
    ports: { type: 'array', items: { type: 'object', properties: { protocol: { type: 'string', default: 'TCP' }, port: { type: 'integer' } } } },
    keep: { type: 'string', default: 'd' },
  }));
  const obj = { spec: { ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }], keep: 'mine' } };
  defaultCustomResource(c, obj);
  assert.deepEqual(obj.spec, {
    ports: [{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }],
    keep: 'mine',
    replicas: 1,
    strategy: { type: 'Rolling' },
  });
});

test('null in a non-nullable field is defaulted, or dropped when there is no default', () => {
  const c = compileOk(crRoot({ a: { type: 'string', default: 'x' }, b: { type: 'string' }, n: { type: 'string', nullable: true } }));
  const obj = { spec: { a: null, b: null, n: null } };
  defaultCustomResource(c, obj);
  assert.deepEqual(obj.spec, { a: 'x', n: null });
});

test('defaults are copies, not shared references', () => {
  const c = compileOk(crRoot({ tags: { type: 'array', items: { type: 'string' }, default: ['a'] } }));
  const o1: { spec: { tags?: string[] } } = { spec: {} };
  const o2: { spec: { tags?: string[] } } = { spec: {} };
  defaultCustomResource(c, o1);
  defaultCustomResource(c, o2);
  o1.spec.tags!.push('b');
  assert.deepEqual(o2.spec.tags, ['a']);
});

test('pruning drops undeclared fields, keeps apiVersion/kind/metadata and reports sorted paths', () => {
  const c = compileOk(crRoot({ a: { type: 'string' }, items: { type: 'array', items: { type: 'object', properties: { x: { type: 'integer' } } } } }));
  const obj = {
    apiVersion: 'x/v1', kind: 'X', metadata: { name: 'n', bogus: 1 },
    spec: { a: 'ok', b: 2, items: [{ x: 1, y: 2 }] }, status: { s: 1 },
  };
  assert.deepEqual(findUnknownFieldsCR(c, obj), ['metadata.bogus', 'spec.b', 'spec.items[0].y', 'status']);
  assert.equal((obj.spec as Record<string, unknown>).b, 2, 'finding unknown fields does not modify');
  assert.deepEqual(pruneCustomResource(c, obj), ['metadata.bogus', 'spec.b', 'spec.items[0].y', 'status']);
  assert.deepEqual(obj, { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'n' }, spec: { a: 'ok', items: [{ x: 1 }] } });
});

test('x-kubernetes-preserve-unknown-fields keeps unknown fields but still prunes declared subtrees', () => {
  const c = compileOk(crRoot({ known: { type: 'object', properties: { k: { type: 'string' } } } }, { 'x-kubernetes-preserve-unknown-fields': true }));
  const obj = { spec: { free: { any: 'thing' }, known: { k: 'v', extra: 1 } } };
  assert.deepEqual(pruneCustomResource(c, obj), ['spec.known.extra']);
  assert.deepEqual(obj.spec, { free: { any: 'thing' }, known: { k: 'v' } });
});

test('additionalProperties schemas prune inside map values; embedded resources keep type meta and coerce metadata', () => {
  const c = compileOk(crRoot({
    labels: { type: 'object', additionalProperties: { type: 'object', properties: { v: { type: 'string' } } } },
    template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
  }));
  const obj = {
    spec: {
      labels: { a: { v: 'x', w: 'y' } },
      template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', junk: true }, spec: { containers: [] }, other: 1 },
    },
  };
  assert.deepEqual(pruneCustomResource(c, obj), ['spec.labels.a.w', 'spec.template.metadata.junk', 'spec.template.other']);
  assert.deepEqual(obj.spec.template, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [] } });
});
