import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FieldPath } from '../../../src/apimachinery/field-errors.js';
import { parseQuantity } from '../../../src/apimachinery/quantity.js';
import { isValidCIDR, isValidIP } from '../../../src/apimachinery/validation/ip.js';
import {
  isConfigMapKey, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, isValidPortName,
  nameIsDNSSubdomain,
} from '../../../src/apimachinery/validation/names.js';
import {
  validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate,
} from '../../../src/apimachinery/validation/objectmeta.js';

const strs = (errs: { toString(): string }[]) => errs.map((e) => e.toString());

test('DNS-1123 subdomain message', () => {
  assert.deepEqual(isDNS1123Subdomain('Foo'), [
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ]);
  assert.deepEqual(isDNS1123Subdomain('a.b-c'), []);
  assert.deepEqual(isDNS1123Subdomain('a'.repeat(254)).slice(0, 1), ['must be no more than 253 characters']);
});

test('DNS-1123 label: dots get their own message', () => {
  assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
  assert.equal(isDNS1123Label('-a')[0],
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
  assert.equal(isDNS1035Label('1abc')[0],
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
});

test('qualified names and label values', () => {
  assert.deepEqual(isQualifiedName('example.com/app'), []);
  assert.deepEqual(isQualifiedName('/app'), ['prefix part must be non-empty']);
  assert.equal(isQualifiedName('a/b/c')[0].startsWith("a qualified name must consist of alphanumeric characters"), true);
  assert.equal(isValidLabelValue('-x')[0],
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
  assert.deepEqual(isValidLabelValue(''), []);
});

test('port names and config keys', () => {
  assert.deepEqual(isValidPortName('http'), []);
  assert.deepEqual(isValidPortName('123'), ['must contain at least one letter (a-z)']);
  assert.deepEqual(isValidPortName('a--b'), ['must not contain consecutive hyphens']);
  assert.deepEqual(isConfigMapKey('..x'), ["must not start with '..'"]);
  assert.deepEqual(nameIsDNSSubdomain('web-', true), []);
});

test('IP and CIDR checks', () => {
  assert.deepEqual(strs(isValidIP('ip', '10.0.0.1')), []);
  assert.deepEqual(strs(isValidIP('ip', '010.0.0.1')), ['ip: Invalid value: "010.0.0.1": must not have leading 0s']);
  assert.deepEqual(strs(isValidIP('ip', 'nope')), ['ip: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']);
  assert.deepEqual(strs(isValidIP('ip', '2001:DB8::1')), ['ip: Invalid value: "2001:DB8::1": must be in canonical form ("2001:db8::1")']);
  assert.deepEqual(strs(isValidCIDR('c', '10.0.0.0/8')), []);
  assert.deepEqual(strs(isValidCIDR('c', '10.0.0.1/8')), ['c: Invalid value: "10.0.0.1/8": must not have bits set beyond the prefix length']);
});

test('ObjectMeta create and update', () => {
  const path = FieldPath.root('metadata');
  assert.deepEqual(strs(validateObjectMeta({}, true, nameIsDNSSubdomain, path)), [
    'metadata.name: Required value: name or generateName is required',
    'metadata.namespace: Required value',
  ]);
  assert.deepEqual(strs(validateObjectMeta({ name: 'a', namespace: 'x' }, false, nameIsDNSSubdomain, path)), [
    'metadata.namespace: Forbidden: not allowed on this type',
  ]);
  assert.deepEqual(strs(validateObjectMeta({ name: 'a', namespace: 'x', labels: { 'a/b/c': 'x' } }, true, nameIsDNSSubdomain, path)).length, 1);
  const owners = [{ apiVersion: 'v1', kind: 'A', name: 'a', uid: '1', controller: true }, { apiVersion: 'v1', kind: 'B', name: 'b', uid: '2', controller: true }];
  assert.match(strs(validateObjectMeta({ name: 'a', namespace: 'x', ownerReferences: owners }, true, nameIsDNSSubdomain, path))[0],
    /Only one reference can have Controller set to true\. Found "true" in references for A\/a and B\/b$/);
  assert.deepEqual(strs(validateObjectMetaUpdate({ name: 'b', resourceVersion: '1', uid: 'u' }, { name: 'a', uid: 'u' }, path)), [
    'metadata.name: Invalid value: "b": field is immutable',
  ]);
  assert.deepEqual(strs(validateObjectMetaUpdate({ name: 'a' }, { name: 'a' }, path)), [
    'metadata.resourceVersion: Invalid value: "": must be specified for an update',
  ]);
});

test('label selectors', () => {
  const errs = strs(validateLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In' }, { key: 'b', operator: 'Exists', values: ['x'] }, { key: 'c', operator: 'Bad' }] }, {}, FieldPath.root('spec').child('selector')));
  assert.deepEqual(errs, [
    "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    'spec.selector.matchExpressions[2].operator: Invalid value: "Bad": not a valid selector operator',
  ]);
});

test('quantities parse and print canonically', () => {
  const cases: [string, string][] = [['1Gi', '1Gi'], ['500m', '500m'], ['2', '2'], ['1e3', '1e3'], ['5G', '5G'], ['1.5', '1500m'],
    ['0.5Gi', '512Mi'], ['1000', '1k'], ['1536Mi', '1536Mi'], ['0.1', '100m'], ['1e4', '10e3'], ['-1Ki', '-1Ki'], ['0', '0']];
  for (const [input, want] of cases) assert.equal(parseQuantity(input).toString(), want, input);
  assert.equal(parseQuantity('1Gi').value(), 1073741824n);
  assert.equal(parseQuantity('250m').milliValue(), 250n);
  assert.equal(parseQuantity('1.5').value(), 2n); // rounds up
  assert.equal(parseQuantity('1Gi').cmp(parseQuantity('1024Mi')), 0);
  assert.equal(parseQuantity('1G').cmp(parseQuantity('1Gi')), -1);
  assert.equal(parseQuantity('1Gi').add(parseQuantity('512Mi')).toString(), '1536Mi');
  assert.throws(() => parseQuantity('abc'), { message: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'" });
  assert.throws(() => parseQuantity('1GG'), { message: "unable to parse quantity's suffix" });
});
