// Real etcd (Debian's etcd-server, /usr/bin/etcd) for tests: one member or a cluster of several, each on loopback
// ports picked free, with its data in a temp dir; stopped and removed after the test. Parallel-safe.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ETCD_BINARY = '/usr/bin/etcd';
const ETCDCTL_BINARY = '/usr/bin/etcdctl';

/** Why etcd tests cannot run here, or undefined when they can (they use etcd and etcdctl). */
export function etcdUnavailable(): string | undefined {
  if (!existsSync(ETCD_BINARY)) return `${ETCD_BINARY} is missing (Debian package etcd-server)`;
  if (!existsSync(ETCDCTL_BINARY)) return `${ETCDCTL_BINARY} is missing (Debian package etcd-client)`;
  return undefined;
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

/** Serving certificate and key of the members, and the CA their clients must present certificates from. */
export interface EtcdTls {
  certFile: string;
  keyFile: string;
  caFile: string;
  /** A client certificate the readiness check presents. */
  clientCertFile: string;
  clientKeyFile: string;
}

export interface EtcdStartOptions {
  size?: number;
  progressNotifyMs?: number;
  extraArgs?: string[];
  /** Client URLs over TLS, client certificates required. */
  tls?: EtcdTls;
}

/**
 * Starts `size` members and waits until the cluster answers. `progressNotifyMs` sets etcd's watch progress
 * notification interval (default 10 minutes in etcd; 1 s here so watch caches learn quickly about quiet revisions).
 */
export async function startEtcd(opts: EtcdStartOptions = {}): Promise<EtcdCluster> {
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
      clientUrl: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${p.client}`,
      peerUrl: `http://127.0.0.1:${p.peer}`,
      dataDir: join(dir, names[i]!),
      proc: undefined,
      async restart() {
        member.proc = spawnMember(member, initialCluster, token, opts);
        await waitReady(member, opts.tls);
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
    await Promise.all(members.map((m) => waitReady(m, opts.tls)));
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

function spawnMember(m: EtcdMember, initialCluster: string, token: string, opts: EtcdStartOptions): ChildProcess {
  const args = [
    '--name', m.name, '--data-dir', m.dataDir,
    '--listen-client-urls', m.clientUrl, '--advertise-client-urls', m.clientUrl,
    '--listen-peer-urls', m.peerUrl, '--initial-advertise-peer-urls', m.peerUrl,
    '--initial-cluster', initialCluster, '--initial-cluster-state', 'new', '--initial-cluster-token', token,
    '--experimental-watch-progress-notify-interval', `${opts.progressNotifyMs ?? 1000}ms`,
    '--logger', 'zap', '--log-level', 'error', '--log-outputs', 'stderr',
    ...(opts.tls ? ['--cert-file', opts.tls.certFile, '--key-file', opts.tls.keyFile, '--trusted-ca-file', opts.tls.caFile, '--client-cert-auth'] : []),
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

async function waitReady(m: EtcdMember, tls?: EtcdTls): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (m.proc?.exitCode !== null && m.proc?.exitCode !== undefined) {
      throw new Error(`etcd ${m.name} exited with ${m.proc.exitCode}: ${(m.proc as ChildProcess & { stderrTail?: () => string }).stderrTail?.()}`);
    }
    try {
      if ((await health(`${m.clientUrl}/health`, tls)) === 'true') return;
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

/** etcd's /health answer ('true' when healthy), over TLS with a client certificate when given. */
async function health(url: string, tls?: EtcdTls): Promise<string | undefined> {
  if (!tls) {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return res.ok ? ((await res.json()) as { health?: string }).health : undefined;
  }
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, {
      ca: readFileSync(tls.caFile), cert: readFileSync(tls.clientCertFile), key: readFileSync(tls.clientKeyFile), timeout: 1000,
    }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => {
        try {
          resolve((JSON.parse(body) as { health?: string }).health);
        } catch (e) {
          reject(e);
        }
      });
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

/** A CA, a serving certificate for 127.0.0.1 and a client certificate, made with openssl in `dir`. */
export function makeEtcdTls(dir: string): EtcdTls {
  const f = (name: string) => `${dir}/${name}`;
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '2', '-subj', '/CN=etcd-test-ca');
  const extensions = { server: ['subjectAltName=IP:127.0.0.1', 'extendedKeyUsage=serverAuth,clientAuth'], client: ['extendedKeyUsage=clientAuth'] };
  for (const [name, ext] of Object.entries(extensions)) {
    ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', `/CN=${name}`);
    const extFile = f(`${name}.ext`);
    writeFileSync(extFile, ext.join('\n') + '\n');
    ssl('x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f(`${name}.crt`), '-days', '2', '-extfile', extFile);
  }
  return { certFile: f('server.crt'), keyFile: f('server.key'), caFile: f('ca.crt'), clientCertFile: f('client.crt'), clientKeyFile: f('client.key') };
}

/** A live member's id and the leader id it reports (Maintenance.Status, as `etcdctl endpoint status`); ids as decimal strings. */
export async function etcdMemberStatus(member: EtcdMember): Promise<{ id: string; leader: string } | undefined> {
  if (!member.proc || member.proc.exitCode !== null || member.proc.signalCode !== null) return undefined;
  const { Etcd3 } = await import('etcd3');
  const client = new Etcd3({ hosts: new URL(member.clientUrl).host, defaultCallOptions: () => ({ deadline: Date.now() + 2000 }) });
  try {
    const status = await client.maintenance.status();
    return { id: String(status.header.member_id), leader: String(status.leader) };
  } catch {
    return undefined; // not answering
  } finally {
    client.close();
  }
}

/** The member that leads the cluster now: the one whose id a majority of the members reports as leader. */
export async function etcdLeader(cluster: EtcdCluster): Promise<EtcdMember> {
  const seen: { member: EtcdMember; id: string; leader: string }[] = [];
  for (const member of cluster.members) {
    const status = await etcdMemberStatus(member);
    if (status) seen.push({ member, ...status });
  }
  const leaderId = seen.find((s) => seen.filter((o) => o.leader === s.leader).length * 2 > cluster.members.length)?.leader;
  const leader = seen.find((s) => s.id === leaderId);
  if (!leader) throw new Error(`no leader agreed on by a majority: ${JSON.stringify(seen.map((s) => ({ name: s.member.name, id: s.id, leader: s.leader })))}`);
  return leader.member;
}

/** Hands leadership to `member` (`etcdctl move-leader`, which finds the current leader among the endpoints). */
export async function moveEtcdLeader(cluster: EtcdCluster, member: EtcdMember): Promise<void> {
  const status = await etcdMemberStatus(member);
  if (!status) throw new Error(`etcd ${member.name} does not answer`);
  const live = cluster.members.filter((m) => m.proc && m.proc.exitCode === null && m.proc.signalCode === null).map((m) => m.clientUrl).join(',');
  execFileSync(ETCDCTL_BINARY, ['--endpoints', live, 'move-leader', BigInt(status.id).toString(16)], { env: { ...process.env, ETCDCTL_API: '3' }, stdio: 'pipe', timeout: 20_000 });
}

/** Watchers a member serves now (its etcd_debugging_mvcc_watcher_total gauge): which member holds a client's watch. */
export async function etcdWatcherCount(member: EtcdMember): Promise<number> {
  const text = await (await fetch(`${member.clientUrl}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
  const m = /^etcd_debugging_mvcc_watcher_total (\d+)/m.exec(text);
  if (!m) throw new Error(`etcd ${member.name}: no etcd_debugging_mvcc_watcher_total in /metrics`);
  return Number(m[1]);
}
