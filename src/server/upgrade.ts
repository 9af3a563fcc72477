// The one place upgraded connections enter the API server (Node's `upgrade` event; with HTTP/2 and allowHTTP1 the
// same event carries HTTP/1.1 upgrades): authentication and authorization as for any request — a SPDY POST is
// `create`, a WebSocket GET is `get` on the subresource — then the subresource's UpgradeHandler, which answers with
// a Status before upgrading or takes the socket over. A request that only carries upgrade headers by the way
// (a GET of some other path) is served as an ordinary request.
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ApiError, errInternal, errUnauthorized, isApiError } from '../apimachinery/errors.js';
import { authorize, requestPath, type Authenticate } from './app.js';
import { writeStatus } from './codec.js';
import { subresourceKey } from './context.js';
import type { ServerContext } from './context.js';
import { ImpersonationHeaderError, impersonatedUser } from './impersonation.js';
import type { UserInfo } from '../api/identity.js';
import { parseRequestInfo } from '../apimachinery/request-info.js';
import { EventEmitter } from 'node:events';
import { anonymousUser } from '../authentication/request.js';
import type { RequestAudit } from '../audit/auditor.js';

/** Sockets a handler took over; destroyed when the server closes (the HTTP server no longer tracks them). */
const upgraded = new WeakSet<Duplex>();

export interface UpgradeListener {
  listener(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Destroys every upgraded connection (server shutdown). */
  closeAll(): void;
}

export function createUpgradeListener(ctx: ServerContext, authenticate: Authenticate, serveHttp: (req: IncomingMessage, res: ServerResponse) => void): UpgradeListener {
  const open = new Set<Duplex>();
  const listener = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {}); // a client that vanishes mid-handshake is not an error of ours
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    // the audit event's view of the exchange: 101 once upgraded, the error's code otherwise; complete on close
    const exchange = Object.assign(new EventEmitter(), { statusCode: 101 });
    socket.once('close', () => exchange.emit('close'));
    const audit = ctx.auditor?.start(req, exchange as unknown as ServerResponse);
    route(ctx, authenticate, serveHttp, req, socket, head, audit).catch((e: unknown) => {
      if (upgraded.has(socket)) {
        if (!isApiError(e)) console.error('berth: streaming session failed', req.method, req.url, e);
        socket.destroy();
        return;
      }
      const err = isApiError(e) ? e : errInternal(e);
      if (!isApiError(e)) console.error('berth: internal error', req.method, req.url, e);
      exchange.statusCode = err.code;
      writeStatus(responseOn(req, socket), err);
    });
  };
  return {
    listener,
    closeAll() {
      for (const s of open) s.destroy();
      open.clear();
    },
  };
}

async function route(
  ctx: ServerContext, authenticate: Authenticate, serveHttp: (req: IncomingMessage, res: ServerResponse) => void, req: IncomingMessage, socket: Duplex, head: Buffer,
  audit?: RequestAudit,
): Promise<void> {
  const { path, query } = requestPath(req.url);
  const method = req.method ?? 'GET';
  const info = parseRequestInfo(method, path, query);
  const def = info.isResourceRequest ? ctx.registry.lookup(info.group, info.version, info.resource) : undefined;
  const handler = def ? ctx.upgrades.get(subresourceKey(def.group, def.resource, info.subresource)) : undefined;
  if (!handler && (method === 'GET' || method === 'HEAD')) {
    serveHttp(req, responseOn(req, socket));
    return;
  }
  let authenticated: UserInfo | undefined;
  try {
    authenticated = await authenticate(req);
  } catch (e) {
    audit?.unauthenticated(info);
    throw e;
  }
  // without credentials: the anonymous user, whom the authorizer judges (no authorizer: refused)
  if (!authenticated && !ctx.authorizer) throw errUnauthorized();
  let user: UserInfo = authenticated ?? anonymousUser();
  try {
    if (authenticated) user = await impersonatedUser(req, authenticated, ctx.authorizer);
  } catch (e) {
    if (!(e instanceof ImpersonationHeaderError)) throw e;
    return writePlainError(req, socket, 500, `Internal Server Error: ${JSON.stringify(req.url ?? '')}: ${e.message}`);
  }
  if (!handler) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
  audit?.identify(authenticated, user, info);
  audit?.authorized(await authorize(ctx, user, info, audit));
  if (socket instanceof Object && 'setKeepAlive' in socket) (socket as Socket).setKeepAlive(true, 30_000);
  await handler(ctx, req, socket, head, info, query, user);
}

/** Marks a socket as taken over: errors after this point close it instead of answering a Status. */
export function markUpgraded(socket: Duplex): void {
  upgraded.add(socket);
}

/** Whether a handler took the socket over (then an error closes it rather than being answered). */
export function isUpgraded(socket: Duplex): boolean {
  return upgraded.has(socket);
}

/** A ServerResponse on an upgrade request's socket, for answering it without upgrading (then closing it). */
export function responseOn(req: IncomingMessage, socket: Duplex): ServerResponse {
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.once('finish', () => {
    res.detachSocket(socket as Socket);
    socket.end();
    // A client that never reads our answer must not keep the socket.
    setTimeout(() => socket.destroy(), 5000).unref();
  });
  return res;
}

/** A plain-text error before the upgrade, as the kubelet writes its own (kubectl: `unable to upgrade connection: …`). */
export function writePlainError(req: IncomingMessage, socket: Duplex, code: number, text: string, headers: Record<string, string> = {}): void {
  const res = responseOn(req, socket);
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

export function isWebSocketRequest(req: IncomingMessage): boolean {
  return /\bupgrade\b/i.test(String(req.headers.connection ?? '')) && String(req.headers.upgrade ?? '').toLowerCase().includes('websocket');
}

export function isSpdyRequest(req: IncomingMessage): boolean {
  return /\bupgrade\b/i.test(String(req.headers.connection ?? '')) && String(req.headers.upgrade ?? '').toLowerCase().includes('spdy/3.1');
}
