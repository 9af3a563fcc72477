// The audit log backend (k8s.io/apiserver/plugin/pkg/audit/log with lumberjack): one audit.k8s.io/v1 Event per
// line, appended to a 0600 file; past --audit-log-maxsize megabytes the file is renamed with a timestamp
// (`audit-2006-01-02T15-04-05.000.log`) and a new one started, keeping at most --audit-log-maxbackup old files.
import { appendFile, chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

export interface LogOptions {
  path: string;
  /** Rotate past this many megabytes (0: never). */
  maxSizeMB: number;
  /** Old files kept (0: all). */
  maxBackups: number;
}

export class AuditLog {
  private size = 0;
  private pending: string[] = [];
  private flushing?: Promise<void>;

  constructor(private readonly opts: LogOptions) {
    mkdirSync(dirname(opts.path), { recursive: true, mode: 0o700 });
    if (!existsSync(opts.path)) writeFileSync(opts.path, '', { mode: 0o600 });
    chmodSync(opts.path, 0o600);
    this.size = statSync(opts.path).size;
  }

  /** Queues a line; lines are appended in batches, in order. */
  write(event: unknown): void {
    this.pending.push(JSON.stringify(event) + '\n');
    if (!this.flushing) this.flushing = new Promise((r) => setImmediate(r)).then(() => this.flush());
  }

  private async flush(): Promise<void> {
    while (this.pending.length) {
      const text = this.pending.join('');
      this.pending = [];
      const bytes = Buffer.byteLength(text);
      if (this.opts.maxSizeMB > 0 && this.size > 0 && this.size + bytes > this.opts.maxSizeMB * 1024 * 1024) this.rotate();
      await new Promise<void>((resolve) => appendFile(this.opts.path, text, { mode: 0o600 }, (err) => {
        if (err) console.error('berth: audit log:', err.message);
        resolve();
      }));
      this.size += bytes;
    }
    this.flushing = undefined;
  }

  /** Waits until every queued line is written. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private rotate(): void {
    const { path } = this.opts;
    const ext = extname(path);
    const base = basename(path, ext);
    const stamp = new Date().toISOString().replace(/:/g, '-').replace('Z', '');
    renameSync(path, join(dirname(path), `${base}-${stamp}${ext}`));
    writeFileSync(path, '', { mode: 0o600 });
    this.size = 0;
    if (this.opts.maxBackups > 0) {
      const old = readdirSync(dirname(path)).filter((f) => f.startsWith(`${base}-`) && f.endsWith(ext)).sort();
      for (const f of old.slice(0, Math.max(0, old.length - this.opts.maxBackups))) rmSync(join(dirname(path), f), { force: true });
    }
  }
}
