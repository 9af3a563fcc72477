import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { deploymentResource } from '../../../src/registry/apps/deployment.js';
import { daemonSetResource } from '../../../src/registry/apps/daemonset.js';
import { controllerRevisionResource } from '../../../src/registry/apps/controllerrevision.js';

const ds = deploymentResource.strategy;

function deploy(mutate: (o: any) => void = () => {}): KubeObject {
  const o: any = {
    metadata: { name: 'nginx', namespace: 'default', resourceVersion: '1' },
    spec: { selector: { matchLabels: { app: 'nginx' } }, template: { metadata: { labels: { app: 'nginx' } }, spec: { restartPolicy: 'Always', containers: [{ name: 'nginx', image: 'nginx' }] } } },
  };
  mutate(o);
  ds.defaults!(o);
  return o;
}

test('deployment defaults', () => {
  const o: any = deploy();
  assert.equal(o.spec.replicas, 1);
  assert.deepEqual(o.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(o.spec.revisionHistoryLimit, 10);
  assert.equal(o.spec.progressDeadlineSeconds, 600);
  assert.deepEqual(ds.validate!(o).map(String), []);
  assert.deepEqual((deploy((x) => (x.spec.strategy = { type: 'Recreate' })) as any).spec.strategy, { type: 'Recreate' });
});

test('deployment invalid cases', () => {
  const cases: [(o: any) => void, string[]][] = [
    [(o) => (o.spec.selector = { matchLabels: { app: 'x' } }), ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"nginx"}: `selector` does not match template `labels`']],
    [(o) => (o.spec.selector = {}), ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment']],
    [(o) => (o.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } }), ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0']],
    [(o) => (o.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25x' } }), ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"25x"}: a valid percent string must be a numeric string followed by an ending \'%\' (e.g. \'1%\',  or \'93%\', regex used for validation is \'[0-9]+%\')']],
    [(o) => (o.spec.strategy = { type: 'Recreate', rollingUpdate: {} }), ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]],
    [(o) => (o.spec.strategy = { type: 'Blue' }), ['spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"Blue", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"']],
    [(o) => { o.spec.minReadySeconds = 700; }, ['spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds']],
    [(o) => (o.spec.template.spec.restartPolicy = 'Never'), ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']],
  ];
  for (const [mutate, want] of cases) assert.deepEqual(ds.validate!(deploy(mutate)).map(String), want);
});

test('deployment update: selector is immutable (upstream Go-syntax value)', () => {
  const old = deploy();
  const upd = deploy((o) => {
    o.spec.selector = { matchLabels: { app: 'nginx', tier: 'web' } };
    o.spec.template.metadata.labels.tier = 'web';
  });
  assert.deepEqual(ds.validateUpdate!(upd, old).map(String), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"nginx", "tier":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
  ]);
});

test('deployment annotation change bumps generation', () => {
  const old: any = deploy((o) => (o.metadata.generation = 4));
  const upd: any = deploy((o) => {
    o.metadata.generation = 4;
    o.metadata.annotations = { 'kubernetes.io/change-cause': 'x' };
  });
  ds.prepareForUpdate!(upd, old);
  assert.equal(upd.metadata.generation, 5);
});

test('daemonset defaults, template generation and rolling update rules', () => {
  const s = daemonSetResource.strategy;
  const mk = (m: (o: any) => void = () => {}) => {
    const o: any = { metadata: { name: 'ds', namespace: 'kube-system', resourceVersion: '1' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { restartPolicy: 'Always', containers: [{ name: 'c', image: 'i' }] } } } };
    m(o);
    s.defaults!(o);
    return o;
  };
  const o = mk();
  assert.deepEqual(o.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  s.prepareForCreate!(o);
  assert.equal(o.metadata.annotations['deprecated.daemonset.template.generation'], '1');
  assert.deepEqual(s.validate!(o).map(String), []);
  const upd = structuredClone(o);
  upd.spec.template.spec.containers[0].image = 'j';
  s.prepareForUpdate!(upd, o);
  assert.equal(upd.metadata.annotations['deprecated.daemonset.template.generation'], '2');
  assert.deepEqual(s.validate!(mk((x) => (x.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } }))).map(String), [
    'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:""}: may not be set when maxUnavailable is non-zero',
  ]);
});

test('controllerrevision: data required and immutable, revision mutable', () => {
  const s = controllerRevisionResource.strategy;
  assert.deepEqual(s.validate!({ metadata: { name: 'r', namespace: 'd' }, revision: 1 } as KubeObject).map(String), ['data: Required value: data is mandatory']);
  const old = { metadata: { name: 'r', namespace: 'd', resourceVersion: '1' }, data: { a: 1 }, revision: 1 } as KubeObject;
  assert.deepEqual(s.validateUpdate!({ ...old, revision: 3 } as KubeObject, old).map(String), []);
  assert.equal(s.validateUpdate!({ ...old, data: { a: 2 } } as KubeObject, old).map(String).length, 1);
});
