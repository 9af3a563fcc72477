// Pod start benchmark (issue 13): a Parallel StatefulSet of N busybox `sleep` pods, on the process runtime (real
// processes) and on the simulated one (start delay 0), each in `berth up` of its own; for every pod the time from
// when the watch saw it bound to a node until it saw it Ready; the node agent's (Berth's) CPU and memory per running
// pod. The floor, in the same run: N bare `unshare --fork --pid --mount-proc` processes started at once, timed from
// spawn to their program running. Root on Linux only (the process runtime's requirement).
// Run: node dist/bench/pods.js [--pods 100] [--json out.json]
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { KubeClient } from '../src/client/client.js';
import { SharedInformer } from '../src/client/informer.js';
import { builtin } from '../src/client/resources.js';
import type { Pod } from '../src/api/core.js';
import { BERTH_CLI, berthNodeArgs, cpuSeconds, memoryMiB } from './lib/processes.js';
import { fixed, median, table } from './lib/report.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : dflt;
}

const PODS = Number(arg('pods', '100'));
const JSON_OUT = arg('json', '');
const NS = 'bench-pods';
const TARGETS = { p50: 150, p99: 1000, rssPerPodMiB: 1 };

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};

interface Result { label: string; p50: number; p99: number; max: number; totalMs: number; cpuMsPerPod?: number; rssPerPodMiB?: number }

/** The floor: N `unshare --fork --pid --mount-proc sh -c 'echo; exec sleep'` at once, spawn → the program runs. */
async function floor(n: number): Promise<Result> {
  const t0 = performance.now();
  const children: ChildProcess[] = [];
  const times = await Promise.all(Array.from({ length: n }, () => new Promise<number>((resolve, reject) => {
    const start = performance.now();
    const c = spawn('unshare', ['--fork', '--pid', '--mount-proc', '--kill-child', '--', 'sh', '-c', 'echo up; exec sleep 600'], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(c);
    c.stdout!.once('data', () => resolve(performance.now() - start));
    c.once('error', reject);
  })));
  const totalMs = performance.now() - t0;
  for (const c of children) c.kill('SIGKILL');
  return { label: 'bare unshare --fork (floor)', p50: percentile(times, 50), p99: percentile(times, 99), max: Math.max(...times), totalMs };
}

async function startBerth(runtime: 'process' | 'sim'): Promise<{ proc: ChildProcess; kubeconfig: string; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), `berth-bench-pods-${runtime}-`));
  const k = 100 + Math.floor(Math.random() * 100);
  const args = [...berthNodeArgs(), BERTH_CLI, 'up', '--runtime', runtime, '--data-dir', dataDir, '--port', '0', '--sim-start-delay', '0',
    '--cluster-cidr', `10.${k}.0.0/17`, '--service-cidr', `10.${k}.128.0/17`];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  process.on('exit', () => { if (proc.exitCode === null) proc.kill('SIGKILL'); });
  let err = '';
  proc.stderr!.on('data', (d) => { err += d; });
  const kubeconfig = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /^kubeconfig: (.+)$/m.exec(out);
      if (m && /^server: /m.test(out)) resolve(m[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`berth up exited with ${code}: ${err}`)));
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    proc, kubeconfig,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGINT');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const isReady = (p: Pod) => !!p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

async function podStarts(runtime: 'process' | 'sim', n: number): Promise<Result> {
  const berth = await startBerth(runtime);
  const client = KubeClient.fromKubeconfig({ path: berth.kubeconfig }, { userAgent: 'bench-pods' });
  try {
    for (;;) {
      if ((await client.list(builtin.nodes)).items.length >= 3) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await client.create(builtin.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    const pods = SharedInformer.forResource<Pod>(client, builtin.pods, { namespace: NS });
    const bound = new Map<string, number>();
    const ready = new Map<string, number>();
    let resolveAll!: () => void;
    const all = new Promise<void>((r) => { resolveAll = r; });
    const see = (p: Pod) => {
      const name = p.metadata.name!;
      const now = performance.now();
      if (p.spec.nodeName && !bound.has(name)) bound.set(name, now);
      if (isReady(p) && !ready.has(name)) ready.set(name, now);
      if (ready.size >= n) resolveAll();
    };
    pods.addEventHandler({ onAdd: see, onUpdate: (_o, p) => see(p) });
    pods.run();
    await pods.waitForSync();
    const pid = berth.proc.pid!;
    await new Promise((r) => setTimeout(r, 1000)); // settle after start-up
    const cpu0 = cpuSeconds(pid);
    const rss0 = memoryMiB(pid).rss;
    const t0 = performance.now();
    await client.create(builtin.statefulSets, {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'sleepers', namespace: NS },
      spec: {
        replicas: n, serviceName: 'sleepers', podManagementPolicy: 'Parallel', selector: { matchLabels: { app: 'sleepers' } },
        template: { metadata: { labels: { app: 'sleepers' } }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'sleep', image: 'busybox', command: ['sleep', '3600'] }] } },
      },
    });
    await Promise.race([all, new Promise((_, rej) => setTimeout(() => rej(new Error(`${runtime}: not all ${n} pods Ready in 180 s (${ready.size})`)), 180_000))]);
    const totalMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 1000)); // status writes and events that trail the last Ready
    const cpuMs = (cpuSeconds(pid) - cpu0) * 1000;
    const rss = memoryMiB(pid).rss - rss0;
    const times = [...ready.entries()].map(([name, t]) => t - (bound.get(name) ?? t));
    await pods.stop();
    return { label: `${runtime} runtime`, p50: percentile(times, 50), p99: percentile(times, 99), max: Math.max(...times), totalMs, cpuMsPerPod: cpuMs / n, rssPerPodMiB: rss / n };
  } finally {
    await client.close();
    await berth.stop();
  }
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the pod start benchmark needs root (the process runtime)');
  const results: Result[] = [];
  results.push(await floor(PODS));
  results.push(await podStarts('sim', PODS));
  results.push(await podStarts('process', PODS));
  const floorP50 = results[0]!.p50;
  const proc = results[2]!;
  console.log(`Pod start benchmark — ${new Date().toISOString().slice(0, 10)}, ${PODS} pods in one Parallel StatefulSet (busybox sleep)`);
  console.log(table(['', 'bound→Ready p50 ms', 'p99 ms', 'max ms', 'all Ready ms', 'p50 / floor p50', 'Berth CPU ms/pod', 'Berth RSS MiB/pod'],
    results.map((r) => [r.label, fixed(r.p50, 0), fixed(r.p99, 0), fixed(r.max, 0), fixed(r.totalMs, 0), fixed(r.p50 / floorP50, 1),
      r.cpuMsPerPod === undefined ? '' : fixed(r.cpuMsPerPod, 1), r.rssPerPodMiB === undefined ? '' : fixed(r.rssPerPodMiB, 2)])));
  console.log(`targets (process runtime): p50 < ${TARGETS.p50} ms: ${proc.p50 < TARGETS.p50 ? 'met' : 'MISSED'}; p99 < ${TARGETS.p99} ms: ${proc.p99 < TARGETS.p99 ? 'met' : 'MISSED'}; ` +
    `RSS < ${TARGETS.rssPerPodMiB} MiB/pod: ${(proc.rssPerPodMiB ?? 0) < TARGETS.rssPerPodMiB ? 'met' : 'MISSED'} (median of the three runtimes' p50: ${fixed(median(results.map((r) => r.p50)), 0)} ms)`);
  if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(results, null, 2));
}

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
