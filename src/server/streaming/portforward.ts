// pods/portforward (kubelet cri/streaming/portforward/{httpstream,websocket}.go, apiserver util/proxy/streamtunnel.go).
// Three ways in:
// - SPDY `portforward.k8s.io` (kubectl ≤ 1.30): per forwarded connection the client opens an `error` and a `data`
//   stream carrying `port` and `requestID`; once both arrived, the kubelet's connection to the port is piped to the
//   data stream, and a failure is written to the error stream (`error forwarding port …`).
// - WebSocket `SPDY/3.1+portforward.k8s.io` (kubectl ≥ 1.31): the same SPDY session inside binary messages.
// - WebSocket channels with `?ports=` (the kubelet's own WebSocket port-forward, used by other clients): per port a
//   data channel 2i and an error channel 2i+1, each first carrying the port as a little-endian uint16.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketDuplex } from '../../apimachinery/httpstream/ws-duplex.js';
import { SpdySession, SpdyStream } from '../../apimachinery/httpstream/spdy-session.js';
import {
  PORT_FORWARD_PROTOCOL_V1, PORT_FORWARD_REQUEST_ID_HEADER, PORT_FORWARD_TUNNEL_PROTOCOL, PORT_HEADER, STREAM_PROTOCOL_V4,
  STREAM_TYPE_HEADER, WS_BASE64_PROTOCOL_V4,
} from '../../apimachinery/remotecommand.js';
import type { SpdyHeaders } from '../../apimachinery/httpstream/spdy-frames.js';
import type { KubeletApi, PodRef } from '../../component/kubelet-api.js';
import type { UpgradeHandler } from '../context.js';
import { isSpdyRequest, isWebSocketRequest, markUpgraded, writePlainError } from '../upgrade.js';
import { boundNode, getPod, localKubelet, podRef } from './pod-target.js';
import { kubeletStreamPath, proxyUpgradeToKubelet } from './remote-kubelet.js';
import { missingUpgradeHeaders } from './remotecommand.js';
import { negotiate, STREAM_CREATION_TIMEOUT_MS, upgradeToSpdy } from './remotecommand-spdy.js';
import { ChannelSender } from './remotecommand-ws.js';
import { acceptWebSocket, offeredProtocols } from './ws-server.js';

/** Stream pairs waiting for their partner on one connection; more are refused. */
const MAX_PENDING_PAIRS = 1000;

export const portForwardUpgrade: UpgradeHandler = async (ctx, req, socket, head, info, query) => {
  const pod = await getPod(ctx, info.namespace, info.name);
  const node = boundNode(pod);
  const kubelet = localKubelet(ctx, node);
  if (!kubelet) return proxyUpgradeToKubelet(ctx, node, kubeletStreamPath('portforward', pod), query, req, socket, head);
  return servePortForward(kubelet, podRef(pod), req, socket, head, query);
};

/** The kubelet's side of port-forward (in-process node, or the node agent's kubelet server): SPDY or WebSocket. */
export async function servePortForward(kubelet: KubeletApi, ref: PodRef, req: IncomingMessage, socket: Duplex, head: Buffer, query: URLSearchParams): Promise<void> {
  await kubelet.prepare?.({ kind: 'portforward', pod: ref });
  if (isWebSocketRequest(req)) {
    const offered = offeredProtocols(req);
    if (offered.includes(PORT_FORWARD_TUNNEL_PROTOCOL)) {
      const ws = await acceptWebSocket(req, socket, head, PORT_FORWARD_TUNNEL_PROTOCOL);
      markUpgraded(socket);
      const session = new SpdySession(new WebSocketDuplex(ws), { role: 'server', accept: acceptPortForwardStream });
      return servePortForwardSession(session, kubelet, ref);
    }
    return serveWebSocketPorts(req, socket, head, query, kubelet, ref);
  }
  if (isSpdyRequest(req)) {
    const protocol = negotiate(req, socket, [PORT_FORWARD_PROTOCOL_V1]);
    if (protocol === undefined) return;
    const session = upgradeToSpdy(socket, head, protocol, acceptPortForwardStream);
    return servePortForwardSession(session, kubelet, ref);
  }
  return missingUpgradeHeaders(req, socket);
}

/** httpStreamReceived: a stream needs a valid port and a stream type of error or data, or it is refused. */
export function acceptPortForwardStream(headers: SpdyHeaders): boolean {
  const port = headers[PORT_HEADER]?.[0] ?? '';
  if (!/^\d+$/.test(port) || +port < 1 || +port > 65535) return false;
  const type = headers[STREAM_TYPE_HEADER]?.[0];
  return type === 'error' || type === 'data';
}

interface Pair {
  error?: SpdyStream;
  data?: SpdyStream;
  timer: NodeJS.Timeout;
}

/** Pairs streams by request id and forwards each complete pair until the connection closes. */
export function servePortForwardSession(session: SpdySession, kubelet: KubeletApi, pod: PodRef): Promise<void> {
  const pairs = new Map<string, Pair>();
  const connectionGone = new AbortController();
  session.on('stream', (stream: SpdyStream) => {
    stream.on('error', () => {});
    const type = stream.header(STREAM_TYPE_HEADER)!;
    // Old clients send no request id: pair by stream id (error = n, data = n + 2), as the kubelet does.
    const id = stream.header(PORT_FORWARD_REQUEST_ID_HEADER) ?? String(type === 'error' ? stream.id : stream.id - 2);
    let pair = pairs.get(id);
    if (!pair) {
      if (pairs.size >= MAX_PENDING_PAIRS) {
        stream.reset();
        return;
      }
      const created: Pair = {
        timer: setTimeout(() => {
          pairs.delete(id);
          created.error?.end(`timed out waiting for streams for request ${id}`);
          created.data?.reset();
        }, STREAM_CREATION_TIMEOUT_MS),
      };
      pair = created;
      pairs.set(id, pair);
    }
    if (pair[type as 'error' | 'data']) {
      stream.end(`error processing stream for request ${id}: ${type} stream already assigned`);
      return;
    }
    pair[type as 'error' | 'data'] = stream;
    if (type === 'error') stream.resume(); // the client half-closes it at once; nothing comes on it
    if (pair.error && pair.data) {
      clearTimeout(pair.timer);
      pairs.delete(id);
      void forward(kubelet, pod, Number(stream.header(PORT_HEADER)), pair.data, pair.error, connectionGone.signal);
    }
  });
  return new Promise((resolve) => {
    session.once('close', () => {
      connectionGone.abort();
      for (const p of pairs.values()) clearTimeout(p.timer);
      pairs.clear();
      resolve();
    });
    // The client said goodbye and nothing is left: close our side too.
    session.on('idle', () => session.close());
  });
}

/** Errors that only say a stream was torn down (by us, or as the other side finished), not that forwarding failed. */
const TEARDOWN = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ABORT_ERR', 'ERR_STREAM_DESTROYED', 'EPIPE']);

/**
 * One forwarded connection: the data stream and the pod's port piped both ways until both directions ended or one
 * side went away; a failure to connect, or an error while data still flows, is written to the error stream (as the
 * kubelet reports containerd's PortForward error).
 */
async function forward(kubelet: KubeletApi, pod: PodRef, port: number, data: SpdyStream, error: SpdyStream, connectionGone: AbortSignal): Promise<void> {
  const ac = new AbortController();
  const abort = () => ac.abort();
  connectionGone.addEventListener('abort', abort, { once: true });
  if (connectionGone.aborted) abort();
  data.once('close', abort);
  const report = (e: unknown) => {
    const message = `error forwarding port ${port} to pod ${pod.namespace}/${pod.name}, uid ${pod.uid}: ${e instanceof Error ? e.message : String(e)}`;
    if (!error.destroyed && !error.writableEnded) error.end(message);
  };
  try {
    let conn: Duplex;
    try {
      conn = await kubelet.portForward(pod, port, ac.signal);
    } catch (e) {
      report(e);
      if (!data.destroyed) data.end();
      return;
    }
    await new Promise<void>((resolve) => {
      let ending = false;
      const done = () => {
        conn.destroy();
        if (!error.destroyed && !error.writableEnded) error.end();
        resolve();
      };
      conn.on('error', (e: NodeJS.ErrnoException) => {
        if (!ending && !ac.signal.aborted && !TEARDOWN.has(e.code ?? '')) report(e);
        if (!data.destroyed) data.end();
        done();
      });
      if (ac.signal.aborted) return done();
      // Once either direction finished, the connection is winding down: errors are teardown, not failures.
      conn.once('end', () => { ending = true; });
      data.once('end', () => { ending = true; });
      // Client half-closed: half-close towards the pod. Pod side ended: close the data stream (kubectl then resets it).
      data.pipe(conn);
      conn.pipe(data);
      conn.once('close', done);
      data.once('close', done);
      ac.signal.addEventListener('abort', done, { once: true });
    });
  } finally {
    connectionGone.removeEventListener('abort', abort);
  }
}

/** The kubelet's WebSocket port-forward: `?ports=80,443`, channels 2i (data) and 2i+1 (error) per port. */
async function serveWebSocketPorts(req: IncomingMessage, socket: Duplex, head: Buffer, query: URLSearchParams, kubelet: KubeletApi, pod: PodRef): Promise<void> {
  const ports = query.getAll('ports').flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
  const bad = ports.find((p) => !/^\d+$/.test(p) || +p < 1 || +p > 65535);
  if (ports.length === 0 || bad !== undefined) {
    return writePlainError(req, socket, 400, ports.length === 0 ? 'query parameter "port" is required' : `unable to parse "${bad}" as a port`);
  }
  const offered = offeredProtocols(req);
  const protocol = offered.length === 0 ? '' : offered.find((p) => p === STREAM_PROTOCOL_V4 || p === WS_BASE64_PROTOCOL_V4);
  if (protocol === undefined) return writePlainError(req, socket, 400, `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}]`);
  const ws = await acceptWebSocket(req, socket, head, protocol);
  markUpgraded(socket);
  ws.on('error', () => {});
  const sender = new ChannelSender(ws, protocol);
  const ac = new AbortController();
  ws.once('close', () => ac.abort());
  const conns: (Duplex | undefined)[] = [];
  // What a client sends before its port's connection is up (clients write at once) waits here, in order.
  const early: Buffer[][] = ports.map(() => []);
  ws.on('message', (raw: Buffer, isBinary: boolean) => {
    let msg = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
    if (sender.base64 && !isBinary) msg = Buffer.concat([Buffer.from([msg[0] - 0x30]), Buffer.from(msg.subarray(1).toString('latin1'), 'base64')]);
    const channel = msg[0];
    if (channel % 2 !== 0 || channel / 2 >= ports.length || msg.length <= 1) return;
    const conn = conns[channel / 2];
    if (!conn) {
      early[channel / 2]!.push(msg.subarray(1));
      return;
    }
    if (!conn.write(msg.subarray(1))) {
      ws.pause();
      conn.once('drain', () => ws.resume());
    }
  });
  await Promise.all(ports.map(async (p, i) => {
    const port = Number(p);
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16LE(port);
    sender.send(2 * i, prefix);
    sender.send(2 * i + 1, prefix);
    try {
      const conn = await kubelet.portForward(pod, port, ac.signal);
      for (const chunk of early[i]!.splice(0)) conn.write(chunk);
      conns[i] = conn;
      conn.on('error', (e: NodeJS.ErrnoException) => {
        if (!ac.signal.aborted && !TEARDOWN.has(e.code ?? '')) sender.send(2 * i + 1, Buffer.from(`error forwarding port ${port} to pod ${pod.name}: ${e.message}`));
      });
      const out = sender.writer(2 * i);
      conn.pipe(out);
      await new Promise<void>((resolve) => {
        conn.once('close', resolve);
        ac.signal.addEventListener('abort', () => {
          conn.destroy();
          resolve();
        }, { once: true });
      });
    } catch (e) {
      sender.send(2 * i + 1, Buffer.from(`error forwarding port ${port} to pod ${pod.name}: ${e instanceof Error ? e.message : String(e)}`));
    }
  }));
  ws.close(1000);
}
