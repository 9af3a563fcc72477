import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { statefulSetResource, setDefaultsStatefulSet } from '../../../src/registry/apps/statefulset.js';

const strategy = statefulSetResource.strategy;

function sts(mutate: (o: any) => void = () => {}): KubeObject {
  const o: any = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      serviceName: 'web',
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { restartPolicy: 'Always', containers: [{ name: 'c', image: 'nginx' }] } },
    },
  };
  mutate(o);
  setDefaultsStatefulSet(o);
  return o;
}

const errors = (o: KubeObject) => strategy.validate!(o).map(String);

test('defaults: replicas, policy, strategy with partition, retention, history', () => {
  const o: any = sts();
  assert.equal(o.spec.replicas, 1);
  assert.equal(o.spec.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(o.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.deepEqual(o.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  assert.equal(o.spec.revisionHistoryLimit, 10);
});

test('defaults: explicit RollingUpdate without rollingUpdate gets no block; OnDelete untouched', () => {
  assert.deepEqual((sts((o) => (o.spec.updateStrategy = { type: 'RollingUpdate' })) as any).spec.updateStrategy, { type: 'RollingUpdate' });
  assert.deepEqual((sts((o) => (o.spec.updateStrategy = { type: 'OnDelete' })) as any).spec.updateStrategy, { type: 'OnDelete' });
  assert.deepEqual((sts((o) => (o.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: {} })) as any).spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
});

test('defaults: volumeClaimTemplates get volumeMode Filesystem and phase Pending', () => {
  const o: any = sts((x) => (x.spec.volumeClaimTemplates = [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'] } }]));
  assert.equal(o.spec.volumeClaimTemplates[0].spec.volumeMode, 'Filesystem');
  assert.equal(o.spec.volumeClaimTemplates[0].status.phase, 'Pending');
});

test('a valid StatefulSet passes', () => {
  assert.deepEqual(errors(sts()), []);
});

const invalidCases: [string, (o: any) => void, string[]][] = [
  ['missing selector', (o) => delete o.spec.selector, [
    'spec.selector: Required value',
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
  ]],
  ['empty selector', (o) => (o.spec.selector = {}), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset',
  ]],
  ['selector mismatch', (o) => (o.spec.selector = { matchLabels: { app: 'other' } }), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
  ]],
  ['negative replicas', (o) => (o.spec.replicas = -1), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
  ['negative minReadySeconds', (o) => (o.spec.minReadySeconds = -5), ['spec.minReadySeconds: Invalid value: -5: must be greater than or equal to 0']],
  ['negative ordinals.start', (o) => (o.spec.ordinals = { start: -2 }), ['spec.ordinals.start: Invalid value: -2: must be greater than or equal to 0']],
  ['bad podManagementPolicy', (o) => (o.spec.podManagementPolicy = 'Random'), [
    `spec.podManagementPolicy: Invalid value: "Random": must be 'OrderedReady' or 'Parallel'`,
  ]],
  ['bad update strategy type', (o) => (o.spec.updateStrategy = { type: 'Foo' }), [
    `spec.updateStrategy: Invalid value: apps.StatefulSetUpdateStrategy{Type:"Foo", RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}: must be 'RollingUpdate' or 'OnDelete'`,
  ]],
  ['OnDelete with rollingUpdate', (o) => (o.spec.updateStrategy = { type: 'OnDelete', rollingUpdate: { partition: 1 } }), [
    `spec.updateStrategy.rollingUpdate: Invalid value: apps.RollingUpdateStatefulSetStrategy{Partition:1, MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy 'RollingUpdate'`,
  ]],
  ['negative partition', (o) => (o.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: -1 } }), [
    'spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0',
  ]],
  ['zero maxUnavailable', (o) => (o.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } }), [
    'spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: cannot be 0',
  ]],
  ['maxUnavailable over 100%', (o) => (o.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '101%' } }), [
    'spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"101%"}: must not be greater than 100%',
  ]],
  ['restartPolicy OnFailure', (o) => (o.spec.template.spec.restartPolicy = 'OnFailure'), [
    'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
  ]],
  ['activeDeadlineSeconds', (o) => (o.spec.template.spec.activeDeadlineSeconds = 10), [
    'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported',
  ]],
  ['bad retention policy', (o) => (o.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Keep', whenScaled: 'Delete' }), [
    'spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported values: "Retain", "Delete"',
  ]],
  ['name with dots (must be a DNS label)', (o) => (o.metadata.name = 'web.v1'), [
    'metadata.name: Invalid value: "web.v1": must not contain dots',
  ]],
];

for (const [name, mutate, want] of invalidCases) {
  test(`invalid: ${name}`, () => {
    assert.deepEqual(errors(sts(mutate)), want);
  });
}

test('update: mutable fields may change', () => {
  const old = sts((o) => (o.metadata.resourceVersion = '1'));
  const upd = sts((o) => {
    o.metadata.resourceVersion = '1';
    o.spec.replicas = 5;
    o.spec.minReadySeconds = 3;
    o.spec.template.spec.containers[0].image = 'nginx:2';
    o.spec.updateStrategy = { type: 'OnDelete' };
    o.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete', whenScaled: 'Retain' };
    o.spec.ordinals = { start: 3 };
  });
  assert.deepEqual(strategy.validateUpdate!(upd, old).map(String), []);
});

test('update: other spec fields are forbidden', () => {
  const msg = "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";
  const old = sts((o) => (o.metadata.resourceVersion = '1'));
  for (const mutate of [
    (o: any) => (o.spec.serviceName = 'other'),
    (o: any) => (o.spec.podManagementPolicy = 'Parallel'),
    (o: any) => (o.spec.revisionHistoryLimit = 3),
    (o: any) => (o.spec.volumeClaimTemplates = [{ metadata: { name: 'data' }, spec: {} }]),
  ]) {
    const upd = sts((o) => {
      o.metadata.resourceVersion = '1';
      mutate(o);
    });
    assert.deepEqual(strategy.validateUpdate!(upd, old).map(String), [msg]);
  }
});

test('status update: counters and collisionCount', () => {
  const old = sts((o) => {
    o.metadata.resourceVersion = '1';
    o.status = { replicas: 2, collisionCount: 2 };
  });
  const upd = sts((o) => {
    o.metadata.resourceVersion = '1';
    o.status = { replicas: 2, readyReplicas: 3, collisionCount: 1 };
  });
  assert.deepEqual(strategy.validateStatusUpdate!(upd, old).map(String), [
    'status.readyReplicas: Invalid value: 3: cannot be greater than status.replicas',
    'status.collisionCount: Invalid value: 1: cannot be decremented',
  ]);
});

test('resource definition: names and subresources as upstream discovery shows', () => {
  assert.equal(statefulSetResource.resource, 'statefulsets');
  assert.deepEqual(statefulSetResource.shortNames, ['sts']);
  assert.deepEqual(statefulSetResource.categories, ['all']);
  assert.deepEqual(statefulSetResource.subresources.scale, { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', selectorFromSpec: true });
  assert.equal(statefulSetResource.tracksGeneration, true);
});
