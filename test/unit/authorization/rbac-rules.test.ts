// RBAC rule evaluation and escalation checks as upstream's rbac.go, policy_comparator.go and rule.go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compactRules, compactString, covers, ruleAllows, type RequestAttributes } from '../../../src/authorization/rbac/rules.js';
import { bootstrapPolicy } from '../../../src/authorization/rbac/bootstrap-policy.js';

const res = (verb: string, resource: string, extra: Partial<RequestAttributes> = {}): RequestAttributes => ({
  verb, resourceRequest: true, group: '', resource, subresource: '', name: '', namespace: 'default', path: '', ...extra,
});

test('ruleAllows: verbs, groups, resources, subresources, names and non-resource URLs', () => {
  const pods = { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] };
  assert.equal(ruleAllows(res('get', 'pods'), pods), true);
  assert.equal(ruleAllows(res('delete', 'pods'), pods), false);
  assert.equal(ruleAllows(res('get', 'pods', { group: 'apps' }), pods), false);
  assert.equal(ruleAllows(res('get', 'pods', { subresource: 'log' }), pods), false, 'a subresource is its own resource');
  assert.equal(ruleAllows(res('get', 'deployments', { group: 'apps', subresource: 'scale' }), { verbs: ['get'], apiGroups: ['*'], resources: ['*/scale'] }), true);
  const named = { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] };
  assert.equal(ruleAllows(res('get', 'configmaps', { name: 'a' }), named), true);
  assert.equal(ruleAllows(res('get', 'configmaps', { name: 'b' }), named), false);
  assert.equal(ruleAllows(res('list', 'configmaps'), named), false, 'a list has no name');
  const urls = { verbs: ['get'], nonResourceURLs: ['/healthz', '/apis/*'] };
  assert.equal(ruleAllows({ ...res('get', ''), resourceRequest: false, path: '/healthz' }, urls), true);
  assert.equal(ruleAllows({ ...res('get', ''), resourceRequest: false, path: '/apis/apps/v1' }, urls), true);
  assert.equal(ruleAllows({ ...res('get', ''), resourceRequest: false, path: '/api' }, urls), false);
  assert.equal(ruleAllows({ ...res('post', ''), resourceRequest: false, path: '/healthz' }, urls), false);
});

test('covers: what an owner lacks, piece by piece; a star is covered only by a star', () => {
  const owner = [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', 'configmaps'] }, { verbs: ['*'], apiGroups: ['apps'], resources: ['deployments/*'] }];
  assert.equal(covers(owner, [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]).covered, true);
  assert.equal(covers(owner, [{ verbs: ['delete'], apiGroups: ['apps'], resources: ['deployments/scale'] }]).covered, true);
  const r = covers(owner, [{ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods', 'secrets'] }]);
  assert.equal(r.covered, false);
  assert.deepEqual(compactRules(r.missing).map(compactString), [
    '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}',
    '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete"]}',
  ]);
  assert.equal(covers([{ verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'], apiGroups: [''], resources: ['pods'] }],
    [{ verbs: ['*'], apiGroups: [''], resources: ['pods'] }]).covered, false);
  assert.equal(compactString({ verbs: ['get'], nonResourceURLs: ['/x'] }), '{NonResourceURLs:["/x"], Verbs:["get"]}');
  assert.equal(compactString({ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }), '{APIGroups:[""], Resources:["configmaps"], ResourceNames:["a"], Verbs:["get"]}');
});

test('the bootstrap policy has upstream\'s defaults, labelled and annotated for reconciliation', () => {
  const policy = bootstrapPolicy();
  const role = (name: string) => policy.clusterRoles.find((r) => r.metadata.name === name)!;
  assert.deepEqual(role('cluster-admin').rules, [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }]);
  assert.deepEqual(role('view').aggregationRule, { clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }] });
  assert.equal(role('view').metadata.labels!['rbac.authorization.k8s.io/aggregate-to-edit'], 'true');
  assert.deepEqual(role('system:public-info-viewer').rules, [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] }]);
  for (const r of [...policy.clusterRoles, ...policy.clusterRoleBindings]) {
    assert.equal(r.metadata.annotations!['rbac.authorization.kubernetes.io/autoupdate'], 'true', r.metadata.name);
  }
  const binding = (name: string) => policy.clusterRoleBindings.find((b) => b.metadata.name === name)!;
  assert.deepEqual(binding('cluster-admin').subjects, [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:masters' }]);
  assert.deepEqual(binding('system:controller:statefulset-controller').subjects, [{ kind: 'ServiceAccount', name: 'statefulset-controller', namespace: 'kube-system' }]);
  assert.equal((binding('system:discovery').subjects as unknown[]).length, 1, 'discovery is for authenticated users only');
});
