// A long-lived `nft -i` for the proxy's small transactions. A fresh `nft -f -` pays for its start and, above all, for
// reading the whole table into its cache before it can resolve a chain name: ~40 ms with 1,000 Services, most of
// the time a change takes. An interactive nft keeps that cache (refreshing it only when the ruleset generation
// moved) and applies each input line as one transaction, all of it or none, like a file.
// nft says nothing on success, so each transaction is followed by a marker command that fails with a known text
// (listing a table that does not exist); what stderr holds before the marker's error is the transaction's outcome.
// The process dies with Berth (parent-death signal through setpriv).
import { ChildProcess, spawn } from 'node:child_process';
import { findProgram } from '../networking/command.js';

export class NftSessionError extends Error {}

export class NftSession {
  private child?: ChildProcess;
  private stderr = '';
  private seq = 0;
  private onOutput?: () => void;
  private exitError?: Error;
  private queue: Promise<unknown> = Promise.resolve();

  /** `markerTable`: a table name nobody uses (the marker lists it). */
  constructor(private readonly binary: string, private readonly markerTable: string, private readonly onSpawn: (pid: number) => void) {}

  /** Applies `commands` (none containing a newline) as one transaction; transactions run one after another. */
  apply(commands: string[], timeoutMs = 30_000): Promise<void> {
    const run = this.queue.then(() => this.applyNow(commands, timeoutMs));
    this.queue = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.child?.kill('SIGKILL');
    this.child = undefined;
  }

  private applyNow(commands: string[], timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = this.ensure();
      const markerLine = `list table inet ${this.markerTable}-${++this.seq}\n`;
      this.stderr = '';
      const finish = (err?: Error) => {
        clearTimeout(timer);
        this.onOutput = undefined;
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(() => {
        this.close();
        finish(new NftSessionError(`nft did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.onOutput = () => {
        const at = this.stderr.indexOf(markerLine);
        if (at >= 0) {
          // everything before the marker's own "Error: …" line is the transaction's
          const before = this.stderr.slice(0, this.stderr.lastIndexOf('Error:', at));
          finish(/^Error:/m.test(before) ? new NftSessionError(before.trim()) : undefined);
        } else if (this.exitError) {
          finish(this.exitError);
        }
      };
      child.stdin!.write(`${commands.join('; ')}\n${markerLine}`);
    });
  }

  private ensure(): ChildProcess {
    if (this.child) return this.child;
    this.exitError = undefined;
    const setpriv = findProgram('setpriv');
    const [file, args] = setpriv ? [setpriv, ['--pdeathsig', 'KILL', '--', this.binary, '-i']] : [this.binary, ['-i']];
    const child = spawn(file, args, { stdio: ['pipe', 'ignore', 'pipe'], env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' } });
    if (child.pid !== undefined) this.onSpawn(child.pid);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      this.stderr += d;
      this.onOutput?.();
    });
    child.stdin!.on('error', () => { /* reported through the exit */ });
    const failed = (e: Error) => {
      if (this.child !== child) return; // an old session, already replaced
      this.child = undefined;
      this.exitError ??= e;
      this.onOutput?.();
    };
    child.on('error', failed);
    child.on('exit', (code, signal) => failed(new NftSessionError(`nft -i exited (${signal ?? code}): ${this.stderr.trim()}`)));
    this.child = child;
    return child;
  }
}
