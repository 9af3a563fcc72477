// StatefulSet benchmark: `berth up --sim-start-delay 0` in its own process, a client that watches the set and its
// pods, and the wall time of: a 100-replica OrderedReady set until all Ready, a rolling update of its 100 pods, its
// scale to 0; a 1000-replica Parallel set until all Ready and back to 0. Each figure is set against the floor the
// default kube-controller-manager client rate limit imposes on the controller's own writes (20 QPS, burst 30).
// The whole sequence runs --repeat times, each on a fresh server, and the report gives the median run of each
// scenario with the spread: a single run on these shared machines varies by a third either way.
// Run: node dist/bench/statefulset.js [--ordered 100] [--parallel 1000] [--nodes 12] [--repeat 3] [--json out.json] [--cli other/dist/src/cli/main.js]
// Profile the server: BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" node dist/bench/statefulset.js
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { KubeClient } from '../src/client/client.js';
import { SharedInformer } from '../src/client/informer.js';
import { builtin } from '../src/client/resources.js';
import type { Pod, StatefulSet } from '../src/controllers/statefulset/types.js';
import { BERTH_CLI, berthNodeArgs, cpuSeconds, memoryMiB } from './lib/processes.js';
import { fixed, table } from './lib/report.js';

const NS = 'bench-sts';

/** kube-controller-manager's default --kube-api-qps and --kube-api-burst. */
const UPSTREAM_QPS = 20;
const UPSTREAM_BURST = 30;

const TARGETS_MS: Record<string, number> = { 'OrderedReady 100 → Ready': 3000, 'Parallel 1000 → Ready': 5000 };

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : dflt;
}

const ORDERED = Number(arg('ordered', '100'));
const PARALLEL = Number(arg('parallel', '1000'));
// 110 pods per simulated node: enough nodes that the scheduler can place every pod
const NODES = Number(arg('nodes', String(Math.max(3, Math.ceil((PARALLEL * 1.1) / 110)))));
const JSON_OUT = arg('json', '');
const REPEAT = Math.max(1, Number(arg('repeat', '3')));
/** Another build's CLI (dist/src/cli/main.js), to compare builds in alternating runs. */
const CLI = arg('cli', BERTH_CLI);

interface Berth { proc: ChildProcess; kubeconfig: string; dataDir: string; stop(): Promise<void> }

async function startBerth(): Promise<Berth> {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-bench-sts-'));
  const proc = spawn(process.execPath, [...berthNodeArgs(), CLI, 'up', '--runtime', 'sim', '--data-dir', dataDir, '--port', '0', '--sim-start-delay', '0', '--nodes', String(NODES)], { stdio: ['ignore', 'pipe', 'pipe'] });
  process.on('exit', () => { if (proc.exitCode === null) proc.kill('SIGKILL'); });
  let err = '';
  proc.stderr!.on('data', (d) => { err += d; });
  const kubeconfig = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      const k = /^kubeconfig: (.+)$/m.exec(out);
      if (k && /^server: /m.test(out)) resolve(k[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`berth up exited with ${code}: ${err}`)));
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    proc, kubeconfig, dataDir,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGINT');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function statefulSet(name: string, replicas: number, policy: 'OrderedReady' | 'Parallel'): StatefulSet {
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name, namespace: NS },
    spec: {
      replicas, serviceName: name, podManagementPolicy: policy,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'registry.k8s.io/nginx-slim:0.1' }] } },
    },
  };
}

const isReady = (p: Pod) => p.status?.phase === 'Running' && !!p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

/**
 * Watches the namespace's sets and pods and resolves waits as soon as an event makes their condition true. Events
 * are counted from a list after each phase rather than watched: nothing in the scenario watches them, and a
 * watcher of its own would add the server's work of streaming 4 events per pod to the figures.
 */
class View {
  readonly sets: SharedInformer<StatefulSet>;
  readonly pods: SharedInformer<Pod>;
  /** Writes seen through the watches: what the whole control plane wrote for these pods. */
  readonly writes = { podCreates: 0, podUpdates: 0, podDeletes: 0, setUpdates: 0 };
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  constructor(private readonly client: KubeClient) {
    this.sets = SharedInformer.forResource<StatefulSet>(client, builtin.statefulSets, { namespace: NS });
    this.pods = SharedInformer.forResource<Pod>(client, builtin.pods, { namespace: NS });
    const w = this.writes;
    this.pods.addEventHandler({
      onAdd: (_p, initial) => { if (!initial) w.podCreates++; this.poke(); },
      onUpdate: () => { w.podUpdates++; this.poke(); },
      onDelete: () => { w.podDeletes++; this.poke(); },
    });
    this.sets.addEventHandler({ onAdd: () => this.poke(), onUpdate: () => { w.setUpdates++; this.poke(); }, onDelete: () => this.poke() });
  }

  async start(): Promise<void> {
    for (const inf of [this.sets, this.pods] as SharedInformer[]) inf.run();
    await Promise.all([this.sets.waitForSync(), this.pods.waitForSync()]);
  }

  /** Event writes so far: each Event's count is its create plus one patch per repeat. */
  async eventWrites(): Promise<number> {
    const events = await this.client.list(builtin.events, { namespace: NS });
    return events.items.reduce((n, e) => n + (typeof e.count === 'number' ? e.count : 1), 0);
  }

  set(name: string): StatefulSet | undefined {
    return this.sets.store.get(`${NS}/${name}`);
  }

  podsOf(name: string): Pod[] {
    return this.pods.store.list().filter((p) => p.metadata.labels?.app === name);
  }

  until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
      this.waiters.push({ check, resolve: () => { clearTimeout(timer); resolve(); } });
    });
  }

  private poke(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  }

  async stop(): Promise<void> {
    await Promise.all([this.sets.stop(), this.pods.stop()]);
  }
}

interface Row {
  scenario: string; ms: number; serverCpuS: number; writes: number; floorMs: number; targetMs?: number;
  /** Per pod: pod writes (create/update/delete as watched), set status writes, events. */
  perPod: { pod: number; set: number; events: number };
}

/** The upstream floor: the controller's own writes through a 20 QPS token bucket that starts with 30 tokens. */
const floorMs = (writes: number) => (Math.max(0, writes - UPSTREAM_BURST) / UPSTREAM_QPS) * 1000;

/** One run of every scenario on a fresh server. */
async function runOnce(): Promise<{ rows: Row[]; mem?: { rss: number; peak: number } }> {
  const berth = await startBerth();
  const pid = berth.proc.pid!;
  const client = KubeClient.fromKubeconfig({ path: berth.kubeconfig }, { userAgent: 'bench-statefulset' });
  const rows: Row[] = [];
  let mem: { rss: number; peak: number } | undefined;
  try {
    // the node agent must have registered every node before pods can be placed
    for (;;) {
      const nodes = await client.list(builtin.nodes);
      if (nodes.items.length >= NODES) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await client.create(builtin.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    const view = new View(client);
    await view.start();

    const phase = async (scenario: string, writes: number, podsTouched: number, act: () => Promise<StatefulSet>, done: (generation: number) => boolean, timeoutMs = 120_000) => {
      const cpu0 = cpuSeconds(pid);
      const w0 = { ...view.writes };
      const events0 = await view.eventWrites();
      const t0 = performance.now();
      const written = await act();
      const generation = written.metadata.generation ?? 1;
      await view.until(() => done(generation), timeoutMs, scenario);
      const ms = performance.now() - t0;
      await new Promise((r) => setTimeout(r, 300)); // trailing status writes and events
      const serverCpuS = cpuSeconds(pid) - cpu0;
      const w = view.writes, pods = podsTouched;
      const perPod = {
        pod: (w.podCreates + w.podUpdates + w.podDeletes - w0.podCreates - w0.podUpdates - w0.podDeletes) / pods,
        set: (w.setUpdates - w0.setUpdates) / pods, events: ((await view.eventWrites()) - events0) / pods,
      };
      rows.push({ scenario, ms, serverCpuS, writes, floorMs: floorMs(writes), targetMs: TARGETS_MS[scenario], perPod });
      console.error(`${scenario}: ${fixed(ms, 0)} ms`);
    };
    // done once the status observed the generation our write produced, and the pods agree
    const allReady = (name: string, n: number, updated = false) => (generation: number) => {
      const st = view.set(name)?.status;
      const ps = view.podsOf(name);
      return (st?.observedGeneration ?? 0) >= generation && st?.readyReplicas === n && ps.length === n && ps.every((p) => isReady(p) && !p.metadata.deletionTimestamp) &&
        (!updated || (st.updatedReplicas === n && st.currentRevision === st.updateRevision));
    };
    const gone = (name: string) => (generation: number) => {
      const st = view.set(name)?.status;
      return (st?.observedGeneration ?? 0) >= generation && (st?.replicas ?? 0) === 0 && view.podsOf(name).length === 0;
    };

    const ordered = `ordered`;
    await phase(`OrderedReady ${ORDERED} → Ready`, ORDERED, ORDERED, () => client.create(builtin.statefulSets, statefulSet(ordered, ORDERED, 'OrderedReady')), allReady(ordered, ORDERED));
    await phase(`Rolling update of ${ORDERED}`, 2 * ORDERED, ORDERED,
      () => client.patch<StatefulSet>(builtin.statefulSets, ordered, { spec: { template: { spec: { containers: [{ name: 'app', image: 'registry.k8s.io/nginx-slim:0.2' }] } } } }, 'strategic', { namespace: NS }),
      allReady(ordered, ORDERED, true));
    await phase(`OrderedReady ${ORDERED} → 0`, ORDERED, ORDERED, () => client.patch<StatefulSet>(builtin.statefulSets, ordered, { spec: { replicas: 0 } }, 'merge', { namespace: NS }), gone(ordered));
    await client.delete(builtin.statefulSets, ordered, { namespace: NS });

    const burst = 'burst';
    await phase(`Parallel ${PARALLEL} → Ready`, PARALLEL, PARALLEL, () => client.create(builtin.statefulSets, statefulSet(burst, PARALLEL, 'Parallel')), allReady(burst, PARALLEL));
    await phase(`Parallel ${PARALLEL} → 0`, PARALLEL, PARALLEL, () => client.patch<StatefulSet>(builtin.statefulSets, burst, { spec: { replicas: 0 } }, 'merge', { namespace: NS }), gone(burst));
    await view.stop();
  } finally {
    mem = berth.proc.exitCode === null ? memoryMiB(pid) : undefined;
    await client.close();
    await berth.stop();
  }
  return { rows, mem };
}

async function main(): Promise<void> {
  const runs: Row[][] = [];
  let mem: { rss: number; peak: number } | undefined;
  for (let i = 0; i < REPEAT; i++) {
    console.error(`run ${i + 1} of ${REPEAT}`);
    const run = await runOnce();
    runs.push(run.rows);
    mem = run.mem;
  }
  report(runs, mem);
}

/** Each scenario's run with the median wall time (the lower middle one for an even count). */
function medianRow(samples: Row[]): Row {
  const sorted = [...samples].sort((a, b) => a.ms - b.ms);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function report(runs: Row[][], mem?: { rss: number; peak: number }): void {
  const scenarios = runs[0]!.map((r) => r.scenario);
  const samplesOf = (scenario: string) => runs.map((rows) => rows.find((r) => r.scenario === scenario)!);
  const rows = scenarios.map((scenario) => {
    const samples = samplesOf(scenario);
    return { ...medianRow(samples), all: samples.map((r) => r.ms).sort((a, b) => a - b) };
  });
  console.log(`StatefulSet benchmark — berth up --sim-start-delay 0 --nodes ${NODES}, Node ${process.version}, median of ${runs.length} run(s) on fresh servers`);
  console.log(table(
    ['scenario', 'wall ms', 'runs ms', 'server CPU s', 'CPU ms/pod', 'writes/pod (pod+set+event)', 'controller pod writes', 'upstream floor s', 'floor ÷ wall', 'target'],
    rows.map((r) => [r.scenario, fixed(r.ms, 0), r.all.map((ms) => fixed(ms, 0)).join(' '), fixed(r.serverCpuS, 2), fixed((r.serverCpuS * 1000) / (r.writes / (r.scenario.startsWith('Rolling') ? 2 : 1)), 1),
      `${fixed(r.perPod.pod, 1)}+${fixed(r.perPod.set, 1)}+${fixed(r.perPod.events, 1)}`, r.writes, fixed(r.floorMs / 1000, 1), r.floorMs > 0 ? fixed(r.floorMs / r.ms, 1) : '-',
      r.targetMs ? `${r.ms < r.targetMs ? 'met' : 'MISSED'} (< ${r.targetMs / 1000} s)` : '']),
  ));
  console.log(`Upstream floor = max(0, controller pod writes − ${UPSTREAM_BURST}) / ${UPSTREAM_QPS} QPS (kube-controller-manager's default client rate), counting only pod creates/deletes (status writes excluded, so upstream is slower still); ` +
    `${PARALLEL} creates alone: ${fixed(PARALLEL / UPSTREAM_QPS, 1)} s without the burst.`);
  if (mem) console.log(`server memory at the end: RSS ${fixed(mem.rss, 0)} MiB, peak ${fixed(mem.peak, 0)} MiB`);
  if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ nodes: NODES, repeat: runs.length, rows, runs, mem }, null, 2));
}

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
