// Course-lab benchmark: the time from `kubectl apply` of a lab's manifests to a usable database on real pods
// (`berth up --runtime process`, as root), against the same servers started by hand on this host without Berth in the
// same run (the floor):
//   - MySQL (examples/mysql, seeds 000/001): from `kubectl apply` of the StorageClass, ConfigMap, Services and
//     StatefulSet until a row written on mysql-0 is read on mysql-1 and mysql-2 (the host's mariadb client to the pod
//     IPs, as the floor's client). Floor: three
//     mariadbd on loopback ports in temp dirs, the primary initialised with mariadb-install-db and each replica cloned
//     from the primary with mariabackup (stream, extract, prepare) then started replicating from the clone's binlog
//     position, one after the other as the StatefulSet does; the same row written and read back with the mariadb client.
//   - etcd (examples/etcd-statefulset, seed 002): from `kubectl apply` until `etcdctl endpoint health` answers healthy
//     for all three members and `member list` shows three started (the host's etcdctl to the pod IPs). Floor: three etcd on loopback ports in temp dirs,
//     started together, until the same two etcdctl checks pass.
// Each scenario runs --rounds times (default 1), floor and Berth interleaved; a fresh Berth per round.
// Run as root: node dist/bench/labs.js [--rounds N] [--only mysql|etcd] [--json out.json]
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { freePort, startEtcd } from '../test/support/etcd.js';
import { realPodsUnavailable, startRealCluster, type RealCluster } from '../test/e2e/process/harness.js';
import { giveUpAfter, machineBusySeconds } from './lib/processes.js';
import { fixed, median, table } from './lib/report.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const TARGET = 2;
const HARD_LIMIT_MS = 1_800_000;
const POLL_MS = 250;

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : dflt;
}

interface Run { code: number; stdout: string; stderr: string }

function run(file: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { env: opts.env ?? process.env, cwd: opts.cwd, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
    });
  });
}

async function ok(file: string, args: string[], opts: Parameters<typeof run>[2] = {}): Promise<string> {
  const r = await run(file, args, opts);
  if (r.code !== 0) throw new Error(`${file} ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Polls `fn` every POLL_MS until it returns true (errors count as not yet). */
async function until(what: string, fn: () => Promise<boolean>, timeoutMs = 600_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      if (await fn()) return;
    } catch {
      // not yet
    }
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

// ---- MySQL ----------------------------------------------------------------------------------------------------

const ROW = "CREATE DATABASE test; CREATE TABLE test.messages (message VARCHAR(250)); INSERT INTO test.messages VALUES ('hello')";
const SELECT = 'SELECT message FROM test.messages';

interface Phases { total: number; timeline?: string; [phase: string]: number | string | undefined }

/** The floor: the tutorial's three servers by hand on loopback ports, no Berth. */
async function mysqlFloor(root: string): Promise<Phases> {
  const dir = mkdtempSync(join(root, 'mysql-floor-'));
  const procs: ChildProcess[] = [];
  const t0 = performance.now();
  const servers: { sock: string; port: number; data: string }[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const data = join(dir, `m${i}`, 'data');
      mkdirSync(data, { recursive: true });
      const s = { sock: join(dir, `m${i}`, 'sock'), port: await freePort(), data };
      if (i === 0) {
        await ok('/usr/bin/mariadb-install-db', ['--no-defaults', `--datadir=${data}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db'], { timeoutMs: 120_000 });
      } else {
        // Clone the primary: mariabackup's stream into mbstream, then prepare (the tutorial's clone-mysql).
        await ok('/bin/bash', ['-c', `set -o pipefail; mariabackup --backup --stream=xbstream --user=root --socket=${servers[0]!.sock} 2>/dev/null | mbstream -x -C ${data} && mariabackup --prepare --target-dir=${data} 2>/dev/null`], { timeoutMs: 120_000 });
      }
      const args = ['--no-defaults', `--datadir=${data}`, `--socket=${s.sock}`, `--port=${s.port}`, '--bind-address=127.0.0.1', '--user=root',
        `--server-id=${100 + i}`, `--pid-file=${join(dir, `m${i}`, 'pid')}`, ...(i === 0 ? [`--log-bin=${join(data, 'mysql-0-bin')}`] : ['--read-only'])];
      const p = spawn('/usr/sbin/mariadbd', args, { stdio: 'ignore' });
      procs.push(p);
      await until(`mariadbd ${i}`, async () => (await run('/usr/bin/mariadb', [`--socket=${s.sock}`, '-uroot', '-e', 'SELECT 1'])).code === 0, 60_000);
      if (i > 0) {
        const [file, pos] = readFileSync(join(data, 'xtrabackup_binlog_info'), 'utf8').trim().split(/\s+/);
        await ok('/usr/bin/mariadb', [`--socket=${s.sock}`, '-uroot', '-e',
          `CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${servers[0]!.port}, MASTER_USER='root', MASTER_PASSWORD='', MASTER_LOG_FILE='${file}', MASTER_LOG_POS=${pos}, MASTER_CONNECT_RETRY=1; START SLAVE;`]);
      }
      servers.push(s);
    }
    const ready = performance.now() - t0;
    await ok('/usr/bin/mariadb', [`--socket=${servers[0]!.sock}`, '-uroot', '-e', ROW]);
    for (const s of servers.slice(1)) {
      await until('the row on a replica', async () => (await run('/usr/bin/mariadb', [`--socket=${s.sock}`, '-uroot', '-N', '-e', SELECT])).stdout.trim() === 'hello', 60_000);
    }
    return { total: performance.now() - t0, ready };
  } finally {
    for (const p of procs) {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function kubectl(c: RealCluster, args: string[], timeoutMs = 60_000): Promise<Run> {
  return run('/usr/bin/kubectl', args, { env: { PATH: process.env.PATH, HOME: c.home, KUBECONFIG: c.kubeconfig }, timeoutMs });
}

async function applyLab(c: RealCluster, ns: string, lab: string, files: string[]): Promise<void> {
  const out = await kubectl(c, ['apply', '-n', ns, ...files.flatMap((f) => ['-f', join(EXAMPLES, lab, f)])]);
  if (out.code !== 0) throw new Error(`kubectl apply failed: ${out.stderr}`);
}

async function readyReplicas(c: RealCluster, ns: string, sts: string): Promise<number> {
  return Number((await kubectl(c, ['get', 'statefulset', sts, '-n', ns, '-o', 'jsonpath={.status.readyReplicas}'])).stdout || 0);
}

/** Pod IPs by pod name (pods without an IP yet left out). */
async function podIPs(c: RealCluster, ns: string): Promise<Record<string, string>> {
  const pods = JSON.parse((await kubectl(c, ['get', 'pods', '-n', ns, '-o', 'json'])).stdout) as { items: { metadata: { name: string }; status?: { podIP?: string } }[] };
  return Object.fromEntries(pods.items.filter((p) => p.status?.podIP).map((p) => [p.metadata.name, p.status!.podIP!]));
}

/**
 * examples/mysql on Berth: `kubectl apply` until the row written on mysql-0 is read on both replicas. The row goes in
 * and is read back from this host with the same client as the floor's, to each pod's IP (a `kubectl exec` per poll
 * would add its own second or so to every check).
 */
async function mysqlBerth(c: RealCluster): Promise<Phases> {
  const ns = 'bench-mysql';
  if ((await kubectl(c, ['create', 'namespace', ns])).code !== 0) throw new Error('namespace');
  const t0 = performance.now();
  const t0Wall = Date.now();
  await applyLab(c, ns, 'mysql', ['storageclass.yaml', 'sts-mysql-configmap.yaml', 'sts-mysql-svc.yaml', 'sts-mysql-sts.yaml']);
  await until('mysql 3/3 Ready', async () => (await readyReplicas(c, ns, 'mysql')) === 3);
  const ready = performance.now() - t0;
  const ips = await podIPs(c, ns);
  const sql = (pod: string, q: string, extra: string[] = []) => run('/usr/bin/mariadb', ['-h', ips[pod]!, '-uroot', ...extra, '-e', q]);
  const w = await sql('mysql-0', ROW);
  if (w.code !== 0) throw new Error(`write on mysql-0: ${w.stderr}`);
  for (const p of ['mysql-1', 'mysql-2']) {
    await until(`the row on ${p}`, async () => (await sql(p, SELECT, ['-N'])).stdout.trim() === 'hello', 120_000);
  }
  return { total: performance.now() - t0, ready, timeline: await timeline(c, ns, t0Wall) };
}

interface PodList { items: { metadata: { name: string; creationTimestamp: string }; status?: { conditions?: { type: string; status: string; lastTransitionTime?: string }[] } }[] }

/** Each pod's creation and Ready time in seconds after `t0Wall` (the API's timestamps have whole seconds). */
async function timeline(c: RealCluster, ns: string, t0Wall: number): Promise<string> {
  const pods = JSON.parse((await kubectl(c, ['get', 'pods', '-n', ns, '-o', 'json'])).stdout) as PodList;
  const at = (iso?: string) => (iso ? fixed((Date.parse(iso) - t0Wall) / 1000, 0) : '-');
  return pods.items.map((p) => `${p.metadata.name} created +${at(p.metadata.creationTimestamp)} s, Ready +${at(p.status?.conditions?.find((x) => x.type === 'Ready' && x.status === 'True')?.lastTransitionTime)} s`).join('; ');
}

// ---- etcd -----------------------------------------------------------------------------------------------------

/** `endpoint health` healthy on every endpoint and three started members in `member list`. */
async function etcdHealthy(etcdctl: (args: string[]) => Promise<Run>, endpoints: string): Promise<boolean> {
  const health = await etcdctl(['--endpoints', endpoints, 'endpoint', 'health']);
  if (health.code !== 0 || (health.stdout + health.stderr).match(/ is healthy: /g)?.length !== 3) return false;
  const list = await etcdctl(['--endpoints', endpoints, 'member', 'list']);
  return list.code === 0 && list.stdout.trim().split('\n').filter((l) => /, started, /.test(l)).length === 3;
}

async function etcdFloor(): Promise<Phases> {
  const t0 = performance.now();
  const cluster = await startEtcd({ size: 3 });
  try {
    const endpoints = cluster.members.map((m) => m.clientUrl).join(',');
    await until('etcd healthy', () => etcdHealthy((a) => run('/usr/bin/etcdctl', a), endpoints), 60_000);
    return { total: performance.now() - t0 };
  } finally {
    await cluster.stop();
  }
}

async function etcdBerth(c: RealCluster): Promise<Phases> {
  const ns = 'bench-etcd';
  if ((await kubectl(c, ['create', 'namespace', ns])).code !== 0) throw new Error('namespace');
  const t0 = performance.now();
  const t0Wall = Date.now();
  await applyLab(c, ns, 'etcd-statefulset', ['storageclass.yaml', 'etcd-statefulset.yaml']);
  // The same etcdctl as the floor's, from this host, to the three pods' IPs once they have them.
  await until('etcd healthy', async () => {
    const ips = await podIPs(c, ns);
    const endpoints = [0, 1, 2].map((i) => ips[`etcd-${i}`]).filter(Boolean).map((ip) => `http://${ip}:2379`);
    return endpoints.length === 3 && etcdHealthy((a) => run('/usr/bin/etcdctl', a), endpoints.join(','));
  });
  return { total: performance.now() - t0, timeline: await timeline(c, ns, t0Wall) };
}

// ---- report ---------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const why = realPodsUnavailable();
  if (why) {
    console.error(`benchmark: ${why}`);
    process.exit(2);
  }
  giveUpAfter(HARD_LIMIT_MS);
  const rounds = Math.max(1, Number(arg('rounds', '1')));
  const only = arg('only', '');
  const want = (k: string) => !only || only === k;
  const began = performance.now();
  const log = (msg: string) => process.stderr.write(`[${fixed((performance.now() - began) / 1000)} s] ${msg}\n`);
  const loadAtStart = loadavg()[0]!;
  const root = mkdtempSync(join(tmpdir(), 'berth-bench-labs-'));
  const results: Record<string, Phases[]> = { 'mysql floor': [], 'mysql berth': [], 'etcd floor': [], 'etcd berth': [] };
  const busy0 = machineBusySeconds();
  const wall0 = performance.now();
  try {
    for (let round = 1; round <= rounds; round++) {
      if (want('mysql')) {
        log(`round ${round}/${rounds}: MySQL by hand`);
        results['mysql floor']!.push(await mysqlFloor(root));
      }
      if (want('etcd')) {
        log(`round ${round}/${rounds}: etcd by hand`);
        results['etcd floor']!.push(await etcdFloor());
      }
      log(`round ${round}/${rounds}: starting berth up --runtime process`);
      const cluster = await startRealCluster();
      try {
        if (want('mysql')) {
          log(`round ${round}/${rounds}: examples/mysql on Berth`);
          results['mysql berth']!.push(await mysqlBerth(cluster));
        }
        if (want('etcd')) {
          log(`round ${round}/${rounds}: examples/etcd-statefulset on Berth`);
          results['etcd berth']!.push(await etcdBerth(cluster));
        }
      } finally {
        await cluster.stop();
        cluster.cleanup();
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const busyShare = (machineBusySeconds() - busy0) / (((performance.now() - wall0) / 1000) * cpus().length);
  const med = (k: string, phase = 'total') => median(results[k]!.map((p) => p[phase] as number)) / 1000;
  const runs = (k: string) => results[k]!.map((p) => fixed(p.total / 1000)).join(' ');
  const date = new Date().toISOString().slice(0, 10);
  console.log(`Course-lab benchmark — ${date}, ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), Node ${process.version}, ${rounds} round(s)`);
  console.log(`Noise: 1-min load average ${fixed(loadAtStart, 2)} at start; the machine was ${fixed(busyShare * 100, 0)}% busy during the run (this benchmark included).\n`);
  const rows = [
    ['MySQL primary + 2 replicas, row on every replica', 'mysql'],
    ['etcd 3 members healthy', 'etcd'],
  ].filter(([, k]) => want(k!)).map(([what, k]) => {
    const ratio = med(`${k} berth`) / med(`${k} floor`);
    return [what!, fixed(med(`${k} floor`)), fixed(med(`${k} berth`)), `${fixed(ratio, 2)}×`, ratio <= TARGET ? 'met' : 'missed', `${runs(`${k} floor`)} / ${runs(`${k} berth`)}`];
  });
  console.log(table(['scenario', 'floor s', 'Berth s', 'Berth / floor', `≤ ${TARGET}×`, 'runs (floor / Berth)'], rows));
  if (want('mysql')) console.log(`\nMySQL until 3 servers up (before the row): floor ${fixed(med('mysql floor', 'ready'))} s, Berth (readyReplicas 3) ${fixed(med('mysql berth', 'ready'))} s`);
  for (const k of ['mysql berth', 'etcd berth']) for (const p of results[k]!) console.log(`${k} pods (from kubectl apply): ${p.timeline}`);
  const json = arg('json', '');
  if (json) writeFileSync(json, JSON.stringify({ date, loadAtStart, busyShare, results }, null, 2));
}

await main();
