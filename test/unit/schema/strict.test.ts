import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModel } from '../../../src/apimachinery/schema/index.js';
import { findUnknownFields, pruneUnknownFields, unknownFieldMessage } from '../../../src/apimachinery/schema/strict.js';

const model = builtinModel();
const STS = 'io.k8s.api.apps.v1.StatefulSet';

function statefulSet(): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', labelz: { a: 'b' }, labels: { app: 'web' } },
    spec: {
      foo: 1,
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      serviceName: 'web',
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'a', image: 'nginx' },
            { name: 'b', imagee: 'nginx', resources: { limits: { cpu: '1' } }, ports: [{ containerPort: 80, bogus: true }] },
          ],
        },
      },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: '1Gi' } }, sizee: 1 } }],
    },
  };
}

test('finds unknown fields with upstream path format, in document order', () => {
  assert.deepEqual(findUnknownFields(model, STS, statefulSet()), [
    'metadata.labelz',
    'spec.foo',
    'spec.template.spec.containers[1].imagee',
    'spec.template.spec.containers[1].ports[0].bogus',
    'spec.volumeClaimTemplates[0].spec.sizee',
  ]);
  assert.equal(unknownFieldMessage('spec.foo'), 'unknown field "spec.foo"');
});

test('a clean object has no unknown fields; matching is case-sensitive', () => {
  const obj = statefulSet();
  pruneUnknownFields(model, STS, obj);
  assert.deepEqual(findUnknownFields(model, STS, obj), []);
  assert.deepEqual(findUnknownFields(model, STS, { spec: { Replicas: 1 } }), ['spec.Replicas']);
});

test('map values recurse into their type; free-form content is not checked', () => {
  const cm = { data: { a: 'b' }, binaryData: { x: 'AA==' }, metadata: { annotations: { any: 'thing' } } };
  assert.deepEqual(findUnknownFields(model, 'io.k8s.api.core.v1.ConfigMap', cm), []);
  const rev = { data: { anything: { goes: true } }, revision: 1, metadata: { managedFields: [{ fieldsV1: { 'f:spec': {} } }] } };
  assert.deepEqual(findUnknownFields(model, 'io.k8s.api.apps.v1.ControllerRevision', rev), []);
  const crd = {
    spec: { versions: [{ name: 'v1', schema: { openAPIV3Schema: { properties: { a: { type: 'string', typo: 1 } } } } }] },
  };
  assert.deepEqual(findUnknownFields(model, 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition', crd), [
    'spec.versions[0].schema.openAPIV3Schema.properties.a.typo',
  ]);
});

test('pruneUnknownFields removes what findUnknownFields reports', () => {
  const obj = statefulSet();
  const removed = pruneUnknownFields(model, STS, obj);
  assert.equal(removed.length, 5);
  const spec = obj.spec as Record<string, unknown>;
  assert.equal('foo' in spec, false);
  assert.equal(spec.replicas, 2);
  const containers = ((spec.template as any).spec.containers) as Record<string, unknown>[];
  assert.deepEqual(containers[1], { name: 'b', resources: { limits: { cpu: '1' } }, ports: [{ containerPort: 80 }] });
});

test('type mismatches and nulls are left alone', () => {
  assert.deepEqual(findUnknownFields(model, STS, { spec: 'nope', metadata: null }), []);
  assert.deepEqual(findUnknownFields(model, STS, { spec: { template: { spec: { containers: 'x' } } } }), []);
});
