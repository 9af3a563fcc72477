// The review endpoints in a real (in-process) server, with a test authorizer installed the way a future RBAC
// component would install one: on ServerContext.authorizer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessReviewComponent } from '../../../src/host/access-reviews.js';
import type { Authorizer } from '../../../src/api/identity.js';
import { startBerth, type Berth } from '../../../src/host/berth.js';
import { rawRequest } from '../../e2e/harness.js';
import { repoPath } from '../../repo-path.js';

let berth: Berth;
let dataDir: string;
const c = () => ({ kubeconfig: berth.kubeconfigPath });

/** The admin may do anything; jane may only get pods in ns1. */
const authorizer: Authorizer = {
  async authorize(a) {
    if (a.user.groups.includes('system:masters')) return { allowed: true };
    if (a.user.username === 'jane' && a.verb === 'get' && a.resource === 'pods' && a.namespace === 'ns1') return { allowed: true, reason: 'jane reads pods' };
    return { allowed: false, reason: `no rule for ${a.user.username}` };
  },
};

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-authz-'));
  berth = await startBerth({
    dataDir, port: 0, runtime: { controllers: false },
    components: [accessReviewComponent, { name: 'test-authorizer', controller: false, async start(ctx) { ctx.server.authorizer = authorizer; return { stop() {} }; } }],
  });
});

after(async () => {
  await berth?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  rawRequest(c(), 'POST', path, typeof body === 'string' ? body : JSON.stringify(body), { 'User-Agent': 'kubectl/v1.33.0 (linux/amd64) kubernetes/abc', ...headers });
const json = (r: { body: string }) => JSON.parse(r.body);

test('SubjectAccessReview: 201, the request echoed with managedFields and the authorizer\'s decision', async () => {
  const spec = { user: 'jane', resourceAttributes: { namespace: 'ns1', verb: 'get', resource: 'pods' } };
  const res = await post('/apis/authorization.k8s.io/v1/subjectaccessreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec });
  assert.equal(res.status, 201, res.body);
  const body = json(res);
  assert.deepEqual(Object.keys(body), ['kind', 'apiVersion', 'metadata', 'spec', 'status']);
  assert.equal(body.metadata.creationTimestamp, null);
  assert.equal(body.metadata.managedFields[0].manager, 'kubectl');
  assert.deepEqual(body.metadata.managedFields[0].fieldsV1, { 'f:spec': { 'f:resourceAttributes': { '.': {}, 'f:namespace': {}, 'f:resource': {}, 'f:verb': {} }, 'f:user': {} } });
  assert.deepEqual(body.spec, spec);
  assert.deepEqual(body.status, { allowed: true, reason: 'jane reads pods' });
  const denied = json(await post('/apis/authorization.k8s.io/v1/subjectaccessreviews', { spec: { ...spec, user: 'bob' } }));
  assert.deepEqual(denied.status, { allowed: false, reason: 'no rule for bob' });
});

test('SelfSubjectAccessReview asks about the requesting user (the admin here)', async () => {
  const res = await post('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { spec: { resourceAttributes: { verb: 'delete', resource: 'nodes' } } });
  assert.equal(res.status, 201);
  assert.deepEqual(json(res).status, { allowed: true });
});

test('kubectl\'s protobuf SelfSubjectAccessReview body is understood', async () => {
  const bin = readFileSync(repoPath('test/unit/protobuf/fixtures/selfsubjectaccessreview-create-pods.bin'));
  const res = await rawRequest(c(), 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', bin, { 'Content-Type': 'application/vnd.kubernetes.protobuf' });
  assert.equal(res.status, 201, res.body);
  const body = json(res);
  assert.deepEqual(body.spec, { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } });
  assert.deepEqual(body.status, { allowed: true });
  // The zero status kubectl sends is not owned by anyone, as upstream compares with a new object.
  assert.deepEqual(Object.keys(body.metadata.managedFields[0].fieldsV1), ['f:spec']);
});

test('LocalSubjectAccessReview: the namespace comes from the path and must match the attributes', async () => {
  const path = '/apis/authorization.k8s.io/v1/namespaces/ns1/localsubjectaccessreviews';
  const ok = await post(path, { spec: { user: 'jane', resourceAttributes: { namespace: 'ns1', verb: 'get', resource: 'pods' } } });
  assert.equal(ok.status, 201, ok.body);
  assert.equal(json(ok).metadata.namespace, 'ns1');
  assert.equal(json(ok).status.allowed, true);
  const bad = await post(path, { spec: { user: 'jane', resourceAttributes: { namespace: 'ns2', verb: 'get', resource: 'pods' } } });
  assert.equal(bad.status, 422);
  assert.equal(json(bad).message, '.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "ns2": must match metadata.namespace');
  const other = await post(path, { metadata: { namespace: 'ns2' }, spec: { user: 'jane', resourceAttributes: { namespace: 'ns2' } } });
  assert.equal(other.status, 400);
  assert.equal(json(other).message, 'the namespace of the provided object does not match the namespace sent on the request');
  assert.equal((await post('/apis/authorization.k8s.io/v1/localsubjectaccessreviews', { spec: {} })).status, 404);
});

test('validation errors are 422 Invalid with upstream texts', async () => {
  const res = await post('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { spec: {} });
  assert.equal(res.status, 422);
  const status = json(res);
  assert.equal(status.reason, 'Invalid');
  assert.equal(status.message, '.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified');
  assert.deepEqual(status.details.causes, [{ reason: 'FieldValueInvalid', message: 'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified', field: 'spec.resourceAttributes' }]);
  const kind = await post('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { kind: 'SubjectAccessReview', spec: {} });
  assert.equal(kind.status, 400);
  assert.equal(json(kind).message, 'the kind in the data (SubjectAccessReview) does not match the expected kind (SelfSubjectAccessReview)');
  const strict = await post('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews?fieldValidation=Strict', { spec: { nonResourceAttributes: { path: '/x', verb: 'get', bogus: 1 } } });
  assert.equal(strict.status, 400);
  assert.match(json(strict).message, /^strict decoding error: unknown field "spec\.nonResourceAttributes\.bogus"/);
});

test('SelfSubjectRulesReview needs a namespace and answers with a new object', async () => {
  const res = await post('/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { spec: { namespace: 'default' } });
  assert.equal(res.status, 201);
  const body = json(res);
  assert.deepEqual(body.spec, {});
  assert.deepEqual(body.metadata, { creationTimestamp: null });
  // The test authorizer cannot list rules.
  assert.equal(body.status.incomplete, true);
  const none = await post('/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { spec: {} });
  assert.equal(none.status, 400);
  assert.equal(json(none).message, 'no namespace on request');
});

test('SelfSubjectReview: the requesting user', async () => {
  const res = await post('/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
  assert.equal(res.status, 201);
  const body = json(res);
  assert.equal(body.status.userInfo.username, 'berth-admin');
  assert.deepEqual(body.status.userInfo.groups, ['system:masters', 'system:authenticated']);
  assert.match(body.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test('only create: other verbs are 405, names and subresources 404, nothing is stored', async () => {
  const list = await rawRequest(c(), 'GET', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews');
  assert.equal(list.status, 405);
  assert.equal(json(list).message, 'the server does not allow this method on the requested resource');
  assert.equal((await rawRequest(c(), 'DELETE', '/apis/authentication.k8s.io/v1/selfsubjectreviews')).status, 405);
  assert.equal((await post('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews/x', { spec: {} })).status, 404);
  const discovery = json(await rawRequest(c(), 'GET', '/apis/authorization.k8s.io/v1'));
  assert.deepEqual(discovery.resources.map((r: { name: string; verbs: string[]; namespaced: boolean }) => [r.name, r.namespaced, r.verbs]), [
    ['localsubjectaccessreviews', true, ['create']], ['selfsubjectaccessreviews', false, ['create']],
    ['selfsubjectrulesreviews', false, ['create']], ['subjectaccessreviews', false, ['create']],
  ]);
  const openapi = json(await rawRequest(c(), 'GET', '/openapi/v3/apis/authorization.k8s.io/v1'));
  assert.ok(openapi.components.schemas['io.k8s.api.authorization.v1.SelfSubjectAccessReview']);
  assert.ok(openapi.paths['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'].post);
});
