import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MANDATORY_FLOW_SCHEMAS, MANDATORY_PRIORITY_LEVELS, SUGGESTED_FLOW_SCHEMAS, SUGGESTED_PRIORITY_LEVELS } from '../../../src/flowcontrol/bootstrap.js';
import { isLongRunning, PriorityAndFairness } from '../../../src/flowcontrol/filter.js';
import type { FlowSchema, PriorityLevelConfiguration } from '../../../src/flowcontrol/types.js';
import { parseRequestInfo } from '../../../src/apimachinery/request-info.js';

const fs = (o: { name: string; spec: unknown }) => ({ apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kind: 'FlowSchema', metadata: { name: o.name, uid: `fs-${o.name}` }, spec: o.spec }) as FlowSchema;
const pl = (o: { name: string; spec: unknown }) => ({ apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kind: 'PriorityLevelConfiguration', metadata: { name: o.name, uid: `pl-${o.name}` }, spec: o.spec }) as PriorityLevelConfiguration;

function bootstrapped(serverConcurrency = 600) {
  const apf = new PriorityAndFairness(serverConcurrency);
  apf.configure([...MANDATORY_FLOW_SCHEMAS, ...SUGGESTED_FLOW_SCHEMAS].map(fs), [...MANDATORY_PRIORITY_LEVELS, ...SUGGESTED_PRIORITY_LEVELS].map(pl));
  return apf;
}

const req = (method: string, path: string, query = '') => parseRequestInfo(method, path, new URLSearchParams(query));
const authenticated = (username: string, ...groups: string[]) => ({ username, groups: [...groups, 'system:authenticated'] });

test('requests are classified as upstream\'s bootstrap configuration places them', () => {
  const apf = bootstrapped();
  const where = (u: { username: string; groups: string[] }, info: ReturnType<typeof req>) => {
    const c = apf.classify(u, info)!;
    return `${c.flowSchema.metadata.name}/${c.priorityLevel.metadata.name}`;
  };
  assert.equal(where(authenticated('admin', 'system:masters'), req('GET', '/api/v1/pods')), 'exempt/exempt');
  assert.equal(where({ username: 'system:anonymous', groups: ['system:unauthenticated'] }, req('GET', '/readyz')), 'probes/exempt');
  assert.equal(where(authenticated('alice'), req('GET', '/api/v1/namespaces/default/configmaps/x')), 'global-default/global-default');
  assert.equal(where(authenticated('system:node:n1', 'system:nodes'), req('PATCH', '/api/v1/nodes/n1/status')), 'system-node-high/node-high');
  assert.equal(where(authenticated('system:node:n1', 'system:nodes'), req('GET', '/api/v1/pods')), 'system-nodes/system');
  assert.equal(where(authenticated('system:kube-scheduler'), req('POST', '/api/v1/namespaces/a/pods/p/binding')), 'kube-scheduler/workload-high');
  assert.equal(where(authenticated('system:kube-controller-manager'), req('PUT', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kcm')), 'system-leader-election/leader-election');
  assert.equal(where(authenticated('system:kube-controller-manager'), req('GET', '/apis/apps/v1/deployments')), 'kube-controller-manager/workload-high');
  assert.equal(where(authenticated('system:serviceaccount:kube-system:foo', 'system:serviceaccounts'), req('GET', '/api/v1/pods')), 'kube-system-service-accounts/workload-high');
  assert.equal(where(authenticated('system:serviceaccount:default:app', 'system:serviceaccounts'), req('GET', '/api/v1/pods')), 'service-accounts/workload-low');
});

test('flows: ByUser tells users apart, ByNamespace namespaces; the exempt schema has no distinguisher', () => {
  const apf = bootstrapped();
  const flow = (u: { username: string; groups: string[] }, path: string) => apf.classify(u, req('GET', path))!.flowKey;
  assert.notEqual(flow(authenticated('alice'), '/api/v1/pods'), flow(authenticated('bob'), '/api/v1/pods'));
  assert.equal(flow(authenticated('alice'), '/api/v1/namespaces/a/pods'), flow(authenticated('alice'), '/api/v1/namespaces/b/pods'));
  const kcm = authenticated('system:kube-controller-manager');
  assert.notEqual(flow(kcm, '/apis/apps/v1/namespaces/a/deployments'), flow(kcm, '/apis/apps/v1/namespaces/b/deployments'));
});

test('long-running requests and exempt levels take no seats; a saturated Reject level refuses', async () => {
  assert.ok(isLongRunning(req('GET', '/api/v1/pods', 'watch=true')));
  assert.ok(isLongRunning(req('GET', '/api/v1/namespaces/a/pods/p/log')));
  assert.ok(isLongRunning(req('POST', '/api/v1/namespaces/a/pods/p/exec')));
  assert.ok(!isLongRunning(req('GET', '/api/v1/pods')));
  const apf = new PriorityAndFairness(2);
  apf.configure(
    [fs({ name: 'everyone', spec: { priorityLevelConfiguration: { name: 'tiny' }, matchingPrecedence: 10, distinguisherMethod: { type: 'ByUser' }, rules: [{ subjects: [{ kind: 'Group', group: { name: '*' } }], resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], namespaces: ['*'], clusterScope: true }] }] } })],
    [pl({ name: 'tiny', spec: { type: 'Limited', limited: { nominalConcurrencyShares: 1, limitResponse: { type: 'Reject' } } } })],
  );
  const alice = authenticated('alice');
  const first = await apf.admit(alice, req('GET', '/api/v1/pods/a'), new URLSearchParams());
  const second = await apf.admit(alice, req('GET', '/api/v1/pods/b'), new URLSearchParams());
  assert.equal(first?.kind, 'execute');
  assert.equal(second?.kind, 'execute');
  const watch = await apf.admit(alice, req('GET', '/api/v1/pods', 'watch=true'), new URLSearchParams('watch=true'));
  assert.equal(watch?.kind, 'exempt');
  const third = await apf.admit(alice, req('GET', '/api/v1/pods/c'), new URLSearchParams());
  assert.equal(third?.kind, 'reject');
  assert.equal(third?.kind === 'reject' && third.classification.priorityLevel.metadata.uid, 'pl-tiny');
  if (first?.kind === 'execute') first.release();
  assert.equal((await apf.admit(alice, req('GET', '/api/v1/pods/c'), new URLSearchParams()))?.kind, 'execute');
});

test('a LIST takes seats by the size of its last answer, at most 10, and a limit caps them', async () => {
  const apf = bootstrapped();
  const alice = authenticated('alice');
  const list = req('GET', '/api/v1/namespaces/big/configmaps');
  const first = await apf.admit(alice, list, new URLSearchParams());
  assert.equal(first?.kind === 'execute' && first.seats, 1);
  if (first?.kind === 'execute') { first.noteListBytes!(5_000_000); first.release(); }
  const again = await apf.admit(alice, list, new URLSearchParams());
  assert.equal(again?.kind === 'execute' && again.seats, 10);
  const page = await apf.admit(alice, list, new URLSearchParams('limit=250'));
  assert.equal(page?.kind === 'execute' && page.seats, 3);
});
