// exec, attach and port-forward from the client toolkit (client-go's tools/remotecommand and tools/portforward).
// Over the network: exec and attach speak WebSocket `v5.channel.k8s.io` (as kubectl ≥ 1.30), port-forward SPDY/3.1
// `portforward.k8s.io` (the `ws` client cannot ask for the tunnel's `SPDY/3.1+portforward.k8s.io` subprotocol).
// In-process (Berth's own components): the transport hands the streams to the API server directly.
import { request as httpsRequest } from 'node:https';
import { PassThrough, Readable, type Duplex, type Writable } from 'node:stream';
import WebSocket from 'ws';
import { ApiError } from '../apimachinery/errors.js';
import { SpdySession } from '../apimachinery/httpstream/spdy-session.js';
import {
  Channel, CLOSE_CHANNEL, exitCodeOf, PORT_FORWARD_PROTOCOL_V1, STREAM_PROTOCOL_V5, StreamStatus, terminalSizeJson, type TerminalSize,
} from '../apimachinery/remotecommand.js';
import { decodeError, statusToError, type DirectConnection, type SessionStreams, type Transport } from './http.js';

/** Runs an exec/attach session on whatever the transport offers; resolves with the exit code. */
export async function remoteCommand(transport: Transport, path: string, streams: SessionStreams): Promise<number> {
  if (transport.streaming) return (await transport.streaming.remoteCommand(path, streams)).exitCode;
  if (!transport.direct) throw new Error('this transport can neither upgrade connections nor reach the API server in-process');
  return webSocketCommand(transport.direct(), path, streams);
}

/** The socket `conn.dial` opens, as Node's http.request takes a connection it did not open itself. */
function dialOption(conn: DirectConnection): { createConnection?: (opts: unknown, done: (err: Error | null, socket?: Duplex) => void) => undefined } {
  const dial = conn.dial;
  if (!dial) return {};
  return { createConnection: (_opts, done) => void dial.call(conn).then((s) => done(null, s), (e: Error) => done(e)) };
}

/** A connection to `port` of the pod at `path` (…/pods/{name}/portforward). */
export async function portForward(transport: Transport, path: string, port: number, signal: AbortSignal): Promise<Duplex> {
  if (transport.streaming) return transport.streaming.portForward(path, port, signal);
  if (!transport.direct) throw new Error('this transport can neither upgrade connections nor reach the API server in-process');
  return spdyPortForward(transport.direct(), path, port, signal);
}

/** The v5 channel protocol: stdin 0, stdout 1, stderr 2, the Status on 3, resize 4; `[255, 0]` closes stdin. */
export async function webSocketCommand(conn: DirectConnection, path: string, streams: SessionStreams): Promise<number> {
  const url = conn.origin.replace(/^http/, 'ws') + path;
  const ws = new WebSocket(url, [STREAM_PROTOCOL_V5], { ...conn.tls, ...dialOption(conn), headers: conn.headers, perMessageDeflate: false } as WebSocket.ClientOptions);
  const abort = () => ws.terminate();
  streams.signal.addEventListener('abort', abort, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => reject(decodeError(res.statusCode ?? 500, Buffer.concat(chunks).toString('utf8'))));
        res.on('error', reject);
      });
    });
    if (ws.protocol !== STREAM_PROTOCOL_V5) throw new Error(`the server chose the subprotocol "${ws.protocol}", not ${STREAM_PROTOCOL_V5}`);
    const status = await new Promise<string>((resolve, reject) => {
      let statusText = '';
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (!isBinary || data.length === 0) return;
        const payload = data.subarray(1);
        if (data[0] === Channel.stdout) write(streams.stdout, payload, ws);
        else if (data[0] === Channel.stderr) write(streams.stderr, payload, ws);
        else if (data[0] === Channel.error) statusText += payload.toString('utf8');
      });
      ws.once('close', () => resolve(statusText));
      ws.once('error', reject);
      if (streams.stdin) {
        const stdin = streams.stdin;
        stdin.on('data', (d: Buffer) => {
          ws.send(Buffer.concat([Buffer.from([Channel.stdin]), Buffer.from(d)]));
          if (ws.bufferedAmount > 256 * 1024) {
            stdin.pause();
            const resume = () => (ws.bufferedAmount > 64 * 1024 && ws.readyState === ws.OPEN ? setTimeout(resume, 5) : stdin.resume());
            setTimeout(resume, 5);
          }
        });
        stdin.once('end', () => {
          if (ws.readyState === ws.OPEN) ws.send(Buffer.from([CLOSE_CHANNEL, Channel.stdin]));
        });
      }
      streams.onResize?.((size: TerminalSize) => {
        if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([Channel.resize]), Buffer.from(terminalSizeJson(size))]));
      });
    });
    if (streams.signal.aborted) throw streams.signal.reason;
    if (!status) return 0;
    const parsed = JSON.parse(status) as StreamStatus;
    const code = exitCodeOf(parsed);
    if (code === undefined) throw statusToError({ ...parsed, kind: 'Status', apiVersion: 'v1', code: parsed.code ?? 500 });
    return code;
  } finally {
    streams.signal.removeEventListener('abort', abort);
    streams.stdin?.removeAllListeners('data');
  }
}

/** Output with the server held back while the local writer is full. */
function write(out: Writable | undefined, data: Buffer, ws: WebSocket): void {
  if (!out || !data.length) return;
  if (!out.write(data)) {
    ws.pause();
    out.once('drain', () => ws.resume());
  }
}

let requestIds = 0;

/** A SPDY session of its own for one forwarded connection: its error and data streams, as kubectl opens them. */
export async function spdyPortForward(conn: DirectConnection, path: string, port: number, signal: AbortSignal): Promise<Duplex> {
  const socket = await new Promise<Duplex>((resolve, reject) => {
    const url = new URL(conn.origin + path);
    const req = httpsRequest(url, {
      method: 'POST', ...conn.tls, ...(dialOption(conn) as object),
      headers: { ...conn.headers, Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': PORT_FORWARD_PROTOCOL_V1, 'Content-Length': '0' },
      signal,
    });
    req.once('upgrade', (_res, sock, head) => {
      if (head.length) sock.unshift(head);
      resolve(sock);
    });
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => reject(decodeError(res.statusCode ?? 500, Buffer.concat(chunks).toString('utf8'))));
    });
    req.once('error', reject);
    req.end();
  });
  const session = new SpdySession(socket, { role: 'client' });
  const requestID = String(requestIds++);
  const headers = { streamType: 'error', port: String(port), requestID };
  const error = await session.openStream(headers);
  error.end();
  const data = await session.openStream({ ...headers, streamType: 'data' });
  // What the error stream says becomes the connection's error; the session ends with the data stream.
  let message = '';
  error.on('data', (d: Buffer) => { message += d.toString('utf8'); });
  error.on('end', () => {
    if (message) data.destroy(new ApiError(500, 'InternalError', `an error occurred forwarding ${port}: ${message}`));
  });
  error.on('error', () => {});
  data.once('close', () => session.close());
  signal.addEventListener('abort', () => session.destroy(), { once: true });
  return data;
}

/** A Readable of a string or Buffer for stdin, or the stream itself. */
export function stdinStream(input: string | Buffer | Readable | undefined): Readable | undefined {
  if (input === undefined) return undefined;
  if (typeof input === 'string' || Buffer.isBuffer(input)) {
    const s = new PassThrough();
    s.end(input);
    return s;
  }
  return input;
}
