import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crdStrategy, defaultCRD } from '../../../src/apiextensions/crd-resource.js';
import { validateCRD, validateCRDUpdate } from '../../../src/apiextensions/crd-validation.js';
import type { CRDVersion, CustomResourceDefinition } from '../../../src/apiextensions/types.js';

const schema = { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { userID: { type: 'integer' } } } } } };

function userCRD(mut: (c: CustomResourceDefinition) => void = () => {}): CustomResourceDefinition {
  const c: CustomResourceDefinition = {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
    metadata: { name: 'users.auth.democrd.io' },
    spec: {
      group: 'auth.democrd.io', scope: 'Namespaced',
      names: { kind: 'User', plural: 'users', shortNames: ['u'] },
      versions: [{ name: 'v1alpha1', served: true, storage: true, schema: structuredClone(schema) }],
    },
  };
  mut(c);
  defaultCRD(c);
  crdStrategy.prepareForCreate!(c);
  return c;
}

const texts = (c: CustomResourceDefinition) => validateCRD(c).map(String);

test('defaulting fills singular, listKind, conversion and storedVersions', () => {
  const c = userCRD();
  assert.equal(c.spec.names.singular, 'user');
  assert.equal(c.spec.names.listKind, 'UserList');
  assert.deepEqual(c.spec.conversion, { strategy: 'None' });
  assert.deepEqual(c.status?.storedVersions, ['v1alpha1']);
  assert.deepEqual(texts(c), []);
});

test('metadata.name must be plural.group', () => {
  const c = userCRD((x) => { x.metadata.name = 'people.auth.democrd.io'; });
  assert.deepEqual(texts(c), ['metadata.name: Invalid value: "people.auth.democrd.io": must be spec.names.plural+"."+spec.group']);
});

test('group must be a DNS subdomain with a dot; scope is required', () => {
  const c = userCRD((x) => { x.spec.group = 'auth'; x.metadata.name = 'users.auth'; x.spec.scope = ''; });
  assert.deepEqual(texts(c), ['spec.group: Invalid value: "auth": should be a domain with at least one dot', 'spec.scope: Required value']);
});

test('exactly one storage version, printed like upstream', () => {
  const c = userCRD((x) => { x.spec.versions[0].storage = false; });
  const out = texts(c);
  assert.ok(out.includes('spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{apiextensions.CustomResourceDefinitionVersion{Name:"v1alpha1", Served:true, Storage:false, Deprecated:false, DeprecationWarning:(*string)(nil), Schema:(*apiextensions.CustomResourceValidation)(nil), Subresources:(*apiextensions.CustomResourceSubresources)(nil), AdditionalPrinterColumns:[]apiextensions.CustomResourceColumnDefinition(nil), SelectableFields:[]apiextensions.SelectableField(nil)}}: must have exactly one version marked as storage version'), out.join('\n'));
  assert.ok(out.includes('status.storedVersions: Invalid value: []string(nil): must have at least one stored version'), out.join('\n'));
});

test('duplicate and malformed version names', () => {
  const c = userCRD((x) => {
    x.spec.versions.push({ name: 'v1alpha1', served: true, storage: false, schema: structuredClone(schema) }, { name: 'V2', served: false, storage: false, schema: structuredClone(schema) });
  });
  const out = texts(c);
  assert.ok(out.some((e) => /^spec\.versions\[2\]\.name: Invalid value: "V2": a DNS-1035 label must consist of lower case/.test(e)), out.join('\n'));
  assert.ok(out.some((e) => e.endsWith(': must contain unique version names')));
});

test('schemas are required in every version', () => {
  const c = userCRD((x) => { delete x.spec.versions[0].schema; });
  assert.deepEqual(texts(c), ['spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required']);
});

test('root schema rules sit under spec.validation when every version shares the schema', () => {
  const shared = userCRD((x) => { (x.spec.versions[0].schema!.openAPIV3Schema as Record<string, unknown>).nullable = true; });
  assert.ok(texts(shared).includes('spec.validation.openAPIV3Schema.nullable: Forbidden: nullable cannot be true at the root'));
  const perVersion = userCRD((x) => {
    const v2: CRDVersion = { name: 'v2', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object', nullable: true } } };
    x.spec.versions.push(v2);
  });
  assert.ok(texts(perVersion).includes('spec.versions[1].schema.openAPIV3Schema.nullable: Forbidden: nullable cannot be true at the root'));
});

test('the status subresource restricts the root schema', () => {
  const c = userCRD((x) => {
    x.spec.versions[0].subresources = { status: {} };
    x.spec.versions[0].schema = { openAPIV3Schema: { type: 'array', items: { type: 'string' } } };
  });
  assert.ok(texts(c).includes('spec.validation.openAPIV3Schema.type: Invalid value: "array": only "object" is allowed as the type at the root of the schema if the status subresource is enabled'));
});

test('scale paths and printer columns', () => {
  const c = userCRD((x) => {
    x.spec.versions[0].subresources = { scale: { specReplicasPath: '.status.replicas', statusReplicasPath: 'status.replicas' } };
    x.spec.versions[0].additionalPrinterColumns = [{ name: 'ID', type: 'int', jsonPath: '.spec.userID' }];
  });
  assert.deepEqual(texts(c), [
    'spec.subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec',
    'spec.subresources.scale.statusReplicasPath: Invalid value: "status.replicas": must be a simple json path starting with .',
    'spec.additionalPrinterColumns[0].type: Invalid value: "int": must be one of boolean,date,integer,number,string',
  ]);
});

test('webhook conversion is refused clearly', () => {
  const c = userCRD((x) => { x.spec.conversion = { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'] } }; });
  assert.deepEqual(texts(c), ['spec.conversion.strategy: Forbidden: conversion webhooks are not supported by Berth; use "None"']);
  const odd = userCRD((x) => { x.spec.conversion = { strategy: 'Magic' }; });
  assert.deepEqual(texts(odd), ['spec.conversion.strategy: Unsupported value: "Magic": supported values: "None", "Webhook"']);
});

test('names must be DNS-1035 labels; kind and listKind differ', () => {
  const c = userCRD((x) => { x.spec.names.shortNames = ['U_1']; x.spec.names.listKind = 'User'; });
  assert.deepEqual(texts(c).map((e) => e.split(':').slice(0, 2).join(':')), ['spec.names.shortNames[0]: Invalid value', 'spec.names.listKind: Invalid value']);
});

test('protected groups need the API approval annotation', () => {
  const c = userCRD((x) => { x.spec.group = 'widgets.k8s.io'; x.metadata.name = 'users.widgets.k8s.io'; });
  assert.deepEqual(texts(c), ['metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have approval annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111']);
});

test('updates: scope and kind freeze once Established, group and plural always', () => {
  const old = userCRD();
  old.metadata.resourceVersion = '5';
  old.status!.conditions = [{ type: 'Established', status: 'True' }];
  const next = structuredClone(old);
  next.spec.scope = 'Cluster';
  next.spec.names.kind = 'Person';
  next.spec.names.plural = 'people';
  const out = validateCRDUpdate(next, old).map(String);
  assert.ok(out.includes('spec.scope: Invalid value: "Cluster": field is immutable'), out.join('\n'));
  assert.ok(out.includes('spec.names.kind: Invalid value: "Person": field is immutable'));
  assert.ok(out.includes('spec.names.plural: Invalid value: "people": field is immutable'));
  delete old.status!.conditions;
  const relaxed = validateCRDUpdate(next, old).map(String);
  assert.ok(!relaxed.some((e) => e.startsWith('spec.scope')), 'scope may change before the CRD is Established');
});

test('a stored version may not disappear from spec.versions, and a new storage version is recorded', () => {
  const old = userCRD();
  old.metadata.resourceVersion = '5';
  const next = structuredClone(old);
  next.spec.versions = [{ name: 'v1', served: true, storage: true, schema: structuredClone(schema) }];
  crdStrategy.prepareForUpdate!(next, old);
  assert.deepEqual(next.status?.storedVersions, ['v1alpha1', 'v1']);
  const out = validateCRDUpdate(next, old).map(String);
  assert.ok(out.includes('status.storedVersions[0]: Invalid value: "v1alpha1": missing from spec.versions; v1alpha1 was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in v1alpha1 and removes v1alpha1 from status.storedVersions'), out.join('\n'));
});
