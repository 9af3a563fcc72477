// Value validation of custom resources: a table of schemas and objects with the exact error texts upstream
// (kube-openapi + apiextensions-apiserver v1.33) returns, starting with seed 000's users.auth.democrd.io CRD.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateCustomResource, type JSONSchemaProps } from '../../../src/apiextensions/schema/index.js';
import { compileOk, crRoot, texts } from './helpers.js';

const userSchema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        userID: { type: 'integer', minimum: 1, maximum: 65535 },
        groups: { type: 'array', items: { type: 'string' } },
        email: { type: 'string' },
        password: { type: 'string', format: 'password' },
      },
      required: ['userID', 'groups'],
    },
  },
};
const user = (spec: Record<string, unknown>) => ({ apiVersion: 'auth.democrd.io/v1alpha1', kind: 'User', metadata: { name: 'u1', namespace: 'default' }, spec });

test('seed 000 users.auth.democrd.io: valid object passes', () => {
  const c = compileOk(userSchema);
  assert.deepEqual(texts(validateCustomResource(c, user({ userID: 1000, groups: ['admin'], email: 'a@b.c', password: 'x' }))), []);
});

test('seed 000: userID above maximum, missing userID, wrong types', () => {
  const c = compileOk(userSchema);
  assert.deepEqual(texts(validateCustomResource(c, user({ userID: 70000, groups: [] }))), [
    'spec.userID: Invalid value: 70000: spec.userID in body should be less than or equal to 65535',
  ]);
  assert.deepEqual(texts(validateCustomResource(c, user({ groups: ['a'] }))), ['spec.userID: Required value']);
  assert.deepEqual(texts(validateCustomResource(c, user({ userID: 5 }))), ['spec.groups: Required value']);
  assert.deepEqual(texts(validateCustomResource(c, user({ userID: 0, groups: [] }))), [
    'spec.userID: Invalid value: 0: spec.userID in body should be greater than or equal to 1',
  ]);
  assert.deepEqual(texts(validateCustomResource(c, user({ userID: 'string', groups: ['a', 7] }))), [
    'spec.userID: Invalid value: "string": spec.userID in body must be of type integer: "string"',
    'spec.groups[1]: Invalid value: "integer": spec.groups[1] in body must be of type string: "integer"',
  ]);
  assert.deepEqual(texts(validateCustomResource(c, user({ userID: 1.5, groups: [] }))), [
    'spec.userID: Invalid value: "number": spec.userID in body must be of type integer: "number"',
  ]);
});

interface Case { name: string; props: Record<string, JSONSchemaProps>; spec: Record<string, unknown>; want: string[] }

const cases: Case[] = [
  { name: 'enum', props: { mode: { type: 'string', enum: ['a', 'b'] } }, spec: { mode: 'x' }, want: ['spec.mode: Unsupported value: "x": supported values: "a", "b"'] },
  { name: 'non-string enum', props: { n: { type: 'integer', enum: [1, 2] } }, spec: { n: 3 }, want: ['spec.n: Unsupported value: 3: supported values: "1", "2"'] },
  { name: 'pattern', props: { name: { type: 'string', pattern: '^[a-z]+$' } }, spec: { name: 'ABC' }, want: [`spec.name: Invalid value: "ABC": spec.name in body should match '^[a-z]+$'`] },
  { name: 'maxLength', props: { name: { type: 'string', maxLength: 3 } }, spec: { name: 'abcd' }, want: ['spec.name: Too long: may not be more than 3 bytes'] },
  { name: 'minLength', props: { name: { type: 'string', minLength: 2 } }, spec: { name: 'a' }, want: ['spec.name: Invalid value: "a": spec.name in body should be at least 2 chars long'] },
  { name: 'maxItems', props: { tags: { type: 'array', maxItems: 3, items: { type: 'string' } } }, spec: { tags: ['a', 'b', 'c', 'd'] }, want: ['spec.tags: Too many: 4: must have at most 3 items'] },
  { name: 'minItems', props: { tags: { type: 'array', minItems: 1, items: { type: 'string' } } }, spec: { tags: [] }, want: ['spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items'] },
  { name: 'exclusive bounds', props: { n: { type: 'integer', minimum: 0, exclusiveMinimum: true, maximum: 10, exclusiveMaximum: true } }, spec: { n: 10 }, want: ['spec.n: Invalid value: 10: spec.n in body should be less than 10'] },
  { name: 'exclusive minimum', props: { n: { type: 'number', minimum: 0.5, exclusiveMinimum: true } }, spec: { n: 0.5 }, want: ['spec.n: Invalid value: 0.5: spec.n in body should be greater than 0.5'] },
  { name: 'multipleOf', props: { n: { type: 'integer', multipleOf: 5 } }, spec: { n: 7 }, want: ['spec.n: Invalid value: 7: spec.n in body should be a multiple of 5'] },
  { name: 'float maximum prints like Go', props: { n: { type: 'number', maximum: 1000000 } }, spec: { n: 1000000.5 }, want: ['spec.n: Invalid value: 1000000.5: spec.n in body should be less than or equal to 1e+06'] },
  { name: 'null for non-nullable', props: { s: { type: 'string' } }, spec: { s: null }, want: ['spec.s: Invalid value: "null": spec.s in body must be of type string: "null"'] },
  { name: 'null for nullable', props: { s: { type: 'string', nullable: true } }, spec: { s: null }, want: [] },
  { name: 'format uuid', props: { id: { type: 'string', format: 'uuid' } }, spec: { id: 'nope' }, want: ['spec.id: Invalid value: "nope": spec.id in body must be of type uuid: "nope"'] },
  { name: 'format date-time', props: { at: { type: 'string', format: 'date-time' } }, spec: { at: '2024-13-01T00:00:00Z' }, want: ['spec.at: Invalid value: "2024-13-01T00:00:00Z": spec.at in body must be of type date-time: "2024-13-01T00:00:00Z"'] },
  { name: 'format date ok', props: { d: { type: 'string', format: 'date' } }, spec: { d: '2024-02-29' }, want: [] },
  { name: 'format byte', props: { b: { type: 'string', format: 'byte' } }, spec: { b: 'not base64!' }, want: ['spec.b: Invalid value: "not base64!": spec.b in body must be of type byte: "not base64!"'] },
  { name: 'int32 format is documentation only', props: { n: { type: 'integer', format: 'int32' } }, spec: { n: 2 ** 40 }, want: [] },
  { name: 'int-or-string', props: { port: { 'x-kubernetes-int-or-string': true } }, spec: { port: true }, want: ['spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"'] },
  { name: 'int-or-string accepts both', props: { a: { 'x-kubernetes-int-or-string': true }, b: { 'x-kubernetes-int-or-string': true } }, spec: { a: 80, b: 'http' }, want: [] },
  { name: 'additionalProperties schema', props: { labels: { type: 'object', additionalProperties: { type: 'string' } } }, spec: { labels: { a: 1 } }, want: ['spec.labels.a: Invalid value: "integer": spec.labels.a in body must be of type string: "integer"'] },
  { name: 'maxProperties', props: { labels: { type: 'object', maxProperties: 2, additionalProperties: { type: 'string' } } }, spec: { labels: { a: 'x', b: 'y', c: 'z' } }, want: ['spec.labels: Too many: 3: must have at most 2 items'] },
  { name: 'minProperties', props: { labels: { type: 'object', minProperties: 1, additionalProperties: { type: 'string' } } }, spec: { labels: {} }, want: ['spec.labels: Invalid value: 0: spec.labels in body should have at least 1 properties'] },
  { name: 'additionalProperties false', props: { o: { type: 'object', additionalProperties: false } }, spec: { o: { x: 1 } }, want: ['spec.o: Invalid value: "x": spec.o.x in body is a forbidden property'] },
  { name: 'object type mismatch', props: { o: { type: 'object', properties: { a: { type: 'string' } } } }, spec: { o: 'str' }, want: ['spec.o: Invalid value: "string": spec.o in body must be of type object: "string"'] },
  {
    name: 'anyOf none valid',
    props: { n: { type: 'integer', anyOf: [{ minimum: 10 }, { maximum: 1 }] } },
    spec: { n: 5 },
    want: ['Invalid value: "": "spec.n" must validate at least one schema (anyOf)', 'spec.n: Invalid value: 5: spec.n in body should be greater than or equal to 10'],
  },
  {
    name: 'oneOf two valid',
    props: { n: { type: 'integer', oneOf: [{ minimum: 1 }, { maximum: 10 }] } },
    spec: { n: 5 },
    want: ['Invalid value: "": "spec.n" must validate one and only one schema (oneOf). Found 2 valid alternatives'],
  },
  { name: 'not', props: { s: { type: 'string', not: { enum: ['forbidden'] } } }, spec: { s: 'forbidden' }, want: ['Invalid value: "": "spec.s" must not validate the schema (not)'] },
  {
    name: 'allOf',
    props: { s: { type: 'string', allOf: [{ minLength: 2 }, { maxLength: 4 }] } },
    spec: { s: 'abcdef' },
    want: ['spec.s: Too long: may not be more than 4 bytes', 'Invalid value: "": "spec.s" must validate all the schemas (allOf)'],
  },
  {
    name: 'list-type set duplicates',
    props: { tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } } },
    spec: { tags: ['a', 'b', 'a', 'a'] },
    want: ['spec.tags[2]: Duplicate value: "a"'],
  },
  {
    name: 'list-type map duplicate keys',
    props: {
      ports: {
        type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'],
        items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer' } } },
      },
    },
    spec: { ports: [{ name: 'http', port: 80 }, { name: 'http', port: 8080 }] },
    want: ['spec.ports[1]: Duplicate value: map[string]interface {}{"name":"http"}'],
  },
  {
    name: 'list-type map with two keys',
    props: {
      ports: {
        type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['port', 'protocol'],
        items: { type: 'object', required: ['port', 'protocol'], properties: { port: { type: 'integer' }, protocol: { type: 'string' } } },
      },
    },
    spec: { ports: [{ port: 80, protocol: 'TCP' }, { port: 80, protocol: 'UDP' }, { port: 80, protocol: 'TCP' }] },
    want: ['spec.ports[2]: Duplicate value: map[string]interface {}{"port":80, "protocol":"TCP"}'],
  },
  {
    name: 'embedded resource needs apiVersion and kind',
    props: { template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } },
    spec: { template: { metadata: { name: 'a/b' } } },
    want: [
      'spec.template.apiVersion: Required value: must not be empty',
      'spec.template.kind: Required value: must not be empty',
      `spec.template.metadata.name: Invalid value: "a/b": may not contain '/'`,
    ],
  },
  {
    name: 'embedded resource kind must be a DNS-1035 label',
    props: { template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } },
    spec: { template: { apiVersion: 'v1', kind: 'Pod_X' } },
    want: [`spec.template.kind: Invalid value: "Pod_X": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`],
  },
];

for (const c of cases) {
  test(`validation: ${c.name}`, () => {
    const compiled = compileOk(crRoot(c.props));
    assert.deepEqual(texts(validateCustomResource(compiled, { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'n' }, spec: c.spec })), c.want);
  });
}

test('root metadata schema constrains name and generateName only', () => {
  const c = compileOk({ type: 'object', properties: { metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 5 } } } } });
  assert.deepEqual(texts(validateCustomResource(c, { metadata: { name: 'toolong' } })), ['metadata.name: Too long: may not be more than 5 bytes']);
});

test('ratcheting: unchanged invalid fields are tolerated on update, changed ones are not', () => {
  const c = compileOk(userSchema);
  const old = user({ userID: 70000, groups: [] });
  assert.deepEqual(texts(validateCustomResource(c, user({ userID: 70000, groups: ['new'] }), old)), []);
  assert.deepEqual(texts(validateCustomResource(c, user({ userID: 70001, groups: [] }), old)), [
    'spec.userID: Invalid value: 70001: spec.userID in body should be less than or equal to 65535',
  ]);
});

test('deeply nested objects are rejected with a clear error instead of overflowing the stack', () => {
  const c = compileOk({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
  let deep: Record<string, unknown> = {};
  const obj = { spec: deep };
  for (let i = 0; i < 100000; i++) { const next = {}; deep.a = next; deep = next; }
  assert.deepEqual(texts(validateCustomResource(c, obj)), ['Invalid value: "": object nesting depth exceeds the limit of 1000']);
});
