// Closed-loop HTTP load: `concurrency` loops, each on its own keep-alive connection, send one request, read the whole
// response, record the latency, and go again, until the time or request budget runs out. A short warm-up (TLS
// handshakes, JIT) runs first and is not counted.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

export interface Tls {
  ca: string;
  cert: string;
  key: string;
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  body?: string;
  contentType?: string;
  accept?: string;
  /** Extra request headers (e.g. Authorization). */
  headers?: Record<string, string>;
}

export interface LoadOptions {
  origin: string;
  tls: Tls;
  concurrency: number;
  durationMs: number;
  /** Hard cap on measured requests, so a fast target cannot run away. */
  maxRequests: number;
  warmupMs: number;
  /** Builds request number `seq` (counting warm-up requests) for loop `worker`. */
  request: (seq: number, worker: number) => RequestSpec;
  expectStatus: number;
  /** Called right before and right after the measured phase (e.g. to read the server's CPU time). */
  onMeasureStart?: () => void;
  onMeasureEnd?: () => void;
}

/** One measured run. */
export interface LoadSample {
  /** Ascending latencies of the successful requests, in ms. */
  latencies: Float64Array;
  errors: number;
  firstError?: string;
  seconds: number;
  bytes: number;
}

/** Several runs of one scenario, summarised. */
export interface LoadResult {
  concurrency: number;
  rounds: number;
  requests: number;
  errors: number;
  firstError?: string;
  /** Median of the rounds' throughputs, and their range. */
  perSecond: number;
  perSecondMin: number;
  perSecondMax: number;
  /** Over the latencies of all rounds together. */
  p50Ms: number;
  p99Ms: number;
  bytesPerResponse: number;
}

export function newPool(origin: string, tls: Tls, connections: number): Pool {
  return new Pool(origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
    connect: { ca: tls.ca, cert: tls.cert, key: tls.key },
  });
}

export async function runLoad(opts: LoadOptions): Promise<LoadSample> {
  const pool = newPool(opts.origin, opts.tls, opts.concurrency);
  let seq = 0;
  try {
    const one = async (worker: number, record: (ms: number, bytes: number, error?: string) => void) => {
      const spec = opts.request(seq++, worker);
      const start = performance.now();
      let bytes = 0;
      let error: string | undefined;
      try {
        const res = await pool.request({
          method: spec.method,
          path: spec.path,
          body: spec.body,
          headers: {
            ...(spec.body !== undefined ? { 'content-type': spec.contentType ?? 'application/json' } : {}),
            ...(spec.accept ? { accept: spec.accept } : {}),
            ...(spec.headers ?? {}),
          },
        });
        for await (const chunk of res.body) bytes += (chunk as Buffer).length;
        if (res.statusCode !== opts.expectStatus) error = `${spec.method} ${spec.path}: HTTP ${res.statusCode}`;
      } catch (e) {
        error = `${spec.method} ${spec.path}: ${(e as Error).message}`;
      }
      record(performance.now() - start, bytes, error);
    };

    const phase = async (durationMs: number, maxRequests: number) => {
      const latencies: number[] = [];
      let errors = 0;
      let firstError: string | undefined;
      let bytes = 0;
      const deadline = performance.now() + durationMs;
      let started = 0;
      const record = (ms: number, b: number, error?: string) => {
        if (error) {
          errors++;
          firstError ??= error;
        } else {
          latencies.push(ms);
          bytes += b;
        }
      };
      const loop = async (worker: number) => {
        while (started < maxRequests && performance.now() < deadline) {
          started++;
          await one(worker, record);
        }
      };
      const t0 = performance.now();
      await Promise.all(Array.from({ length: opts.concurrency }, (_, w) => loop(w)));
      const seconds = (performance.now() - t0) / 1000;
      return { latencies, errors, firstError, bytes, seconds };
    };

    await phase(opts.warmupMs, Number.MAX_SAFE_INTEGER);
    opts.onMeasureStart?.();
    const m = await phase(opts.durationMs, opts.maxRequests);
    opts.onMeasureEnd?.();
    return { latencies: Float64Array.from(m.latencies).sort(), errors: m.errors, firstError: m.firstError, seconds: m.seconds, bytes: m.bytes };
  } finally {
    await pool.destroy();
  }
}

export function summarize(concurrency: number, samples: LoadSample[]): LoadResult {
  const rates = samples.map((x) => x.latencies.length / x.seconds).sort((a, b) => a - b);
  const all = new Float64Array(samples.reduce((n, x) => n + x.latencies.length, 0));
  let at = 0;
  for (const x of samples) {
    all.set(x.latencies, at);
    at += x.latencies.length;
  }
  all.sort();
  const bytes = samples.reduce((n, x) => n + x.bytes, 0);
  return {
    concurrency,
    rounds: samples.length,
    requests: all.length,
    errors: samples.reduce((n, x) => n + x.errors, 0),
    firstError: samples.find((x) => x.firstError)?.firstError,
    perSecond: rates.length ? rates[Math.floor((rates.length - 1) / 2)]! : NaN,
    perSecondMin: rates[0] ?? NaN,
    perSecondMax: rates[rates.length - 1] ?? NaN,
    p50Ms: percentile(all, 0.5),
    p99Ms: percentile(all, 0.99),
    bytesPerResponse: all.length ? bytes / all.length : 0,
  };
}

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}
