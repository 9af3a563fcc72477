// A `berth <command>` child process (apiserver, controller-manager, scheduler, node join) started by a test and
// waited for until a stdout line says it is ready; `prefix` runs it through another program first (e.g.
// `ip netns exec <ns>`, for a node on a machine of its own).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BERTH_CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface BerthProcess {
  proc: ChildProcess;
  out(): string;
  /** The tail of its stderr. */
  err(): string;
  /** kill -9, then wait for the exit. */
  kill(): Promise<void>;
  /** SIGTERM (a clean stop), then wait for the exit. */
  stop(): Promise<void>;
}

/** Starts `berth <args>` and waits for a stdout line matching `ready`. */
export async function startBerthCommand(args: string[], ready: RegExp, opts: { timeoutMs?: number; prefix?: string[] } = {}): Promise<BerthProcess> {
  const [file, ...rest] = [...(opts.prefix ?? []), process.execPath, BERTH_CLI, ...args];
  const proc = spawn(file!, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d) => { out += d; });
  proc.stderr!.on('data', (d) => { err = (err + d).slice(-8000); });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const running = () => proc.exitCode === null && proc.signalCode === null;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`berth ${args[0]} did not get ready: ${out}\n${err}`)), opts.timeoutMs ?? 30_000);
    const check = () => {
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`berth ${args[0]} exited with ${code}: ${out}\n${err}`));
    });
  });
  return {
    proc,
    out: () => out,
    err: () => err,
    async kill() {
      if (running()) proc.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (running()) proc.kill('SIGTERM');
      await exited;
    },
  };
}

/** Writes a copy of kubeconfig `from` to `to` that reaches `server` (e.g. a balancer in front of several API servers). */
export function kubeconfigFor(from: string, to: string, server: string): string {
  writeFileSync(to, readFileSync(from, 'utf8').replace(/server: https:\/\/[^\s]+/, `server: ${server}`), { mode: 0o600 });
  return to;
}
