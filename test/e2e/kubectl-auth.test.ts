// `kubectl auth can-i` and `kubectl auth whoami` against `berth up`, as against upstream v1.33. The admin kubeconfig
// is system:masters (cluster-admin through its binding); access reviews answer from the same RBAC authorizer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster, kubectl, kubectlOk, startCluster } from './harness.js';

let c: Cluster;
before(async () => { c = await startCluster({ args: ['--no-controllers'] }); });
after(async () => { await c?.stop(); c?.cleanup(); });

const k = async (args: string[], opts?: Parameters<typeof kubectl>[2]) => (await kubectlOk(c, args, opts)).trimEnd();

test('kubectl auth can-i answers yes for resources, subresources, names and non-resource URLs', async () => {
  assert.equal(await k(['auth', 'can-i', 'create', 'pods']), 'yes');
  assert.equal(await k(['auth', 'can-i', 'list', 'deployments.apps', '-n', 'kube-system']), 'yes');
  assert.equal(await k(['auth', 'can-i', 'get', 'pods', '--subresource=log']), 'yes');
  assert.equal(await k(['auth', 'can-i', 'delete', 'nodes/berth-node-1']), 'yes');
  assert.equal(await k(['auth', 'can-i', '*', '*', '--all-namespaces']), 'yes');
  assert.equal(await k(['auth', 'can-i', 'get', '/healthz']), 'yes');
  const quiet = await kubectl(c, ['auth', 'can-i', 'create', 'pods', '--quiet']);
  assert.deepEqual([quiet.code, quiet.stdout], [0, '']);
});

test('kubectl auth can-i --list prints the rules table', async () => {
  const lines = (await k(['auth', 'can-i', '--list'])).split('\n').map((l) => l.trimEnd());
  assert.match(lines[0]!, /^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/);
  // cluster-admin's rules, then what every authenticated user has (system:basic-user, system:discovery, …)
  assert.match(lines[1]!, /^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/);
  assert.ok(lines.some((l) => /^\s+\[\*\]\s+\[\]\s+\[\*\]$/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /^selfsubjectreviews\.authentication\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/.test(l)), lines.join('\n'));
  const bare = await k(['auth', 'can-i', '--list', '--no-headers', '-n', 'kube-system']);
  assert.match(bare, /^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]/);
});

test('kubectl auth whoami prints the username and groups', async () => {
  const out = await k(['auth', 'whoami']);
  assert.match(out, /^ATTRIBUTE\s+VALUE\nUsername\s+berth-admin\nGroups\s+\[system:masters system:authenticated\]$/);
  const review = JSON.parse(await k(['auth', 'whoami', '-o', 'json']));
  assert.equal(review.kind, 'SelfSubjectReview');
  assert.equal(review.apiVersion, 'authentication.k8s.io/v1');
  assert.deepEqual(review.status.userInfo, { username: 'berth-admin', groups: ['system:masters', 'system:authenticated'] });
});

test('SubjectAccessReview through kubectl create: answered, not stored', async () => {
  const sar = JSON.stringify({
    apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview',
    spec: { user: 'jane', groups: ['devs'], resourceAttributes: { namespace: 'default', verb: 'get', resource: 'secrets' } },
  });
  const created = JSON.parse(await k(['create', '-f', '-', '-o', 'json'], { input: sar }));
  // jane has no binding: RBAC has no opinion, so not allowed and no reason
  assert.deepEqual(created.status, { allowed: false });
  assert.equal(created.spec.user, 'jane');
  const local = JSON.stringify({
    apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', metadata: { namespace: 'kube-system' },
    spec: { user: 'jane', resourceAttributes: { namespace: 'kube-system', verb: 'list', resource: 'pods' } },
  });
  assert.equal(await k(['create', '-f', '-', '-o', 'jsonpath={.status.allowed}'], { input: local }), 'false');
  const admin = JSON.stringify({
    apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview',
    spec: { user: 'ops', groups: ['system:masters'], resourceAttributes: { namespace: 'default', verb: 'delete', resource: 'secrets' } },
  });
  assert.equal(await k(['create', '-f', '-', '-o', 'jsonpath={.status.allowed}'], { input: admin }), 'true');
  const get = await kubectl(c, ['get', 'selfsubjectaccessreviews']);
  assert.notEqual(get.code, 0);
  assert.match(get.stderr, /Error from server \(MethodNotAllowed\): the server does not allow this method on the requested resource/);
});

test('invalid reviews are refused with upstream\'s validation texts', async () => {
  const bad = JSON.stringify({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: {} });
  const r = await kubectl(c, ['create', '-f', '-'], { input: bad });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /spec\.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified/);
  const noUser = JSON.stringify({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { resourceAttributes: { verb: 'get' } } });
  const r2 = await kubectl(c, ['create', '-f', '-'], { input: noUser });
  assert.match(r2.stderr, /spec\.user: Invalid value: "": at least one of user or group must be specified/);
});

test('discovery lists the review kinds as create-only', async () => {
  const out = await k(['api-resources', '--api-group=authorization.k8s.io', '-o', 'wide']);
  assert.match(out, /^localsubjectaccessreviews\s+authorization\.k8s\.io\/v1\s+true\s+LocalSubjectAccessReview\s+create\s*$/m);
  assert.match(out, /^selfsubjectaccessreviews\s+authorization\.k8s\.io\/v1\s+false\s+SelfSubjectAccessReview\s+create\s*$/m);
  assert.match(out, /^selfsubjectrulesreviews\s+authorization\.k8s\.io\/v1\s+false\s+SelfSubjectRulesReview\s+create\s*$/m);
  assert.match(out, /^subjectaccessreviews\s+authorization\.k8s\.io\/v1\s+false\s+SubjectAccessReview\s+create\s*$/m);
  assert.match(await k(['api-resources', '--api-group=authentication.k8s.io']), /^selfsubjectreviews\s+authentication\.k8s\.io\/v1\s+false\s+SelfSubjectReview$/m);
  assert.match(await k(['explain', 'selfsubjectaccessreview.spec.resourceAttributes']), /FIELDS:\n[\s\S]*verb\s+<string>/);
});
