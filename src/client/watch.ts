// Watch streams: `?watch=true` responses are newline-delimited JSON WatchEvents, written as they happen, so one
// event may arrive split over chunks and one chunk may hold several. A stream that goes quiet for longer than the
// inactivity timeout (no events, no bookmarks) is presumed dead — a half-open TCP connection looks exactly like an
// idle watch — and is aborted so the caller reconnects.
import type { KubeObject, Status } from '../apimachinery/types.js';
import { RestClient, statusToError } from './http.js';
import { ResourceDescriptor, resourcePath } from './resources.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  /** For ERROR events a metav1.Status. */
  object: T;
}

/** Incremental NDJSON splitter: feed raw chunks, get back every complete event so far. */
export class WatchLineDecoder {
  private readonly text = new TextDecoder('utf-8');
  private pending = '';

  push(chunk: Uint8Array | string): WatchEvent[] {
    this.pending += typeof chunk === 'string' ? chunk : this.text.decode(chunk, { stream: true });
    const out: WatchEvent[] = [];
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, nl).trim();
      this.pending = this.pending.slice(nl + 1);
      if (line) out.push(parseWatchLine(line));
    }
    return out;
  }

  /** The stream ended: a final event without a trailing newline is still an event. */
  end(): WatchEvent[] {
    const rest = (this.pending + this.text.decode()).trim();
    this.pending = '';
    return rest ? [parseWatchLine(rest)] : [];
  }
}

function parseWatchLine(line: string): WatchEvent {
  return wellFormed(JSON.parse(line), line);
}

function wellFormed(value: unknown, line?: string): WatchEvent {
  const ev = value as Partial<WatchEvent> | null;
  if (typeof ev?.type !== 'string' || typeof ev.object !== 'object' || ev.object === null) {
    throw new Error(`malformed watch event: ${(line ?? JSON.stringify(value)).slice(0, 200)}`);
  }
  return ev as WatchEvent;
}

/** The stream produced no bytes for the inactivity timeout. */
export class WatchInactivityError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`watch stream idle for ${timeoutMs} ms; presumed dead`);
  }
}

export interface WatchOptions {
  namespace?: string;
  /** Start after this version; '' or undefined means "from now, with synthetic ADDs for existing objects". */
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Server-side end of the watch (a clean close); the caller then re-watches. */
  timeoutSeconds?: number;
  allowWatchBookmarks?: boolean;
  /** Abort if no bytes arrive for this long; 0 disables. Default: timeoutSeconds + 30 s, or 5 min. */
  inactivityTimeoutMs?: number;
  /** Aborting ends the iteration quietly. */
  signal?: AbortSignal;
}

/**
 * Opens a watch and yields its events. ERROR events end the stream by throwing the ApiError built from their
 * Status (code 410 means the resourceVersion is too old: relist). A normal server close simply ends iteration.
 */
export async function* watchResource<T extends KubeObject = KubeObject>(rest: RestClient, res: ResourceDescriptor, opts: WatchOptions = {}): AsyncGenerator<WatchEvent<T>> {
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort(opts.signal!.reason);
  if (opts.signal?.aborted) return;
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });

  const inactivityMs = opts.inactivityTimeoutMs ?? (opts.timeoutSeconds ? (opts.timeoutSeconds + 30) * 1000 : 300_000);
  let idleTimer: NodeJS.Timeout | undefined;
  let idled = false;
  const armIdleTimer = () => {
    if (inactivityMs <= 0) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      idled = true;
      abort.abort(new WatchInactivityError(inactivityMs));
    }, inactivityMs);
  };

  let response: Awaited<ReturnType<RestClient['stream']>> | undefined;
  try {
    armIdleTimer();
    response = await rest.stream({
      method: 'GET',
      path: resourcePath(res, opts.namespace),
      query: {
        watch: 'true',
        resourceVersion: opts.resourceVersion,
        allowWatchBookmarks: (opts.allowWatchBookmarks ?? true) ? 'true' : undefined,
        timeoutSeconds: opts.timeoutSeconds,
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
      },
      signal: abort.signal,
    });
    if (response.events) {
      // A transport that carries events as values (the in-process one): nothing to decode.
      for await (const ev of response.events) {
        armIdleTimer();
        yield checked<T>(wellFormed(ev));
      }
      return;
    }
    const decoder = new WatchLineDecoder();
    for await (const chunk of response.body) {
      armIdleTimer();
      for (const ev of decoder.push(chunk)) yield checked<T>(ev);
    }
    for (const ev of decoder.end()) yield checked<T>(ev);
  } catch (e) {
    if (idled) throw new WatchInactivityError(inactivityMs);
    if (opts.signal?.aborted) return;
    throw e;
  } finally {
    clearTimeout(idleTimer);
    opts.signal?.removeEventListener('abort', onOuterAbort);
    if (!abort.signal.aborted) abort.abort();
    response?.cancel();
  }
}

function checked<T extends KubeObject>(ev: WatchEvent): WatchEvent<T> {
  if (ev.type === 'ERROR') throw statusToError(ev.object as unknown as Partial<Status>);
  return ev as WatchEvent<T>;
}
