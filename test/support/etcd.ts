// Real etcd (Debian's etcd-server, /usr/bin/etcd) for tests: one member or a cluster of several, each on loopback
// ports picked free, with its data in a temp dir; stopped and removed after the test. Parallel-safe.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ETCD_BINARY = '/usr/bin/etcd';

/** Why etcd tests cannot run here, or undefined when they can. */
export function etcdUnavailable(): string | undefined {
  return existsSync(ETCD_BINARY) ? undefined : `${ETCD_BINARY} is missing (Debian package etcd-server)`;
}

export interface EtcdMember {
  name: string;
  clientUrl: string;
  peerUrl: string;
  dataDir: string;
  proc: ChildProcess | undefined;
  /** Starts it again (after kill or stop) with the same data. */
  restart(): Promise<void>;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export interface EtcdCluster {
  members: EtcdMember[];
  /** Client URLs of every member, comma-joined as --etcd-servers takes them. */
  servers: string;
  dir: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts `size` members and waits until the cluster answers. `progressNotifyMs` sets etcd's watch progress
 * notification interval (default 10 minutes in etcd; 1 s here so watch caches learn quickly about quiet revisions).
 */
export async function startEtcd(opts: { size?: number; progressNotifyMs?: number; extraArgs?: string[] } = {}): Promise<EtcdCluster> {
  const size = opts.size ?? 1;
  const dir = mkdtempSync(join(tmpdir(), 'berth-etcd-'));
  const ports = [];
  for (let i = 0; i < size; i++) ports.push({ client: await freePort(), peer: await freePort() });
  const names = ports.map((_, i) => `m${i}`);
  const initialCluster = ports.map((p, i) => `${names[i]}=http://127.0.0.1:${p.peer}`).join(',');
  const token = `berth-${process.pid}-${Date.now()}`;
  const members: EtcdMember[] = ports.map((p, i) => {
    const member: EtcdMember = {
      name: names[i]!,
      clientUrl: `http://127.0.0.1:${p.client}`,
      peerUrl: `http://127.0.0.1:${p.peer}`,
      dataDir: join(dir, names[i]!),
      proc: undefined,
      async restart() {
        member.proc = spawnMember(member, initialCluster, token, opts);
        await waitReady(member);
      },
      async kill() {
        await stopProc(member, 'SIGKILL');
      },
      async stop() {
        await stopProc(member, 'SIGTERM');
      },
    };
    return member;
  });
  for (const m of members) m.proc = spawnMember(m, initialCluster, token, opts);
  try {
    await Promise.all(members.map((m) => waitReady(m)));
  } catch (e) {
    for (const m of members) await m.kill();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    members, dir,
    servers: members.map((m) => m.clientUrl).join(','),
    async stop() {
      for (const m of members) await m.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function spawnMember(m: EtcdMember, initialCluster: string, token: string, opts: { progressNotifyMs?: number; extraArgs?: string[] }): ChildProcess {
  const args = [
    '--name', m.name, '--data-dir', m.dataDir,
    '--listen-client-urls', m.clientUrl, '--advertise-client-urls', m.clientUrl,
    '--listen-peer-urls', m.peerUrl, '--initial-advertise-peer-urls', m.peerUrl,
    '--initial-cluster', initialCluster, '--initial-cluster-state', 'new', '--initial-cluster-token', token,
    '--experimental-watch-progress-notify-interval', `${opts.progressNotifyMs ?? 1000}ms`,
    '--logger', 'zap', '--log-level', 'error', '--log-outputs', 'stderr',
    ...(opts.extraArgs ?? []),
  ];
  const proc = spawn(ETCD_BINARY, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  (proc as ChildProcess & { stderrTail?: () => string }).stderrTail = () => stderr;
  return proc;
}

async function waitReady(m: EtcdMember): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (m.proc?.exitCode !== null && m.proc?.exitCode !== undefined) {
      throw new Error(`etcd ${m.name} exited with ${m.proc.exitCode}: ${(m.proc as ChildProcess & { stderrTail?: () => string }).stderrTail?.()}`);
    }
    try {
      const res = await fetch(`${m.clientUrl}/health`, { signal: AbortSignal.timeout(1000) });
      if (res.ok && ((await res.json()) as { health?: string }).health === 'true') return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`etcd ${m.name} did not become healthy at ${m.clientUrl}`);
}

async function stopProc(m: EtcdMember, signal: NodeJS.Signals): Promise<void> {
  const proc = m.proc;
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.kill(signal);
  await exited;
}
