// ResourceQuota and LimitRange against an in-process API server: the quota controller's status.used (compute
// resources, object counts, replenishment on delete), ResourceQuota admission (`exceeded quota`, `must specify`,
// dry run not charged), and LimitRanger (defaults and the annotation it leaves, min/max texts, PVC storage bounds).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { builtin } from '../../../src/client/resources.js';
import { ResourceQuotaController, type ResourceQuota } from '../../../src/controllers/resourcequota/resource-quota-controller.js';
import type { Pod } from '../../../src/controllers/statefulset/types.js';
import { ControllerEnv, startControllerEnv, refusal } from '../../support/controller-env.js';
import { eventually } from '../../e2e/harness.js';

let env: ControllerEnv;

before(async () => {
  env = await startControllerEnv();
  await env.start(new ResourceQuotaController(env.client, env.informers, { onError: () => {} }));
});

after(async () => {
  await env?.close();
});

function pod(ns: string, name: string, resources?: Record<string, Record<string, string>>, containerName = 'c'): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns },
    spec: { containers: [{ name: containerName, image: 'nginx', ...(resources ? { resources } : {}) }] },
  } as Pod;
}

async function quota(ns: string, name: string, hard: Record<string, string>, extra: Record<string, unknown> = {}): Promise<ResourceQuota> {
  const q = await env.client.create<ResourceQuota>(builtin.resourceQuotas, { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name, namespace: ns }, spec: { hard, ...extra } });
  // admission refuses with `status unknown` until the controller has computed the first usage
  await eventually(async () => Object.keys((await usedOf(ns, name)) ?? {}).length === Object.keys(hard).length, 10_000);
  return q;
}

const usedOf = async (ns: string, name: string) => (await env.client.get<ResourceQuota>(builtin.resourceQuotas, name, { namespace: ns })).status?.used;

test('the controller computes status.hard and status.used and replenishes usage when objects go', async () => {
  const ns = await env.namespace('rq-used');
  await env.client.create(builtin.pods, pod(ns, 'a', { requests: { cpu: '250m', memory: '64Mi' } }));
  await env.client.create(builtin.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: ns }, data: { k: 'v' } });
  await quota(ns, 'q', { pods: '10', 'requests.cpu': '2', 'requests.memory': '1Gi', configmaps: '5', 'count/secrets': '3' });
  const q = await env.client.get<ResourceQuota>(builtin.resourceQuotas, 'q', { namespace: ns });
  assert.deepEqual(q.status?.hard, { pods: '10', 'requests.cpu': '2', 'requests.memory': '1Gi', configmaps: '5', 'count/secrets': '3' });
  assert.deepEqual(q.status?.used, { pods: '1', 'requests.cpu': '250m', 'requests.memory': '64Mi', configmaps: '1', 'count/secrets': '0' });

  // admission charges a create at once …
  await env.client.create(builtin.pods, pod(ns, 'b', { requests: { cpu: '500m', memory: '64Mi' } }));
  assert.equal((await usedOf(ns, 'q'))?.['requests.cpu'], '750m');
  // … and the controller gives usage back when the object is deleted
  await env.client.delete(builtin.pods, 'a', { namespace: ns, gracePeriodSeconds: 0 });
  await eventually(async () => (await usedOf(ns, 'q'))?.pods === '1' && (await usedOf(ns, 'q'))?.['requests.cpu'] === '500m', 10_000);
});

test('a create over the quota is refused with the exceeded quota text; a dry run is checked but not charged', async () => {
  const ns = await env.namespace('rq-exceed');
  await quota(ns, 'compute', { pods: '2', 'requests.memory': '100Mi' });
  await env.client.create(builtin.pods, pod(ns, 'p1', { requests: { memory: '60Mi' } }));
  const tooBig = await refusal(env.client.create(builtin.pods, pod(ns, 'p2', { requests: { memory: '50Mi' } })));
  assert.equal(tooBig.code, 403);
  assert.equal(tooBig.message, 'pods "p2" is forbidden: exceeded quota: compute, requested: requests.memory=50Mi, used: requests.memory=60Mi, limited: requests.memory=100Mi');

  await env.client.create(builtin.pods, pod(ns, 'dry', { requests: { memory: '10Mi' } }), { dryRun: true });
  assert.equal((await usedOf(ns, 'compute'))?.pods, '1');
  await env.client.create(builtin.pods, pod(ns, 'p3', { requests: { memory: '10Mi' } }));
  const count = await refusal(env.client.create(builtin.pods, pod(ns, 'p4', { requests: { memory: '1Mi' } })));
  assert.equal(count.message, 'pods "p4" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2');
});

test('a quota on limits needs every container to state them', async () => {
  const ns = await env.namespace('rq-limits');
  await quota(ns, 'lim', { 'limits.memory': '1Gi' });
  const e = await refusal(env.client.create(builtin.pods, pod(ns, 'nolimit', undefined, 'app')));
  assert.equal(e.code, 403);
  assert.equal(e.message, 'pods "nolimit" is forbidden: failed quota: lim: must specify limits.memory for: app');
  await env.client.create(builtin.pods, pod(ns, 'withlimit', { limits: { memory: '128Mi' } }));
  assert.equal((await usedOf(ns, 'lim'))?.['limits.memory'], '128Mi');
});

test('object counts: services and count/<resource> are charged and enforced', async () => {
  const ns = await env.namespace('rq-count');
  await quota(ns, 'objects', { services: '1', 'count/configmaps': '1' });
  const svc = (name: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { ports: [{ port: 80 }] } });
  await env.client.create(builtin.services, svc('s1'));
  const e = await refusal(env.client.create(builtin.services, svc('s2')));
  assert.equal(e.message, 'services "s2" is forbidden: exceeded quota: objects, requested: services=1, used: services=1, limited: services=1');
  await env.client.create(builtin.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1', namespace: ns } });
  const cm = await refusal(env.client.create(builtin.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c2', namespace: ns } }));
  assert.equal(cm.message, 'configmaps "c2" is forbidden: exceeded quota: objects, requested: count/configmaps=1, used: count/configmaps=1, limited: count/configmaps=1');
});

test('LimitRange defaults requests and limits and says so in an annotation', async () => {
  const ns = await env.namespace('lr-defaults');
  await env.client.create(builtin.limitRanges, {
    apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'defaults', namespace: ns },
    spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m' } }] },
  });
  const lr = await env.client.get<KubeObject>(builtin.limitRanges, 'defaults', { namespace: ns });
  // SetDefaults_LimitRangeItem: a default limit without a default request makes the request default too
  assert.deepEqual((lr.spec as { limits: Record<string, unknown>[] }).limits[0].defaultRequest, { cpu: '100m', memory: '256Mi' });

  const created = await env.client.create<Pod>(builtin.pods, pod(ns, 'web', { limits: { memory: '128Mi' } }));
  const c = created.spec!.containers[0];
  assert.deepEqual(c.resources?.limits, { cpu: '500m', memory: '128Mi' });
  assert.deepEqual(c.resources?.requests, { cpu: '100m', memory: '128Mi' });
  assert.equal(created.metadata.annotations?.['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu request for container c; cpu limit for container c');
});

test('LimitRange min and max refuse pods and claims with upstream texts', async () => {
  const ns = await env.namespace('lr-bounds');
  await env.client.create(builtin.limitRanges, {
    apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'bounds', namespace: ns },
    spec: { limits: [
      { type: 'Container', max: { memory: '512Mi' }, min: { cpu: '50m' } },
      { type: 'PersistentVolumeClaim', max: { storage: '2Gi' } },
    ] },
  });
  const big = await refusal(env.client.create(builtin.pods, pod(ns, 'big', { requests: { cpu: '100m' }, limits: { cpu: '100m', memory: '1Gi' } })));
  assert.equal(big.code, 403);
  assert.equal(big.message, 'pods "big" is forbidden: maximum memory usage per Container is 512Mi, but limit is 1Gi');
  const small = await refusal(env.client.create(builtin.pods, pod(ns, 'small', { requests: { cpu: '10m' }, limits: { memory: '100Mi' } })));
  assert.equal(small.message, 'pods "small" is forbidden: minimum cpu usage per Container is 50m, but request is 10m');
  const claim = await refusal(env.client.create(builtin.persistentVolumeClaims, {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: ns },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } },
  }));
  assert.equal(claim.message, 'persistentvolumeclaims "data" is forbidden: maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi');
});

test('bad quotas and limit ranges are refused by validation', async () => {
  const ns = await env.namespace('rq-invalid');
  const e = await refusal(env.client.create(builtin.resourceQuotas, { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'bad', namespace: ns }, spec: { hard: { pods: '-1' } } }));
  assert.equal(e.code, 422);
  assert.match(e.message, /spec\.hard\[pods\]: Invalid value: "-1": must be greater than or equal to 0/);
  const lr = await refusal(env.client.create(builtin.limitRanges, {
    apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'bad', namespace: ns },
    spec: { limits: [{ type: 'Container', min: { cpu: '2' }, max: { cpu: '1' } }] },
  }));
  assert.equal(lr.code, 422);
  assert.match(lr.message, /min value 2 is greater than max value 1/);
});
