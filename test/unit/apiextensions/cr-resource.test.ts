import { test } from 'node:test';
import assert from 'node:assert/strict';
import { customResourceDefs } from '../../../src/apiextensions/cr-resource.js';
import type { CustomResourceDefinition } from '../../../src/apiextensions/types.js';
import { builtinModel } from '../../../src/apimachinery/schema/index.js';
import type { KubeObject } from '../../../src/apimachinery/types.js';

const model = builtinModel();
const objectSchema = { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { replicas: { type: 'integer' } } }, status: { type: 'object', properties: { replicas: { type: 'integer' } } } } } };

function widgetCRD(): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com', scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'], categories: ['all'] },
      versions: [
        { name: 'v1beta1', served: true, storage: false, schema: objectSchema },
        { name: 'v1', served: true, storage: true, schema: objectSchema, subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
          additionalPrinterColumns: [{ name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' }] },
        { name: 'v0', served: false, storage: false, schema: objectSchema },
      ],
    },
    status: { acceptedNames: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'], categories: ['all'] } },
  };
}

const widget = (apiVersion: string, extra: Partial<KubeObject> = {}): KubeObject =>
  ({ apiVersion, kind: 'Widget', metadata: { name: 'w1', namespace: 'default', generation: 1, resourceVersion: '3' }, spec: { replicas: 1 }, ...extra });

test('one ResourceDef per served version, sharing one storage', () => {
  const defs = customResourceDefs(widgetCRD(), model);
  assert.deepEqual(defs.map((d) => d.version), ['v1beta1', 'v1']);
  for (const d of defs) {
    assert.equal(d.custom, true);
    assert.equal(d.namespaced, true);
    assert.deepEqual(d.storageResource, { group: 'example.com', resource: 'widgets' });
    assert.deepEqual([d.kind, d.listKind, d.singular, d.resource], ['Widget', 'WidgetList', 'widget', 'widgets']);
    assert.deepEqual(d.shortNames, ['wd']);
    assert.deepEqual(d.categories, ['all']);
    assert.equal(d.tracksGeneration, true);
    assert.ok(d.customSchema?.openapi);
  }
  const [beta, v1] = defs;
  assert.deepEqual(v1.subresources, { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } });
  assert.deepEqual(beta.subresources, {});
  assert.deepEqual(v1.printer!.columns.map((c) => c.name), ['Name', 'Replicas']);
  assert.deepEqual(beta.printer!.columns.map((c) => c.name), ['Name', 'Age']);
  assert.equal(v1.conversion, undefined, 'the storage version needs no conversion');
  assert.equal(beta.conversion!.toStorage(widget('example.com/v1beta1')).apiVersion, 'example.com/v1');
  assert.equal(beta.conversion!.fromStorage(widget('example.com/v1')).apiVersion, 'example.com/v1beta1');
});

test('generation: status changes count only without a status subresource', () => {
  const [beta, v1] = customResourceDefs(widgetCRD(), model);
  const old = widget('example.com/v1beta1', { status: { replicas: 1 } });
  const next = widget('example.com/v1beta1', { status: { replicas: 2 } });
  beta.strategy.prepareForUpdate!(next, old);
  assert.equal(next.metadata.generation, 2);
  const same = widget('example.com/v1', { status: { replicas: 2 } });
  v1.strategy.prepareForUpdate!(same, widget('example.com/v1', { status: { replicas: 1 } }));
  assert.equal(same.metadata.generation, 1);
  const created = widget('example.com/v1', { status: { replicas: 5 } });
  v1.strategy.prepareForCreate!(created);
  assert.equal(created.status, undefined, 'status is dropped on create when it is a subresource');
});

test('scale paths are validated like upstream', () => {
  const v1 = customResourceDefs(widgetCRD(), model)[1];
  const errs = v1.strategy.validate!(widget('example.com/v1', { spec: { replicas: -1 }, status: { replicas: 'two' } })).map(String);
  assert.ok(errs.includes('.spec.replicas: Invalid value: -1: should be a non-negative integer'), errs.join('\n'));
  assert.ok(errs.includes('.status.replicas: Invalid value: 0: .status.replicas accessor error: two is of the type string, expected int64'), errs.join('\n'));
});

test('object metadata is validated with DNS subdomain names', () => {
  const v1 = customResourceDefs(widgetCRD(), model)[1];
  const errs = v1.strategy.validate!(widget('example.com/v1', { metadata: { name: 'Bad_Name', namespace: 'default' } })).map(String);
  assert.ok(errs.some((e) => e.startsWith('metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain')), errs.join('\n'));
});

test('cluster-scoped CRDs make cluster-scoped resources', () => {
  const crd = widgetCRD();
  crd.spec.scope = 'Cluster';
  assert.ok(customResourceDefs(crd, model).every((d) => !d.namespaced));
});
