// The HTTPS port: HTTP/2 and HTTP/1.1 on one listener, negotiated by ALPN (h2, http/1.1), as kube-apiserver serves
// them. client-go prefers HTTP/2 and multiplexes its watches over one connection; SPDY and WebSocket upgrades
// (kubectl exec, attach, port-forward) are HTTP/1.1 requests with an Upgrade header and reach the server's
// `upgrade` event exactly as on a plain HTTPS server. Both protocols call the same request handler (Node's
// compatibility API gives HTTP/2 requests the IncomingMessage/ServerResponse shape).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSecureServer, type Http2SecureServer, type Http2Session } from 'node:http2';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface HttpsServerOptions {
  key: string;
  cert: string;
  /** CA for client certificates (requested, verified by authentication rather than by TLS). */
  ca: string;
}

/** Go's http2 default (kube-apiserver's --http2-max-streams-per-connection unset). */
const MAX_CONCURRENT_STREAMS = 250;

/**
 * TLS 1.2 suites as upstream's secure defaults (ECDHE with AEAD ciphers: AES-GCM, ChaCha20-Poly1305; no CBC-SHA1,
 * no RSA key exchange), TLS 1.3 suites as Go offers them; TLS 1.2 is the minimum.
 */
export const TLS_CIPHERS = [
  'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/**
 * HTTP/2 rapid reset (CVE-2023-44487): nghttp2's limit on incoming RST_STREAM frames (a burst, then a rate per
 * second) ends a session that opens and cancels streams faster, and sessions that keep sending refused streams or
 * invalid frames are ended too.
 */
const H2_ABUSE_LIMITS = { streamResetBurst: 1000, streamResetRate: 33, maxSessionRejectedStreams: 100, maxSessionInvalidFrames: 1000 };

export interface HttpsServer {
  server: Http2SecureServer;
  /** Ends every connection at once (HTTP/2 sessions and HTTP/1.1 sockets, upgraded ones too). */
  closeAllConnections(): void;
}

export function createHttpsServer(opts: HttpsServerOptions, handler: (req: IncomingMessage, res: ServerResponse) => void): HttpsServer {
  const server = createSecureServer({
    key: opts.key, cert: opts.cert, ca: opts.ca, requestCert: true, rejectUnauthorized: false,
    allowHTTP1: true, settings: { maxConcurrentStreams: MAX_CONCURRENT_STREAMS },
    minVersion: 'TLSv1.2', ciphers: TLS_CIPHERS, honorCipherOrder: true, ...H2_ABUSE_LIMITS,
  }, handler as unknown as Parameters<typeof createSecureServer>[1]);
  // HTTP/1.1 keep-alive (the http module reads these from the server for connections it takes over).
  (server as unknown as { keepAliveTimeout: number }).keepAliveTimeout = 65_000;
  const sockets = new Set<Socket>();
  const sessions = new Set<Http2Session>();
  // HTTP/1.1 keep-alive: Node's HTTP/1 server lets its parser read a TLS socket natively, and when a request arrives
  // while the previous response still waits to drain it pauses the parser but not that native read — the next chunk
  // of the body then fails with "Parse Error: Paused" and the connection is dropped (30-100 KB PATCHes on a reused
  // connection lost 2-50%). Marked as consumed before the HTTP/1 listener runs, the socket is read through 'data'
  // events, which pausing does stop. HTTP/2 sessions keep the native read.
  server.prependListener('secureConnection', (socket: TLSSocket) => {
    const handle = (socket as unknown as { _handle?: { _consumed?: boolean } })._handle;
    if (handle && socket.alpnProtocol !== 'h2') handle._consumed = true;
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  return {
    server,
    closeAllConnections() {
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
    },
  };
}
