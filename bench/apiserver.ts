// API server benchmark: cold start, idle memory, GET/LIST/CREATE/PATCH throughput and latency, and watch fan-out
// latency of `berth up`, next to a bare Node HTTPS server measured by the same client in the same run.
// Every server runs in its own process; this process only drives load (undici, keep-alive, client certificate).
// Usage: node dist/bench/apiserver.js [--duration <seconds per run>] [--json <file>] [--only noisy-neighbour]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { LoadResult, LoadSample, newPool, RequestSpec, runLoad, summarize, Tls } from './lib/load.js';
import { cpuSeconds, giveUpAfter, machineBusySeconds, memoryMiB, ServerProcess, startBaselineProcess, startBerthProcess } from './lib/processes.js';
import { count, fixed, median, percent, table } from './lib/report.js';
import { measureWatchLatency, WatchResult } from './lib/watch-latency.js';
import { allowImpersonatedUsers, measureNoisyNeighbour, NoisyNeighbourResult } from './lib/noisy-neighbour.js';

const COLD_STARTS = 5;
const WARM_STARTS = 3;
const IDLE_MS = 2000;
const LIST_SIZE = 1000;
const CONCURRENCIES = [1, 16] as const;
const WATCHERS = 100;
const WATCH_RATE = 50;
const WATCH_CREATES = 200;
/** Each scenario runs this many rounds, interleaved with the others, so drift on a shared machine hits all alike. */
const ROUNDS = 3;
const WARMUP_MS = 250;
const HARD_LIMIT_MS = 240_000;

interface Args { durationMs: number; json?: string; noisyOnly?: boolean }

function parseArgs(argv: string[]): Args {
  const args: Args = { durationMs: 3000 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--duration') args.durationMs = Number(argv[++i]) * 1000;
    else if (argv[i] === '--json') args.json = argv[++i];
    else if (argv[i] === '--only' && argv[i + 1] === 'noisy-neighbour') { args.noisyOnly = true; i++; }
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!(args.durationMs > 0 && args.durationMs <= 10_000)) throw new Error('--duration must be in (0, 10] seconds');
  return args;
}

interface Scenario {
  name: string;
  server: 'bare' | 'berth';
  expectStatus: number;
  /** `seq` counts this scenario's requests across all its runs (unique object names). */
  request: (seq: number, worker: number, concurrency: number) => RequestSpec;
  /** The bare-Node scenario this one is compared with. */
  baseline?: string;
  itemsPerResponse?: number;
}

interface Measured extends LoadResult {
  scenario: Scenario;
  /** Server CPU time per request, in microseconds. */
  serverCpuUs: number;
}

const configMap = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { app: 'bench' } }, data: { key: 'value', other: 'x'.repeat(64) } });

const SCENARIOS: Scenario[] = [
  { name: 'bare GET', server: 'bare', expectStatus: 200, request: () => ({ method: 'GET', path: '/bench' }) },
  { name: 'bare POST', server: 'bare', expectStatus: 201, request: (seq) => ({ method: 'POST', path: '/bench', body: configMap(`x-${seq}`) }) },
  {
    name: 'GET configmap', server: 'berth', expectStatus: 200, baseline: 'bare GET',
    request: () => ({ method: 'GET', path: '/api/v1/namespaces/bench/configmaps/get-me' }),
  },
  {
    name: `LIST ${LIST_SIZE} configmaps`, server: 'berth', expectStatus: 200, itemsPerResponse: LIST_SIZE,
    request: () => ({ method: 'GET', path: '/api/v1/namespaces/list/configmaps' }),
  },
  {
    name: 'CREATE configmap', server: 'berth', expectStatus: 201, baseline: 'bare POST',
    request: (seq, _w, c) => ({ method: 'POST', path: '/api/v1/namespaces/bench/configmaps', body: configMap(`create-c${c}-${seq}`) }),
  },
  {
    name: 'PATCH configmap (merge)', server: 'berth', expectStatus: 200, baseline: 'bare POST',
    // Each connection patches its own object, so loops never contend for one key.
    request: (seq, worker) => ({
      method: 'PATCH', path: `/api/v1/namespaces/bench/configmaps/patch-${worker}`,
      contentType: 'application/merge-patch+json', body: JSON.stringify({ data: { counter: String(seq) } }),
    }),
  },
];

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const loadAtStart = loadavg()[0]!;
  giveUpAfter(HARD_LIMIT_MS);
  const began = performance.now();
  const root = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  const log = (msg: string) => process.stderr.write(`[${fixed((performance.now() - began) / 1000)} s] ${msg}\n`);
  try {
    if (args.noisyOnly) {
      const berth = await startBerthProcess(join(root, 'main'));
      const conn = loadKubeconfig({ path: berth.kubeconfig! });
      const tls: Tls = { ca: conn.ca!, cert: conn.cert!, key: conn.key! };
      await seed(berth.url, tls);
      const r = await noisyNeighbours(berth, tls, root, args, log);
      printNoisyNeighbour(r.withApf, r.without);
      if (args.json) writeFileSync(args.json, JSON.stringify({ date: new Date().toISOString(), loadAtStart, noisyNeighbour: r }, null, 2) + '\n');
      return;
    }
    log(`cold starts (${COLD_STARTS} fresh data dirs, ${WARM_STARTS} on an existing one)`);
    const fresh: number[] = [];
    const freshComponents: number[] = [];
    for (let i = 0; i < COLD_STARTS; i++) {
      const s = await startBerthProcess(join(root, `cold-${i}`));
      fresh.push(s.readyMs);
      freshComponents.push(s.componentsMs!);
      await s.stop();
    }
    const existing: number[] = [];
    for (let i = 0; i < WARM_STARTS; i++) {
      const s = await startBerthProcess(join(root, 'cold-0'));
      existing.push(s.readyMs);
      await s.stop();
    }

    log('starting the server under load test');
    const dataDir = join(root, 'main');
    const berth = await startBerthProcess(dataDir);
    await sleep(IDLE_MS);
    const idle = memoryMiB(berth.pid);
    const conn = loadKubeconfig({ path: berth.kubeconfig! });
    const tls: Tls = { ca: conn.ca!, cert: conn.cert!, key: conn.key! };

    log(`seeding namespaces, ${LIST_SIZE} configmaps to list, objects to get and patch`);
    const getBody = await seed(berth.url, tls);
    const bodyFile = join(root, 'configmap.json');
    writeFileSync(bodyFile, getBody);

    const bare = await startBaselineProcess(join(dataDir, 'pki'), bodyFile);
    const bareIdle = memoryMiB(bare.pid);
    const samples = new Map<string, { scenario: Scenario; concurrency: number; runs: LoadSample[]; cpu: number; seq: number }>();
    const roundMs = args.durationMs / ROUNDS;
    // Other processes' CPU use during the load phase: the machine's busy time minus this benchmark's processes.
    const ownCpu = () => cpuSeconds(process.pid) + cpuSeconds(berth.pid) + cpuSeconds(bare.pid);
    const busy0 = machineBusySeconds();
    const own0 = ownCpu();
    const wall0 = performance.now();
    for (let round = 1; round <= ROUNDS; round++) {
      log(`load round ${round}/${ROUNDS}: ${SCENARIOS.length} scenarios × c=${CONCURRENCIES.join(',')}, ${fixed(roundMs / 1000)} s each`);
      for (const scenario of SCENARIOS) {
        for (const concurrency of CONCURRENCIES) {
          const key = `${scenario.name} c=${concurrency}`;
          let entry = samples.get(key);
          if (!entry) samples.set(key, (entry = { scenario, concurrency, runs: [], cpu: 0, seq: 0 }));
          const target = scenario.server === 'bare' ? bare : berth;
          const e = entry;
          let cpu0 = 0;
          const sample = await runLoad({
            origin: target.url, tls, concurrency, durationMs: roundMs, maxRequests: 50_000, warmupMs: WARMUP_MS,
            expectStatus: scenario.expectStatus, request: (_seq, worker) => scenario.request(e.seq++, worker, concurrency),
            onMeasureStart: () => { cpu0 = cpuSeconds(target.pid); },
            onMeasureEnd: () => { e.cpu += cpuSeconds(target.pid) - cpu0; },
          });
          e.runs.push(sample);
          if (sample.errors) log(`  ${key}: ${sample.errors} failed requests, first: ${sample.firstError}`);
        }
      }
    }
    const foreignCpuShare = (machineBusySeconds() - busy0 - (ownCpu() - own0)) / (((performance.now() - wall0) / 1000) * cpus().length);
    const results: Measured[] = [...samples.values()].map((e) => {
      const r = summarize(e.concurrency, e.runs);
      return { ...r, scenario: e.scenario, serverCpuUs: r.requests ? (e.cpu * 1e6) / r.requests : NaN };
    });
    await bare.stop();

    log(`watch latency: ${WATCHERS} watchers, ${WATCH_CREATES} creates at ${WATCH_RATE}/s`);
    const watch = await measureWatchLatency({ origin: berth.url, tls, namespace: 'watch', watchers: WATCHERS, createsPerSecond: WATCH_RATE, creates: WATCH_CREATES });
    const loaded = memoryMiB(berth.pid);
    const { withApf: noisyApf, without: noisyWithout } = await noisyNeighbours(berth, tls, root, args, log);
    log('done');

    const report = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadAtStart, foreignCpuShare: Math.max(0, foreignCpuShare) },
      startMs: { fresh, existing, freshComponentsStarted: freshComponents },
      memoryMiB: { idle, afterLoad: loaded, bareIdle },
      load: results.map(({ scenario, ...r }) => ({ scenario: scenario.name, ...r })),
      watch,
      noisyNeighbour: { withPriorityAndFairness: noisyApf, without: noisyWithout },
      durationS: (performance.now() - began) / 1000,
    };
    printReport(report.machine, fresh, existing, freshComponents, idle, loaded, bareIdle.rss, results, watch, report.durationS);
    printNoisyNeighbour(noisyApf, noisyWithout);
    if (args.json) writeFileSync(args.json, JSON.stringify(report, null, 2) + '\n');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The noisy neighbour on `berth` (then stopped), and on a second server without priority and fairness. */
async function noisyNeighbours(berth: ServerProcess, berthTls: Tls, root: string, args: Args, log: (msg: string) => void): Promise<{ withApf: NoisyNeighbourResult; without: NoisyNeighbourResult }> {
  const noisy = async (target: ServerProcess, tls: Tls) => {
    await allowImpersonatedUsers(target.url, tls);
    return measureNoisyNeighbour({ origin: target.url, tls, getPath: '/api/v1/namespaces/bench/configmaps/get-me', listPath: '/api/v1/namespaces/list/configmaps', durationMs: args.durationMs });
  };
  log(`noisy neighbour: a lister of ${LIST_SIZE} configmaps on 8 connections beside one user's GETs`);
  const withApf = await noisy(berth, berthTls);
  await berth.stop();
  log('noisy neighbour without priority and fairness (a second server, seeded the same)');
  const noApf = await startBerthProcess(join(root, 'no-apf'), undefined, { args: ['--enable-priority-and-fairness', 'false'] });
  const conn = loadKubeconfig({ path: noApf.kubeconfig! });
  const tls: Tls = { ca: conn.ca!, cert: conn.cert!, key: conn.key! };
  await seed(noApf.url, tls);
  const without = await noisy(noApf, tls);
  await noApf.stop();
  return { withApf, without };
}

function printNoisyNeighbour(withApf: NoisyNeighbourResult, without: NoisyNeighbourResult): void {
  const row = (name: string, r: NoisyNeighbourResult) => [name, fixed(r.quietP99Ms), fixed(r.noisyP50Ms), fixed(r.noisyP99Ms), count(r.lists), fixed(r.listP50Ms), r.errors];
  console.log(`\nNoisy neighbour: ${LIST_SIZE}-item LISTs on 8 connections (user lister) beside one GET at a time (user alice)`);
  console.log(table(['Server', 'GET p99 quiet ms', 'GET p50 noisy ms', 'GET p99 noisy ms', 'lists', 'list p50 ms', 'GET errors'], [row('priority and fairness', withApf), row('without (--enable-priority-and-fairness false)', without)]));
}

/** Creates the namespaces and objects the scenarios read and patch; returns the GET body of `get-me`. */
async function seed(origin: string, tls: Tls): Promise<string> {
  const pool = newPool(origin, tls, 8);
  const call = async (method: 'GET' | 'POST', path: string, body?: string, expect = 201) => {
    const res = await pool.request({ method, path, body, headers: body ? { 'content-type': 'application/json' } : undefined });
    const text = await res.body.text();
    if (res.statusCode !== expect) throw new Error(`${method} ${path}: HTTP ${res.statusCode} ${text}`);
    return text;
  };
  try {
    for (const ns of ['bench', 'list', 'watch']) {
      await call('POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
    }
    await call('POST', '/api/v1/namespaces/bench/configmaps', configMap('get-me'));
    for (let w = 0; w < Math.max(...CONCURRENCIES); w++) await call('POST', '/api/v1/namespaces/bench/configmaps', configMap(`patch-${w}`));
    let next = 0;
    const filler = async () => {
      while (next < LIST_SIZE) {
        const i = next++;
        await call('POST', '/api/v1/namespaces/list/configmaps', configMap(`item-${String(i).padStart(4, '0')}`));
      }
    };
    await Promise.all(Array.from({ length: 8 }, filler));
    return await call('GET', '/api/v1/namespaces/bench/configmaps/get-me', undefined, 200);
  } finally {
    await pool.destroy();
  }
}

type Memory = ReturnType<typeof memoryMiB>;

function printReport(
  machine: { cpus: number; model?: string; node: string; loadAtStart: number; foreignCpuShare: number }, fresh: number[], existing: number[], freshComponents: number[], idle: Memory, loaded: Memory,
  bareRss: number, results: Measured[], watch: WatchResult, durationS: number,
): void {
  const out: string[] = [];
  const find = (name: string, c: number) => results.find((r) => r.scenario.name === name && r.concurrency === c);
  out.push(`Berth API server benchmark — ${new Date().toISOString().slice(0, 10)}, ${machine.cpus} CPUs (${machine.model ?? 'unknown'}), Node ${machine.node}`);
  out.push(`Noise: 1-min load average ${fixed(machine.loadAtStart, 2)} at start; other processes used ${percent(machine.foreignCpuShare)} of the machine's CPU during the load phase.`);
  out.push('');
  out.push(table(['Start (spawn → /readyz ok)', 'median ms', 'runs (ms)'], [
    ['fresh data dir', fixed(median(fresh), 0), fresh.map((x) => fixed(x, 0)).join(' ')],
    ['existing data dir', fixed(median(existing), 0), existing.map((x) => fixed(x, 0)).join(' ')],
    ['fresh, all components up¹', fixed(median(freshComponents), 0), freshComponents.map((x) => fixed(x, 0)).join(' ')],
  ]));
  out.push('¹ spawn → `berth up` printed its kubeconfig line: controllers, scheduler, node agent and DNS started too.');
  out.push('');
  out.push(table(['Memory (VmRSS)', 'MiB'], [
    ['berth idle after start', fixed(idle.rss)],
    ['berth after load (peak)', `${fixed(loaded.rss)} (${fixed(loaded.peak)})`],
    ['bare node https server', fixed(bareRss)],
  ]));
  out.push('');
  out.push(table(['Request', 'c', 'req/s (median)', 'rounds min–max', 'p50 ms', 'p99 ms', 'server CPU µs/req', 'resp bytes', 'vs bare node', 'errors'],
    results.map((r) => {
      const base = r.scenario.baseline ? find(r.scenario.baseline, r.concurrency) : undefined;
      const perSecond = r.scenario.itemsPerResponse ? `${count(r.perSecond)} (${count(r.perSecond * r.scenario.itemsPerResponse)} items/s)` : count(r.perSecond);
      return [r.scenario.name, r.concurrency, perSecond, `${count(r.perSecondMin)}–${count(r.perSecondMax)}`, fixed(r.p50Ms, 2), fixed(r.p99Ms, 2), count(r.serverCpuUs), count(r.bytesPerResponse),
        base ? `${percent(r.perSecond / base.perSecond)} of ${base.scenario.name}` : '', r.errors];
    })));
  out.push('');
  out.push(table(['Watch delivery', 'value'], [
    ['watchers × creates', `${watch.watchers} × ${watch.creates} at ${WATCH_RATE}/s`],
    ['deliveries (missing)', `${watch.deliveries} (${watch.missing})`],
    ['p50 / p99 / max from create response', `${fixed(watch.p50Ms, 2)} / ${fixed(watch.p99Ms, 2)} / ${fixed(watch.maxMs, 2)} ms`],
    ['p50 / p99 from create request sent', `${fixed(watch.p50FromSendMs, 2)} / ${fixed(watch.p99FromSendMs, 2)} ms`],
    ['parsed before the create response', percent(watch.beforeResponse)],
  ]));
  out.push('');

  const get16 = find('GET configmap', 16);
  const bareGet16 = find('bare GET', 16);
  const create16 = find('CREATE configmap', 16);
  const patch16 = find('PATCH configmap (merge)', 16);
  const mutatingP99 = Math.max(create16?.p99Ms ?? NaN, patch16?.p99Ms ?? NaN);
  const getRatio = (get16?.perSecond ?? NaN) / (bareGet16?.perSecond ?? NaN);
  const targets: [string, string, boolean][] = [
    ['start < 1 s (median, fresh data dir)', `${fixed(median(fresh), 0)} ms`, median(fresh) < 1000],
    ['idle RSS < 120 MB', `${fixed(idle.rss * 1.048576)} MB`, idle.rss * 1.048576 < 120],
    ['GET ≥ 40% of bare Node (c=16)', percent(getRatio), getRatio >= 0.4],
    ['durable creates ≥ 3k/s (c=16)', `${count(create16?.perSecond ?? NaN)}/s`, (create16?.perSecond ?? 0) >= 3000],
    ['p99 mutating < 20 ms (c=16, create/patch)', `${fixed(create16?.p99Ms ?? NaN, 2)} / ${fixed(patch16?.p99Ms ?? NaN, 2)} ms`, mutatingP99 < 20],
    ['watch p99 < 100 ms (100 watchers)', `${fixed(watch.p99Ms, 2)} ms`, watch.p99Ms < 100 && watch.missing === 0],
  ];
  out.push(table(['Target', 'measured', 'result'], targets.map(([t, m, ok]) => [t, m, ok ? 'PASS' : 'MISS'])));
  out.push('');
  out.push(`Total benchmark time: ${fixed(durationS)} s`);
  process.stdout.write(out.join('\n') + '\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error('benchmark failed:', e);
  process.exit(1);
});
