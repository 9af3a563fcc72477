// Throws random and mutated bodies at every endpoint and checks: no 5xx, the server stays healthy, and stored state
// stays consistent (a known object is unchanged and every list still decodes). Seeded, so failures reproduce.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { Cluster, rawRequest, startCluster, kubectlOk } from './harness.js';
import { seededRandom } from '../support/seeded-random.js';

const SEED = Number(process.env.BERTH_FUZZ_SEED ?? 20261122);
const ROUNDS = Number(process.env.BERTH_FUZZ_ROUNDS ?? 6);

const VALID: Record<string, unknown> = {
  configmaps: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fz' }, data: { a: 'b' } },
  pods: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'fz' }, spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }] }] } },
  services: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'fz' }, spec: { selector: { a: 'b' }, ports: [{ port: 80 }] } },
  statefulsets: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'fz' }, spec: { serviceName: 's', selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } },
  persistentvolumeclaims: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'fz' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
};

function mutate(rand: () => number, v: unknown, depth = 0): unknown {
  const r = rand();
  if (depth > 6) return v;
  const weird = [null, '', 'x'.repeat(1 + Math.floor(rand() * 300)), -1, 2 ** 53, 1.5, true, [], {}, [null], { $patch: 'delete' }, '../..', '\u0000', 'A_B', { a: { b: { c: [] } } }];
  if (r < 0.15) return weird[Math.floor(rand() * weird.length)];
  if (Array.isArray(v)) return v.map((x) => mutate(rand, x, depth + 1)).concat(rand() < 0.2 ? [mutate(rand, v[0], depth + 1)] : []);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (rand() < 0.1) continue;
      out[rand() < 0.05 ? k + 'z' : k] = mutate(rand, x, depth + 1);
    }
    if (rand() < 0.1) out[`f${Math.floor(rand() * 100)}`] = weird[Math.floor(rand() * weird.length)];
    return out;
  }
  return v;
}

function randomBytes(rand: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

let c: Cluster;
let agent: https.Agent;
before(async () => {
  c = await startCluster();
  agent = new https.Agent({ keepAlive: true, maxSockets: 4 });
  await kubectlOk(c, ['create', 'namespace', 'fuzz']);
  await kubectlOk(c, ['create', 'configmap', 'anchor', '-n', 'fuzz', '--from-literal=keep=me']);
});
after(async () => { agent?.destroy(); await c?.stop(); c?.cleanup(); });

test('random and mutated bodies never produce a 5xx or corrupt state', async () => {
  const rand = seededRandom(SEED);
  const anchorBefore = (await rawRequest(c, 'GET', '/api/v1/namespaces/fuzz/configmaps/anchor')).body;
  // Every served resource, from discovery.
  const endpoints: { base: string; resource: string; namespaced: boolean; verbs: string[] }[] = [];
  const core = JSON.parse((await rawRequest(c, 'GET', '/api/v1')).body);
  for (const r of core.resources) if (!r.name.includes('/')) endpoints.push({ base: '/api/v1', resource: r.name, namespaced: r.namespaced, verbs: r.verbs });
  const groups = JSON.parse((await rawRequest(c, 'GET', '/apis')).body);
  for (const g of groups.groups) {
    for (const v of g.versions) {
      const list = JSON.parse((await rawRequest(c, 'GET', `/apis/${v.groupVersion}`)).body);
      for (const r of list.resources) if (!r.name.includes('/')) endpoints.push({ base: `/apis/${v.groupVersion}`, resource: r.name, namespaced: r.namespaced, verbs: r.verbs });
    }
  }
  assert.ok(endpoints.length > 20);
  const failures: string[] = [];
  const contentTypes = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json', 'application/apply-patch+yaml', 'text/plain'];
  for (let round = 0; round < ROUNDS; round++) {
    for (const ep of endpoints) {
      const coll = ep.namespaced ? `${ep.base}/namespaces/fuzz/${ep.resource}` : `${ep.base}/${ep.resource}`;
      const template = VALID[ep.resource] ?? VALID.configmaps;
      const candidates: [string, string, Buffer | string, string][] = [];
      const mutated = JSON.stringify(mutate(rand, template));
      candidates.push(['POST', coll, mutated, 'application/json']);
      candidates.push(['POST', coll, mutated.slice(0, Math.floor(rand() * mutated.length)), 'application/json']);
      candidates.push(['POST', coll, randomBytes(rand, 1 + Math.floor(rand() * 64)), contentTypes[Math.floor(rand() * contentTypes.length)]]);
      candidates.push(['PUT', `${coll}/fz`, JSON.stringify(mutate(rand, template)), 'application/json']);
      const ct = contentTypes[3 + Math.floor(rand() * 4)];
      candidates.push(['PATCH', `${coll}/fz`, ct === 'application/json-patch+json' ? JSON.stringify([{ op: 'add', path: '/metadata/labels', value: mutate(rand, { a: 'b' }) }]) : JSON.stringify(mutate(rand, template)), ct]);
      candidates.push(['PATCH', `${coll}/fz?fieldManager=fuzz`, JSON.stringify(mutate(rand, template)), 'application/apply-patch+yaml']);
      candidates.push(['DELETE', `${coll}/fz`, JSON.stringify(mutate(rand, { propagationPolicy: 'Foreground', gracePeriodSeconds: 5 })), 'application/json']);
      candidates.push(['GET', `${coll}?labelSelector=${encodeURIComponent(String(mutate(rand, 'a in (b')))}&fieldSelector=${encodeURIComponent(String(mutate(rand, 'metadata.name=x')))}&limit=${Math.floor(rand() * 5) - 1}`, '', '']);
      for (const [method, path, body, type] of candidates) {
        const res = await rawRequest(c, method, path, method === 'GET' ? undefined : body, type ? { 'Content-Type': type } : {}, { agent });
        if (res.status >= 500) failures.push(`${method} ${path} [${type}] -> ${res.status}: ${res.body.slice(0, 300)}`);
        if (res.status >= 400) {
          const status = JSON.parse(res.body);
          if (status.kind !== 'Status' || status.code !== res.status) failures.push(`${method} ${path} -> ${res.status} without a Status body`);
        }
      }
    }
  }
  // Oversized body: 413 and nothing stored.
  const big = JSON.stringify({ metadata: { name: 'big' }, data: { x: 'y'.repeat(4 * 1024 * 1024) } });
  const bigRes = await rawRequest(c, 'POST', '/api/v1/namespaces/fuzz/configmaps', big, {}, { agent });
  assert.equal(bigRes.status, 413);
  assert.deepEqual(failures, []);
  assert.equal((await rawRequest(c, 'GET', '/readyz', undefined, {}, { agent })).body, 'ok');
  assert.equal((await rawRequest(c, 'GET', '/api/v1/namespaces/fuzz/configmaps/anchor')).body, anchorBefore);
  for (const ep of endpoints.filter((e) => e.verbs.includes('list'))) {
    const res = await rawRequest(c, 'GET', `${ep.base}/${ep.resource}`, undefined, {}, { agent });
    assert.equal(res.status, 200, `${ep.base}/${ep.resource}: ${res.body.slice(0, 200)}`);
    assert.ok(Array.isArray(JSON.parse(res.body).items));
  }
});
