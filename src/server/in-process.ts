// The in-process components' way in, like kube-apiserver's loopback client: their requests go straight to the API
// server's request handler, with no socket, no HTTP framing and no TLS. Bodies travel as JSON values instead of
// JSON text: a create hands the server a copy of the object, a response hands the client a copy of the result,
// and a watch delivers each event as one deeply frozen object that every in-process watcher shares (the server's
// own parsed event, as upstream controllers share one informer cache: readers copy before they change anything).
// Everything else — authorization, admission, validation, selectors, bookmarks, timeouts, Status errors — is the
// same handler the public port runs.
// The requests carry upstream's loopback identity, system:apiserver in system:masters; nothing outside this
// process can reach the handler.
import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { deepFreeze, jsonRoundTrip } from '../apimachinery/json.js';
import { onAbort } from '../client/abort.js';
import type { HttpRequest, HttpResponse, InProcessStreaming, Transport } from '../client/http.js';
import type { UserInfo } from '../api/identity.js';

/** Upstream's loopback identity (every authenticated user is also in system:authenticated). */
export const LOOPBACK_USER: Readonly<UserInfo> = { username: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] };

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A request made in this process. `jsonBody`, when present, is the body already decoded and owned by the server. */
export class InProcessRequest extends Readable {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly jsonBody: unknown;
  readonly hasJsonBody: boolean;
  private readonly text?: string;

  /** `user`: who the request is from (a component's own identity); the loopback user when absent. */
  constructor(req: HttpRequest, readonly user?: Readonly<UserInfo>) {
    // Not destroyed once read: 'close' means the client went away, as for a request on a connection.
    super({ autoDestroy: false });
    this.method = req.method;
    this.url = req.path;
    this.headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]));
    this.hasJsonBody = req.json !== undefined;
    this.jsonBody = this.hasJsonBody ? jsonRoundTrip(req.json) : undefined;
    this.text = req.body;
  }

  override _read(): void {
    // Code that reads the body as bytes gets the text the wire would have carried.
    const text = this.hasJsonBody ? JSON.stringify(this.jsonBody) : this.text;
    if (text) this.push(Buffer.from(text));
    this.push(null);
  }
}

/** A request whose body arrived as a decoded JSON value (the caller owns it). */
export function jsonBodyOf(req: IncomingMessage): { value: unknown } | undefined {
  return req instanceof InProcessRequest && req.hasJsonBody ? { value: req.jsonBody } : undefined;
}

/** The in-process response behind `res`, when the request came from this process. */
export function inProcessResponse(res: ServerResponse): InProcessResponse | undefined {
  const r: unknown = res;
  return r instanceof InProcessResponse ? r : undefined;
}

type Item = { chunk: string | Uint8Array } | { event: { type: string; object: unknown } };

/** The response side: records status and headers, then either one JSON value, watch events, or raw chunks. */
export class InProcessResponse extends EventEmitter {
  statusCode = 200;
  headersSent = false;
  writableEnded = false;
  /** No connection: code that tunes the socket (setNoDelay) skips it. */
  readonly socket = undefined;
  private readonly headerValues: Record<string, string> = {};
  private json?: { value: unknown };
  private readonly items: Item[] = [];
  private wake?: () => void;
  private failure?: unknown;
  private readonly headersReady: Promise<void>;
  private announceHeaders!: () => void;

  constructor() {
    super();
    this.headersReady = new Promise((resolve) => (this.announceHeaders = resolve));
  }

  setHeader(name: string, value: OutgoingHttpHeader): this {
    this.headerValues[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    return this;
  }

  getHeader(name: string): string | undefined {
    return this.headerValues[name.toLowerCase()];
  }

  writeHead(code: number, headers?: OutgoingHttpHeaders | string[]): this {
    this.statusCode = code;
    if (headers && !Array.isArray(headers)) for (const [k, v] of Object.entries(headers)) if (v !== undefined) this.setHeader(k, v);
    return this;
  }

  flushHeaders(): void {
    this.sendHeaders();
  }

  write(chunk: string | Uint8Array): boolean {
    this.sendHeaders();
    this.push({ chunk });
    return true;
  }

  end(chunk?: string | Uint8Array): this {
    if (this.writableEnded) return this;
    if (chunk?.length) this.write(chunk);
    this.sendHeaders();
    this.writableEnded = true;
    this.wake?.();
    this.emit('finish');
    this.emit('close');
    return this;
  }

  /** The whole body is this JSON value; the client gets a copy of it. */
  endWithJson(value: unknown): void {
    this.json = { value: jsonRoundTrip(value) };
    this.end();
  }

  /** One watch event; each watcher gets its own copy. */
  writeEvent(type: string, object: unknown): void {
    if (this.writableEnded) return;
    this.sendHeaders();
    this.push({ event: { type, object: deepFreeze(object) } });
  }

  destroy(err?: unknown): this {
    if (this.writableEnded) return this;
    this.failure = err ?? new Error('the response was aborted');
    return this.end();
  }

  /** What the transport hands the client once the headers are out. */
  async response(request: InProcessRequest, signal?: AbortSignal): Promise<HttpResponse> {
    await abortable(this.headersReady, signal);
    const cancel = () => {
      if (!this.writableEnded) this.end();
      request.destroy();
    };
    if (signal) this.once('close', onAbort(signal, cancel));
    const text = async () => {
      await abortable(this.finished(), signal);
      if (this.json) return JSON.stringify(this.json.value);
      return this.drainText();
    };
    return {
      status: this.statusCode,
      headers: { ...this.headerValues },
      body: this.chunks(signal),
      text,
      json: async () => {
        await abortable(this.finished(), signal);
        if (this.json) return this.json.value;
        const t = this.drainText();
        return t ? JSON.parse(t) : undefined;
      },
      events: this.events(signal),
      cancel,
    };
  }

  private sendHeaders(): void {
    if (this.headersSent) return;
    this.headersSent = true;
    this.announceHeaders();
  }

  private push(item: Item): void {
    this.items.push(item);
    this.wake?.();
  }

  private finished(): Promise<void> {
    return this.writableEnded ? Promise.resolve() : new Promise((resolve) => this.once('finish', () => resolve()));
  }

  private drainText(): string {
    if (this.failure) throw this.failure;
    return this.items.splice(0).map((i) => ('chunk' in i ? chunkText(i.chunk) : JSON.stringify(i.event) + '\n')).join('');
  }

  /** Items as they come, until the response ends; throws when it was aborted or the signal fires. */
  private async *items$(signal?: AbortSignal): AsyncGenerator<Item> {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const item = this.items.shift();
      if (item) {
        yield item;
        continue;
      }
      if (this.failure) throw this.failure;
      if (this.writableEnded) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  private async *chunks(signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    for await (const item of this.items$(signal)) {
      if ('chunk' in item) yield typeof item.chunk === 'string' ? Buffer.from(item.chunk) : item.chunk;
      else yield Buffer.from(JSON.stringify(item.event) + '\n');
    }
  }

  /** Watch events as values; text lines written the ordinary way are decoded. */
  private async *events(signal?: AbortSignal): AsyncGenerator<{ type: string; object: unknown }> {
    let pending = '';
    for await (const item of this.items$(signal)) {
      if ('event' in item) {
        yield item.event;
        continue;
      }
      pending += chunkText(item.chunk);
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (line) yield JSON.parse(line) as { type: string; object: unknown };
      }
    }
    if (pending.trim()) yield JSON.parse(pending) as { type: string; object: unknown };
  }
}

function chunkText(chunk: string | Uint8Array): string {
  return typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
}

function abortable<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const unsubscribe = onAbort(signal, reject);
    p.then(resolve, reject).finally(unsubscribe);
  });
}

/**
 * The transport of every in-process component client. `handlerFor` gets the authenticator (every request here is
 * the loopback user) and returns the API server's request handler.
 */
export class InProcessTransport implements Transport {
  readonly jsonBodies = true;
  readonly sharesSignals = true;
  /** exec, attach and port-forward, which cannot upgrade here: handed to the server's streaming code directly. */
  readonly streaming?: InProcessStreaming;
  private readonly handler: Handler;
  private readonly open = new Set<() => void>();
  private closed = false;

  constructor(
    handlerFor: (authenticate: (req: IncomingMessage) => UserInfo | undefined) => Handler,
    streamingFor?: (user: UserInfo) => InProcessStreaming,
  ) {
    this.handler = handlerFor((req) => {
      if (!(req instanceof InProcessRequest)) return undefined;
      const user = req.user ?? LOOPBACK_USER;
      return { ...user, groups: [...user.groups] };
    });
    if (streamingFor) this.streaming = streamingFor({ ...LOOPBACK_USER, groups: [...LOOPBACK_USER.groups] });
  }

  /** The same channel speaking as `user` (a component's upstream identity) instead of the loopback user. */
  as(user: Readonly<UserInfo>): Transport {
    return {
      request: (req) => this.request(req, user),
      close: async () => {},
      jsonBodies: this.jsonBodies,
      sharesSignals: this.sharesSignals,
    };
  }

  async request(req: HttpRequest, user?: Readonly<UserInfo>): Promise<HttpResponse> {
    if (this.closed) throw Object.assign(new Error('the in-process API channel is closed'), { code: 'ECONNREFUSED' });
    const request = new InProcessRequest(req, user);
    const response = new InProcessResponse();
    const cancel = () => {
      if (!response.writableEnded) response.end();
      request.destroy();
    };
    this.open.add(cancel);
    response.once('close', () => this.open.delete(cancel));
    // Handlers are written for sockets: let the caller's continuation run first, as a network hop would.
    queueMicrotask(() => this.handler(request as unknown as IncomingMessage, response as unknown as ServerResponse));
    return response.response(request, req.signal);
  }

  /** Ends every open request, watches included. */
  async close(): Promise<void> {
    this.closed = true;
    for (const cancel of [...this.open]) cancel();
  }
}
