import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseFieldSelector, fieldSelectorFromSet, matchesFields, escapeFieldValue, unescapeFieldValue,
  objectMetaFieldsSet, unsupportedFieldLabel, FieldSelectorError,
} from '../../../src/apimachinery/fields.js';

test('parses =, ==, != terms, sorted, and prints them back', () => {
  const s = parseFieldSelector('status.phase!=Running,metadata.name==web-0');
  assert.equal(s.toString(), 'metadata.name=web-0,status.phase!=Running');
  assert.deepEqual(s.fieldNames(), ['metadata.name', 'status.phase']);
  assert.equal(s.requiresExactMatch('metadata.name'), 'web-0');
  assert.equal(s.requiresExactMatch('status.phase'), undefined);
  assert.ok(parseFieldSelector('').empty());
  assert.ok(parseFieldSelector(',,').empty());
  assert.equal(parseFieldSelector('a=').toString(), 'a=');
  // `!=` starting before `=`: the first operator position wins.
  assert.deepEqual(parseFieldSelector('a!=b').requirements, [{ field: 'a', operator: '!=', value: 'b' }]);
  assert.deepEqual(parseFieldSelector('a=!b').requirements, [{ field: 'a', operator: '=', value: '!b' }]);
});

test('escaping of values', () => {
  assert.equal(escapeFieldValue('a,b=c\\d'), 'a\\,b\\=c\\\\d');
  assert.equal(unescapeFieldValue('a\\,b\\=c\\\\d'), 'a,b=c\\d');
  const s = parseFieldSelector('spec.x=a\\,b,metadata.name=n');
  assert.deepEqual(s.requirements, [
    { field: 'metadata.name', operator: '=', value: 'n' },
    { field: 'spec.x', operator: '=', value: 'a,b' },
  ]);
  assert.equal(s.toString(), 'metadata.name=n,spec.x=a\\,b');
  assert.throws(() => parseFieldSelector('a=b=c'), { message: 'invalid field selector: unescaped character in value: 61' });
  assert.throws(() => parseFieldSelector('a=b\\x'), { message: 'invalid field selector: invalid escape sequence: \\x' });
  assert.throws(() => parseFieldSelector('a=b\\'), { message: 'invalid field selector: invalid escape sequence: \\' });
  assert.throws(() => parseFieldSelector('foo'), (e: unknown) => e instanceof FieldSelectorError && e.message === "invalid selector: 'foo'; can't understand 'foo'");
  assert.throws(() => parseFieldSelector('a=b,foo'), { message: "invalid selector: 'a=b,foo'; can't understand 'foo'" });
});

test('matching: missing fields read as empty', () => {
  const fields = objectMetaFieldsSet({ name: 'web-0', namespace: 'default' }, true, { 'status.phase': 'Running' });
  assert.deepEqual(fields, { 'metadata.name': 'web-0', 'metadata.namespace': 'default', 'status.phase': 'Running' });
  assert.ok(matchesFields(parseFieldSelector('metadata.name=web-0'), fields));
  assert.ok(matchesFields(parseFieldSelector('status.phase!=Pending,metadata.namespace=default'), fields));
  assert.ok(!matchesFields(parseFieldSelector('status.phase=Pending'), fields));
  assert.ok(matchesFields(parseFieldSelector('spec.nodeName='), fields));
  assert.ok(matchesFields(parseFieldSelector('spec.nodeName!=n1'), fields));
  assert.ok(matchesFields(fieldSelectorFromSet({ 'metadata.name': 'web-0' }), fields));
  assert.deepEqual(objectMetaFieldsSet({ name: 'n1' }, false), { 'metadata.name': 'n1' });
});

test('unsupported field labels are reported with upstream text', () => {
  const supported = ['metadata.name', 'metadata.namespace', 'status.phase'];
  assert.equal(unsupportedFieldLabel(parseFieldSelector('status.phase=Running'), supported), undefined);
  assert.equal(unsupportedFieldLabel(parseFieldSelector('foo=bar,status.phase=Running'), supported), 'field label not supported: foo');
  const renamed = parseFieldSelector('a=1,b=2').transform((f, v) => (f === 'b' ? { field: '', value: '' } : { field: 'x.' + f, value: v }));
  assert.equal(renamed.toString(), 'x.a=1');
});
