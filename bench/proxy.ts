// Service proxy benchmark, on real pods (`berth up --runtime process`, root on Linux):
//  1. Data plane: a client pod connects to a server pod directly (pod IP) and through the server's ClusterIP, in
//     alternating rounds of the same run: connection setup (connect() until established, one new connection each)
//     and throughput (one connection streaming a large buffer into a sink). ClusterIP / direct is the figure.
//  2. Control plane: with 1,000 Services (each with its own EndpointSlice), the time from an API write returning to
//     the data plane following it, seen from the host through a ClusterIP: an EndpointSlice switching the Service
//     to another backend pod, and a Service changing its port. Also the full rewrite of the table (deleted by hand:
//     noticed by `nft monitor`, rewritten whole).
// Usage: node dist/bench/proxy.js [--services N] [--json <file>]
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { KubeObject } from '../src/apimachinery/types.js';
import { KubeClient } from '../src/client/client.js';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { builtin } from '../src/client/resources.js';
import type { EndpointSlice } from '../src/controllers/endpointslice/types.js';
import { instanceNames } from '../src/networking/instance.js';
import type { Service } from '../src/registry/core-service-alloc/allocator.js';
import { percentile } from './lib/load.js';
import { startBerthProcess } from './lib/processes.js';
import { fixed, median, percent, table } from './lib/report.js';

const CONNECTS_PER_ROUND = 400;
const ROUNDS = 7;
const STREAM_BYTES = 512 * 1024 * 1024;
const CHANGES = 20;

const SERVER_PY = `
import socket, threading
def sink(c):
    buf = bytearray(1 << 20)
    while c.recv_into(buf): pass
    c.close()
def serve(port):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('', port)); s.listen(4096)
    while True:
        c, _ = s.accept(); threading.Thread(target=sink, args=(c,), daemon=True).start()
threading.Thread(target=serve, args=(9001,), daemon=True).start()
serve(9000)
`;

const CLIENT_PY = `
import json, os, socket, time
direct, service, rounds, n, nbytes, out = os.environ['DIRECT'], os.environ['SERVICE'], int(os.environ['ROUNDS']), int(os.environ['N']), int(os.environ['BYTES']), os.environ['OUT']
def addr(a): h, p = a.rsplit(':', 1); return (h, int(p))
def connects(a):
    t = []
    for _ in range(n):
        s = socket.socket(); t0 = time.perf_counter_ns(); s.connect(addr(a)); t.append((time.perf_counter_ns() - t0) / 1000); s.close()
    return t
def stream(a):
    buf = bytearray(1 << 20); s = socket.create_connection(addr(a)); t0 = time.perf_counter(); sent = 0
    while sent < nbytes: s.sendall(buf); sent += len(buf)
    s.shutdown(socket.SHUT_WR); s.recv(1); dt = time.perf_counter() - t0; s.close()
    return nbytes / dt
res = {'direct': {'connect': [], 'stream': []}, 'service': {'connect': [], 'stream': []}}
for r in range(rounds):
    for k, a in (('direct', direct), ('service', service)) if r % 2 == 0 else (('service', service), ('direct', direct)):
        res[k]['connect'].append(connects(a)); res[k]['stream'].append(stream(a))
open(out + '.tmp', 'w').write(json.dumps(res)); os.rename(out + '.tmp', out)
`;

const HTTP_PY = (name: string) => `
import http.server
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(s):
        b = b'${name}'; s.send_response(200); s.send_header('Content-Length', str(len(b))); s.end_headers(); s.wfile.write(b)
    def log_message(s, *a): pass
http.server.ThreadingHTTPServer(('', 8080), H).serve_forever()
`;

function pod(name: string, node: string, command: string[], opts: { labels?: Record<string, string>; env?: Record<string, string>; hostDir?: string; restartNever?: boolean } = {}) {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', labels: opts.labels ?? {} },
    spec: {
      nodeName: node, terminationGracePeriodSeconds: 1, automountServiceAccountToken: false,
      ...(opts.restartNever ? { restartPolicy: 'Never' } : {}),
      ...(opts.hostDir ? { volumes: [{ name: 'out', hostPath: { path: opts.hostDir, type: 'Directory' } }] } : {}),
      containers: [{
        name: 'c', image: 'debian:12', command,
        env: Object.entries(opts.env ?? {}).map(([n, value]) => ({ name: n, value })),
        ...(opts.hostDir ? { volumeMounts: [{ name: 'out', mountPath: '/out' }] } : {}),
      }],
    },
  };
}

async function podIP(client: KubeClient, name: string): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const p = await client.get<KubeObject & { status?: { podIP?: string; conditions?: { type: string; status: string }[] } }>(builtin.pods, name, { namespace: 'default' });
    if (p.status?.podIP && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return p.status.podIP;
    await sleep(100);
  }
  throw new Error(`pod ${name} not ready in 60 s`);
}

/** A pod's container log, as the runtime writes it under the data dir. */
function podLog(root: string, pod: string): string {
  const dir = join(root, 'data', 'logs', 'pods');
  const podDir = readdirSync(dir).find((d) => d.startsWith(`default_${pod}_`));
  if (!podDir) return '(no log)';
  const c = join(dir, podDir, 'c');
  return readdirSync(c).map((f) => readFileSync(join(c, f), 'utf8')).join('').slice(-2000);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One HTTP GET on a new connection; the body, or undefined on any failure. */
function get(url: string, timeoutMs = 500): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      let b = '';
      res.on('data', (d) => { b += d; });
      res.on('end', () => resolve(b));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

/**
 * Time from `t0` until `url` answers `want` (polled on new connections). While the table is gone a connection to a
 * ClusterIP goes unanswered rather than refused, so that poll uses a short timeout.
 */
async function until(url: string, want: string, t0: number, attemptMs = 500): Promise<number> {
  for (;;) {
    if ((await get(url, attemptMs)) === want) return performance.now() - t0;
    if (performance.now() - t0 > 10_000) throw new Error(`${url} did not answer ${want} within 10 s`);
  }
}

interface DataPlane { connectUs: { direct: number; service: number }; streamMBps: { direct: number; service: number } }

async function dataPlane(client: KubeClient, root: string, serverIP: string, clusterIP: string): Promise<DataPlane> {
  const out = join(root, 'out');
  const resultFile = join(out, 'result.json');
  await client.create(builtin.pods, pod('bench-client', 'berth-node-1', ['python3', '-c', CLIENT_PY], {
    restartNever: true, hostDir: out,
    // Direct connections go to another port of the server: a direct connection and a DNATed one from the same
    // source port to the same server port would have the same reply tuple, and conntrack drops the later one's SYN
    // until the earlier entry expires (kube-proxy has that too; it takes thousands of both kinds to hit it).
    env: { DIRECT: `${serverIP}:9001`, SERVICE: `${clusterIP}:9000`, ROUNDS: String(ROUNDS), N: String(CONNECTS_PER_ROUND), BYTES: String(STREAM_BYTES), OUT: '/out/result.json' },
  }));
  for (let i = 0; !existsSync(resultFile); i++) {
    const phase = (await client.get<KubeObject & { status?: { phase?: string } }>(builtin.pods, 'bench-client', { namespace: 'default' })).status?.phase;
    if (i > 3000 || phase === 'Failed' || phase === 'Succeeded') throw new Error(`the client pod wrote no result (phase ${phase}): ${podLog(root, 'bench-client')}`);
    await sleep(100);
  }
  const res = JSON.parse(readFileSync(resultFile, 'utf8')) as Record<'direct' | 'service', { connect: number[][]; stream: number[] }>;
  const connectMedian = (rounds: number[][]) => median(rounds.map((r) => percentile([...r].sort((a, b) => a - b), 0.5)));
  return {
    connectUs: { direct: connectMedian(res.direct.connect), service: connectMedian(res.service.connect) },
    streamMBps: { direct: median(res.direct.stream) / 1e6, service: median(res.service.stream) / 1e6 },
  };
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the proxy benchmark runs real pods: run it as root');
  const services = Number(process.argv[process.argv.indexOf('--services') + 1]) || 1000;
  const jsonOut = process.argv.includes('--json') ? process.argv[process.argv.indexOf('--json') + 1] : undefined;
  const root = mkdtempSync(join(tmpdir(), 'berth-bench-proxy-'));
  const dataDir = join(root, 'data');
  execFileSync('mkdir', ['-p', dataDir, join(root, 'out')]);
  chmodSync(join(root, 'out'), 0o777);
  const k = 150 + Math.floor(Math.random() * 50);
  const berth = await startBerthProcess(dataDir, undefined, { runtime: 'process', args: ['--nodes', '2', '--cluster-cidr', `10.${k}.0.0/17`, '--service-cidr', `10.${k}.128.0/17`] });
  const client = new KubeClient({ connection: loadKubeconfig({ path: berth.kubeconfig! }) });
  const table_ = `berth-${instanceNames(dataDir).id}`;
  const load0 = loadavg()[0]!;
  try {
    // ---- data plane ----
    await client.create(builtin.pods, pod('bench-server', 'berth-node-2', ['python3', '-c', SERVER_PY], { labels: { app: 'sink' } }));
    await client.create(builtin.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'sink', namespace: 'default' }, spec: { selector: { app: 'sink' }, ports: [{ name: 'tcp', port: 9000 }] } });
    const serverIP = await podIP(client, 'bench-server');
    const sinkIP = (await client.get<Service>(builtin.services, 'sink', { namespace: 'default' })).spec!.clusterIP!;
    const dp = await dataPlane(client, root, serverIP, sinkIP);

    // ---- control plane with many Services ----
    for (const name of ['a', 'b']) await client.create(builtin.pods, pod(`bench-${name}`, 'berth-node-2', ['python3', '-c', HTTP_PY(name)]));
    const ipA = await podIP(client, 'bench-a');
    const ipB = await podIP(client, 'bench-b');
    const slice = (i: number, ip: string) => ({
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
      metadata: { name: `svc-${i}`, namespace: 'default', labels: { 'kubernetes.io/service-name': `svc-${i}` } },
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }], endpoints: [{ addresses: [ip], conditions: { ready: true } }],
    });
    const t0 = performance.now();
    for (let i = 0; i < services; i += 20) {
      await Promise.all(Array.from({ length: Math.min(20, services - i) }, async (_, j) => {
        const n = i + j;
        await client.create(builtin.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${n}`, namespace: 'default' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
        await client.create(builtin.endpointSlices, slice(n, n % 2 ? ipB : ipA));
      }));
    }
    const created = performance.now() - t0;
    const probe = (await client.get<Service>(builtin.services, `svc-${services - 2}`, { namespace: 'default' })).spec!.clusterIP!;
    await until(`http://${probe}/`, 'a', performance.now());
    const programmed = performance.now() - t0;
    const rules = execFileSync('nft', ['list', 'table', 'inet', table_], { encoding: 'utf8' }).split('\n').length;

    const sliceChange: number[] = [];
    const target = services - 2; // even: starts on a
    for (let i = 0; i < CHANGES; i++) {
      const to = i % 2 === 0 ? 'b' : 'a';
      const cur = await client.get<EndpointSlice>(builtin.endpointSlices, `svc-${target}`, { namespace: 'default' });
      cur.endpoints = [{ addresses: [to === 'b' ? ipB : ipA], conditions: { ready: true } }];
      await client.update(builtin.endpointSlices, cur);
      sliceChange.push(await until(`http://${probe}/`, to, performance.now()));
    }
    const serviceChange: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const port = 81 + (i % 2);
      await client.patch(builtin.services, `svc-${target}`, { spec: { ports: [{ name: 'http', port, targetPort: 8080 }] } }, 'merge', { namespace: 'default' });
      serviceChange.push(await until(`http://${probe}:${port}/`, 'a', performance.now()));
    }
    // a hand-made deletion: noticed by the monitor, the whole table rewritten
    const rewrite: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      execFileSync('nft', ['delete', 'table', 'inet', table_]);
      rewrite.push(await until(`http://${probe}:${81 + ((CHANGES - 1) % 2)}/`, 'a', t, 20));
      await sleep(500);
    }

    const q = (xs: number[], p: number) => percentile([...xs].sort((a, b) => a - b), p);
    const lines = [
      `Berth service proxy benchmark — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), Node ${process.version}`,
      `Noise: 1-min load average ${load0.toFixed(2)} at start.`,
      '',
      table(['pod → server pod (another node)', 'direct (pod IP)', 'ClusterIP', 'ClusterIP / direct'], [
        ['connect() p50, µs (lower is better)', fixed(dp.connectUs.direct), fixed(dp.connectUs.service), percent(dp.connectUs.direct / dp.connectUs.service)],
        ['one-connection stream, MB/s', fixed(dp.streamMBps.direct, 0), fixed(dp.streamMBps.service, 0), percent(dp.streamMBps.service / dp.streamMBps.direct)],
      ]),
      `${ROUNDS} alternating rounds; connect: median of each round's p50 over ${CONNECTS_PER_ROUND} new connections; stream: median of ${ROUNDS} runs of ${STREAM_BYTES / 2 ** 20} MiB.`,
      '',
      `${services} Services, each with its own EndpointSlice: created in ${fixed(created / 1000, 1)} s, all in the data plane ${fixed(programmed / 1000, 1)} s after the first create; the table has ${rules} lines.`,
      table([`change (${CHANGES} each), API write returned → data plane follows`, 'p50 ms', 'p90 ms', 'max ms'], [
        ['EndpointSlice: endpoint switched to another pod', fixed(q(sliceChange, 0.5)), fixed(q(sliceChange, 0.9)), fixed(Math.max(...sliceChange))],
        ['Service: port changed', fixed(q(serviceChange, 0.5)), fixed(q(serviceChange, 0.9)), fixed(Math.max(...serviceChange))],
        ['table deleted by hand → rewritten whole (3)', fixed(q(rewrite, 0.5)), fixed(q(rewrite, 0.9)), fixed(Math.max(...rewrite))],
      ]),
      'Polled from the host through the ClusterIP on new connections (each one a fresh NAT decision).',
    ];
    console.log(lines.join('\n'));
    if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ dp, services, created, programmed, sliceChange, serviceChange, rewrite }, null, 2));
  } finally {
    await client.close();
    await berth.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
