// remotecommand over SPDY/3.1 (kubelet cri/streaming/remotecommand/httpstream.go): the protocol is negotiated from
// X-Stream-Protocol-Version (v4 answers v5 offers: v5 over SPDY is v4), the 101 is written by hand, then the client
// opens its streams — error, stdin, stdout, stderr, resize as asked — and the session runs once all of them arrived.
// v4 reports the result as Status JSON on the error stream; v1–v3 write the failure message as text.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SpdyHeaders } from '../../apimachinery/httpstream/spdy-frames.js';
import { SpdySession, SpdyStream } from '../../apimachinery/httpstream/spdy-session.js';
import {
  parseTerminalSize, STREAM_PROTOCOL_V1, STREAM_PROTOCOL_V2, STREAM_PROTOCOL_V3, STREAM_PROTOCOL_V4, STREAM_PROTOCOL_V5,
  STREAM_TYPE_HEADER, StreamStatus,
} from '../../apimachinery/remotecommand.js';
import { markUpgraded, writePlainError } from '../upgrade.js';
import { CommandChannels, RemoteCommandOptions, ResizeFeed } from './remotecommand.js';

/** Server preference; v5 is served by the v4 handler. */
const SUPPORTED = [STREAM_PROTOCOL_V4, STREAM_PROTOCOL_V3, STREAM_PROTOCOL_V2, STREAM_PROTOCOL_V1];
/** How long the client has to open its streams (streamCreationTimeout). */
export const STREAM_CREATION_TIMEOUT_MS = 30_000;
/** After the status is sent, how long the client has to close the connection. */
const CLOSE_GRACE_MS = 10_000;

/** Header values the client sent on one or several lines (Node joins repeated headers with ", "). */
export function headerValues(req: IncomingMessage, name: string): string[] {
  const raw = req.headers[name];
  const text = Array.isArray(raw) ? raw.join(',') : raw ?? '';
  return text.split(',').map((p) => p.trim()).filter(Boolean);
}

/**
 * httpstream.Handshake: the first server protocol the client offers; '' when the client offered none (v1); undefined
 * (after answering 403 with the accepted versions) when nothing matches.
 */
export function negotiate(req: IncomingMessage, socket: Duplex, supported: string[], aliases: Record<string, string> = {}): string | undefined {
  const offered = headerValues(req, 'x-stream-protocol-version');
  if (offered.length === 0) return '';
  for (const p of supported) if (offered.includes(p)) return p;
  for (const [alias, p] of Object.entries(aliases)) if (offered.includes(alias)) return p;
  writePlainError(req, socket, 403,
    `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${supported.join(' ')}]`,
    { 'X-Accepted-Stream-Protocol-Versions': supported.join(', ') });
  return undefined;
}

/** Writes the 101 by hand and starts a server session on the socket (`head`: bytes that came with the request). */
export function upgradeToSpdy(socket: Duplex, head: Buffer, protocol: string, accept?: (headers: SpdyHeaders) => boolean): SpdySession {
  markUpgraded(socket);
  const lines = ['HTTP/1.1 101 Switching Protocols', 'Connection: Upgrade', 'Upgrade: SPDY/3.1'];
  if (protocol) lines.push(`X-Stream-Protocol-Version: ${protocol}`);
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  if (head.length) socket.unshift(head);
  return new SpdySession(socket, { role: 'server', accept });
}

export async function serveSpdyCommand(req: IncomingMessage, socket: Duplex, head: Buffer, opts: RemoteCommandOptions, run: (ch: CommandChannels) => Promise<void>): Promise<void> {
  const protocol = negotiate(req, socket, SUPPORTED, { [STREAM_PROTOCOL_V5]: STREAM_PROTOCOL_V4 });
  if (protocol === undefined) return;
  const version = protocol === STREAM_PROTOCOL_V4 ? 4 : protocol === STREAM_PROTOCOL_V3 ? 3 : protocol === STREAM_PROTOCOL_V2 ? 2 : 1;
  const session = upgradeToSpdy(socket, head, protocol);
  const ac = new AbortController();
  let finished = false;
  session.once('close', () => {
    if (!finished) ac.abort();
  });

  const wanted = new Set(['error']);
  if (opts.stdin) wanted.add('stdin');
  if (opts.stdout) wanted.add('stdout');
  if (opts.stderr) wanted.add('stderr');
  if (opts.tty && version >= 3) wanted.add('resize');
  const streams = new Map<string, SpdyStream>();
  const resizes = new ResizeFeed();
  const ready = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), STREAM_CREATION_TIMEOUT_MS);
    session.once('close', () => {
      clearTimeout(timer);
      resolve(false);
    });
    session.on('stream', (stream: SpdyStream) => {
      stream.on('error', () => {});
      const type = stream.header(STREAM_TYPE_HEADER) ?? '';
      if (!wanted.has(type) || streams.has(type)) {
        // Unknown or repeated stream types: upstream logs and ignores them (the stream stays unused).
        stream.resume();
        return;
      }
      streams.set(type, stream);
      if (type === 'resize') readResizes(stream, resizes);
      if (type === 'error' || type === 'resize') stream.resume();
      if (streams.size === wanted.size) {
        clearTimeout(timer);
        resolve(true);
      }
    });
  });
  if (!(await ready)) {
    session.destroy();
    return;
  }
  const errorStream = streams.get('error')!;
  await run({
    stdin: streams.get('stdin'),
    stdout: streams.get('stdout'),
    stderr: streams.get('stderr'),
    resizes,
    signal: ac.signal,
    finish: async (status: StreamStatus) => {
      finished = true;
      if (version >= 4) errorStream.write(JSON.stringify(status));
      else if (status.status !== 'Success') errorStream.write(status.message ?? '');
      errorStream.end();
      session.close();
      setTimeout(() => session.destroy(), CLOSE_GRACE_MS).unref();
    },
  });
  if (ac.signal.aborted) session.destroy();
}

/** The resize stream: JSON TerminalSize objects, one per line. */
function readResizes(stream: SpdyStream, feed: ResizeFeed): void {
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    text += chunk;
    if (text.length > 64 * 1024) text = ''; // never a size: drop it
    let nl: number;
    while ((nl = text.indexOf('\n')) >= 0) {
      const size = parseTerminalSize(text.slice(0, nl));
      text = text.slice(nl + 1);
      if (size) feed.push(size);
    }
  });
  stream.on('end', () => {
    const size = text.trim() ? parseTerminalSize(text) : undefined;
    if (size) feed.push(size);
  });
}
