// CRD-time schema checks: structural-schema rules and the openAPIV3Schema restrictions, with upstream's paths
// (given a fieldPath prefix) and texts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileSchema, type JSONSchemaProps } from '../../../src/apiextensions/schema/index.js';
import { crRoot, texts } from './helpers.js';

const BASE = 'spec.versions[0].schema.openAPIV3Schema';
const errorsOf = (schema: JSONSchemaProps) => texts(compileSchema(schema, { fieldPath: BASE }).errors);

test('paths are relative to the schema unless a fieldPath is given', () => {
  const schema = crRoot({ foo: {} });
  assert.deepEqual(texts(compileSchema(schema).errors), ['properties[spec].properties[foo].type: Required value: must not be empty for specified object fields']);
  assert.deepEqual(errorsOf(schema), [`${BASE}.properties[spec].properties[foo].type: Required value: must not be empty for specified object fields`]);
});

const cases: { name: string; schema: JSONSchemaProps; want: string[] }[] = [
  { name: 'root type missing', schema: { properties: { spec: { type: 'object' } } }, want: [`${BASE}.type: Required value: must not be empty at the root`] },
  { name: 'root must be object', schema: { type: 'string' }, want: [`${BASE}.type: Invalid value: "string": must be object at the root`] },
  { name: 'array items', schema: crRoot({ a: { type: 'array' } }), want: [`${BASE}.properties[spec].properties[a].items: Required value: must be specified`] },
  { name: 'array item type', schema: crRoot({ a: { type: 'array', items: {} } }), want: [`${BASE}.properties[spec].properties[a].items.type: Required value: must not be empty for specified array items`] },
  { name: 'additionalProperties at root', schema: { type: 'object', additionalProperties: { type: 'string' } }, want: [`${BASE}.additionalProperties: Forbidden: must not be used at the root`] },
  {
    name: 'root metadata beyond name/generateName',
    schema: { type: 'object', properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } } },
    want: [`${BASE}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`],
  },
  {
    name: 'nested value validation must not set types',
    schema: crRoot({ a: { type: 'string', anyOf: [{ type: 'string' }] } }),
    want: [`${BASE}.properties[spec].properties[a].anyOf[0].type: Forbidden: must be empty to be structural`],
  },
  {
    name: 'root value validation must reference declared fields',
    schema: { type: 'object', properties: { spec: { type: 'object' } }, anyOf: [{ required: ['spec'] }, { properties: { status: { maxProperties: 1 } } }] },
    want: [`${BASE}.properties[status]: Required value: because it is defined in ${BASE}.anyOf[1].properties[status]`],
  },
  { name: 'unsupported type', schema: crRoot({ a: { type: 'foo' } }), want: [`${BASE}.properties[spec].properties[a].type: Unsupported value: "foo": supported values: "array", "boolean", "integer", "number", "object", "string"`] },
  { name: 'uniqueItems', schema: crRoot({ a: { type: 'array', uniqueItems: true, items: { type: 'string' } } }), want: [`${BASE}.properties[spec].properties[a].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`] },
  {
    name: 'properties with additionalProperties',
    schema: crRoot({ a: { type: 'object', properties: { x: { type: 'string' } }, additionalProperties: { type: 'string' } } }),
    want: [`${BASE}.properties[spec].properties[a].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`],
  },
  { name: 'preserve-unknown-fields false', schema: crRoot({ a: { type: 'object', 'x-kubernetes-preserve-unknown-fields': false } }), want: [`${BASE}.properties[spec].properties[a].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined`] },
  {
    name: 'list-type map needs keys',
    schema: crRoot({ a: { type: 'array', 'x-kubernetes-list-type': 'map', items: { type: 'object', properties: { n: { type: 'string' } } } } }),
    want: [`${BASE}.properties[spec].properties[a].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`],
  },
  {
    name: 'list map keys need a default or required',
    schema: crRoot({ a: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['n'], items: { type: 'object', properties: { n: { type: 'string' } } } } }),
    want: [`${BASE}.properties[spec].properties[a].items.properties[n].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`],
  },
  { name: 'unknown list type', schema: crRoot({ a: { type: 'array', 'x-kubernetes-list-type': 'bag', items: { type: 'string' } } }), want: [`${BASE}.properties[spec].properties[a].x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "set", "map"`] },
  { name: 'map type on array', schema: crRoot({ a: { type: 'array', 'x-kubernetes-map-type': 'atomic', items: { type: 'string' } } }), want: [`${BASE}.properties[spec].properties[a].type: Invalid value: "array": must be object if x-kubernetes-map-type is specified`] },
  { name: 'default in metadata', schema: { type: 'object', properties: { metadata: { type: 'object', default: {} } } }, want: [`${BASE}.properties[metadata].default: Forbidden: must not be set in top-level metadata`] },
  { name: 'nullable root', schema: { type: 'object', nullable: true }, want: [`${BASE}.nullable: Forbidden: nullable cannot be true at the root`] },
  { name: 'default of wrong type', schema: crRoot({ n: { type: 'integer', default: 'x' } }), want: [`${BASE}.properties[spec].properties[n].default: Invalid value: "string":  in body must be of type integer: "string"`] },
  {
    name: 'default with unknown fields',
    schema: crRoot({ o: { type: 'object', properties: { a: { type: 'string' } }, default: { a: 'x', b: 'y' } } }),
    want: [`${BASE}.properties[spec].properties[o].default: Invalid value: {"a":"x","b":"y"}: must not have unknown fields`],
  },
  {
    name: 'embedded resource must be object with properties',
    schema: crRoot({ t: { type: 'object', 'x-kubernetes-embedded-resource': true } }),
    want: [`${BASE}.properties[spec].properties[t].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields`],
  },
  {
    name: 'validation rule message checks',
    schema: crRoot({}, { 'x-kubernetes-validations': [{ rule: '' }, { rule: 'true', reason: 'Bogus' }] }),
    want: [
      `${BASE}.properties[spec].x-kubernetes-validations[0].rule: Required value: rule is not specified`,
      `${BASE}.properties[spec].x-kubernetes-validations[1].reason: Unsupported value: "Bogus": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"`,
    ],
  },
  {
    name: 'fieldPath must exist',
    schema: crRoot({ a: { type: 'string' } }, { 'x-kubernetes-validations': [{ rule: 'true', fieldPath: '.b' }] }),
    want: [`${BASE}.properties[spec].x-kubernetes-validations[0].fieldPath: Invalid value: ".b": fieldPath must be a valid path`],
  },
];

for (const c of cases) {
  test(`schema check: ${c.name}`, () => assert.deepEqual(errorsOf(c.schema), c.want));
}

test('a schema with errors still compiles for serving', () => {
  const { compiled, errors } = compileSchema(crRoot({ foo: {} }));
  assert.equal(errors.length, 1);
  assert.ok(compiled);
});
