import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import type { ResourceDef } from '../../../src/registry/types.js';
import { builtinResources } from '../../../src/host/builtin-resources.js';

const defs = builtinResources();
const find = (group: string, resource: string): ResourceDef => {
  const d = defs.find((x) => x.group === group && x.resource === resource);
  assert.ok(d, `${resource}.${group}`);
  return d;
};

test('groups appear in upstream discovery priority order', () => {
  const groups = [...new Set(defs.map((d) => d.group))];
  const mine = ['apps', 'events.k8s.io', 'batch', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'storage.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io', 'flowcontrol.apiserver.k8s.io'];
  assert.equal(groups[0], '');
  assert.deepEqual(groups.filter((g) => mine.includes(g)), mine);
});

test('short names and categories as kubectl api-resources shows them', () => {
  const want: [string, string, string[], string[]][] = [
    ['apps', 'statefulsets', ['sts'], ['all']], ['apps', 'deployments', ['deploy'], ['all']], ['apps', 'replicasets', ['rs'], ['all']],
    ['apps', 'daemonsets', ['ds'], ['all']], ['apps', 'controllerrevisions', [], []], ['batch', 'jobs', [], ['all']], ['batch', 'cronjobs', ['cj'], ['all']],
    ['storage.k8s.io', 'storageclasses', ['sc'], []], ['policy', 'poddisruptionbudgets', ['pdb'], []], ['networking.k8s.io', 'ingresses', ['ing'], []],
    ['scheduling.k8s.io', 'priorityclasses', ['pc'], []], ['events.k8s.io', 'events', ['ev'], []],
  ];
  for (const [g, r, shortNames, categories] of want) {
    const d = find(g, r);
    assert.deepEqual([d.shortNames, d.categories], [shortNames, categories], r);
  }
  assert.deepEqual(find('events.k8s.io', 'events').storageResource, { group: '', resource: 'events' });
  assert.equal(find('storage.k8s.io', 'storageclasses').namespaced, false);
  assert.equal(find('apps', 'statefulsets').schemaName, 'io.k8s.api.apps.v1.StatefulSet');
});

test('rbac: roleRef cannot change', () => {
  const s = find('rbac.authorization.k8s.io', 'rolebindings').strategy;
  const mk = (name: string): KubeObject => {
    const o = { metadata: { name: 'b', namespace: 'ns', resourceVersion: '1' }, roleRef: { kind: 'Role', name }, subjects: [{ kind: 'User', name: 'alice' }] } as KubeObject;
    s.defaults!(o);
    return o;
  };
  assert.deepEqual(s.validate!(mk('r1')).map(String), []);
  assert.deepEqual(s.validateUpdate!(mk('r2'), mk('r1')).map(String), [
    'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"r2"}: cannot change roleRef',
  ]);
  const role = find('rbac.authorization.k8s.io', 'roles').strategy;
  assert.deepEqual(role.validate!({ metadata: { name: 'r', namespace: 'ns' }, rules: [{ apiGroups: [''], resources: ['pods'] }] } as KubeObject).map(String), [
    'rules[0].verbs: Required value: verbs must contain at least one value',
  ]);
});

test('storageclass: defaults, provisioner required, immutable fields', () => {
  const s = find('storage.k8s.io', 'storageclasses').strategy;
  const sc = { metadata: { name: 'fast', resourceVersion: '1' }, provisioner: 'example.com/fast' } as KubeObject;
  s.defaults!(sc);
  assert.equal(sc.reclaimPolicy, 'Delete');
  assert.equal(sc.volumeBindingMode, 'Immediate');
  assert.deepEqual(s.validate!(sc).map(String), []);
  assert.deepEqual(s.validate!({ ...sc, provisioner: '' } as KubeObject).map(String), ['provisioner: Required value']);
  assert.deepEqual(s.validateUpdate!({ ...sc, parameters: { a: 'b' }, reclaimPolicy: 'Retain' } as KubeObject, sc).map(String), [
    'parameters: Forbidden: updates to parameters are forbidden.',
    'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.',
  ]);
});

test('priorityclass: user values capped, value frozen', () => {
  const s = find('scheduling.k8s.io', 'priorityclasses').strategy;
  const pc = { metadata: { name: 'high', resourceVersion: '1' }, value: 2000000000 } as KubeObject;
  s.defaults!(pc);
  assert.equal(pc.preemptionPolicy, 'PreemptLowerPriority');
  assert.deepEqual(s.validate!(pc).map(String), ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']);
  assert.deepEqual(s.validateUpdate!({ ...pc, value: 5 } as KubeObject, pc).map(String), ['value: Forbidden: may not be changed in an update.']);
});

test('pdb: minAvailable and maxUnavailable exclusive', () => {
  const s = find('policy', 'poddisruptionbudgets').strategy;
  const errs = s.validate!({ metadata: { name: 'p', namespace: 'ns' }, spec: { minAvailable: 1, maxUnavailable: 1 } } as KubeObject).map(String);
  assert.equal(errs.length, 1);
  assert.match(errs[0], /^spec: Invalid value: .*: minAvailable and maxUnavailable cannot be both set$/);
});

test('ingress: backend and pathType rules', () => {
  const s = find('networking.k8s.io', 'ingresses').strategy;
  const ing = (paths: unknown[]) => ({ metadata: { name: 'i', namespace: 'ns' }, spec: { rules: [{ host: 'a.example.com', http: { paths } }] } }) as KubeObject;
  assert.deepEqual(s.validate!(ing([{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }])).map(String), []);
  assert.deepEqual(s.validate!(ing([{ path: 'x', pathType: 'Exact', backend: { service: { name: 'web', port: {} } } }])).map(String), [
    'spec.rules[0].http.paths[0].path: Invalid value: "x": must be an absolute path',
    'spec.rules[0].http.paths[0].backend.service.port: Required value: port name or number is required',
  ]);
});

test('unconditional update follows each upstream strategy\'s AllowUnconditionalUpdate', () => {
  const allows = (group: string, kind: string) => defs.find((d) => d.group === group && d.kind === kind)!.unconditionalUpdate;
  for (const [g, k] of [['', 'Secret'], ['', 'ConfigMap'], ['', 'Service'], ['', 'Pod'], ['apps', 'Deployment'], ['apps', 'StatefulSet'], ['batch', 'Job'],
    ['rbac.authorization.k8s.io', 'Role'], ['networking.k8s.io', 'Ingress'], ['storage.k8s.io', 'StorageClass'], ['discovery.k8s.io', 'EndpointSlice']]) {
    assert.equal(allows(g, k), true, `${g}/${k}`);
  }
  for (const [g, k] of [['coordination.k8s.io', 'Lease'], ['policy', 'PodDisruptionBudget'], ['apiextensions.k8s.io', 'CustomResourceDefinition']]) {
    assert.equal(allows(g, k), false, `${g}/${k}`);
  }
});
