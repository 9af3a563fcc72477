import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errInvalid } from '../../../src/apimachinery/errors.js';
import {
  metaIsEmpty, validateLocalSubjectAccessReview, validateSelfSubjectAccessReview, validateSubjectAccessReview,
} from '../../../src/registry/authorization/validation.js';

const texts = (errs: { toString(): string }[]) => errs.map(String);

test('self: exactly one of resourceAttributes / nonResourceAttributes (upstream prints the nil pointer as "null")', () => {
  assert.deepEqual(texts(validateSelfSubjectAccessReview({}, {})), [
    'spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
  ]);
  assert.deepEqual(texts(validateSelfSubjectAccessReview({}, { resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/x', verb: 'get' } })), [
    'spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: cannot be specified in combination with resourceAttributes',
  ]);
  assert.deepEqual(texts(validateSelfSubjectAccessReview({ managedFields: [{ manager: 'kubectl' }], creationTimestamp: null }, { nonResourceAttributes: { path: '/x' } })), []);
});

test('subject access review: a user or a group is required; metadata must be empty', () => {
  assert.deepEqual(texts(validateSubjectAccessReview({}, { resourceAttributes: {} })), [
    'spec.user: Invalid value: "": at least one of user or group must be specified',
  ]);
  assert.deepEqual(texts(validateSubjectAccessReview({}, { resourceAttributes: {}, groups: ['devs'] })), []);
  const [err] = validateSubjectAccessReview({ name: 'x' }, { resourceAttributes: {}, user: 'jane' });
  assert.match(String(err), /^metadata: Invalid value: v1\.ObjectMeta\{Name:"x", GenerateName:"", Namespace:"", .*CreationTimestamp:time\.Date\(1, time\.January, 1, 0, 0, 0, 0, time\.UTC\), DeletionTimestamp:<nil>, .*Labels:map\[string\]string\(nil\), .*\}: must be empty$/);
});

test('local subject access review: namespace must match, no non-resource attributes', () => {
  const meta = { namespace: 'ns1' };
  assert.deepEqual(texts(validateLocalSubjectAccessReview(meta, { user: 'jane', resourceAttributes: { namespace: 'ns1', verb: 'get' } })), []);
  assert.deepEqual(texts(validateLocalSubjectAccessReview(meta, { user: 'jane', resourceAttributes: { namespace: 'other' } })), [
    'spec.resourceAttributes.namespace: Invalid value: "other": must match metadata.namespace',
  ]);
  assert.deepEqual(texts(validateLocalSubjectAccessReview(meta, { user: 'jane', nonResourceAttributes: { path: '/healthz', verb: 'get' } })), [
    'spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/healthz", Verb:"get"}: disallowed on this kind of request',
  ]);
  assert.match(texts(validateLocalSubjectAccessReview({ namespace: 'ns1', labels: { a: 'b' } }, { user: 'u', resourceAttributes: { namespace: 'ns1' } }))[0]!,
    /^metadata: Invalid value: v1\.ObjectMeta\{.*Labels:map\[string\]string\{"a":"b"\}.*: must be empty except for namespace$/);
});

test('selector attributes: raw or structured, requirements checked with unknown operators allowed', () => {
  const spec = (fieldSelector: unknown, labelSelector?: unknown) => ({ user: 'me', resourceAttributes: { fieldSelector, labelSelector } as never });
  assert.deepEqual(texts(validateSubjectAccessReview({}, spec({ rawSelector: 'foo', requirements: [{}] }))), [
    'spec.resourceAttributes.fieldSelector.rawSelector: Invalid value: "foo": may not specified at the same time as requirements',
    'spec.resourceAttributes.fieldSelector.requirements[0].key: Required value: must be specified',
  ]);
  assert.deepEqual(texts(validateSubjectAccessReview({}, spec({}))), [
    'spec.resourceAttributes.fieldSelector.requirements: Required value: when spec.resourceAttributes.fieldSelector is specified, requirements or rawSelector is required',
  ]);
  assert.deepEqual(texts(validateSubjectAccessReview({}, spec({ requirements: [{ key: 'k', operator: 'In' }, { key: 'k', operator: 'Exists', values: ['v'] }, { key: 'k', operator: 'Whatever' }] }))), [
    "spec.resourceAttributes.fieldSelector.requirements[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    "spec.resourceAttributes.fieldSelector.requirements[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
  ]);
  assert.deepEqual(texts(validateSubjectAccessReview({}, spec(undefined, { requirements: [{ key: 'bad key', operator: 'Exists' }] }))), [
    'spec.resourceAttributes.labelSelector.requirements[0].key: Invalid value: "bad key": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')',
  ]);
});

test('the Invalid error names no kind, as upstream builds it from the internal object', () => {
  const err = errInvalid('authorization.k8s.io', '', '', validateSelfSubjectAccessReview({}, {}));
  assert.equal(err.message, '.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified');
  assert.equal(err.code, 422);
});

test('metaIsEmpty ignores managedFields, zero values and the exceptions', () => {
  assert.equal(metaIsEmpty({ creationTimestamp: null, labels: {}, finalizers: [], generation: 0, managedFields: [{}] }), true);
  assert.equal(metaIsEmpty({ namespace: 'x' }), false);
  assert.equal(metaIsEmpty({ namespace: 'x' }, ['namespace']), true);
});
