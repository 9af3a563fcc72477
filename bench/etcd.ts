// The etcd store against the SQLite store, in one run: `berth up` on SQLite and `berth up --etcd-servers` on a real
// etcd (Debian's etcd-server, started here on loopback ports), the same closed-loop client for both: CREATE, GET
// (a consistent read: from etcd), GET ?resourceVersion=0 (from the API server's watch cache), at c=1 and c=16; watch
// delivery latency; raw etcd puts and gets from this machine (the etcd3 client, no API server) as the floor; and
// throughput with 1, 2 and 3 `berth apiserver` processes on one etcd.
// Usage: node dist/bench/etcd.js [--duration <seconds per scenario>] [--json <file>]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Etcd3 } from 'etcd3';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { startEtcd } from '../test/support/etcd.js';
import { LoadResult, LoadSample, newPool, runLoad, summarize, Tls, type RequestSpec } from './lib/load.js';
import { cpuSeconds, giveUpAfter, machineBusySeconds, ServerProcess, startBerthProcess } from './lib/processes.js';
import { count, fixed, median, percent, table } from './lib/report.js';
import { measureWatchLatency, WatchResult } from './lib/watch-latency.js';

const ROUNDS = 3;
const WARMUP_MS = 250;
const CONCURRENCIES = [1, 16] as const;
const HARD_LIMIT_MS = 300_000;

const configMap = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { app: 'bench' } }, data: { key: 'value', other: 'x'.repeat(64) } });

interface Scenario {
  name: string;
  expectStatus: number;
  /** `tag` keeps the names of one series of requests apart from every other's. */
  request: (seq: number, tag: string) => RequestSpec;
}

const SCENARIOS: Scenario[] = [
  { name: 'CREATE configmap', expectStatus: 201, request: (seq, tag) => ({ method: 'POST', path: '/api/v1/namespaces/bench/configmaps', body: configMap(`c-${tag}-${seq}`) }) },
  { name: 'GET configmap', expectStatus: 200, request: () => ({ method: 'GET', path: '/api/v1/namespaces/bench/configmaps/get-me' }) },
  { name: 'GET configmap rv=0', expectStatus: 200, request: () => ({ method: 'GET', path: '/api/v1/namespaces/bench/configmaps/get-me?resourceVersion=0' }) },
];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const durationMs = Number(arg('duration') ?? 1) * 1000;
  giveUpAfter(HARD_LIMIT_MS);
  const began = performance.now();
  const log = (msg: string) => process.stderr.write(`[${fixed((performance.now() - began) / 1000)} s] ${msg}\n`);
  const loadAtStart = loadavg()[0]!;
  const root = mkdtempSync(join(tmpdir(), 'berth-bench-etcd-'));
  const etcd = await startEtcd({ progressNotifyMs: 1000 });
  const stores: { name: string; server: ServerProcess; tls: Tls }[] = [];
  try {
    log('starting berth up on SQLite and on etcd');
    for (const [name, extra] of [['sqlite', []], ['etcd', ['--etcd-servers', etcd.servers]]] as const) {
      const server = await startBerthProcess(join(root, name), undefined, { args: ['--no-controllers', ...extra] });
      const conn = loadKubeconfig({ path: server.kubeconfig! });
      const tls = { ca: conn.ca!, cert: conn.cert!, key: conn.key! };
      await seed(server.url, tls);
      stores.push({ name, server, tls });
    }
    const raw = new Etcd3({ hosts: new URL(etcd.members[0]!.clientUrl).host });
    const samples = new Map<string, { runs: LoadSample[]; ops?: number[]; cpu: number; seq: number }>();
    const busy0 = machineBusySeconds();
    const wall0 = performance.now();
    for (let round = 1; round <= ROUNDS; round++) {
      log(`round ${round}/${ROUNDS}`);
      for (const c of CONCURRENCIES) {
        for (const op of ['put', 'get'] as const) {
          const key = `raw etcd ${op} c=${c}`;
          const e = samples.get(key) ?? { runs: [], ops: [], cpu: 0, seq: 0 };
          samples.set(key, e);
          e.ops!.push(await rawEtcd(raw, op, c, durationMs, () => e.seq++));
        }
        for (const s of stores) {
          for (const scenario of SCENARIOS) {
            const key = `${s.name} ${scenario.name} c=${c}`;
            const e = samples.get(key) ?? { runs: [], cpu: 0, seq: 0 };
            samples.set(key, e);
            let cpu0 = 0;
            const sample = await runLoad({
              origin: s.server.url, tls: s.tls, concurrency: c, durationMs, maxRequests: 50_000, warmupMs: WARMUP_MS,
              expectStatus: scenario.expectStatus, request: () => scenario.request(e.seq++, `c${c}`),
              onMeasureStart: () => { cpu0 = cpuSeconds(s.server.pid); },
              onMeasureEnd: () => { e.cpu += cpuSeconds(s.server.pid) - cpu0; },
            });
            if (sample.errors) log(`  ${key}: ${sample.errors} failed, first: ${sample.firstError}`);
            e.runs.push(sample);
          }
        }
      }
    }
    const foreign = Math.max(0, (machineBusySeconds() - busy0) / (((performance.now() - wall0) / 1000) * cpus().length));
    raw.close();
    const watch: Record<string, WatchResult> = {};
    for (const s of stores) {
      log(`watch latency on ${s.name}`);
      watch[s.name] = await measureWatchLatency({ origin: s.server.url, tls: s.tls, namespace: 'watch', watchers: 100, createsPerSecond: 50, creates: 200 });
    }
    for (const s of stores) await s.server.stop();

    log('scaling: 1, 2, 3 berth apiserver processes on one etcd');
    const scaling = await measureScaling(root, etcd.servers, durationMs, log);

    const results = [...samples].map(([key, e]) => ({ key, ...(e.ops ? { perSecond: median(e.ops) } : summarize(key.endsWith('c=16') ? 16 : 1, e.runs)), serverCpuUs: 0, cpu: e.cpu }));
    for (const r of results) {
      const requests = (r as LoadResult).requests;
      if (requests) r.serverCpuUs = (r.cpu * 1e6) / requests;
    }
    const report = {
      date: new Date().toISOString(), machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadAtStart, busyShare: foreign },
      results, watch, scaling, durationS: (performance.now() - began) / 1000,
    };
    print(report);
    const json = arg('json');
    if (json) writeFileSync(json, JSON.stringify(report, null, 2) + '\n');
  } finally {
    for (const s of stores) await s.server.stop();
    await etcd.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

/** Closed-loop raw etcd: `c` loops of puts (new keys) or gets (one key) for `ms`; operations per second. */
async function rawEtcd(client: Etcd3, op: 'put' | 'get', c: number, ms: number, seq: () => number): Promise<number> {
  const value = Buffer.from(configMap('raw'));
  const key = (n: number) => Buffer.from(`/raw/configmaps/bench/r-${n}`);
  await client.kv.put({ key: key(-1), value });
  let done = 0;
  let measuring = false;
  const warmEnd = performance.now() + WARMUP_MS;
  const end = warmEnd + ms;
  let t0 = 0;
  await Promise.all(Array.from({ length: c }, async () => {
    for (;;) {
      const now = performance.now();
      if (now >= end) return;
      if (!measuring && now >= warmEnd) {
        measuring = true;
        t0 = now;
      }
      if (op === 'put') await client.kv.put({ key: key(seq()), value });
      else await client.kv.range({ key: key(-1) });
      if (measuring) done++;
    }
  }));
  return done / ((performance.now() - t0) / 1000);
}

/** CREATE and GET rv=0 at c=16 spread evenly over N `berth apiserver` processes sharing one etcd and one PKI. */
async function measureScaling(root: string, servers: string, durationMs: number, log: (m: string) => void) {
  const out: { servers: number; create: number; get0: number }[] = [];
  for (const n of [1, 2, 3]) {
    const procs: ServerProcess[] = [];
    const shared = join(root, `scale-${n}`);
    try {
      for (let i = 0; i < n; i++) {
        procs.push(await startBerthProcess(join(shared, `api-${i}`), undefined, { command: 'apiserver', args: ['--pki-from', shared, '--etcd-servers', servers, '--etcd-prefix', `/scale${n}`] }));
      }
      const conn = loadKubeconfig({ path: procs[0]!.kubeconfig! });
      const tls = { ca: conn.ca!, cert: conn.cert!, key: conn.key! };
      await seed(procs[0]!.url, tls);
      const row = { servers: n, create: 0, get0: 0 };
      for (const [field, scenario] of [['create', SCENARIOS[0]!], ['get0', SCENARIOS[2]!]] as const) {
        const rounds: number[] = [];
        let seq = 0;
        for (let r = 0; r < ROUNDS; r++) {
          const per = procs.map((_, i) => Math.floor(16 / n) + (i < 16 % n ? 1 : 0));
          const samples = await Promise.all(procs.map((p, i) => runLoad({
            origin: p.url, tls, concurrency: per[i]!, durationMs, maxRequests: 50_000, warmupMs: WARMUP_MS,
            expectStatus: scenario.expectStatus, request: () => scenario.request(seq++, `n${n}`),
          })));
          rounds.push(samples.reduce((sum, s) => sum + (s.latencies.length / s.seconds), 0));
        }
        row[field] = median(rounds);
      }
      log(`  ${n} server(s): create ${fixed(row.create, 0)}/s, GET rv=0 ${fixed(row.get0, 0)}/s`);
      out.push(row);
    } finally {
      for (const p of procs) await p.stop();
    }
  }
  return out;
}

async function seed(origin: string, tls: Tls): Promise<void> {
  const pool = newPool(origin, tls, 1);
  try {
    for (const [path, body] of [['/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } })],
      ['/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'watch' } })],
      ['/api/v1/namespaces/bench/configmaps', configMap('get-me')]] as const) {
      const res = await pool.request({ method: 'POST', path, body, headers: { 'content-type': 'application/json' } });
      const text = await res.body.text();
      if (res.statusCode !== 201 && res.statusCode !== 409) throw new Error(`seed ${path}: ${res.statusCode} ${text}`);
    }
  } finally {
    await pool.close();
  }
}

function print(r: { date: string; machine: { cpus: number; model?: string; node: string; loadAtStart: number; busyShare: number }; results: ({ key: string; perSecond: number; p50Ms?: number; p99Ms?: number; serverCpuUs: number })[]; watch: Record<string, WatchResult>; scaling: { servers: number; create: number; get0: number }[] }): void {
  const by = (k: string) => r.results.find((x) => x.key === k)!;
  const lines: string[] = [];
  lines.push(`Berth etcd store benchmark — ${r.date.slice(0, 10)}, ${r.machine.cpus} CPUs (${r.machine.model}), Node ${r.machine.node}`);
  lines.push(`1-min load average ${fixed(r.machine.loadAtStart, 2)} at start; the machine was ${percent(r.machine.busyShare)} busy during the load phase (all processes).`, '');
  const rows: (string | number)[][] = [];
  for (const c of CONCURRENCIES) {
    for (const op of ['put', 'get']) rows.push([`raw etcd ${op}`, c, count(by(`raw etcd ${op} c=${c}`).perSecond), '', '', '', '', '', '']);
    for (const s of SCENARIOS) {
      const sq = by(`sqlite ${s.name} c=${c}`);
      const et = by(`etcd ${s.name} c=${c}`);
      rows.push([s.name, c, count(sq.perSecond), count(et.perSecond), percent(et.perSecond / sq.perSecond),
        `${fixed(sq.p50Ms!, 2)} / ${fixed(et.p50Ms!, 2)}`, `${fixed(sq.p99Ms!, 2)} / ${fixed(et.p99Ms!, 2)}`, `${fixed(sq.serverCpuUs, 0)} / ${fixed(et.serverCpuUs, 0)}`,
        s.name.startsWith('CREATE') ? percent(et.perSecond / by(`raw etcd put c=${c}`).perSecond) : ''] as (string | number)[]);
    }
  }
  lines.push(table(['scenario', 'c', 'SQLite req/s', 'etcd req/s', 'etcd/SQLite', 'p50 ms (S / e)', 'p99 ms (S / e)', 'server CPU µs/req (S / e)', 'of raw put'], rows), '');
  lines.push(table(['watch delivery (100 watchers, 200 creates at 50/s)', 'p50 ms', 'p99 ms', 'max ms', 'missing'],
    Object.entries(r.watch).map(([name, w]) => [name, fixed(w.p50Ms, 2), fixed(w.p99Ms, 2), fixed(w.maxMs, 2), w.missing])), '');
  lines.push(table(['berth apiserver processes on one etcd', 'CREATE c=16 req/s', 'GET rv=0 c=16 req/s'],
    r.scaling.map((s) => [s.servers, count(s.create), count(s.get0)])));
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
