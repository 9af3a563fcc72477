// Server processes under test: `berth up` and the bare-Node baseline, each spawned as its own process, timed from
// spawn to ready, measured through /proc, and always stopped (also when the benchmark dies).
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';

export const BERTH_CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const BASELINE_SERVER = fileURLToPath(new URL('./baseline-server.js', import.meta.url));

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of live) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

/** Ends this benchmark (exit code 2) if it is still running after `ms`, whatever it is waiting for. */
export function giveUpAfter(ms: number): void {
  setTimeout(() => {
    console.error(`benchmark: still running after ${ms / 1000} s, giving up`);
    process.exit(2);
  }, ms).unref();
}

export interface ServerProcess {
  proc: ChildProcess;
  pid: number;
  url: string;
  /** `berth up` only. */
  kubeconfig?: string;
  /** Spawn until the readiness endpoint answered `ok` (Berth) or the port listened (baseline). */
  readyMs: number;
  /** `berth up` only: spawn until it printed its kubeconfig line, i.e. every component (controllers too) started. */
  componentsMs?: number;
  stop(): Promise<void>;
}

/**
 * Node flags for `berth up` as the installed command runs it — those of its `#!/usr/bin/env -S node …` line — plus
 * any in BENCH_SERVER_NODE_ARGS (e.g. --cpu-prof to profile it).
 */
export function berthNodeArgs(): string[] {
  const shebang = readFileSync(BERTH_CLI, 'utf8').split('\n', 1)[0]!;
  const fromShebang = /^#!.*\bnode\b(.*)$/.exec(shebang)?.[1] ?? '';
  return [...fromShebang.split(/\s+/), ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/)].filter(Boolean);
}

/**
 * Starts `berth up` (or `berth apiserver`) on a port chosen beforehand, so /readyz can be polled from the spawn on: the API is ready before
 * `berth up` has started its controllers and printed the kubeconfig line (both times are reported). `cli` may be another
 * build's `dist/src/cli/main.js` (a baseline measured in the same run).
 */
export async function startBerthProcess(
  dataDir: string, cli = BERTH_CLI, opts: { runtime?: 'sim' | 'process'; args?: string[]; command?: 'up' | 'apiserver' } = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  const t0 = performance.now();
  const command = opts.command ?? 'up';
  // berth apiserver runs no pods, so it takes no --runtime.
  const runtime = command === 'up' ? ['--runtime', opts.runtime ?? 'sim'] : [];
  const args = [command, ...runtime, '--data-dir', dataDir, '--port', String(port), ...(opts.args ?? [])];
  const proc = track(spawn(process.execPath, [...berthNodeArgs(), cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
  const printed = waitForOutput(proc, /^kubeconfig: (.+)$/m, /^server: (.+)$/m).then((lines) => ({ lines, ms: performance.now() - t0 }));
  printed.catch(() => {}); // surfaced below, after readiness
  await Promise.race([waitReady(url), printed.then(() => new Promise(() => {}))]);
  const readyMs = performance.now() - t0;
  const { lines, ms } = await printed;
  if (lines[1] !== url) throw new Error(`berth up serves ${lines[1]}, expected ${url}`);
  return { ...server(proc, url, readyMs, lines[0]), componentsMs: ms };
}

/** A port nothing listens on right now (the kernel's pick for an ephemeral listener, released at once). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts the baseline HTTPS server answering `bodyFile` with the given certificate files. */
export async function startBaselineProcess(pkiDir: string, bodyFile: string): Promise<ServerProcess> {
  const t0 = performance.now();
  const proc = track(spawn(process.execPath, [BASELINE_SERVER, pkiDir, bodyFile], { stdio: ['ignore', 'pipe', 'pipe'] }));
  const [url] = await waitForOutput(proc, /^server: (.+)$/m);
  return server(proc, url!, performance.now() - t0);
}

/** Resident set size and its peak, from /proc/<pid>/status, in MiB. */
export function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** CPU time (user + system) the process has used so far, in seconds. */
export function cpuSeconds(pid: number): number {
  // Fields 14 and 15 of /proc/<pid>/stat, counted after the parenthesised command name.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function track(proc: ChildProcess): ChildProcess {
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  return proc;
}

function server(proc: ChildProcess, url: string, readyMs: number, kubeconfig?: string): ServerProcess {
  const exited = new Promise<void>((r) => {
    if (proc.exitCode !== null || proc.signalCode !== null) r();
    else proc.once('exit', () => r());
  });
  return {
    proc, pid: proc.pid!, url, kubeconfig, readyMs,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGINT');
      const forced = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(forced);
    },
  };
}

/** Resolves with the first capture group of each pattern once all of them appeared on stdout. */
function waitForOutput(proc: ChildProcess, ...patterns: RegExp[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail(new Error(`server did not start within 60 s: ${err}`)), 60_000);
    const onExit = (code: number | null) => fail(new Error(`server exited with ${code}: ${err}`));
    const onData = (d: Buffer) => {
      out += d.toString();
      const found = patterns.map((p) => p.exec(out)?.[1]);
      if (found.every((f) => f !== undefined)) {
        cleanup();
        resolve(found as string[]);
      }
    };
    const onErr = (d: Buffer) => { err += d.toString(); };
    const cleanup = () => {
      clearTimeout(timer);
      proc.stdout!.off('data', onData);
      proc.off('exit', onExit);
    };
    const fail = (e: Error) => {
      cleanup();
      proc.kill('SIGKILL');
      reject(e);
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onErr);
    proc.once('exit', onExit);
  });
}

// Readiness polling only needs to see `ok`; certificate checks are exercised by the load clients.
const insecure = new Agent({ connect: { rejectUnauthorized: false }, pipelining: 0 });

async function waitReady(url: string): Promise<void> {
  const deadline = performance.now() + 60_000;
  for (;;) {
    try {
      const res = await request(`${url}/readyz`, { dispatcher: insecure });
      const text = await res.body.text();
      if (res.statusCode === 200 && text === 'ok') return;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`${url}/readyz never answered ok`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** CPU time all processes on the machine have used since boot (busy, not idle or iowait), in seconds. */
export function machineBusySeconds(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal
  const [user, nice, system, , , irq, softirq, steal] = ticks as number[];
  return (user! + nice! + system! + irq! + softirq! + (steal ?? 0)) / 100;
}
