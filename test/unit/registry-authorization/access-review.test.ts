import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reviewAccess, rulesFor, userFromSpec, type RuleResolver } from '../../../src/registry/authorization/access-review.js';
import { selfSubjectReview } from '../../../src/registry/authentication/index.js';
import type { Authorizer, UserInfo } from '../../../src/api/identity.js';

const jane: UserInfo = { username: 'jane', groups: ['devs', 'system:authenticated'] };
type Attrs = Parameters<Authorizer['authorize']>[0];

/** Allows `get pods` in `ns1` and GET /healthz to jane; records what it was asked. */
function fakeAuthorizer(): Authorizer & { asked: Attrs[] } {
  const asked: Attrs[] = [];
  return {
    asked,
    async authorize(a) {
      asked.push(a);
      if (a.user.username !== 'jane') return { allowed: false };
      if (a.resource === 'pods' && a.verb === 'get' && a.namespace === 'ns1') return { allowed: true, reason: 'test: jane may get pods' };
      if (!a.resource && a.path === '/healthz' && a.verb === 'get') return { allowed: true };
      return { allowed: false, reason: 'test: no rule' };
    },
  };
}

test('without an authorizer everything is allowed (AlwaysAllow), without a reason', async () => {
  assert.deepEqual(await reviewAccess(undefined, jane, { resourceAttributes: { verb: 'delete', resource: 'nodes' } }), { allowed: true });
});

test('the authorizer decides, for the given user, with the spec attributes', async () => {
  const authz = fakeAuthorizer();
  assert.deepEqual(await reviewAccess(authz, jane, { resourceAttributes: { namespace: 'ns1', verb: 'get', resource: 'pods' } }), { allowed: true, reason: 'test: jane may get pods' });
  assert.deepEqual(await reviewAccess(authz, jane, { resourceAttributes: { namespace: 'ns2', verb: 'get', resource: 'pods' } }), { allowed: false, reason: 'test: no rule' });
  assert.deepEqual(await reviewAccess(authz, jane, { nonResourceAttributes: { path: '/healthz', verb: 'get' } }), { allowed: true });
  assert.deepEqual(authz.asked[0], {
    user: jane, verb: 'get', group: '', resource: 'pods', subresource: '', namespace: 'ns1', name: '', path: '',
  });
  assert.deepEqual(authz.asked[2], { user: jane, verb: 'get', group: '', resource: '', subresource: '', namespace: '', name: '', path: '/healthz' });
});

test('SubjectAccessReview asks about the user named in the spec', async () => {
  const authz = fakeAuthorizer();
  const spec = { user: 'jane', groups: ['devs'], resourceAttributes: { namespace: 'ns1', verb: 'get', resource: 'pods' } };
  assert.deepEqual(userFromSpec(spec), { username: 'jane', groups: ['devs'] });
  assert.equal((await reviewAccess(authz, userFromSpec(spec), spec)).allowed, true);
  assert.equal((await reviewAccess(authz, userFromSpec({ ...spec, user: 'bob' }), spec)).allowed, false);
});

test('an authorizer failure is an evaluationError, not an error of the request', async () => {
  const failing: Authorizer = { authorize: async () => { throw new Error('webhook unreachable'); } };
  assert.deepEqual(await reviewAccess(failing, jane, { resourceAttributes: { verb: 'get' } }), { allowed: false, evaluationError: 'webhook unreachable' });
});

test('selectors that do not parse are reported in evaluationError (BuildEvaluationError texts)', async () => {
  const status = await reviewAccess(undefined, jane, {
    resourceAttributes: {
      verb: 'list', resource: 'pods',
      fieldSelector: { requirements: [{ key: 'spec.nodeName', operator: 'In', values: ['n1'] }, { key: 'x', operator: 'Exists' }] },
      labelSelector: { rawSelector: 'app in (web' },
    },
  });
  assert.equal(status.evaluationError,
    'spec.resourceAttributes.fieldSelector partially ignored due to parse error; spec.resourceAttributes.labelSelector ignored due to parse error');
  const fine = await reviewAccess(undefined, jane, { resourceAttributes: { fieldSelector: { rawSelector: 'spec.nodeName=n1' }, labelSelector: { requirements: [{ key: 'app', operator: 'In', values: ['web'] }] } } });
  assert.equal(fine.evaluationError, undefined);
});

test('rules: `*` without an authorizer, the resolver\'s rules when it has one, incomplete otherwise', async () => {
  assert.deepEqual(await rulesFor(undefined, jane, 'default'), {
    resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false,
  });
  const plain = await rulesFor(fakeAuthorizer(), jane, 'default');
  assert.deepEqual([plain.resourceRules, plain.nonResourceRules, plain.incomplete], [[], [], true]);
  assert.ok(plain.evaluationError);
  const resolving: Authorizer & RuleResolver = {
    authorize: async () => ({ allowed: false }),
    rulesFor: (user, ns) => ({ resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: [`pods-of-${user.username}-in-${ns}`] }], nonResourceRules: [], incomplete: false }),
  };
  assert.deepEqual((await rulesFor(resolving, jane, 'ns1')).resourceRules, [{ verbs: ['get'], apiGroups: [''], resources: ['pods-of-jane-in-ns1'] }]);
});

test('SelfSubjectReview answers with the requesting user, stamped now', () => {
  assert.deepEqual(selfSubjectReview(jane, new Date('2025-01-02T03:04:05.678Z')), {
    kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1',
    metadata: { creationTimestamp: '2025-01-02T03:04:05Z' },
    status: { userInfo: { username: 'jane', groups: ['devs', 'system:authenticated'] } },
  });
});
