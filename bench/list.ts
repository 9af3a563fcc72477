// LIST benchmark (issue 15): LIST of 1,000 and 10,000 ConfigMaps as JSON and as protobuf over HTTP/1.1, and the same
// over one HTTP/2 connection that also carries 100 watches fed by a writer, on this build — next to another build
// (`--baseline <its dist/src/cli/main.js>`, e.g. today's main) measured in the same run, on the same machine, with the
// scenarios interleaved round by round. Every server is its own `berth up` process; this process only drives load.
// Usage: node dist/bench/list.js [--baseline <cli>] [--duration <seconds per scenario>] [--json <file>]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { LoadResult, LoadSample, newPool, runLoad, summarize, Tls } from './lib/load.js';
import { cpuSeconds, giveUpAfter, ServerProcess, startBerthProcess } from './lib/processes.js';
import { count, fixed, table } from './lib/report.js';

const SIZES = [1000, 10_000] as const;
const FORMATS = { json: 'application/json', protobuf: 'application/vnd.kubernetes.protobuf, application/json' } as const;
type Format = keyof typeof FORMATS;
const WATCHES = 100;
const WRITES_PER_SECOND = 50;
const ROUNDS = 3;
const WARMUP_MS = 300;
const HARD_LIMIT_MS = 280_000;

interface Args { durationMs: number; baseline?: string; json?: string }

function parseArgs(argv: string[]): Args {
  const args: Args = { durationMs: 3000 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--duration') args.durationMs = Number(argv[++i]) * 1000;
    else if (argv[i] === '--baseline') args.baseline = argv[++i];
    else if (argv[i] === '--json') args.json = argv[++i];
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!(args.durationMs > 0 && args.durationMs <= 20_000)) throw new Error('--duration must be in (0, 20] seconds');
  return args;
}

interface Target { name: string; server: ServerProcess; tls: Tls }

interface Scenario { target: Target; transport: 'HTTP/1.1' | 'HTTP/2 + 100 watches'; size: number; format: Format }

interface Row extends LoadResult { scenario: Scenario; cpuUsPerItem: number; itemsPerSecond: number; contentType: string }

const configMap = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { app: 'bench' } }, data: { key: 'value', other: 'x'.repeat(64) } });

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  giveUpAfter(HARD_LIMIT_MS);
  const began = performance.now();
  const log = (msg: string) => process.stderr.write(`[${fixed((performance.now() - began) / 1000)} s] ${msg}\n`);
  const root = mkdtempSync(join(tmpdir(), 'berth-list-bench-'));
  const targets: Target[] = [];
  try {
    for (const [name, cli] of [['this build', undefined], ...(args.baseline ? [['baseline', args.baseline]] : [])] as [string, string | undefined][]) {
      log(`starting ${name}`);
      const server = await startBerthProcess(join(root, name.replace(/\W/g, '-')), cli);
      const conn = loadKubeconfig({ path: server.kubeconfig! });
      const target = { name, server, tls: { ca: conn.ca!, cert: conn.cert!, key: conn.key! } };
      log(`seeding ${name}: ${SIZES.join(' and ')} ConfigMaps`);
      await seed(target);
      targets.push(target);
    }
    const scenarios: Scenario[] = [];
    for (const target of targets) {
      for (const size of SIZES) for (const format of Object.keys(FORMATS) as Format[]) scenarios.push({ target, transport: 'HTTP/1.1', size, format });
    }
    // HTTP/2 is this build's (the baseline speaks HTTP/1.1 only).
    for (const size of SIZES) for (const format of Object.keys(FORMATS) as Format[]) scenarios.push({ target: targets[0]!, transport: 'HTTP/2 + 100 watches', size, format });

    const h2 = await openH2(targets[0]!);
    const samples = new Map<Scenario, { runs: LoadSample[]; cpu: number; contentType: string }>();
    const roundMs = args.durationMs / ROUNDS;
    const loadAtStart = loadavg()[0]!;
    for (let round = 1; round <= ROUNDS; round++) {
      log(`round ${round}/${ROUNDS}: ${scenarios.length} scenarios, ${fixed(roundMs / 1000)} s each`);
      for (const s of scenarios) {
        let e = samples.get(s);
        if (!e) samples.set(s, (e = { runs: [], cpu: 0, contentType: '' }));
        const entry = e;
        const path = `/api/v1/namespaces/list-${s.size}/configmaps`;
        let cpu0 = 0;
        const hooks = { onMeasureStart: () => { cpu0 = cpuSeconds(s.target.server.pid); }, onMeasureEnd: () => { entry.cpu += cpuSeconds(s.target.server.pid) - cpu0; } };
        const sample = s.transport === 'HTTP/1.1'
          ? await runLoad({ origin: s.target.server.url, tls: s.target.tls, concurrency: 1, durationMs: roundMs, maxRequests: 10_000, warmupMs: WARMUP_MS, expectStatus: 200, request: () => ({ method: 'GET', path, accept: FORMATS[s.format] }), ...hooks })
          : await h2.run(path, FORMATS[s.format], roundMs, hooks, (type) => { entry.contentType = type; });
        if (s.transport === 'HTTP/1.1') entry.contentType = await contentTypeOf(s.target, path, FORMATS[s.format]);
        entry.runs.push(sample);
        if (sample.errors) log(`  ${describe(s)}: ${sample.errors} failed, first: ${sample.firstError}`);
      }
    }
    const delivered = h2.close();
    const rows: Row[] = [...samples].map(([scenario, e]) => {
      const r = summarize(1, e.runs);
      return { ...r, scenario, contentType: e.contentType, itemsPerSecond: r.perSecond * scenario.size, cpuUsPerItem: r.requests ? (e.cpu * 1e6) / (r.requests * scenario.size) : NaN };
    });
    for (const t of targets) await t.server.stop();
    log('done');
    printReport(rows, args, loadAtStart, delivered, (performance.now() - began) / 1000);
    if (args.json) {
      writeFileSync(args.json, JSON.stringify({
        date: new Date().toISOString(), machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadAtStart }, watchEventsDelivered: delivered,
        rows: rows.map(({ scenario, ...r }) => ({ server: scenario.target.name, transport: scenario.transport, size: scenario.size, format: scenario.format, ...r })),
      }, null, 2) + '\n');
    }
  } finally {
    for (const t of targets) await t.server.stop().catch(() => {});
    rmSync(root, { recursive: true, force: true });
  }
}

const describe = (s: Scenario) => `${s.target.name} ${s.transport} LIST ${s.size} ${s.format}`;

async function seed(t: Target): Promise<void> {
  const pool = newPool(t.server.url, t.tls, 8);
  const post = async (path: string, body: string) => {
    const res = await pool.request({ method: 'POST', path, body, headers: { 'content-type': 'application/json' } });
    const text = await res.body.text();
    if (res.statusCode !== 201) throw new Error(`POST ${path}: HTTP ${res.statusCode} ${text}`);
  };
  try {
    for (const ns of [...SIZES.map((n) => `list-${n}`), 'watch']) await post('/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
    for (const size of SIZES) {
      let next = 0;
      const filler = async () => {
        while (next < size) {
          const i = next++;
          await post(`/api/v1/namespaces/list-${size}/configmaps`, configMap(`item-${String(i).padStart(5, '0')}`));
        }
      };
      await Promise.all(Array.from({ length: 8 }, filler));
    }
  } finally {
    await pool.destroy();
  }
}

async function contentTypeOf(t: Target, path: string, accept: string): Promise<string> {
  const pool = newPool(t.server.url, t.tls, 1);
  try {
    const res = await pool.request({ method: 'GET', path: `${path}?limit=1`, headers: { accept } });
    await res.body.dump();
    return String(res.headers['content-type']);
  } finally {
    await pool.destroy();
  }
}

/** One HTTP/2 connection carrying WATCHES watches (fed by a writer while LISTs run on the same connection). */
async function openH2(t: Target) {
  const session = http2.connect(t.server.url, { ca: t.tls.ca, cert: t.tls.cert, key: t.tls.key });
  await new Promise<void>((resolve, reject) => { session.once('connect', () => resolve()); session.once('error', reject); });
  let delivered = 0;
  const watches = Array.from({ length: WATCHES }, () => {
    const st = session.request({ ':path': '/api/v1/namespaces/watch/configmaps?watch=1&allowWatchBookmarks=true' });
    st.on('data', (d: Buffer) => { for (const b of d) if (b === 10) delivered++; });
    st.on('error', () => {});
    return st;
  });
  const writer = newPool(t.server.url, t.tls, 1);
  let written = 0;
  const get = (path: string, accept: string, onType: (t: string) => void) => new Promise<{ status: number; bytes: number }>((resolve, reject) => {
    const st = session.request({ ':path': path, accept });
    let bytes = 0;
    let status = 0;
    st.on('response', (h) => { status = Number(h[':status']); onType(String(h['content-type'])); });
    st.on('data', (d: Buffer) => { bytes += d.length; });
    st.on('end', () => resolve({ status, bytes }));
    st.on('error', reject);
  });
  return {
    async run(path: string, accept: string, durationMs: number, hooks: { onMeasureStart(): void; onMeasureEnd(): void }, onType: (t: string) => void): Promise<LoadSample> {
      // The writer keeps the watches busy while the LISTs run.
      const timer = setInterval(() => {
        writer.request({ method: 'POST', path: '/api/v1/namespaces/watch/configmaps', body: configMap(`w-${written++}`), headers: { 'content-type': 'application/json' } })
          .then((r) => r.body.dump(), () => {});
      }, 1000 / WRITES_PER_SECOND);
      try {
        const phase = async (ms: number) => {
          const latencies: number[] = [];
          let bytes = 0;
          let errors = 0;
          let firstError: string | undefined;
          const t0 = performance.now();
          while (performance.now() - t0 < ms) {
            const start = performance.now();
            try {
              const r = await get(path, accept, onType);
              if (r.status === 200) { latencies.push(performance.now() - start); bytes += r.bytes; } else { errors++; firstError ??= `HTTP ${r.status}`; }
            } catch (e) {
              errors++;
              firstError ??= (e as Error).message;
            }
          }
          return { latencies: Float64Array.from(latencies).sort(), errors, firstError, bytes, seconds: (performance.now() - t0) / 1000 };
        };
        await phase(WARMUP_MS);
        hooks.onMeasureStart();
        const m = await phase(durationMs);
        hooks.onMeasureEnd();
        return m;
      } finally {
        clearInterval(timer);
      }
    },
    close(): { events: number; writes: number } {
      for (const w of watches) w.close();
      session.close();
      void writer.destroy();
      return { events: delivered, writes: written };
    },
  };
}

function printReport(rows: Row[], args: Args, loadAtStart: number, delivered: { events: number; writes: number }, durationS: number): void {
  const out: string[] = [];
  out.push(`Berth LIST benchmark — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`);
  out.push(`Noise: 1-min load average ${fixed(loadAtStart, 2)} at start. Baseline: ${args.baseline ?? 'none'}.`);
  out.push('');
  out.push(table(['Server', 'transport', 'LIST', 'asked', 'answered', 'items/s (median)', 'lists/s', 'p50 ms', 'p99 ms', 'server CPU µs/item', 'bytes', 'errors'],
    rows.map((r) => [r.scenario.target.name, r.scenario.transport, count(r.scenario.size), r.scenario.format, r.contentType.replace('application/', '').replace('vnd.kubernetes.', ''),
      count(r.itemsPerSecond), fixed(r.perSecond, 1), fixed(r.p50Ms, 1), fixed(r.p99Ms, 1), fixed(r.cpuUsPerItem, 2), count(r.bytesPerResponse), r.errors])));
  out.push('');
  const find = (server: string, transport: string, size: number, format: Format) =>
    rows.find((r) => r.scenario.target.name === server && r.scenario.transport === transport && r.scenario.size === size && r.scenario.format === format);
  const ratios: string[][] = [];
  for (const size of SIZES) {
    for (const format of Object.keys(FORMATS) as Format[]) {
      const mine = find('this build', 'HTTP/1.1', size, format);
      const base = find('baseline', 'HTTP/1.1', size, 'json');
      const h2 = find('this build', 'HTTP/2 + 100 watches', size, format);
      ratios.push([`LIST ${count(size)} ${format}`, base && mine ? `${fixed(mine.itemsPerSecond / base.itemsPerSecond, 2)}×` : '',
        h2 && mine ? `${fixed(h2.itemsPerSecond / mine.itemsPerSecond, 2)}×` : '']);
    }
  }
  out.push(table(['This build', 'vs baseline JSON (HTTP/1.1)', 'HTTP/2 with watches vs HTTP/1.1'], ratios));
  out.push('');
  out.push(`Watch events delivered on the HTTP/2 connection during the run: ${count(delivered.events)} (${count(delivered.writes)} writes × ${WATCHES} watches, plus bookmarks).`);
  out.push(`Total benchmark time: ${fixed(durationS)} s`);
  process.stdout.write(out.join('\n') + '\n');
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error('benchmark failed:', e);
  process.exit(1);
});
