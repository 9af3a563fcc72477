// What containerd's log redirection does for one container instance: stdout and stderr are cut into lines, each
// written as a CRI record to `<dir>/<restartCount>.log`; a line longer than the line limit is written as partial
// records (P) and a final one (F); output still without a newline when the container stops is written as a full
// line. When the file outgrows `maxBytes` it is rotated as the kubelet's container log manager does
// (`<n>.log.<timestamp>`, keeping `maxFiles` files in all). Readers follow the writer through its events.
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { encodeRecord, LogStream, nowNs } from './cri-format.js';

export interface ContainerLogWriterOptions {
  /** Rotate when the file would grow past this (kubelet containerLogMaxSize: 10 MiB). */
  maxBytes?: number;
  /** Files kept per instance, the current one included (kubelet containerLogMaxFiles: 5). */
  maxFiles?: number;
  /** Longest record content; longer lines become partial records (containerd: 16 KiB). */
  maxLineBytes?: number;
  /**
   * Keep the file open between writes (default). Off for writers that write rarely and live long (the simulated
   * runtime's lifecycle lines), so a thousand simulated containers do not hold a thousand descriptors.
   */
  holdOpen?: boolean;
  /** Clock in nanoseconds since the epoch (tests). */
  now?: () => bigint;
}

export const DEFAULT_LOG_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_LOG_MAX_FILES = 5;
export const DEFAULT_LOG_LINE_BYTES = 16 * 1024;

/**
 * Events: `data` after records were appended, `rotate` after the file was rotated (readers reopen `path`),
 * `close` once the instance stopped and everything is on disk.
 */
export class ContainerLogWriter extends EventEmitter {
  /** Pipe the process's stdout/stderr here; writes complete once the records are on disk (backpressure). */
  readonly stdout: Writable;
  readonly stderr: Writable;
  private readonly maxBytes: number;
  private readonly maxFiles: number;
  private readonly maxLine: number;
  private readonly holdOpen: boolean;
  private readonly now: () => bigint;
  private readonly tails: Record<LogStream, Buffer> = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };
  private file?: FileHandle;
  private size = -1;
  private chain: Promise<void> = Promise.resolve();
  private lastNs = 0n;
  private closing?: Promise<void>;
  /** False once close() was called: the instance stopped. */
  running = true;

  constructor(readonly path: string, opts: ContainerLogWriterOptions = {}) {
    super();
    this.setMaxListeners(0); // one listener per following reader
    this.maxBytes = opts.maxBytes ?? DEFAULT_LOG_MAX_BYTES;
    this.maxFiles = Math.max(1, opts.maxFiles ?? DEFAULT_LOG_MAX_FILES);
    this.maxLine = opts.maxLineBytes ?? DEFAULT_LOG_LINE_BYTES;
    this.holdOpen = opts.holdOpen ?? true;
    this.now = opts.now ?? nowNs;
    mkdirSync(dirname(path), { recursive: true });
    this.stdout = this.streamFor('stdout');
    this.stderr = this.streamFor('stderr');
    // The file exists from the start, as the runtime creates it with the container: readers can open it at once.
    this.enqueue(async () => {
      await this.handle();
      await this.release();
    });
  }

  /**
   * Appends `chunk` of one stream: complete lines now, an unfinished line when it completes or the writer closes.
   * Resolves once on disk; never rejects (a failed write is reported as an `error-logged` event), so callers may
   * ignore the promise.
   */
  write(stream: LogStream, chunk: Buffer | string): Promise<void> {
    if (!this.running) return Promise.resolve();
    const data = this.tails[stream].length ? Buffer.concat([this.tails[stream], Buffer.from(chunk)]) : Buffer.from(chunk);
    const records: Buffer[] = [];
    let start = 0;
    for (;;) {
      const nl = data.indexOf(0x0a, start);
      const end = nl < 0 ? data.length : nl;
      // Longer than the limit: full-size partial pieces go out as soon as they are complete.
      while (end - start > this.maxLine) {
        records.push(this.record(stream, data.subarray(start, start + this.maxLine), true));
        start += this.maxLine;
      }
      if (nl < 0) break;
      records.push(this.record(stream, data.subarray(start, nl), false));
      start = nl + 1;
    }
    this.tails[stream] = Buffer.from(data.subarray(start));
    return records.length ? this.append(records) : Promise.resolve();
  }

  /** A whole line (the simulated runtime's lifecycle lines, messages of the runtime itself). */
  writeLine(stream: LogStream, text: string): Promise<void> {
    return this.write(stream, text.endsWith('\n') ? text : `${text}\n`);
  }

  /** The instance stopped: unfinished lines are written as full lines, the file closed, readers told. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.stdout.end();
    this.stderr.end();
    const records: Buffer[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.tails[stream].length) records.push(this.record(stream, this.tails[stream], false));
      this.tails[stream] = Buffer.alloc(0);
    }
    const flushed = records.length ? this.append(records) : Promise.resolve();
    this.running = false;
    this.closing = flushed.then(() => this.enqueue(() => this.release(true))).then(() => {
      this.emit('close');
    });
    return this.closing;
  }

  private record(stream: LogStream, content: Buffer, partial: boolean): Buffer {
    // Never step back in time within one file, whatever the clock does.
    let t = this.now();
    if (t <= this.lastNs) t = this.lastNs + 1n;
    this.lastNs = t;
    return encodeRecord({ timeNs: t, stream, partial, content });
  }

  private streamFor(stream: LogStream): Writable {
    return new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        this.write(stream, chunk).then(() => cb(), cb);
      },
    });
  }

  private append(records: Buffer[]): Promise<void> {
    return this.enqueue(async () => {
      const data = Buffer.concat(records);
      await this.handle();
      if (this.size > 0 && this.size + data.length > this.maxBytes) await this.rotate();
      await (await this.handle()).write(data);
      this.size += data.length;
      await this.release();
      this.emit('data');
    });
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    // A disk error loses those lines, not the container: reported, never thrown at the process's output pipe.
    this.chain = this.chain.then(step).catch((e: unknown) => {
      this.emit('error-logged', e);
    });
    return this.chain;
  }

  private async handle(): Promise<FileHandle> {
    if (!this.file) {
      this.file = await open(this.path, 'a', 0o640);
      if (this.size < 0) this.size = (await this.file.stat()).size;
    }
    return this.file;
  }

  private async release(force = false): Promise<void> {
    if ((force || !this.holdOpen) && this.file) {
      const f = this.file;
      this.file = undefined;
      await f.close();
    }
  }

  /** `<n>.log` becomes `<n>.log.<UTC timestamp>`; the oldest rotated files beyond maxFiles - 1 are removed. */
  private async rotate(): Promise<void> {
    await this.release(true);
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').replace('Z', '');
    await rename(this.path, `${this.path}.${stamp}`);
    this.size = 0;
    const prefix = `${basename(this.path)}.`;
    const rotated = (await readdir(dirname(this.path))).filter((f) => f.startsWith(prefix)).sort();
    for (const old of rotated.slice(0, Math.max(0, rotated.length - (this.maxFiles - 1)))) {
      await rm(join(dirname(this.path), old), { force: true });
    }
    this.emit('rotate');
  }
}
