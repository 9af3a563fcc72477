// The HTTP layer under every client call: a pluggable transport (undici over TLS in production, an in-memory fake
// in tests), Status decoding into ApiError, a request timeout, and retries with jittered exponential backoff for
// throttling (429, honouring Retry-After), server errors and broken connections — never for other 4xx.
import type { Duplex, Readable, Writable } from 'node:stream';
import { Agent } from 'undici';
import { ApiError } from '../apimachinery/errors.js';
import type { Status } from '../apimachinery/types.js';
import type { ClusterConnection } from './kubeconfig.js';

export interface HttpRequest {
  method: string;
  /** Path plus query string, e.g. `/api/v1/namespaces/default/pods?limit=5`. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** The body as a JSON value, for transports that take one (`jsonBodies`); it stands for its JSON text. */
  json?: unknown;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  body: AsyncIterable<Uint8Array>;
  text(): Promise<string>;
  /** Releases the connection without reading the rest of the body. */
  cancel(): void;
  /** The body as a JSON value, from transports that carry values rather than text (same result as parsing `text()`). */
  json?(): Promise<unknown>;
  /** A watch response's events as values, from such transports. */
  events?: AsyncIterable<{ type: string; object: unknown }>;
}

/** The client's side of an exec or attach session (the same shape the API server hands a kubelet). */
export interface SessionStreams {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  tty: boolean;
  onResize?(listener: (size: { width: number; height: number }) => void): void;
  signal: AbortSignal;
}

/**
 * exec, attach and port-forward for clients inside the API server's process, which cannot upgrade a connection:
 * the server checks and authorizes them as it does upgrades, then hands these streams to the node's kubelet.
 */
export interface InProcessStreaming {
  /** `path`: `/api/v1/namespaces/{ns}/pods/{name}/exec?…` or `…/attach?…`. Resolves with the exit code; Status errors throw ApiError. */
  remoteCommand(path: string, streams: SessionStreams): Promise<{ exitCode: number }>;
  /** `path`: `/api/v1/namespaces/{ns}/pods/{name}/portforward`. A connection to the pod's port. */
  portForward(path: string, port: number, signal: AbortSignal): Promise<Duplex>;
}

/** What a client needs to open connections of its own to the server (WebSocket and SPDY upgrades). */
export interface DirectConnection {
  /** e.g. https://127.0.0.1:6443 */
  origin: string;
  tls: { ca?: string; cert?: string; key?: string; rejectUnauthorized: boolean; servername?: string };
  /** Authentication headers (a bearer token). */
  headers: Record<string, string>;
  /**
   * Opens the connection itself (a TLS socket whose peer it has already checked, e.g. the API server's dial to a
   * kubelet, whose serving certificate is a node's); without it, a TLS connection to `origin` with `tls`.
   */
  dial?(): Promise<Duplex>;
}

export interface Transport {
  request(req: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
  /** Network transports: how to connect directly, for upgraded connections (exec over WebSocket, port-forward over SPDY). */
  direct?(): DirectConnection;
  /** In-process transports: streaming sessions without an upgrade. */
  readonly streaming?: InProcessStreaming;
  /** Takes JSON request bodies as values (`HttpRequest.json`) instead of text. */
  readonly jsonBodies?: boolean;
  /**
   * Listens to request signals through onAbort (client/abort.ts), at constant cost however many requests share a
   * signal: the client may then give requests that start together one timeout signal.
   */
  readonly sharesSignals?: boolean;
}

export interface UndiciTransportOptions {
  /** Concurrent connections to the server; watches each hold one (HTTP/1.1). Unlimited by default. */
  maxConnections?: number;
  keepAliveTimeoutMs?: number;
}

/** TLS transport on one undici Agent: keep-alive connections, CA / client certificate from the kubeconfig. */
export class UndiciTransport implements Transport {
  private readonly agent: Agent;
  private readonly origin: string;
  private readonly token?: string;

  constructor(private readonly conn: ClusterConnection, opts: UndiciTransportOptions = {}) {
    const url = new URL(conn.server);
    this.origin = url.origin;
    this.token = conn.token;
    this.agent = new Agent({
      connections: opts.maxConnections ?? null,
      keepAliveTimeout: opts.keepAliveTimeoutMs ?? 30_000,
      // Timeouts are ours (per request and per watch inactivity); undici's would cut long watches.
      headersTimeout: 0,
      bodyTimeout: 0,
      connect: {
        ca: conn.ca,
        cert: conn.cert,
        key: conn.key,
        rejectUnauthorized: !conn.insecureSkipTlsVerify,
        servername: conn.tlsServerName,
      },
    });
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const headers = { ...req.headers };
    if (this.token && !headers.authorization) headers.authorization = `Bearer ${this.token}`;
    const res = await this.agent.request({ origin: this.origin, path: req.path, method: req.method as 'GET', headers, body: req.body, signal: req.signal, reset: keepsConnection(req) });
    const flat: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(res.headers)) flat[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    return {
      status: res.statusCode,
      headers: flat,
      body: res.body,
      text: () => res.body.text(),
      cancel: () => res.body.destroy(),
    };
  }

  direct(): DirectConnection {
    return directConnection(this.conn);
  }

  async close(): Promise<void> {
    await this.agent.destroy();
  }
}

export function directConnection(conn: ClusterConnection): DirectConnection {
  return {
    origin: new URL(conn.server).origin,
    tls: { ca: conn.ca, cert: conn.cert, key: conn.key, rejectUnauthorized: !conn.insecureSkipTlsVerify, servername: conn.tlsServerName },
    headers: conn.token ? { authorization: `Bearer ${conn.token}` } : {},
  };
}

/**
 * undici closes the connection after any request whose method does not expect a body (DELETE) but carries one
 * (DeleteOptions), in case the server leaves it unread. The API server reads every request body, so such a
 * connection stays usable; `reset: false` keeps it instead of paying a new TLS handshake per delete.
 */
export function keepsConnection(req: HttpRequest): false | undefined {
  return req.body !== undefined ? false : undefined;
}

export interface RetryPolicy {
  /** Retries after the first attempt; 0 disables retrying. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 30_000 };

/** Exponential backoff with up to +100 % random jitter, so many clients do not reconnect in lockstep. */
export function backoffDelay(attempt: number, base: number, max: number, random: () => number = Math.random): number {
  const exp = Math.min(max, base * 2 ** attempt);
  return Math.min(max, exp * (1 + random()));
}

export interface RestRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  /** Overrides the client's request timeout; 0 disables it. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface RestClientOptions {
  transport: Transport;
  userAgent?: string;
  /** Whole-request timeout (headers and body); 30 s by default. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

const IDEMPOTENT = new Set(['GET', 'PUT', 'DELETE', 'HEAD', 'OPTIONS']);
// Errors proving the request never reached the server, so even a POST may be resent.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function buildQuery(query: RestRequest['query']): string {
  if (!query) return '';
  const parts = Object.entries(query).filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** JSON requests with Status decoding and retries; `stream` hands back the raw response for watches. */
export class RestClient {
  readonly transport: Transport;
  private readonly userAgent: string;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;

  constructor(opts: RestClientOptions) {
    this.transport = opts.transport;
    this.userAgent = opts.userAgent ?? 'berth-client/v0.1.0';
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.sleep = opts.sleep ?? sleep;
    this.random = opts.random ?? Math.random;
  }

  async request<T>(req: RestRequest): Promise<T> {
    const idempotent = IDEMPOTENT.has(req.method);
    for (let attempt = 0; ; attempt++) {
      let retryAfterMs: number | undefined;
      try {
        const timeoutMs = req.timeoutMs ?? this.timeoutMs;
        const timeout = timeoutMs <= 0 ? undefined : this.transport.sharesSignals ? deadlineSignal(timeoutMs) : AbortSignal.timeout(timeoutMs);
        const signal = combineSignals(req.signal, timeout);
        const res = await this.transport.request(this.toHttp(req, signal));
        if (res.status >= 200 && res.status < 300 && res.json) return (await res.json()) as T;
        const text = await res.text();
        if (res.status >= 200 && res.status < 300) return (text ? JSON.parse(text) : undefined) as T;
        const err = decodeError(res.status, text, res.headers);
        const retryable = res.status === 429 || (res.status >= 500 && idempotent);
        if (!retryable || attempt >= this.retry.maxRetries) throw err;
        const ra = Number(res.headers['retry-after']);
        if (Number.isFinite(ra) && ra > 0) retryAfterMs = ra * 1000;
      } catch (e) {
        if (e instanceof ApiError) throw e;
        if (req.signal?.aborted) throw e;
        const code = (e as { code?: string }).code ?? '';
        if (!(idempotent || NOT_SENT.has(code)) || attempt >= this.retry.maxRetries) throw e;
      }
      await this.sleep(retryAfterMs ?? backoffDelay(attempt, this.retry.baseDelayMs, this.retry.maxDelayMs, this.random), req.signal);
    }
  }

  /** One attempt, no timeout past the headers; non-2xx statuses throw ApiError. The caller owns the body. */
  async stream(req: RestRequest): Promise<HttpResponse> {
    const res = await this.transport.request(this.toHttp(req, req.signal));
    if (res.status < 200 || res.status >= 300) throw decodeError(res.status, await res.text(), res.headers);
    return res;
  }

  private toHttp(req: RestRequest, signal: AbortSignal | undefined): HttpRequest {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.userAgent };
    let body: string | undefined;
    let json: unknown;
    if (req.body !== undefined) {
      const contentType = (headers['content-type'] = req.contentType ?? 'application/json');
      if (typeof req.body === 'string') body = req.body;
      else if (this.transport.jsonBodies && contentType === 'application/json') json = req.body;
      else body = JSON.stringify(req.body);
    }
    return { method: req.method, path: req.path + buildQuery(req.query), headers, body, json, signal };
  }
}

// A timeout signal costs microseconds (a timer and its bookkeeping), more than a whole in-process request: on a
// transport that can share signals, requests with the same timeout that start within one tick (a twentieth of the
// timeout, at most a second) share one, which fires at least timeoutMs and at most timeoutMs plus a tick after each
// of them started.
const sharedDeadlines = new Map<number, { tick: number; signal: AbortSignal }>();

function deadlineSignal(timeoutMs: number): AbortSignal {
  const granularity = Math.max(1, Math.min(1000, Math.floor(timeoutMs / 20)));
  const now = Date.now();
  const tick = Math.floor(now / granularity);
  const known = sharedDeadlines.get(timeoutMs);
  if (known && known.tick === tick) return known.signal;
  const signal = AbortSignal.timeout((tick + 1) * granularity + timeoutMs - now);
  sharedDeadlines.set(timeoutMs, { tick, signal });
  return signal;
}

function combineSignals(a?: AbortSignal, b?: AbortSignal): AbortSignal | undefined {
  if (!a) return b;
  if (!b) return a;
  return AbortSignal.any([a, b]);
}

const REASON_FOR_CODE: Record<number, string> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed',
  406: 'NotAcceptable', 409: 'Conflict', 410: 'Gone', 413: 'RequestEntityTooLarge', 415: 'UnsupportedMediaType',
  422: 'Invalid', 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout',
};

/** An ApiError from a failed response: the server's Status when it sent one, else one built from the code. */
export function decodeError(status: number, text: string, headers: Record<string, string | undefined> = {}): ApiError {
  const extra: Record<string, string> = {};
  if (headers['retry-after']) extra['Retry-After'] = headers['retry-after'];
  try {
    const s = JSON.parse(text) as Partial<Status>;
    if (s && s.kind === 'Status') return statusToError(s, status, extra);
  } catch {
    // not JSON: fall through
  }
  const reason = REASON_FOR_CODE[status] ?? 'Unknown';
  const message = text.trim() || `the server responded with the status code ${status} but did not return more information`;
  return new ApiError(status, reason, message, undefined, extra);
}

export function statusToError(s: Partial<Status>, fallbackCode = 500, headers?: Record<string, string>): ApiError {
  const code = s.code || fallbackCode;
  return new ApiError(code, s.reason || REASON_FOR_CODE[code] || 'Unknown', s.message ?? '', s.details, headers);
}
