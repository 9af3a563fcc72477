// Authorization and token-authentication cost: GET of one ConfigMap by a user whom RBAC allows through a RoleBinding
// (with 1,000 other ClusterRoles and 1,000 other RoleBindings in the cluster), against the same request to a Berth
// started with --authorization-mode AlwaysAllow, in the same run; and the same GET with a ServiceAccount bearer token
// (verification cached) against the client certificate. Each server is its own process; rounds alternate.
// On a busy shared machine the HTTP rounds swing with other processes' load, so the authorizer is also timed alone,
// in this process (CPU time of RBAC decisions for the same request over the same objects), and set against the
// server CPU a GET costs with AlwaysAllow in the same run.
// Usage: node dist/bench/authz.js [--duration <seconds per round>]
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import type { KubeObject } from '../src/apimachinery/types.js';
import { aggregatedRules } from '../src/authorization/rbac/aggregation.js';
import { RbacAuthorizer } from '../src/authorization/rbac/authorizer.js';
import { bootstrapPolicy } from '../src/authorization/rbac/bootstrap-policy.js';
import { RBAC_GROUP, RbacIndex } from '../src/authorization/rbac/index.js';
import { ensureSigningKey } from '../src/authentication/serviceaccount/jwt.js';
import { ServiceAccountTokens } from '../src/authentication/serviceaccount/tokens.js';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import type { Store } from '../src/storage/interface.js';
import { prefixFor } from '../src/storage/helpers.js';
import { ensurePki, issueClientCertificate } from '../src/pki/index.js';
import { LoadSample, newPool, runLoad, summarize, Tls } from './lib/load.js';
import { cpuSeconds, giveUpAfter, ServerProcess, startBerthProcess } from './lib/processes.js';
import { fixed, percent, table } from './lib/report.js';

const OBJECTS = 1000;
const ROUNDS = 5;
const CONCURRENCY = 16;
const durationMs = process.argv.includes('--duration') ? Number(process.argv[process.argv.indexOf('--duration') + 1]) * 1000 : 2000;
giveUpAfter(600_000);

interface Server { name: string; proc: ServerProcess; admin: Tls; reader: Tls; anonymousTls: Tls; token: string; dir: string }

async function request(pool: Pool, method: 'POST' | 'GET', path: string, body?: unknown): Promise<unknown> {
  const res = await pool.request({ method, path, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${text}`);
  return JSON.parse(text);
}

async function start(name: string, args: string[]): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), `berth-authz-${name}-`));
  const proc = await startBerthProcess(dir, undefined, { args: ['--no-controllers', ...args] });
  const conn = loadKubeconfig({ path: proc.kubeconfig! });
  const admin: Tls = { ca: conn.ca!, cert: conn.cert!, key: conn.key! };
  const pki = await ensurePki(dir, { hosts: [] });
  const r = await issueClientCertificate(pki, 'reader', ['readers']);
  const pool = newPool(proc.url, admin, 16);
  await request(pool, 'POST', '/api/v1/namespaces', { metadata: { name: 'bench' } });
  await request(pool, 'POST', '/api/v1/namespaces/bench/configmaps', { metadata: { name: 'cm' }, data: { key: 'value' } });
  await request(pool, 'POST', '/api/v1/namespaces/bench/serviceaccounts', { metadata: { name: 'reader' } });
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < OBJECTS; i++) {
    writes.push(request(pool, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
      metadata: { name: `bench-role-${i}` }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'], resourceNames: [`cm-${i}`] }],
    }));
    writes.push(request(pool, 'POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/bench/rolebindings', {
      metadata: { name: `rb-${i}` }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `bench-role-${i}` },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: `user-${i}` }, { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: `group-${i}` }],
    }));
    if (writes.length >= 64) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
  await request(pool, 'POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/bench/rolebindings', {
    metadata: { name: 'readers' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'reader' }, { kind: 'ServiceAccount', name: 'reader', namespace: 'bench' }],
  });
  const tr = await request(pool, 'POST', '/api/v1/namespaces/bench/serviceaccounts/reader/token', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} }) as { status: { token: string } };
  await pool.destroy();
  // no client certificate: the bearer token is the only credential
  const anonymousTls = { ca: admin.ca } as Tls;
  return { name, proc, admin, reader: { ca: admin.ca, cert: r.certPem, key: r.keyPem }, anonymousTls, token: tr.status.token, dir };
}

/**
 * µs of CPU per RBAC decision for the benchmark's reader (GET configmaps/cm in bench) with the same objects the servers
 * hold (the bootstrap policy, aggregated, and the 1,000 ClusterRoles and RoleBindings), from an index fed by a
 * store that only lists them.
 */
async function authorizerMicros(): Promise<{ reader: number; admin: number }> {
  const policy = bootstrapPolicy();
  const roles: KubeObject[] = [...policy.clusterRoles];
  const bindings: KubeObject[] = [];
  const binding = (name: string, roleName: string, subjects: object[]): KubeObject => ({
    apiVersion: `${RBAC_GROUP}/v1`, kind: 'RoleBinding', metadata: { name, namespace: 'bench' },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: roleName }, subjects,
  } as KubeObject);
  for (let i = 0; i < OBJECTS; i++) {
    roles.push({ apiVersion: `${RBAC_GROUP}/v1`, kind: 'ClusterRole', metadata: { name: `bench-role-${i}` },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'], resourceNames: [`cm-${i}`] }] } as KubeObject);
    bindings.push(binding(`rb-${i}`, `bench-role-${i}`, [{ kind: 'User', apiGroup: RBAC_GROUP, name: `user-${i}` }, { kind: 'Group', apiGroup: RBAC_GROUP, name: `group-${i}` }]));
  }
  bindings.push(binding('readers', 'view', [{ kind: 'User', apiGroup: RBAC_GROUP, name: 'reader' }]));
  const byPrefix = new Map<string, KubeObject[]>([
    [prefixFor(RBAC_GROUP, 'clusterroles'), roles], [prefixFor(RBAC_GROUP, 'roles'), policy.namespaced.filter((o) => o.kind === 'Role')],
    [prefixFor(RBAC_GROUP, 'clusterrolebindings'), policy.clusterRoleBindings],
    [prefixFor(RBAC_GROUP, 'rolebindings'), [...policy.namespaced.filter((o) => o.kind === 'RoleBinding'), ...bindings]],
  ]);
  const store = {
    list: async (prefix: string) => ({ revision: 1, items: (byPrefix.get(prefix) ?? []).map((value) => ({ key: '', value, createRevision: 1, modRevision: 1 })) }),
    watch: () => ({ stop() {} }),
  } as unknown as Store;
  const index = await RbacIndex.start(store);
  // what the ClusterRoleAggregator writes back: admin, edit and view with their aggregated rules
  for (const role of roles) if (role.aggregationRule) (role as { rules?: unknown }).rules = aggregatedRules(index, role);
  const authorizer = new RbacAuthorizer(index);
  const time = (user: { username: string; groups: string[] }) => {
    const attrs = { user, verb: 'get', namespace: 'bench', group: '', version: 'v1', resource: 'configmaps', subresource: '', name: 'cm', path: '/api/v1/namespaces/bench/configmaps/cm', resourceRequest: true };
    const n = 200_000;
    for (let i = 0; i < 10_000; i++) authorizer.authorize(attrs);
    const t0 = process.cpuUsage();
    let allowed = 0;
    for (let i = 0; i < n; i++) if (authorizer.authorize(attrs).allowed) allowed++;
    const t = process.cpuUsage(t0);
    if (allowed !== n) throw new Error(`${user.username} was not allowed`);
    return (t.user + t.system) / n;
  };
  return {
    reader: time({ username: 'reader', groups: ['readers', 'system:authenticated'] }),
    admin: time({ username: 'berth-admin', groups: ['system:masters', 'system:authenticated'] }),
  };
}

/** µs of CPU per ServiceAccount token authentication: a cache hit (every request after the first in 10 s), and a full verification (ES256 signature, claims, the account looked up). */
async function tokenMicros(): Promise<{ cached: number; verified: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-authz-key-'));
  const issuer = 'https://kubernetes.default.svc.cluster.local';
  const account = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reader', namespace: 'bench', uid: 'u-1' } } as KubeObject;
  const tokens = new ServiceAccountTokens(ensureSigningKey(dir), issuer, [issuer], {
    serviceAccount: async () => account, pod: async () => undefined, secret: async () => undefined, node: async () => undefined,
  });
  const token = tokens.issue({ serviceAccount: account, audiences: [issuer], expirationSeconds: 3600 });
  const cpu = async (n: number, f: () => Promise<unknown>) => {
    for (let i = 0; i < Math.min(n, 1000); i++) await f();
    const t0 = process.cpuUsage();
    for (let i = 0; i < n; i++) if (!(await f())) throw new Error('the token did not authenticate');
    const t = process.cpuUsage(t0);
    return (t.user + t.system) / n;
  };
  const result = { cached: await cpu(200_000, () => tokens.authenticate(token)), verified: await cpu(5_000, async () => (await tokens.validate(token)).user) };
  rmSync(dir, { recursive: true, force: true });
  return result;
}

interface Case { label: string; server: () => Server; tls: (s: Server) => Tls; headers?: (s: Server) => Record<string, string> }

async function main(): Promise<void> {
  const rbac = await start('rbac', []);
  const off = await start('off', ['--authorization-mode', 'AlwaysAllow']);
  const cases: Case[] = [
    { label: 'reader (RoleBinding to view), RBAC on', server: () => rbac, tls: (s) => s.reader },
    { label: 'reader, AlwaysAllow', server: () => off, tls: (s) => s.reader },
    { label: 'admin (system:masters), RBAC on', server: () => rbac, tls: (s) => s.admin },
    { label: 'admin, AlwaysAllow', server: () => off, tls: (s) => s.admin },
    { label: 'ServiceAccount token, RBAC on', server: () => rbac, tls: (s) => s.anonymousTls, headers: (s) => ({ authorization: `Bearer ${s.token}` }) },
  ];
  const samples = new Map<string, LoadSample[]>(cases.map((c) => [c.label, []]));
  const cpu = new Map<string, number>(cases.map((c) => [c.label, 0]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of round % 2 ? [...cases].reverse() : cases) {
      const s = c.server();
      let cpu0 = 0;
      const sample = await runLoad({
        origin: s.proc.url, tls: c.tls(s), concurrency: CONCURRENCY, durationMs, maxRequests: 1_000_000, warmupMs: 200, expectStatus: 200,
        request: () => ({ method: 'GET', path: '/api/v1/namespaces/bench/configmaps/cm', headers: c.headers?.(s) }),
        onMeasureStart: () => { cpu0 = cpuSeconds(s.proc.pid); },
        onMeasureEnd: () => { cpu.set(c.label, cpu.get(c.label)! + cpuSeconds(s.proc.pid) - cpu0); },
      });
      if (sample.errors) throw new Error(`${c.label}: ${sample.firstError}`);
      samples.get(c.label)!.push(sample);
    }
  }
  const results = new Map(cases.map((c) => [c.label, summarize(CONCURRENCY, samples.get(c.label)!)]));
  const get = (l: string) => results.get(l)!;
  const cpuUs = (l: string) => (cpu.get(l)! / get(l).requests) * 1e6;
  console.log(`Authorization benchmark — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), Node ${process.version}`);
  console.log(`${OBJECTS} ClusterRoles and ${OBJECTS} RoleBindings besides the bootstrap policy; GET one ConfigMap, c=${CONCURRENCY}, ${ROUNDS} alternating rounds of ${durationMs / 1000} s\n`);
  console.log(table(['who', 'req/s (median)', 'range', 'p50 ms', 'p99 ms', 'server CPU µs/req'], cases.map((c) => {
    const r = get(c.label);
    return [c.label, fixed(r.perSecond, 0), `${fixed(r.perSecondMin, 0)}–${fixed(r.perSecondMax, 0)}`, fixed(r.p50Ms, 2), fixed(r.p99Ms, 2), fixed(cpuUs(c.label), 0)];
  })));
  const lost = 1 - get('reader (RoleBinding to view), RBAC on').perSecond / get('reader, AlwaysAllow').perSecond;
  console.log(`\nthroughput lost to RBAC (reader): ${percent(lost)} (target < 5%); server CPU: +${fixed(cpuUs('reader (RoleBinding to view), RBAC on') - cpuUs('reader, AlwaysAllow'), 1)} µs/req`);
  console.log(`bearer token (cached verification) vs client certificate, RBAC on: ${percent(get('ServiceAccount token, RBAC on').perSecond / get('reader (RoleBinding to view), RBAC on').perSecond)} of the throughput; server CPU ${fixed(cpuUs('ServiceAccount token, RBAC on') - cpuUs('reader (RoleBinding to view), RBAC on'), 1)} µs/req more`);
  const micros = await authorizerMicros();
  const getCpu = cpuUs('reader, AlwaysAllow');
  console.log(`RBAC decision alone (this process, CPU time): reader ${fixed(micros.reader, 2)} µs, admin ${fixed(micros.admin, 2)} µs — `
    + `${percent(micros.reader / (getCpu + micros.reader))} of a GET's server CPU with AlwaysAllow in this run (${fixed(getCpu, 0)} µs/req)`);
  const tok = await tokenMicros();
  console.log(`ServiceAccount token alone (this process, CPU time): ${fixed(tok.cached, 2)} µs from the cache, ${fixed(tok.verified, 1)} µs verified in full (once per token per 10 s)`);
  for (const s of [rbac, off]) {
    await s.proc.stop();
    rmSync(s.dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
