// Authorization and token-authentication cost: GET of one ConfigMap by a user whom RBAC allows through a RoleBinding
// (with 1,000 other ClusterRoles and 1,000 other RoleBindings in the cluster), against the same request to a Berth
// started with --authorization-mode AlwaysAllow, in the same run; and the same GET with a ServiceAccount bearer token
// (verification cached) against the client certificate. Each server is its own process; rounds alternate.
// Usage: node dist/bench/authz.js [--duration <seconds per round>]
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { ensurePki, issueClientCertificate } from '../src/pki/index.js';
import { LoadSample, newPool, runLoad, summarize, Tls } from './lib/load.js';
import { cpuSeconds, giveUpAfter, ServerProcess, startBerthProcess } from './lib/processes.js';
import { fixed, percent, table } from './lib/report.js';

const OBJECTS = 1000;
const ROUNDS = 5;
const CONCURRENCY = 16;
const durationMs = process.argv.includes('--duration') ? Number(process.argv[process.argv.indexOf('--duration') + 1]) * 1000 : 2000;
giveUpAfter(300_000);

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
  for (const s of [rbac, off]) {
    await s.proc.stop();
    rmSync(s.dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
