import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  builtinModel,
  elementType,
  fieldDef,
  resolveFieldPath,
  structAtPath,
  structForGVK,
} from '../../../src/apimachinery/schema/index.js';

const model = builtinModel();

test('builtinModel is built once and cached', () => {
  assert.equal(builtinModel(), model);
});

test('every requested kind and its list are present with a gvk', () => {
  const kinds: [string, string, string][] = [
    ['', 'v1', 'Pod'], ['', 'v1', 'PodList'], ['', 'v1', 'Namespace'], ['', 'v1', 'Service'], ['', 'v1', 'Endpoints'],
    ['', 'v1', 'ConfigMap'], ['', 'v1', 'Secret'], ['', 'v1', 'ServiceAccount'], ['', 'v1', 'PersistentVolume'],
    ['', 'v1', 'PersistentVolumeClaimList'], ['', 'v1', 'Event'], ['', 'v1', 'Node'], ['', 'v1', 'Binding'],
    ['', 'v1', 'PodTemplate'], ['apps', 'v1', 'StatefulSet'], ['apps', 'v1', 'StatefulSetList'],
    ['apps', 'v1', 'Deployment'], ['apps', 'v1', 'ReplicaSet'], ['apps', 'v1', 'ControllerRevision'],
    ['apps', 'v1', 'DaemonSet'], ['storage.k8s.io', 'v1', 'StorageClass'], ['discovery.k8s.io', 'v1', 'EndpointSlice'],
    ['coordination.k8s.io', 'v1', 'Lease'], ['events.k8s.io', 'v1', 'Event'], ['batch', 'v1', 'Job'],
    ['batch', 'v1', 'CronJob'], ['rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding'], ['autoscaling', 'v1', 'Scale'],
    ['policy', 'v1', 'PodDisruptionBudget'], ['networking.k8s.io', 'v1', 'Ingress'],
    ['scheduling.k8s.io', 'v1', 'PriorityClass'], ['', 'v1', 'Status'], ['apps', 'v1', 'DeleteOptions'],
    ['apiextensions.k8s.io', 'v1', 'CustomResourceDefinition'],
  ];
  for (const [g, v, k] of kinds) {
    const def = structForGVK(model, g, v, k);
    assert.ok(def, `${g}/${v}/${k}`);
    assert.ok(def.description, `description of ${def.name}`);
  }
  assert.equal(structForGVK(model, 'apps', 'v1', 'StatefulSet')?.name, 'io.k8s.api.apps.v1.StatefulSet');
  assert.equal(structForGVK(model, 'events.k8s.io', 'v1', 'Event')?.name, 'io.k8s.api.events.v1.Event');
});

test('every struct reference resolves', () => {
  for (const def of model.structs.values()) {
    for (const field of def.fields) {
      const t = elementType(field.type);
      if (t.kind === 'ref') assert.ok(model.structs.has(t.name), `${def.name}.${field.name} → ${t.name}`);
    }
  }
});

test('facts carried over from upstream types', () => {
  const containers = fieldDef(model, 'io.k8s.api.core.v1.PodSpec', 'containers');
  assert.deepEqual(
    { proto: containers?.proto, key: containers?.patchMergeKey, strategy: containers?.patchStrategy, list: containers?.listType, keys: containers?.listMapKeys },
    { proto: 2, key: 'name', strategy: 'merge', list: 'map', keys: ['name'] },
  );
  const ports = fieldDef(model, 'io.k8s.api.core.v1.Container', 'ports');
  assert.deepEqual(ports?.listMapKeys, ['containerPort', 'protocol']);
  assert.deepEqual(fieldDef(model, 'io.k8s.api.core.v1.PodSpec', 'restartPolicy')?.type, {
    kind: 'string',
    enum: ['Always', 'Never', 'OnFailure'],
  });
  assert.deepEqual(fieldDef(model, 'io.k8s.api.apps.v1.StatefulSetSpec', 'podManagementPolicy')?.type, {
    kind: 'string',
    enum: ['OrderedReady', 'Parallel'],
  });
  assert.equal(fieldDef(model, 'io.k8s.api.apps.v1.StatefulSetSpec', 'selector')?.required, true);
  assert.equal(fieldDef(model, 'io.k8s.api.apps.v1.StatefulSetSpec', 'replicas')?.type.kind, 'integer');
  assert.deepEqual(fieldDef(model, 'io.k8s.api.core.v1.Secret', 'data')?.type, { kind: 'map', values: { kind: 'bytes' } });
  assert.deepEqual(fieldDef(model, 'io.k8s.api.core.v1.ResourceRequirements', 'limits')?.type, {
    kind: 'map',
    values: { kind: 'quantity' },
  });
  assert.equal(fieldDef(model, 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'creationTimestamp')?.type.kind, 'time');
  assert.equal(fieldDef(model, 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'managedFields')?.proto, 17);
  assert.equal(fieldDef(model, 'io.k8s.api.apps.v1.RollingUpdateStatefulSetStrategy', 'maxUnavailable')?.type.kind, 'intOrString');
  assert.equal(model.structs.get('io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector')?.structType, 'atomic');
  // TypeMeta is inlined without proto numbers; Volume's inline VolumeSource is protobuf field 2.
  assert.equal(fieldDef(model, 'io.k8s.api.apps.v1.StatefulSet', 'kind')?.proto, undefined);
  assert.ok(fieldDef(model, 'io.k8s.api.core.v1.Volume', 'persistentVolumeClaim'));
  assert.deepEqual(model.structs.get('io.k8s.api.core.v1.Volume')?.inlined, [{ proto: 2, struct: 'io.k8s.api.core.v1.VolumeSource' }]);
});

test('resolving nested paths through arrays and maps', () => {
  const sts = 'io.k8s.api.apps.v1.StatefulSet';
  assert.equal(structAtPath(model, sts, 'spec.updateStrategy')?.name, 'io.k8s.api.apps.v1.StatefulSetUpdateStrategy');
  assert.equal(structAtPath(model, sts, 'spec.template.spec.containers')?.name, 'io.k8s.api.core.v1.Container');
  assert.equal(structAtPath(model, sts, 'spec.volumeClaimTemplates.spec')?.name, 'io.k8s.api.core.v1.PersistentVolumeClaimSpec');
  assert.equal(resolveFieldPath(model, sts, ['spec', 'replicas'])?.field?.proto, 1);
  assert.equal(resolveFieldPath(model, sts, ['spec', 'nope']), undefined);
  assert.equal(structAtPath(model, sts, '')?.name, sts);
});
