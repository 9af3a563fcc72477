// An in-memory API server for one collection, speaking through the client's Transport interface: list with
// limit/continue, watch with history replay, bookmarks, compaction (410), dropped connections, canned failures.
import type { KubeObject } from '../../../src/apimachinery/types.js';
import type { HttpRequest, HttpResponse, Transport } from '../../../src/client/http.js';

interface Change { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject; rv: number }

class Pipe implements AsyncIterable<Uint8Array> {
  private chunks: (Uint8Array | Error | null)[] = [];
  private wake?: () => void;
  closed = false;
  push(c: Uint8Array | Error | null) {
    if (this.closed) return;
    if (c === null || c instanceof Error) this.closed = true;
    this.chunks.push(c);
    this.wake?.();
  }
  async *[Symbol.asyncIterator]() {
    for (;;) {
      while (this.chunks.length === 0) await new Promise<void>((r) => (this.wake = r));
      const c = this.chunks.shift()!;
      if (c === null) return;
      if (c instanceof Error) throw c;
      yield c;
    }
  }
}

const enc = new TextEncoder();

export class FakeServer implements Transport {
  rv = 100;
  compactedRv = 0;
  readonly objects = new Map<string, KubeObject>();
  readonly history: Change[] = [];
  readonly requests: HttpRequest[] = [];
  /** Canned responses served before normal handling. */
  readonly canned: ({ status: number; body: string; headers?: Record<string, string> } | Error)[] = [];
  /** Split every watch line into pieces of this many bytes (0: whole lines). */
  splitBytes = 0;
  private watches = new Set<{ pipe: Pipe; from: number }>();

  get openWatches(): number {
    return this.watches.size;
  }

  put(name: string, data: Record<string, string>, namespace = 'default'): KubeObject {
    const key = `${namespace}/${name}`;
    const exists = this.objects.has(key);
    const obj: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, uid: `uid-${name}`, resourceVersion: String(++this.rv) }, data };
    this.objects.set(key, obj);
    this.emit({ type: exists ? 'MODIFIED' : 'ADDED', object: obj, rv: this.rv });
    return obj;
  }

  remove(name: string, namespace = 'default'): void {
    const key = `${namespace}/${name}`;
    const old = this.objects.get(key)!;
    this.objects.delete(key);
    const obj = { ...old, metadata: { ...old.metadata, resourceVersion: String(++this.rv) } };
    this.emit({ type: 'DELETED', object: obj, rv: this.rv });
  }

  /** Forget history: watches from older versions get 410. */
  compact(): void {
    this.compactedRv = this.rv;
    this.history.length = 0;
  }

  /** Breaks every open watch connection (as a server restart would). */
  dropWatches(): void {
    for (const w of this.watches) w.pipe.push(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    this.watches.clear();
  }

  /** Ends every watch cleanly (as a server-side timeout would). */
  endWatches(): void {
    for (const w of this.watches) w.pipe.push(null);
    this.watches.clear();
  }

  bookmark(): void {
    for (const w of this.watches) this.send(w.pipe, { type: 'BOOKMARK', object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: String(this.rv) } } });
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    this.requests.push(req);
    const canned = this.canned.shift();
    if (canned instanceof Error) throw canned;
    if (canned) return respond(canned.status, canned.body, canned.headers);
    const url = new URL(req.path, 'https://fake');
    const q = url.searchParams;
    if (req.method === 'GET' && q.get('watch') === 'true') return this.watch(Number(q.get('resourceVersion') || 0), req.signal);
    if (req.method === 'GET') return this.list(Number(q.get('limit') || 0), q.get('continue'));
    return respond(405, JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 405, reason: 'MethodNotAllowed', message: 'fake' }));
  }

  async close(): Promise<void> {
    this.endWatches();
  }

  private list(limit: number, cont: string | null): HttpResponse {
    const all = [...this.objects.entries()].sort(([a], [b]) => a.localeCompare(b));
    let start = 0;
    let rv = this.rv;
    if (cont) [rv, start] = cont.split(':').map(Number);
    const page = limit > 0 ? all.slice(start, start + limit) : all.slice(start);
    const next = limit > 0 && start + limit < all.length ? `${rv}:${start + limit}` : undefined;
    // List items carry no kind/apiVersion, as upstream's.
    const items = page.map(([, o]) => ({ metadata: o.metadata, data: o.data }));
    return respond(200, JSON.stringify({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: String(rv), ...(next ? { continue: next } : {}) }, items }));
  }

  private watch(from: number, signal?: AbortSignal): HttpResponse {
    const pipe = new Pipe();
    if (from > 0 && from < this.compactedRv) {
      this.send(pipe, { type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Expired', message: `too old resource version: ${from} (${this.compactedRv})` } });
      pipe.push(null);
      return stream(pipe);
    }
    const w = { pipe, from };
    for (const c of this.history) if (c.rv > from) this.send(pipe, { type: c.type, object: c.object });
    this.watches.add(w);
    signal?.addEventListener('abort', () => {
      this.watches.delete(w);
      pipe.push(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    }, { once: true });
    return stream(pipe, () => {
      this.watches.delete(w);
      pipe.push(null);
    });
  }

  private emit(c: Change): void {
    this.history.push(c);
    for (const w of this.watches) this.send(w.pipe, { type: c.type, object: c.object });
  }

  private send(pipe: Pipe, ev: unknown): void {
    const bytes = enc.encode(JSON.stringify(ev) + '\n');
    if (this.splitBytes <= 0) return pipe.push(bytes);
    for (let i = 0; i < bytes.length; i += this.splitBytes) pipe.push(bytes.slice(i, i + this.splitBytes));
  }
}

function respond(status: number, body: string, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers, body: (async function* () { yield enc.encode(body); })(), text: async () => body, cancel() {} };
}

function stream(pipe: Pipe, cancel: () => void = () => {}): HttpResponse {
  return { status: 200, headers: {}, body: pipe, text: async () => '', cancel };
}
