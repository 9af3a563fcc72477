// x-kubernetes-validations: compilation errors, estimated cost limits, evaluation with self/oldSelf, messages,
// reasons, fieldPath, and bounded evaluation. Needs the npm CEL library; skipped (with the reason) without it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { celUnavailable, compileSchema, validateCustomResource, type JSONSchemaProps } from '../../../src/apiextensions/schema/index.js';
import { compileOk, crRoot, texts } from './helpers.js';

const skip = celUnavailable() || false;
const BASE = 'spec.versions[0].schema.openAPIV3Schema';
const rules = (...r: JSONSchemaProps[]) => ({ 'x-kubernetes-validations': r });
const replicas = { replicas: { type: 'integer' }, max: { type: 'integer' } };
const cr = (spec: unknown) => ({ apiVersion: 'x.io/v1', kind: 'X', metadata: { name: 'abc' }, spec });

test('failing rules report message, default text, messageExpression, reason and fieldPath', { skip }, () => {
  const c = compileOk(crRoot(replicas, rules(
    { rule: 'self.replicas <= self.max', message: 'replicas must not exceed max' },
    { rule: 'self.replicas <= self.max' },
    { rule: 'self.replicas <= self.max', messageExpression: "'replicas ' + string(self.replicas) + ' exceeds ' + string(self.max)" },
    { rule: 'self.replicas <= self.max', message: 'forbidden', reason: 'FieldValueForbidden' },
    { rule: 'self.replicas <= self.max', message: 'at replicas', fieldPath: '.replicas' },
  )));
  assert.deepEqual(texts(validateCustomResource(c, cr({ replicas: 5, max: 3 }))), [
    'spec: Invalid value: "object": replicas must not exceed max',
    'spec: Invalid value: "object": failed rule: self.replicas <= self.max',
    'spec: Invalid value: "object": replicas 5 exceeds 3',
    'spec: Forbidden: forbidden',
    'spec.replicas: Invalid value: "object": at replicas',
  ]);
  assert.deepEqual(texts(validateCustomResource(c, cr({ replicas: 3, max: 3 }))), []);
});

test('transition rules only run on update, comparing with oldSelf', { skip }, () => {
  const c = compileOk(crRoot({ name: { type: 'string', ...rules({ rule: 'self == oldSelf', message: 'Value is immutable' }) } }));
  assert.deepEqual(texts(validateCustomResource(c, cr({ name: 'a' }))), []);
  assert.deepEqual(texts(validateCustomResource(c, cr({ name: 'a' }), cr({ name: 'a' }))), []);
  assert.deepEqual(texts(validateCustomResource(c, cr({ name: 'b' }), cr({ name: 'a' }))), ['spec.name: Invalid value: "string": Value is immutable']);
});

test('rules on list items and map values get item paths; list-type=map items correlate with old items', { skip }, () => {
  const c = compileOk(crRoot({
    ports: {
      type: 'array', maxItems: 10, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'],
      items: { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 20 }, port: { type: 'integer', ...rules({ rule: 'self == oldSelf', message: 'port is immutable' }) } }, ...rules({ rule: 'self.port > 0', message: 'port must be positive' }) },
    },
  }));
  assert.deepEqual(texts(validateCustomResource(c, cr({ ports: [{ name: 'a', port: 1 }, { name: 'b', port: 0 }] }))), [
    'spec.ports[1]: Invalid value: "object": port must be positive',
  ]);
  const old = cr({ ports: [{ name: 'b', port: 2 }, { name: 'a', port: 1 }] });
  assert.deepEqual(texts(validateCustomResource(c, cr({ ports: [{ name: 'a', port: 1 }, { name: 'b', port: 3 }] }), old)), [
    'spec.ports[1].port: Invalid value: "integer": port is immutable',
  ]);
});

test('the root sees apiVersion, kind and metadata.name', { skip }, () => {
  const c = compileOk({ type: 'object', ...rules({ rule: "self.metadata.name.startsWith('a') && self.kind == 'X'", message: 'bad name' }) });
  assert.deepEqual(texts(validateCustomResource(c, cr({}))), []);
  assert.deepEqual(texts(validateCustomResource(c, { ...cr({}), metadata: { name: 'zed' } })), ['Invalid value: "object": bad name']);
});

test('integers are CEL ints and int-or-string is dynamic', { skip }, () => {
  const c = compileOk(crRoot({ n: { type: 'integer' }, v: { 'x-kubernetes-int-or-string': true } }, rules(
    { rule: 'self.n * 2 == 10', message: 'n' },
    { rule: "type(self.v) == string ? self.v.endsWith('%') : self.v < 100", message: 'v' },
  )));
  assert.deepEqual(texts(validateCustomResource(c, cr({ n: 5, v: '50%' }))), []);
  assert.deepEqual(texts(validateCustomResource(c, cr({ n: 5, v: 150 }))), ['spec: Invalid value: "object": v']);
});

test('evaluation errors are reported per rule, like cel-go', { skip }, () => {
  const c = compileOk(crRoot({ opt: { type: 'string' } }, rules({ rule: "self.opt == 'x'" })));
  assert.deepEqual(texts(validateCustomResource(c, cr({}))), [`spec: Invalid value: "object": no such key: opt evaluating rule: self.opt == 'x'`]);
});

test('schema errors that make the object unusable skip CEL rules', { skip }, () => {
  const c = compileOk(crRoot(replicas, rules({ rule: 'self.replicas <= self.max' })));
  assert.deepEqual(texts(validateCustomResource(c, cr({ replicas: 'many', max: 3 }))), [
    'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
    'Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
  ]);
});

test('compile errors name the rule and point into it', { skip }, () => {
  const errs = texts(compileSchema(crRoot(replicas, rules({ rule: 'self.nope > 1' }, { rule: 'self.replicas >' })), { fieldPath: BASE }).errors);
  assert.deepEqual(errs, [
    `${BASE}.properties[spec].x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{Rule:"self.nope > 1", Message:"", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:5: undefined field 'nope'\n | self.nope > 1\n | ....^`,
    `${BASE}.properties[spec].x-kubernetes-validations[1].rule: Invalid value: apiextensions.ValidationRule{Rule:"self.replicas >", Message:"", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:16: Syntax error: unexpected token: EOF\n | self.replicas >\n | ...............^`,
  ]);
});

test('oldSelf is rejected where old values cannot be correlated', { skip }, () => {
  const errs = texts(compileSchema(crRoot({ tags: { type: 'array', maxItems: 5, items: { type: 'string', maxLength: 5, ...rules({ rule: 'self == oldSelf' }) } } }), { fieldPath: BASE }).errors);
  assert.deepEqual(errs, [
    `${BASE}.properties[spec].properties[tags].items.x-kubernetes-validations[0].rule: Invalid value: "self == oldSelf": oldSelf cannot be used on the uncorrelatable portion of the schema within ${BASE}.properties[spec].properties[tags]`,
  ]);
});

test('rules whose estimated cost is unbounded are rejected; bounded ones pass', { skip }, () => {
  const nested = { rule: 'self.all(x, self.all(y, x == y))' };
  const unbounded = texts(compileSchema(crRoot({ tags: { type: 'array', items: { type: 'string' }, ...rules(nested) } }), { fieldPath: BASE }).errors);
  assert.deepEqual(unbounded, [
    `${BASE}.properties[spec].properties[tags].x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of more than 100x (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`,
    `${BASE}.properties[spec].properties[tags].x-kubernetes-validations[0].rule: Forbidden: contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema`,
    `${BASE}: Forbidden: x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`,
  ]);
  compileOk(crRoot({ tags: { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 63 }, ...rules(nested) } }));
});

test('evaluation is bounded: per-call limit and total budget stop validation instead of hanging', { skip }, () => {
  const c = compileOk(crRoot({ n: { type: 'array', maxItems: 1200, items: { type: 'integer' }, ...rules({ rule: 'self.all(x, self.all(y, x + y >= 0))' }) } }));
  const big = cr({ n: Array.from({ length: 1200 }, (_, i) => i) });
  assert.deepEqual(texts(validateCustomResource(c, big)), [
    `spec.n: Invalid value: "array": 'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: self.all(x, self.all(y, x + y >= 0))`,
  ]);

  const { compiled } = compileSchema(crRoot(replicas, rules({ rule: 'self.replicas <= self.max' }, { rule: 'self.replicas >= 0' })), { celCostBudget: 5 });
  assert.deepEqual(texts(validateCustomResource(compiled!, cr({ replicas: 1, max: 3 }))), [
    'spec: Invalid value: "object": validation failed due to running out of cost budget, no further validation rules will be run',
  ]);
});
