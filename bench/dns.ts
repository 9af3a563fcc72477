// Cluster DNS benchmark: UDP queries per second and latency against Berth's DNS next to a bare dns-packet server
// (decode, answer one A record, encode) in the same run, and how long an endpoint change takes to show in DNS.
// Both servers run in their own processes; this process only sends queries and drives the API.
// Usage: node dist/bench/dns.js [--duration <seconds per run>] [--json <file>]
//        (node dist/bench/dns.js --bare-server: the baseline server itself, printing `dns: 127.0.0.1:N`)
import { ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import dnsPacket from 'dns-packet';
import { KubeClient } from '../src/client/client.js';
import { builtin } from '../src/client/resources.js';
import { percentile } from './lib/load.js';
import { cpuSeconds } from './lib/processes.js';
import { count, fixed, median, table } from './lib/report.js';

const SELF = fileURLToPath(import.meta.url);
const BERTH_CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const CONCURRENCIES = [1, 32] as const;
const ROUNDS = 3;
const CHANGES = 20;
const QUERY_TIMEOUT_MS = 1000;

// ---- the bare server (child process mode) ----

function runBareServer(): void {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    let q;
    try {
      q = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const question = q.questions[0];
    if (!question) return;
    const out = dnsPacket.encode({
      id: q.id, type: 'response', flags: dnsPacket.AUTHORITATIVE_ANSWER, questions: [question],
      answers: [{ type: 'A', name: question.name, ttl: 5, class: 'IN', data: '10.96.0.1' }],
    });
    sock.send(out, rinfo.port, rinfo.address);
  });
  sock.bind(0, '127.0.0.1', () => console.log(`dns: 127.0.0.1:${sock.address().port}`));
}

// ---- processes ----

interface Proc { proc: ChildProcess; dnsPort: number; kubeconfig?: string; stop(): Promise<void> }
const live = new Set<ChildProcess>();
process.on('exit', () => { for (const p of live) if (p.exitCode === null) p.kill('SIGKILL'); });

function spawnWithDns(args: string[]): Promise<Proc> {
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  const exited = new Promise<void>((r) => proc.once('exit', () => { live.delete(proc); r(); }));
  return new Promise((resolve, reject) => {
    let out = '';
    let stderr = '';
    proc.stderr!.on('data', (d) => { stderr += d; });
    proc.stdout!.on('data', (d) => {
      out += d;
      const dns = /^dns: 127\.0\.0\.1:(\d+)$/m.exec(out);
      const kc = /^kubeconfig: (.+)$/m.exec(out);
      const needsKubeconfig = args.includes('up');
      if (dns && (!needsKubeconfig || (kc && /^server: /m.test(out)))) {
        resolve({
          proc, dnsPort: Number(dns[1]), kubeconfig: kc?.[1],
          async stop() { if (proc.exitCode === null) proc.kill('SIGINT'); await exited; },
        });
      }
    });
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
}

// ---- load ----

class Resolver {
  private readonly sock = dgram.createSocket('udp4');
  private readonly waiting = new Map<number, (ok: boolean) => void>();
  private nextId = 1;

  constructor(private readonly port: number) {
    this.sock.on('message', (msg) => {
      if (msg.length < 2) return;
      const done = this.waiting.get(msg.readUInt16BE(0));
      if (done) { this.waiting.delete(msg.readUInt16BE(0)); done(true); }
    });
  }

  ready(): Promise<void> {
    return new Promise((r) => this.sock.bind(0, '127.0.0.1', () => r()));
  }

  /** One query; resolves false on timeout. */
  query(name: string, type = 'A'): Promise<boolean> {
    const id = this.nextId = (this.nextId % 65535) + 1;
    const buf = dnsPacket.encode({ id, type: 'query', questions: [{ type, name, class: 'IN' }] });
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.waiting.delete(id); resolve(false); }, QUERY_TIMEOUT_MS);
      this.waiting.set(id, (ok) => { clearTimeout(t); resolve(ok); });
      this.sock.send(buf, this.port, '127.0.0.1');
    });
  }

  /** The A records for a name. */
  lookup(name: string): Promise<string[]> {
    const id = this.nextId = (this.nextId % 65535) + 1;
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.waiting.delete(id); resolve([]); }, QUERY_TIMEOUT_MS);
      const onMsg = (msg: Buffer) => {
        if (msg.readUInt16BE(0) !== id) return;
        clearTimeout(t);
        this.sock.off('message', onMsg);
        resolve(dnsPacket.decode(msg).answers.filter((a) => a.type === 'A').map((a) => String(a.data)));
      };
      this.sock.on('message', onMsg);
      this.sock.send(dnsPacket.encode({ id, type: 'query', questions: [{ type: 'A', name, class: 'IN' }] }), this.port, '127.0.0.1');
    });
  }

  close(): void {
    this.sock.close();
  }
}

interface LoadRun { qps: number; p50: number; p99: number; timeouts: number; cpuUsPerQuery: number }

async function load(port: number, pid: number, name: string, concurrency: number, durationMs: number): Promise<LoadRun> {
  const r = new Resolver(port);
  await r.ready();
  const latencies: number[] = [];
  let timeouts = 0;
  const cpu0 = cpuSeconds(pid);
  const end = performance.now() + durationMs;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      if (await r.query(name)) latencies.push(performance.now() - t0);
      else timeouts++;
    }
  }));
  const cpu = cpuSeconds(pid) - cpu0;
  r.close();
  latencies.sort((a, b) => a - b);
  return { qps: latencies.length / (durationMs / 1000), p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), timeouts, cpuUsPerQuery: (cpu * 1e6) / Math.max(1, latencies.length) };
}

// ---- endpoint change → DNS ----

async function endpointChangeLatency(client: KubeClient, dnsPort: number): Promise<number[]> {
  const ns = 'default';
  await client.create(builtin.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'bench', namespace: ns }, spec: { clusterIP: 'None', selector: { app: 'bench' }, ports: [{ name: 'p', port: 80 }] } });
  // pinned to a node that does not exist, so only this benchmark writes its status
  await client.create(builtin.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bench-0', namespace: ns, labels: { app: 'bench' } }, spec: { nodeName: 'bench-ghost', containers: [{ name: 'c', image: 'x' }] } });
  const r = new Resolver(dnsPort);
  await r.ready();
  const setReady = (ready: boolean) => client.patch(builtin.pods, 'bench-0', {
    status: { phase: 'Running', podIP: '10.244.77.7', podIPs: [{ ip: '10.244.77.7' }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  }, 'merge', { namespace: ns, subresource: 'status' });
  const samples: number[] = [];
  const waitFor = async (present: boolean, t0: number) => {
    for (;;) {
      const has = (await r.lookup('bench.default.svc.cluster.local')).includes('10.244.77.7');
      if (has === present) return performance.now() - t0;
      if (performance.now() - t0 > 10_000) throw new Error('endpoint change did not reach DNS in 10 s');
      await new Promise((res) => setTimeout(res, 2));
    }
  };
  for (let i = 0; i < CHANGES; i++) {
    const ready = i % 2 === 0;
    const t0 = performance.now();
    await setReady(ready);
    samples.push(await waitFor(ready, t0));
  }
  r.close();
  return samples;
}

// ---- main ----

function parseArgs(argv: string[]): { durationMs: number; json?: string } {
  const args: { durationMs: number; json?: string } = { durationMs: 2000 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--duration') args.durationMs = Number(argv[++i]) * 1000;
    else if (argv[i] === '--json') args.json = argv[++i];
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!(args.durationMs > 0 && args.durationMs <= 10_000)) throw new Error('--duration must be in (0, 10] seconds');
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-bench-dns-'));
  const berth = await spawnWithDns([BERTH_CLI, 'up', '--runtime', 'sim', '--data-dir', dataDir, '--port', '0', '--nodes', '1']);
  const bare = await spawnWithDns([SELF, '--bare-server']);
  const client = KubeClient.fromKubeconfig({ path: berth.kubeconfig! }, { fieldManager: 'bench' });
  try {
    const targets = [
      { label: 'bare dns-packet', proc: bare, name: 'kubernetes.default.svc.cluster.local' },
      { label: 'berth ClusterIP A', proc: berth, name: 'kubernetes.default.svc.cluster.local' },
    ];
    const results = new Map<string, LoadRun[]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of CONCURRENCIES) {
        for (const t of targets) {
          const key = `${t.label}|${c}`;
          const run = await load(t.proc.dnsPort, t.proc.proc.pid!, t.name, c, args.durationMs);
          results.set(key, [...(results.get(key) ?? []), run]);
        }
      }
    }
    const rows: (string | number)[][] = [];
    const summary: Record<string, unknown>[] = [];
    for (const c of CONCURRENCIES) {
      const bareQps = median((results.get(`bare dns-packet|${c}`) ?? []).map((r) => r.qps));
      for (const t of targets) {
        const runs = results.get(`${t.label}|${c}`) ?? [];
        const qps = median(runs.map((r) => r.qps));
        const row = {
          server: t.label, concurrency: c, qps, p50Ms: median(runs.map((r) => r.p50)), p99Ms: median(runs.map((r) => r.p99)),
          cpuUsPerQuery: median(runs.map((r) => r.cpuUsPerQuery)), timeouts: runs.reduce((n, r) => n + r.timeouts, 0), ofBare: qps / bareQps,
        };
        summary.push(row);
        rows.push([row.server, c, count(qps), fixed(row.p50Ms, 3), fixed(row.p99Ms, 3), fixed(row.cpuUsPerQuery, 1), row.timeouts, `${fixed(row.ofBare * 100, 0)}%`]);
      }
    }
    console.log(`DNS over UDP, ${ROUNDS} interleaved rounds of ${args.durationMs / 1000} s (medians)`);
    console.log(table(['server', 'concurrency', 'queries/s', 'p50 ms', 'p99 ms', 'server CPU µs/query', 'timeouts', 'of bare'], rows));

    const change = (await endpointChangeLatency(client, berth.dnsPort)).sort((a, b) => a - b);
    console.log(`\nendpoint change → DNS answer (pod /status Ready flip until the A record appears/disappears), ${change.length} samples:`);
    console.log(table(['p50 ms', 'p90 ms', 'max ms'], [[fixed(percentile(change, 0.5), 1), fixed(percentile(change, 0.9), 1), fixed(change[change.length - 1], 1)]]));
    if (args.json) writeFileSync(args.json, JSON.stringify({ load: summary, endpointChangeMs: change }, null, 2));
  } finally {
    await client.close();
    await Promise.all([berth.stop(), bare.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--bare-server') runBareServer();
else main().catch((e) => { console.error(e); process.exit(1); });
