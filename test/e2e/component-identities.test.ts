// Berth's own components reach the API as the users upstream gives them, held by the same RBAC policy as any
// client: each kube-controller-manager controller as its ServiceAccount in kube-system
// (--use-service-account-credentials), the scheduler as system:kube-scheduler, each node as system:node:<name>. The
// audit log says who made each object; the kubeconfigs kubeadm would write for the control plane
// (controller-manager.conf, scheduler.conf) name those users and are Forbidden what their roles do not grant.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster, eventually, kubectl, kubectlOk, startCluster } from './harness.js';

let c: Cluster;
before(async () => { c = await startCluster({ args: ['--nodes', '1', '--sim-start-delay', '0'] }); });
after(async () => { await c?.stop(); c?.cleanup(); });

const k = async (args: string[]) => (await kubectlOk(c, args)).trimEnd();
const sa = (name: string) => `system:serviceaccount:kube-system:${name}`;

interface AuditEvent {
  verb: string;
  user: { username: string; groups?: string[] };
  objectRef?: { resource?: string; subresource?: string; namespace?: string; name?: string };
  responseStatus?: { code: number };
}

const auditEvents = (): AuditEvent[] =>
  readFileSync(join(c.dataDir, 'audit', 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditEvent);

test('each object of a Deployment and its Service is written by the component upstream writes it as', async () => {
  await k(['create', 'namespace', 'who']);
  await k(['create', 'deployment', 'web', '--image=nginx', '-n', 'who']);
  await k(['expose', 'deployment', 'web', '--port=80', '-n', 'who']);
  const writer = (verb: string | RegExp, resource: string, subresource?: string) => (events: AuditEvent[]) =>
    events.find((e) => (typeof verb === 'string' ? e.verb === verb : verb.test(e.verb)) && e.objectRef?.namespace === 'who'
      && e.objectRef?.resource === resource && e.objectRef?.subresource === subresource && (e.responseStatus?.code ?? 0) < 300);
  const checks = {
    replicaset: writer('create', 'replicasets'),
    pod: writer('create', 'pods'),
    binding: writer('create', 'pods', 'binding'),
    podStatus: writer(/^(update|patch)$/, 'pods', 'status'),
    slice: writer('create', 'endpointslices'),
    endpoints: writer('create', 'endpoints'),
  };
  const found = await eventually(() => {
    const events = auditEvents();
    const got = Object.fromEntries(Object.entries(checks).map(([name, find]) => [name, find(events)]));
    return Object.values(got).every(Boolean) ? got as Record<keyof typeof checks, AuditEvent> : undefined;
  }, 30_000);
  assert.equal(found.replicaset.user.username, sa('deployment-controller'));
  assert.equal(found.pod.user.username, sa('replicaset-controller'));
  assert.deepEqual(found.pod.user.groups, ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated']);
  assert.equal(found.binding.user.username, 'system:kube-scheduler');
  assert.equal(found.podStatus.user.username, 'system:node:berth-node-1');
  assert.deepEqual(found.podStatus.user.groups, ['system:nodes', 'system:authenticated']);
  assert.equal(found.slice.user.username, sa('endpointslice-controller'));
  assert.equal(found.endpoints.user.username, sa('endpoint-controller'));
  // nothing the components did in the namespace was refused
  const refused = auditEvents().filter((e) => e.objectRef?.namespace === 'who' && e.responseStatus?.code === 403);
  assert.deepEqual(refused, []);
});

test('the components\' users hold only their roles', async () => {
  const canI = async (as: string, ...args: string[]) => (await kubectl(c, ['auth', 'can-i', ...args, `--as=${as}`])).stdout.trim();
  assert.equal(await canI('system:kube-scheduler', 'delete', 'secrets'), 'no');
  assert.equal(await canI('system:kube-scheduler', 'create', 'pods', '--subresource=binding'), 'yes');
  assert.equal(await canI('system:kube-controller-manager', 'list', 'secrets', '-A'), 'yes');
  assert.equal(await canI('system:kube-controller-manager', 'create', 'pods'), 'no');
  assert.equal(await canI(sa('replicaset-controller'), 'create', 'pods'), 'yes');
  assert.equal(await canI(sa('replicaset-controller'), 'get', 'secrets'), 'no');
  assert.equal(await canI('system:kube-proxy', 'list', 'endpointslices.discovery.k8s.io'), 'yes');
  assert.equal(await canI('system:kube-proxy', 'create', 'pods'), 'no');
  assert.equal(await canI(sa('coredns'), 'watch', 'services', '-A'), 'yes');
  assert.equal(await canI(sa('coredns'), 'get', 'secrets'), 'no');
});

test('controller-manager.conf and scheduler.conf carry certificates for system:kube-controller-manager and system:kube-scheduler', async () => {
  const as = (file: string, args: string[]) => kubectl({ kubeconfig: join(c.dataDir, file), home: c.home }, args);
  assert.match((await as('scheduler.conf', ['auth', 'whoami'])).stdout, /Username\s+system:kube-scheduler\nGroups\s+\[system:authenticated\]/);
  assert.match((await as('controller-manager.conf', ['auth', 'whoami'])).stdout, /Username\s+system:kube-controller-manager\nGroups\s+\[system:authenticated\]/);
  await k(['create', 'secret', 'generic', 'kept', '--from-literal=a=b']);
  const del = await as('scheduler.conf', ['delete', 'secret', 'kept']);
  assert.match(del.stderr, /Error from server \(Forbidden\): secrets "kept" is forbidden: User "system:kube-scheduler" cannot delete resource "secrets" in API group "" in the namespace "default"/);
  assert.equal(await k(['get', 'secret', 'kept', '-o', 'name']), 'secret/kept');
  const create = await as('controller-manager.conf', ['create', 'configmap', 'nope']);
  assert.match(create.stderr, /configmaps is forbidden: User "system:kube-controller-manager" cannot create resource "configmaps" in API group "" in the namespace "default"/);
  // what they do need: the informers' lists, and the scheduler's view of pods
  assert.equal((await as('controller-manager.conf', ['get', 'deployments', '-A', '-o', 'name'])).code, 0);
  assert.equal((await as('scheduler.conf', ['get', 'pods', '-A', '-o', 'name'])).code, 0);
});
