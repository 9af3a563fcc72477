// Fault injection around an embedded Berth: the server on a fixed port and data dir (so it can be killed and
// restarted), direct access to its SQLite store while it is down (history compaction → 410 Gone), and an HTTPS
// proxy between clients and server that can cut every connection, answer 429 with Retry-After, or refuse.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https, { Agent } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki } from '../../src/pki/index.js';
import { Berth, startBerth } from '../../src/host/berth.js';
import { openSqliteStore } from '../../src/storage/sqlite.js';
import type { Store } from '../../src/storage/interface.js';

export class EmbeddedServer {
  berth?: Berth;
  port = 0;
  readonly dataDir = mkdtempSync(join(tmpdir(), 'berth-reliability-'));

  async start(): Promise<void> {
    this.berth = await startBerth({ dataDir: this.dataDir, port: this.port, bookmarkIntervalMs: 500, runtime: { controllers: false } });
    this.port = this.berth.port;
  }

  /** Abrupt stop: open watches and connections are cut, nothing is drained. */
  async kill(): Promise<void> {
    await this.berth?.close();
    this.berth = undefined;
  }

  /** With the server down: change objects in storage and compact the history past every resourceVersion handed out. */
  async withStore(fn: (store: Store) => Promise<void>): Promise<void> {
    if (this.berth) throw new Error('stop the server first');
    const store = openSqliteStore({ path: join(this.dataDir, 'state.db') });
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  }

  get kubeconfigPath(): string {
    return join(this.dataDir, 'kubeconfig');
  }

  async cleanup(): Promise<void> {
    await this.kill();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export type ProxyMode = 'pass' | 'throttle' | 'refuse';

/**
 * An L7 proxy (TLS in, TLS out with the admin identity) in front of the server. `cutAll()` destroys every open
 * connection mid-stream; `throttle(ms)` answers 429 + Retry-After for that long; `refuse()` resets new connections.
 */
export class FaultProxy {
  port = 0;
  mode: ProxyMode = 'pass';
  /** Requests seen, `METHOD path`. */
  readonly log: string[] = [];
  throttled = 0;
  private server?: https.Server;
  private readonly sockets = new Set<Socket>();
  private readonly upstream = new Set<{ destroy(): void }>();
  private agent?: Agent;
  private throttleTimer?: NodeJS.Timeout;

  constructor(private readonly target: EmbeddedServer, private readonly retryAfterSeconds = 1) {}

  async start(): Promise<void> {
    const pki = await ensurePki(this.target.dataDir, { hosts: ['127.0.0.1'] });
    this.agent = new Agent({ keepAlive: true, ca: pki.caCertPem, cert: pki.adminCertPem, key: pki.adminKeyPem });
    this.server = https.createServer({ cert: pki.servingCertPem, key: pki.servingKeyPem }, (req, res) => this.handle(req, res));
    this.server.on('connection', (s: Socket) => {
      if (this.mode === 'refuse') {
        s.destroy();
        return;
      }
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Client connections open right now (to check that clients do not leak sockets). */
  get openConnections(): number {
    return this.sockets.size;
  }

  /** A kubeconfig like the server's, pointing at the proxy. */
  kubeconfig(): string {
    const text = readFileSync(this.target.kubeconfigPath, 'utf8').replace(/server: https:\/\/127\.0\.0\.1:\d+/, `server: https://127.0.0.1:${this.port}`);
    const path = join(this.target.dataDir, `kubeconfig-proxy-${this.port}`);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  }

  /** Every open client connection and upstream request dies now (a load balancer restart, a NAT timeout). */
  cutAll(): void {
    for (const s of this.sockets) s.destroy();
    for (const u of this.upstream) u.destroy();
    this.sockets.clear();
    this.upstream.clear();
    this.agent?.destroy();
    const pki = this.agent?.options;
    this.agent = new Agent({ keepAlive: true, ca: pki?.ca, cert: pki?.cert, key: pki?.key });
  }

  /** 429 Too Many Requests with Retry-After for `ms`, starting with cutting open streams so clients must come back. */
  throttle(ms: number): void {
    this.mode = 'throttle';
    this.cutAll();
    clearTimeout(this.throttleTimer);
    this.throttleTimer = setTimeout(() => { this.mode = 'pass'; }, ms);
  }

  refuse(): void {
    this.mode = 'refuse';
    this.cutAll();
  }

  pass(): void {
    this.mode = 'pass';
  }

  async close(): Promise<void> {
    clearTimeout(this.throttleTimer);
    this.cutAll();
    this.agent?.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.log.push(`${req.method} ${req.url}`);
    if (this.mode === 'throttle') {
      this.throttled++;
      const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Too many requests, please try again later.', reason: 'TooManyRequests', details: { retryAfterSeconds: this.retryAfterSeconds }, code: 429 });
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(this.retryAfterSeconds) }).end(body);
      return;
    }
    if (this.mode === 'refuse') {
      req.socket.destroy();
      return;
    }
    const headers = { ...req.headers };
    delete headers.host;
    const up = https.request({ host: '127.0.0.1', port: this.target.port, method: req.method, path: req.url, headers, agent: this.agent }, (ures) => {
      res.writeHead(ures.statusCode ?? 502, ures.headers);
      res.flushHeaders();
      ures.pipe(res);
      ures.on('error', () => res.destroy());
    });
    this.upstream.add(up);
    up.on('close', () => this.upstream.delete(up));
    // The server is down or the stream broke: the client sees its connection reset, as through a real LB.
    up.on('error', () => req.socket.destroy());
    req.pipe(up);
  }
}

export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
