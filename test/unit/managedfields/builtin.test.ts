// Server-side apply over the real built-in model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModel } from '../../../src/apimachinery/schema/index.js';
import { apply, fieldSetFromPaths, modelType, parentManagedFieldsFromScale, scaleManagedFields, updateManagedFields } from '../../../src/apimachinery/managedfields/index.js';
import type { KubeObject } from '../../../src/apimachinery/types.js';

const scope = {
  schema: modelType(builtinModel(), 'io.k8s.api.apps.v1.Deployment'),
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  resetFields: fieldSetFromPaths('status'),
};

const config = (env: boolean) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'nginx',
            image: 'nginx',
            ports: [{ containerPort: 80 }],
            resources: { limits: { cpu: '1' } },
            ...(env ? { env: [{ name: 'A', value: '1' }] } : {}),
          },
        ],
      },
    },
  },
});

test('builtin model: kubectl create and apply produce upstream FieldsV1 for a Deployment', () => {
  const created = updateManagedFields({ ...scope, live: undefined, object: structuredClone(config(true)) as KubeObject, manager: 'kubectl-create' });
  assert.deepEqual(created.metadata.managedFields![0].fieldsV1, {
    'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
    'f:spec': {
      'f:replicas': {},
      'f:selector': {},
      'f:template': {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': {
          'f:containers': {
            'k:{"name":"nginx"}': {
              '.': {},
              'f:env': { '.': {}, 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
              'f:image': {},
              'f:name': {},
              'f:ports': { '.': {}, 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
              'f:resources': { 'f:limits': { '.': {}, 'f:cpu': {} } },
            },
          },
        },
      },
    },
  });

  const first = apply({ ...scope, live: undefined, applied: config(true), manager: 'kubectl', force: false }).object;
  const container = (o: KubeObject) => (o.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers[0];
  assert.deepEqual(container(first).env, [{ name: 'A', value: '1' }]);
  const second = apply({ ...scope, live: first, applied: config(false), manager: 'kubectl', force: false }).object;
  assert.equal(container(second).env, undefined);
  assert.deepEqual(container(second).ports, [{ containerPort: 80 }]);
});

test('scale subresource: replicas ownership moves between the Scale and its parent', () => {
  const mappings = { 'apps/v1': ['spec', 'replicas'] };
  const parent = updateManagedFields({ ...scope, live: undefined, object: structuredClone(config(false)) as KubeObject, manager: 'kubectl-client-side-apply' });
  const scaleEntries = scaleManagedFields(parent.metadata.managedFields, mappings)!;
  assert.deepEqual(
    scaleEntries.map((e) => [e.manager, e.operation, e.apiVersion, e.fieldsV1]),
    [['kubectl-client-side-apply', 'Update', 'autoscaling/v1', { 'f:spec': { 'f:replicas': {} } }]],
  );

  const scaleScope = { schema: modelType(builtinModel(), 'io.k8s.api.autoscaling.v1.Scale'), apiVersion: 'autoscaling/v1', kind: 'Scale', subresource: 'scale' };
  const liveScale: KubeObject = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web', uid: 'u', managedFields: scaleEntries }, spec: { replicas: 2 } };
  const newScale = structuredClone(liveScale);
  newScale.spec = { replicas: 5 };
  const scaled = updateManagedFields({ ...scaleScope, live: liveScale, object: newScale, manager: 'kubectl' });

  const entries = parentManagedFieldsFromScale(parent.metadata.managedFields, scaled.metadata.managedFields, 'apps/v1', mappings)!;
  const byManager = new Map(entries.map((e) => [e.manager, e]));
  assert.deepEqual(byManager.get('kubectl'), { manager: 'kubectl', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } }, subresource: 'scale' });
  const csa = byManager.get('kubectl-client-side-apply')!.fieldsV1!['f:spec'] as Record<string, unknown>;
  assert.equal(csa['f:replicas'], undefined);
  assert.ok(csa['f:template']);
});
