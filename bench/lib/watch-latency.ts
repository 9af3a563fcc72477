// Watch fan-out latency: N watch streams on one namespace's ConfigMaps, objects created at a steady rate, and for
// each (object, watcher) the time from the create's response to that watcher parsing the ADDED event.
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { newPool, percentile, Tls } from './load.js';

export interface WatchOptions {
  origin: string;
  tls: Tls;
  namespace: string;
  watchers: number;
  createsPerSecond: number;
  creates: number;
}

export interface WatchResult {
  watchers: number;
  creates: number;
  deliveries: number;
  /** Deliveries expected but never seen before the grace period ended. */
  missing: number;
  /** From the create's response; events parsed before the response count as 0. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** From sending the create request (includes the create's own latency). */
  p50FromSendMs: number;
  p99FromSendMs: number;
  /** Share of deliveries that a watcher parsed before the creating client had read the response. */
  beforeResponse: number;
}

export async function measureWatchLatency(opts: WatchOptions): Promise<WatchResult> {
  const base = `/api/v1/namespaces/${opts.namespace}/configmaps`;
  const control = newPool(opts.origin, opts.tls, 1);
  const streams = newPool(opts.origin, opts.tls, opts.watchers);
  // received[w] maps object name → when watcher w parsed its ADDED event.
  const received = Array.from({ length: opts.watchers }, () => new Map<string, number>());
  const abort = new AbortController();
  setMaxListeners(opts.watchers + 10, abort.signal); // one listener per stream is expected
  try {
    const list = await control.request({ method: 'GET', path: base });
    const rv = (JSON.parse(await list.body.text()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const watchPath = `${base}?watch=1&resourceVersion=${rv}&timeoutSeconds=120`;
    const streamErrors: string[] = [];
    const streamsDone = received.map((seen) => consumeWatch(streams, watchPath, seen, abort.signal).catch((e: unknown) => {
      streamErrors.push(String(e));
    }));

    const create = async (name: string) => {
      const res = await control.request({
        method: 'POST', path: base, headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { key: 'value' } }),
      });
      await res.body.text();
      if (res.statusCode !== 201) throw new Error(`create ${name}: HTTP ${res.statusCode}`);
    };

    // Every stream must be live before measuring: create probes until each watcher has seen one.
    const deadline = performance.now() + 10_000;
    for (let i = 0; ; i++) {
      await create(`probe-${i}`);
      await sleep(50);
      if (received.every((seen) => seen.size > 0)) break;
      if (streamErrors.length || performance.now() > deadline) {
        throw new Error(`watch streams did not all start within 10 s${streamErrors.length ? `: ${streamErrors[0]}` : ''}`);
      }
    }

    const sent = new Map<string, number>();
    const answered = new Map<string, number>();
    const interval = 1000 / opts.createsPerSecond;
    const start = performance.now();
    for (let i = 0; i < opts.creates; i++) {
      const due = start + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const name = `obj-${i}`;
      sent.set(name, performance.now());
      await create(name);
      answered.set(name, performance.now());
    }
    // Grace period for the tail of the last events.
    const last = `obj-${opts.creates - 1}`;
    const graceEnd = performance.now() + 5000;
    while (!received.every((seen) => seen.has(last)) && performance.now() < graceEnd) await sleep(10);

    const fromResponse: number[] = [];
    const fromSend: number[] = [];
    let missing = 0;
    let early = 0;
    for (const seen of received) {
      for (const [name, sentAt] of sent) {
        const at = seen.get(name);
        if (at === undefined) {
          missing++;
          continue;
        }
        const delay = at - answered.get(name)!;
        if (delay < 0) early++;
        fromResponse.push(Math.max(0, delay));
        fromSend.push(at - sentAt);
      }
    }
    const a = Float64Array.from(fromResponse).sort();
    const b = Float64Array.from(fromSend).sort();
    abort.abort();
    await Promise.allSettled(streamsDone);
    return {
      watchers: opts.watchers,
      creates: opts.creates,
      deliveries: a.length,
      missing,
      p50Ms: percentile(a, 0.5),
      p99Ms: percentile(a, 0.99),
      maxMs: a.length ? a[a.length - 1]! : NaN,
      p50FromSendMs: percentile(b, 0.5),
      p99FromSendMs: percentile(b, 0.99),
      beforeResponse: a.length ? early / a.length : 0,
    };
  } finally {
    abort.abort();
    await Promise.allSettled([control.destroy(), streams.destroy()]);
  }
}

/** Reads one newline-delimited watch stream, noting when each ADDED object arrived. */
async function consumeWatch(pool: ReturnType<typeof newPool>, path: string, seen: Map<string, number>, signal: AbortSignal): Promise<void> {
  const res = await pool.request({ method: 'GET', path, signal, bodyTimeout: 0 });
  if (res.statusCode !== 200) throw new Error(`watch: HTTP ${res.statusCode}`);
  let pending = '';
  try {
    for await (const chunk of res.body) {
      pending += (chunk as Buffer).toString('utf8');
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (!line) continue;
        const ev = JSON.parse(line) as { type: string; object: { metadata?: { name?: string } } };
        const name = ev.object.metadata?.name;
        if (ev.type === 'ADDED' && name) seen.set(name, performance.now());
      }
    }
  } catch (e) {
    if (!signal.aborted) throw e;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
