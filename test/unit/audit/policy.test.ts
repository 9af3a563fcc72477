// Audit policy evaluation as checker.go: first matching rule wins, no match is None.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY_YAML, evaluate, parsePolicy, type AuditAttributes } from '../../../src/audit/policy.js';

const attrs = (over: Partial<AuditAttributes>): AuditAttributes => ({
  user: { username: 'jane', groups: ['system:authenticated'] }, verb: 'get', resourceRequest: true, group: '', resource: 'pods',
  subresource: '', namespace: 'default', name: 'p', path: '/api/v1/namespaces/default/pods/p', ...over,
});

test('the default policy: components are silent, secrets are metadata only, writes carry their request', () => {
  const p = parsePolicy(DEFAULT_POLICY_YAML);
  assert.equal(evaluate(p, attrs({ user: { username: 'system:apiserver', groups: ['system:masters'] } })).level, 'None');
  const node = { username: 'system:node:berth-node-1', groups: ['system:nodes', 'system:authenticated'] };
  assert.equal(evaluate(p, attrs({ user: node, verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-node-lease' })).level, 'None');
  assert.equal(evaluate(p, attrs({ user: node, verb: 'update', subresource: 'status' })).level, 'Request', 'a node\'s pod status writes are recorded');
  assert.equal(evaluate(p, attrs({ user: { username: 'system:kube-scheduler', groups: ['system:authenticated'] }, verb: 'watch' })).level, 'None');
  assert.equal(evaluate(p, attrs({ resource: 'secrets', verb: 'create' })).level, 'Metadata');
  assert.equal(evaluate(p, attrs({ verb: 'create' })).level, 'Request');
  assert.equal(evaluate(p, attrs({ verb: 'create', subresource: 'exec' })).level, 'Request');
  assert.equal(evaluate(p, attrs({ verb: 'list' })).level, 'Metadata');
  assert.equal(evaluate(p, attrs({ resourceRequest: false, resource: '', path: '/healthz' })).level, 'None');
  assert.deepEqual(evaluate(p, attrs({})).omitStages, ['RequestReceived']);
});

test('bad policies are refused with upstream\'s wording', () => {
  assert.throws(() => parsePolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Everything\n'), /rules\[0\]\.level: Unsupported value: "Everything"/);
  assert.throws(() => parsePolicy('kind: Nope\n'), /not an audit\.k8s\.io\/v1 Policy/);
});
