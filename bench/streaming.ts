// Streaming benchmark: `kubectl exec POD -- true` round trips and a port-forward's throughput and latency, each next
// to the same operation done directly in the same run (spawning `true` here; a TCP connection straight to the echo
// server), printed as overheads and ratios.
//
// By default it starts Berth in a process of its own with the test-only HostRuntime (pods are host processes), and a
// pod whose main process is a Node echo server on 127.0.0.1 (its "pod port"). This process is only the client.
// With --runtime process (root on Linux) it starts `berth up --runtime process` instead: a real pod runs a Python
// echo server on its pod IP, which the direct connection reaches over the node bridge.
// Against a cluster of your own:
//   node dist/bench/streaming.js --kubeconfig K --pod P [--namespace N] --echo-port 7
// where the pod runs `true` and an echo server on that port (e.g. `socat TCP-LISTEN:7,fork,reuseaddr EXEC:cat`),
// and --direct-host H is the pod IP for the direct connection.
// Usage: node dist/bench/streaming.js [--runs 20] [--mib 64] [--json file]
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import type { KubeObject } from '../src/apimachinery/types.js';
import { KubeClient } from '../src/client/client.js';
import { builtin } from '../src/client/resources.js';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { kubectlBinary } from '../test/support/real-clients.js';
import { berthNodeArgs, cpuSeconds } from './lib/processes.js';
import { fixed, median, table } from './lib/report.js';

interface Args { runs: number; mib: number; json?: string; kubeconfig?: string; pod: string; namespace: string; echoPort?: number; directHost: string; runtime: 'host' | 'process' }

function parseArgs(argv: string[]): Args {
  const a: Args = { runs: 20, mib: 64, pod: 'bench', namespace: 'default', directHost: '127.0.0.1', runtime: 'host' };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[++i];
    switch (argv[i - 1]) {
      case '--runs': a.runs = Number(v); break;
      case '--mib': a.mib = Number(v); break;
      case '--json': a.json = v; break;
      case '--kubeconfig': a.kubeconfig = v; break;
      case '--pod': a.pod = v; break;
      case '--namespace': a.namespace = v; break;
      case '--echo-port': a.echoPort = Number(v); break;
      case '--direct-host': a.directHost = v; break;
      case '--runtime': a.runtime = v === 'process' ? 'process' : 'host'; break;
      default: throw new Error(`unknown argument ${argv[i - 1]}`);
    }
  }
  return a;
}

const run = (bin: string, args: string[], env: NodeJS.ProcessEnv) => new Promise<void>((resolve, reject) => {
  execFile(bin, args, { env }, (err) => (err ? reject(err) : resolve()));
});

const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)] ?? NaN;

/** Sends `bytes` through an echo connection and reads them back; MB/s of payload. */
async function throughput(sock: Socket, bytes: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024, 7);
  let received = 0;
  const t = performance.now();
  const done = new Promise<void>((resolve) => {
    sock.on('data', (d: Buffer) => {
      received += d.length;
      if (received >= bytes) resolve();
    });
  });
  for (let sent = 0; sent < bytes; sent += chunk.length) {
    if (!sock.write(chunk)) await once(sock, 'drain');
  }
  await done;
  sock.removeAllListeners('data');
  return bytes / 1048576 / ((performance.now() - t) / 1000);
}

/** Median round trip of one byte, `n` times. */
async function pingPong(sock: Socket, n: number): Promise<number> {
  const rtts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    sock.write('x');
    await once(sock, 'data');
    rtts.push(performance.now() - t);
  }
  return median(rtts);
}

async function connectTo(port: number, host = '127.0.0.1'): Promise<Socket> {
  const s = connect(port, host);
  s.setNoDelay(true);
  await once(s, 'connect');
  return s;
}

async function startPortForward(bin: string, target: string, remote: number, env: NodeJS.ProcessEnv) {
  const child = spawn(bin, ['port-forward', target, `:${remote}`], { env });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  for (let i = 0; i < 400 && !/127\.0\.0\.1:(\d+)/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
  const port = Number(/127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
  if (!port) throw new Error(`kubectl port-forward did not start: ${out}`);
  return { port, pid: child.pid, stop: () => child.kill('SIGINT') };
}

/** Berth in a child process (the HostRuntime, or `berth up --runtime process`); resolves with its kubeconfig. */
async function startCluster(runtime: 'host' | 'process'): Promise<{ kubeconfig: string; pid?: number; stop(): Promise<void> }> {
  const script = fileURLToPath(new URL('./lib/host-cluster.js', import.meta.url));
  const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-bench-streaming-'));
  const args = runtime === 'host' ? [script] : [cli, 'up', '--data-dir', dataDir, '--port', '0', '--nodes', '1', '--runtime', 'process'];
  const child = spawn(process.execPath, [...berthNodeArgs(), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  for (let i = 0; i < 600 && !/^kubeconfig: (.+)$/m.test(out); i++) await new Promise((r) => setTimeout(r, 50));
  const kubeconfig = /^kubeconfig: (.+)$/m.exec(out)?.[1];
  if (!kubeconfig) throw new Error(`the benchmark cluster did not start: ${out}`);
  return {
    kubeconfig,
    pid: child.pid,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const load0 = loadavg()[0];
  const cluster = args.kubeconfig ? undefined : await startCluster(args.runtime);
  const kubeconfig = args.kubeconfig ?? cluster!.kubeconfig;
  const remotePort = args.echoPort ?? await freePort();
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, KUBECONFIG: kubeconfig };
  const client = KubeClient.fromKubeconfig({ path: kubeconfig }, { userAgent: 'bench-streaming' });
  try {
    if (cluster) {
      // The pod's main process is the echo server the port-forward reaches: Node on the HostRuntime (on the host's
      // 127.0.0.1), Python in a real pod (on all its addresses, so the direct connection can use the pod IP).
      const nodeEcho = `require('net').createServer((s) => { s.setNoDelay(true); s.pipe(s); s.on('error', () => {}); }).listen(${remotePort}, '127.0.0.1')`;
      const pyEcho = [
        'import socket, threading',
        `srv = socket.create_server(('0.0.0.0', ${remotePort}), backlog=64)`,
        'def pump(c):',
        '    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)',
        '    while (d := c.recv(65536)): c.sendall(d)',
        '    c.close()',
        'while True: threading.Thread(target=pump, args=(srv.accept()[0],), daemon=True).start()',
      ].join('\n');
      const command = args.runtime === 'host' ? [process.execPath, '-e', nodeEcho] : ['python3', '-c', pyEcho];
      await client.create(builtin.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: args.pod, namespace: args.namespace }, spec: { containers: [{ name: 'main', image: 'busybox', command }] } } as KubeObject);
      for (let i = 0; i < 600; i++) {
        const p = await client.get(builtin.pods, args.pod, { namespace: args.namespace });
        const status = p.status as { phase?: string; podIP?: string } | undefined;
        if (status?.phase === 'Running') {
          if (args.runtime === 'process' && status.podIP) args.directHost = status.podIP;
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      for (let i = 0; i < 200; i++) {
        const ok = await connectTo(remotePort, args.directHost).then((s) => { s.destroy(); return true; }, () => false);
        if (ok) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const ns = ['-n', args.namespace];
    const k27 = kubectlBinary(27);
    const k33 = kubectlBinary(33);

    // ---- exec round trips: the scenarios take turns, so drift on a shared machine hits all of them alike ----
    const scenarios: [string, () => Promise<unknown>][] = [
      ['spawn `true` directly (baseline)', () => run('true', [], env)],
      ['kubectl 1.33 get pod (process + 1 request)', () => run(k33, ['get', 'pod', args.pod, ...ns, '-o', 'name'], env)],
      ['kubectl 1.33 exec -- true (WebSocket v5)', () => run(k33, ['exec', args.pod, ...ns, '--', 'true'], env)],
      ['kubectl 1.27 exec -- true (SPDY/3.1)', () => run(k27, ['exec', args.pod, ...ns, '--', 'true'], env)],
      ['SDK exec over HTTPS (WebSocket v5)', () => client.exec(args.pod, ['true'], { namespace: args.namespace })],
    ];
    const times = scenarios.map(() => [] as number[]);
    for (const [, f] of scenarios) await f(); // warm-up
    for (let i = 0; i < args.runs; i++) {
      for (const [j, [, f]] of scenarios.entries()) {
        const t = performance.now();
        await f();
        times[j].push(performance.now() - t);
      }
    }
    const base = median(times[0]);
    const execRows = scenarios.map(([name], j) => [name, fixed(median(times[j])), fixed(p90(times[j])), fixed(median(times[j]) - base), fixed(median(times[j]) / base, 1) + '×']);

    // ---- port-forward ----
    const bytes = args.mib * 1048576;
    // Each path warms up first (JIT, TLS and socket buffers), then the median of three transfers.
    // CPU per MiB moved: Berth's (when it runs here), kubectl's, and this client's.
    const cpu = (pid?: number) => (pid ? cpuSeconds(pid) : NaN);
    const measure = async (port: number, host?: string, kubectlPid?: number) => {
      const s = await connectTo(port, host);
      await throughput(s, 8 * 1048576);
      const rtt = await pingPong(s, 300);
      const before = [cpu(cluster?.pid), cpu(kubectlPid), cpu(process.pid)];
      const rounds = [await throughput(s, bytes), await throughput(s, bytes), await throughput(s, bytes)];
      const after = [cpu(cluster?.pid), cpu(kubectlPid), cpu(process.pid)];
      s.destroy();
      const perMiB = after.map((a, i) => ((a - before[i]!) * 1000) / (3 * args.mib));
      return { rtt, mbs: median(rounds), berthMsPerMiB: perMiB[0]!, kubectlMsPerMiB: perMiB[1]!, clientMsPerMiB: perMiB[2]! };
    };
    const directPf = await measure(remotePort, args.directHost);
    type Measured = Awaited<ReturnType<typeof measure>>;
    const results: [string, Measured][] = [['direct TCP to the echo server (baseline)', directPf]];
    for (const [label, bin, extra] of [
      ['kubectl 1.33 port-forward (WebSocket tunnel)', k33, {}],
      ['kubectl 1.33 port-forward (SPDY)', k33, { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }],
      ['kubectl 1.27 port-forward (SPDY)', k27, {}],
    ] as const) {
      const pf = await startPortForward(bin, `pod/${args.pod}`, remotePort, { ...env, ...extra } as NodeJS.ProcessEnv);
      try {
        results.push([label, await measure(pf.port, '127.0.0.1', pf.pid)]);
      } finally {
        pf.stop();
      }
    }
    const sdkConn = await client.portForward(args.pod, remotePort, { namespace: args.namespace });
    sdkConn.destroy();
    const pfRows = results.map(([name, r]) => [name, fixed(r.mbs, 0), fixed(r.mbs / directPf.mbs * 100, 0) + '%', fixed(r.rtt, 3), fixed(r.rtt - directPf.rtt, 3),
      fixed(r.berthMsPerMiB, 1), fixed(r.kubectlMsPerMiB, 1), fixed(r.clientMsPerMiB, 1)]);

    const report = [
      `Berth streaming benchmark — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), Node ${process.version}`,
      `Target: ${args.kubeconfig ? `cluster ${kubeconfig}, pod ${args.namespace}/${args.pod}` : args.runtime === 'process' ? 'berth up --runtime process (a real pod; direct = its pod IP)' : 'Berth in its own process, HostRuntime (pods are host processes)'}; 1-min load average at start ${fixed(load0, 2)}`,
      '',
      `Exec round trip (${args.runs} runs, ms)`,
      table(['', 'median', 'p90', '+ms', 'ratio'], execRows),
      '',
      `Port-forward (median of 3 × ${args.mib} MiB echoed after an 8 MiB warm-up; 300 one-byte round trips)`,
      table(['', 'MB/s', 'of direct', 'RTT ms', '+ms', 'Berth CPU ms/MiB', 'kubectl', 'client'], pfRows),
    ].join('\n');
    console.log(report);
    if (args.json) writeFileSync(args.json, JSON.stringify({ exec: Object.fromEntries(execRows.map((r) => [r[0], r.slice(1)])), portForward: Object.fromEntries(results) }, null, 2));
  } finally {
    await client.close();
    await cluster?.stop();
  }
}

const limit = setTimeout(() => {
  console.error('streaming benchmark: hard time limit reached');
  process.exit(2);
}, 600_000);
limit.unref();
main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
