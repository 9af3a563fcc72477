import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet, fieldElement, keyElement, valueElement, indexElement, pathString, toFieldSet, compare, jsonSchemaType } from '../../../src/apimachinery/managedfields/index.js';
import { deploymentType } from './fixture.js';

const f = fieldElement;

test('FieldsV1 round-trips with upstream key order and "." entries', () => {
  const raw = {
    'f:metadata': { 'f:finalizers': { 'v:"a"': {}, 'v:"b"': {} }, 'f:labels': { '.': {}, 'f:app': {} } },
    'f:spec': {
      'f:list': { 'i:2': {}, 'i:10': {} },
      'f:ports': {
        '.': {},
        'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
        'k:{"containerPort":443,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
      },
    },
  };
  const set = FieldSet.fromFieldsV1(raw);
  assert.equal(JSON.stringify(set.toFieldsV1()), JSON.stringify(raw));
  assert.ok(set.has([f('metadata'), f('labels')]));
  assert.ok(set.has([f('metadata'), f('labels'), f('app')]));
  assert.ok(!set.has([f('metadata')]));
  assert.ok(set.has([f('spec'), f('ports'), keyElement([['protocol', 'TCP'], ['containerPort', 443]])]));

  // Keys are written sorted whatever order they were parsed in; unknown prefixes are skipped.
  const reordered = FieldSet.fromFieldsV1({ 'k:{"protocol":"TCP","containerPort":80}': {}, 'x:whatever': {} });
  assert.deepEqual(reordered.toFieldsV1(), { 'k:{"containerPort":80,"protocol":"TCP"}': {} });
});

test('field names sort before keys, values and indexes; numbers sort numerically', () => {
  const set = FieldSet.of([indexElement(10)], [valueElement('x')], [indexElement(2)], [keyElement([['n', 1]])], [f('z')], [valueElement(3)], [f('a')]);
  assert.deepEqual(Object.keys(set.toFieldsV1()), ['f:a', 'f:z', 'k:{"n":1}', 'v:3', 'v:"x"', 'i:2', 'i:10']);
});

test('set algebra and path strings', () => {
  const a = FieldSet.of([f('spec'), f('replicas')], [f('spec'), f('template'), f('image')], [f('metadata')]);
  const b = FieldSet.of([f('spec'), f('replicas')], [f('status')]);
  assert.deepEqual(a.intersection(b).paths().map(pathString), ['.spec.replicas']);
  assert.deepEqual(a.difference(b).paths().map(pathString), ['.metadata', '.spec.template.image']);
  assert.deepEqual(a.union(b).paths().map(pathString), ['.metadata', '.status', '.spec.replicas', '.spec.template.image']);
  // A member removes everything beneath it only in a recursive difference.
  const spec = FieldSet.of([f('spec')]);
  assert.equal(a.difference(spec).paths().length, 3);
  assert.deepEqual(a.recursiveDifference(spec).paths().map(pathString), ['.metadata']);
  assert.equal(pathString([f('spec'), keyElement([['name', 'nginx']]), f('image')]), '.spec[name="nginx"].image');
  assert.equal(pathString([f('finalizers'), valueElement('a')]), '.finalizers[="a"]');
  assert.equal(pathString([f('ports'), keyElement([['protocol', 'TCP'], ['containerPort', 80]])]), '.ports[containerPort=80,protocol="TCP"]');
});

test('toFieldSet follows the list and map types of the schema', () => {
  const obj = {
    metadata: { name: 'x', labels: { a: '1' }, finalizers: ['f1'], annotations: {} },
    spec: {
      selector: { matchLabels: { a: '1' } },
      template: { spec: { containers: [{ name: 'c', args: ['--x'], ports: [{ containerPort: 53, protocol: 'UDP' }] }] } },
    },
  };
  const set = toFieldSet(obj, deploymentType);
  assert.deepEqual(set.toFieldsV1(), {
    'f:metadata': { 'f:annotations': {}, 'f:finalizers': { 'v:"f1"': {} }, 'f:labels': { 'f:a': {} }, 'f:name': {} },
    'f:spec': {
      'f:selector': {},
      'f:template': {
        'f:spec': {
          'f:containers': {
            'k:{"name":"c"}': { '.': {}, 'f:args': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":53,"protocol":"UDP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } } },
          },
        },
      },
    },
  });
});

test('compare reports added, modified and removed fields', () => {
  const before = { spec: { replicas: 1, template: { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } } } };
  const after = { spec: { replicas: 2, template: { spec: { containers: [{ name: 'a', image: 'x', args: ['1'] }] } } } };
  const c = compare(before, after, deploymentType);
  assert.deepEqual(c.modified.paths().map(pathString), ['.spec.replicas']);
  assert.deepEqual(c.added.paths().map(pathString), ['.spec.template.spec.containers[name="a"].args']);
  assert.deepEqual(c.removed.paths().map(pathString), [
    '.spec.template.spec.containers[name="b"]',
    '.spec.template.spec.containers[name="b"].image',
    '.spec.template.spec.containers[name="b"].name',
  ]);
});

test('a CRD openAPIV3Schema plugs in: list-maps, sets, atomic maps and free-form fields', () => {
  const schema = jsonSchemaType({
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          items: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['id'], items: { type: 'object', properties: { id: { type: 'string' }, v: { type: 'integer' } } } },
          tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
          plain: { type: 'array', items: { type: 'string' } },
          sel: { type: 'object', 'x-kubernetes-map-type': 'atomic', additionalProperties: { type: 'string' } },
          free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        },
      },
    },
  });
  const set = toFieldSet({ spec: { items: [{ id: 'a', v: 1 }], tags: ['t'], plain: ['p'], sel: { k: 'v' }, free: { deep: { x: 1 } } } }, schema);
  assert.deepEqual(set.toFieldsV1(), {
    'f:spec': {
      'f:free': { 'f:deep': { '.': {}, 'f:x': {} } },
      'f:items': { 'k:{"id":"a"}': { '.': {}, 'f:id': {}, 'f:v': {} } },
      'f:plain': {},
      'f:sel': {},
      'f:tags': { 'v:"t"': {} },
    },
  });
});

test('FieldsV1 that is not in canonical form is written back normalized; canonical input comes back as it was', () => {
  const canonical = { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': {} }, 'f:replicas': {} } };
  assert.equal(JSON.stringify(FieldSet.fromFieldsV1(structuredClone(canonical)).toFieldsV1()), JSON.stringify(canonical));
  const cases: [unknown, unknown][] = [
    // keys out of order
    [{ 'f:spec': {}, 'f:metadata': {} }, { 'f:metadata': {}, 'f:spec': {} }],
    // a "." entry that is not first, or stands alone, or carries something
    [{ 'f:labels': { 'f:app': {}, '.': {} } }, { 'f:labels': { '.': {}, 'f:app': {} } }],
    [{ 'f:labels': { '.': {} } }, { 'f:labels': {} }],
    [{ 'f:labels': { '.': { 'f:x': {} }, 'f:app': {} } }, { 'f:labels': { '.': {}, 'f:app': {} } }],
    // a key spelled differently from its id, and an unknown prefix
    [{ 'k:{"protocol":"TCP","port":80}': {} }, { 'k:{"port":80,"protocol":"TCP"}': {} }],
    [{ 'f:a': {}, 'x:b': {} }, { 'f:a': {} }],
  ];
  for (const [input, want] of cases) {
    assert.equal(JSON.stringify(FieldSet.fromFieldsV1(input).toFieldsV1()), JSON.stringify(want), JSON.stringify(input));
  }
  // A set derived by an operation is encoded afresh.
  const read = FieldSet.fromFieldsV1(structuredClone(canonical));
  const fewer = read.difference(FieldSet.fromFieldsV1({ 'f:spec': { 'f:replicas': {} } }));
  assert.equal(JSON.stringify(fewer.toFieldsV1()), JSON.stringify({ 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': {} } } }));
});
