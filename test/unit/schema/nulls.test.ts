// A JSON null means what Go's decoder makes of it: a struct field's zero value (dropped), and for a map value or a list
// element the value type's zero ("" for strings, "0" for quantities, {} for structs) — never a null that validation,
// defaulting or a Go client would then trip over (labels {"a": null} answered 500 before).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinModel } from '../../../src/apimachinery/schema/index.js';
import { normalizeNulls } from '../../../src/apimachinery/schema/type-check.js';

test('null map values and list elements become the zero of their type; null struct fields are dropped', () => {
  const claim = {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim',
    metadata: { name: 'c', labels: { a: null }, annotations: { b: null }, finalizers: [null] },
    spec: { storageClassName: null, resources: { requests: { storage: null } }, selector: { matchLabels: { app: null } } },
  };
  normalizeNulls(builtinModel(), 'io.k8s.api.core.v1.PersistentVolumeClaim', claim);
  assert.deepEqual(claim, {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim',
    metadata: { name: 'c', labels: { a: '' }, annotations: { b: '' }, finalizers: [''] },
    spec: { resources: { requests: { storage: '0' } }, selector: { matchLabels: { app: '' } } },
  });
});
