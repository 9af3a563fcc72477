// WebSocket upgrades for pods/exec, attach and portforward, on `ws` without a server of its own (noServer,
// handleUpgrade). The subprotocol is chosen per request. `ws` refuses `SPDY/3.1+portforward.k8s.io` (a `/` is not
// an HTTP token character) with a 400, which would silently send kubectl back to plain SPDY; so for the tunnel the
// request's Sec-WebSocket-Protocol header is taken out before the handshake and the chosen protocol put back into
// the 101 through the `headers` event (../shared/notes/process-runtime.md §1.8).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';

let wss: WebSocketServer | undefined;
/** The protocol each request ends up with, chosen before the handshake. */
const chosen = new WeakMap<IncomingMessage, string>();
/** Requests whose protocol header was taken out (the tunnel): the 101 gets it from `chosen`. */
const reinstated = new WeakSet<IncomingMessage>();

/** Largest message accepted from a client (stdin, port-forward data arrive in pieces far smaller). */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

function server(): WebSocketServer {
  if (wss) return wss;
  wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    clientTracking: false,
    maxPayload: MAX_MESSAGE_BYTES,
    handleProtocols: (_offered, req) => chosen.get(req) ?? false,
  });
  wss.on('headers', (headers, req) => {
    if (reinstated.has(req)) headers.push(`Sec-WebSocket-Protocol: ${chosen.get(req)}`);
  });
  return wss;
}

/** The subprotocols a WebSocket request offers, in its order. */
export function offeredProtocols(req: IncomingMessage): string[] {
  const raw = req.headers['sec-websocket-protocol'];
  const text = Array.isArray(raw) ? raw.join(',') : raw ?? '';
  return text.split(',').map((p) => p.trim()).filter(Boolean);
}

/**
 * Completes the handshake with `protocol` as the negotiated subprotocol ('' for none). Resolves once the client
 * has its 101; the caller owns the WebSocket from then on.
 */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string): Promise<WebSocket> {
  const s = server();
  if (protocol) chosen.set(req, protocol);
  if (protocol && !isToken(protocol)) {
    delete req.headers['sec-websocket-protocol'];
    reinstated.add(req);
  }
  return new Promise((resolve, reject) => {
    // `ws` answers a bad handshake (no key, wrong version) itself and closes the socket without calling back.
    const failed = () => reject(Object.assign(new Error('WebSocket handshake failed'), { handshake: true }));
    socket.once('close', failed);
    s.handleUpgrade(req, socket, head, (ws) => {
      socket.off('close', failed);
      resolve(ws);
    });
  });
}

/** RFC 7230 token characters: what `ws` accepts in a subprotocol. */
function isToken(s: string): boolean {
  return /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(s);
}
