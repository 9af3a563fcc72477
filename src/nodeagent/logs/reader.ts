// Reading a container's log file for pods/log, ported from the kubelet's kuberuntime/logs/logs.go (ReadLogs) and
// pkg/util/tail (FindTailLineStartIndex): start `tailLines` records from the end, skip records older than `since`,
// keep one stream if asked, prefix `--timestamps` in RFC3339NanoFixed, cut at `limitBytes` (mid-line), and with
// `follow` keep reading as the writer appends until the container stops (then drain to the end) or the reader
// goes away. As upstream, only the current file is read: rotated files are not.
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { ContainerLogOptions } from '../../component/kubelet-api.js';
import { formatTimestamp, nsFromDate, parseRecord } from './cri-format.js';

/** How a following reader learns that the container's log changed or that it stopped. */
export interface LogFollowSource {
  /** The container instance still runs (more may be written). */
  running(): boolean;
  /** Resolves at the next append, rotation or stop — or after `timeoutMs` (upstream polls every second too). */
  changed(timeoutMs: number, signal: AbortSignal): Promise<void>;
}

const CHUNK = 64 * 1024;
/** logForceCheckPeriod: how long a follower waits for news before looking again. */
const FORCE_CHECK_MS = 1000;

/** Offset where the last `lines` lines of the file start (a final newline does not start another line). */
export async function tailStartOffset(fh: FileHandle, size: number, lines: number | undefined): Promise<number> {
  if (lines === undefined || lines < 0) return 0;
  if (lines === 0) return size;
  let count = 0;
  let end = size;
  const buf = Buffer.allocUnsafe(CHUNK);
  while (end > 0) {
    const start = Math.max(0, end - CHUNK);
    const { bytesRead } = await fh.read(buf, 0, end - start, start);
    for (let i = bytesRead - 1; i >= 0; i--) {
      const pos = start + i;
      if (buf[i] !== 0x0a || pos === size - 1) continue;
      if (++count === lines) return pos + 1;
    }
    end = start;
  }
  return 0;
}

/** Writes the log at `path` to `out` as `opts` say; resolves when done (follow: once the container stopped). */
export async function readContainerLog(path: string, opts: ContainerLogOptions, out: Writable, signal: AbortSignal, follow?: LogFollowSource): Promise<void> {
  const following = opts.follow && !!follow;
  const sinceNs = opts.since ? nsFromDate(opts.since) : undefined;
  let remaining = opts.limitBytes ?? Number.POSITIVE_INFINITY;
  // tailLines without follow stops after that many records, as upstream's limitedMode.
  let limited = opts.tailLines !== undefined && opts.tailLines >= 0 && !following ? opts.tailLines : -1;
  const wanted = opts.stream === 'Stdout' ? 'stdout' : opts.stream === 'Stderr' ? 'stderr' : undefined;

  let fh = await openOrNull(path);
  try {
    let pos = fh ? await tailStartOffset(fh, (await fh.stat()).size, opts.tailLines) : 0;
    let pending: Buffer = Buffer.alloc(0);
    let stopAfterDrain = !following;
    let rotated = false;
    const buf = Buffer.allocUnsafe(CHUNK);

    /** Writes one record; false once the byte limit is reached. */
    const emit = async (line: Buffer): Promise<boolean> => {
      const rec = parseRecord(line);
      if (!rec) return true; // upstream logs and skips lines it cannot parse
      if (sinceNs !== undefined && rec.timeNs < sinceNs) return true;
      if (wanted && rec.stream !== wanted) return true;
      const body = rec.partial ? rec.content : Buffer.concat([rec.content, NL]);
      let data = opts.timestamps ? Buffer.concat([Buffer.from(`${formatTimestamp(rec.timeNs, true)} `), body]) : body;
      if (data.length > remaining) data = data.subarray(0, remaining);
      remaining -= data.length;
      await writeOut(out, data, signal);
      return remaining > 0;
    };

    for (;;) {
      if (signal.aborted || limited === 0) return;
      const { bytesRead } = fh ? await fh.read(buf, 0, CHUNK, pos) : { bytesRead: 0 };
      if (bytesRead > 0) {
        pos += bytesRead;
        const data = pending.length ? Buffer.concat([pending, buf.subarray(0, bytesRead)]) : Buffer.from(buf.subarray(0, bytesRead));
        let start = 0;
        for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
          if (!(await emit(data.subarray(start, nl)))) return;
          start = nl + 1;
          if (limited > 0 && --limited === 0) return;
          if (signal.aborted) return;
        }
        pending = Buffer.from(data.subarray(start));
        continue;
      }
      // End of what is on disk.
      if (stopAfterDrain) {
        // An incomplete last line is still shown (upstream: "Incomplete line in log file").
        if (pending.length && !following) await emit(pending);
        return;
      }
      // Rotated underneath us: read the old file to its end once more (the writer may have appended to it between
      // our last read and the rename), then continue with the new one.
      const current = await statOrNull(path);
      if (current && fh && current.ino !== (await fh.stat()).ino) {
        if (!rotated) {
          rotated = true;
          continue;
        }
        rotated = false;
        await fh.close();
        fh = await openOrNull(path);
        pos = 0;
        pending = Buffer.alloc(0);
        continue;
      }
      if (!fh && current) {
        fh = await openOrNull(path);
        pos = 0;
        continue;
      }
      if (!follow!.running()) {
        // Stopped: one more pass picks up whatever was written before the stop.
        stopAfterDrain = true;
        continue;
      }
      await follow!.changed(FORCE_CHECK_MS, signal);
    }
  } finally {
    await fh?.close();
  }
}

const NL = Buffer.from('\n');

/** Writes with backpressure: waits for `drain`, and gives up when the reader goes away or the signal fires. */
async function writeOut(out: Writable, data: Buffer, signal: AbortSignal): Promise<void> {
  if (out.destroyed || out.writableEnded) throw readerGone();
  if (out.write(data)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      out.off('error', onClose);
      signal.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(readerGone());
    const onAbort = () => done();
    out.on('drain', onDrain);
    out.on('close', onClose);
    out.on('error', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function readerGone(): Error {
  return Object.assign(new Error('the log reader went away'), { code: 'ERR_STREAM_DESTROYED' });
}

async function openOrNull(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

async function statOrNull(path: string) {
  try {
    return await stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
