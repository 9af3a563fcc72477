// Notices when someone else changes the proxy's table (`nft delete table …` by hand, another tool flushing it):
// `nft monitor` prints every ruleset change followed by `# new generation N by process P (comm)`, so a generation
// that touched `inet berth-<id>` from a pid that is not one of the proxy's own nft runs means the table no longer
// holds what the proxy wrote, and it resyncs. This costs nothing while nobody changes nftables (the monitor
// sleeps on its netlink socket). The monitor dies with Berth (parent-death signal through setpriv, also on kill -9).
import { ChildProcess, spawn } from 'node:child_process';
import { findProgram } from '../networking/command.js';
import type { NftTable } from './nft.js';

const GENERATION = /^# new generation \d+ by process (\d+) /;

export interface TableMonitorOptions {
  /** Someone else changed the table. */
  onForeignChange(): void;
  /** The monitor (re)started: events may have been missed while it was down. */
  onRestart(): void;
  log(message: string): void;
}

export class TableMonitor {
  private child?: ChildProcess;
  private stopped = false;
  private restartTimer?: NodeJS.Timeout;
  private failures = 0;

  constructor(private readonly table: NftTable, private readonly opts: TableMonitorOptions) {}

  start(): void {
    if (this.stopped) return;
    const setpriv = findProgram('setpriv');
    const [file, args] = setpriv
      ? [setpriv, ['--pdeathsig', 'KILL', '--', this.table.binary, 'monitor']]
      : [this.table.binary, ['monitor']];
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' } });
    this.child = child;
    const mentions = new RegExp(`\\b${this.table.family} ${this.table.name.replace(/[-]/g, '\\-')}\\b`);
    let touched = false;
    let partial = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      this.failures = 0;
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        const gen = GENERATION.exec(line);
        if (gen) {
          if (touched && !this.table.isOwnPid(Number(gen[1]))) this.opts.onForeignChange();
          touched = false;
        } else if (mentions.test(line)) {
          touched = true;
        }
      }
    });
    child.stderr!.on('data', () => { /* reported through the exit */ });
    child.on('error', (e) => this.opts.log(`nft monitor: ${e.message}`));
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      if (this.stopped) return;
      this.failures++;
      this.opts.log(`nft monitor exited (${signal ?? code}); restarting`);
      this.restartTimer = setTimeout(() => {
        this.start();
        this.opts.onRestart();
      }, Math.min(30_000, 500 * 2 ** Math.min(this.failures, 6)));
    });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    this.child?.kill('SIGKILL');
    this.child = undefined;
  }
}
