// remotecommand over WebSocket channels (apiserver util/proxy/streamtranslator.go for v5.channel.k8s.io, which
// kubectl ≥ 1.30 uses; the kubelet's wsstream for v4/v1 and their base64 forms, which other clients use). Every
// message starts with its channel: 0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize; base64 protocols use the ASCII
// digit and a base64 payload. v5 adds `[255, channel]`, which closes a channel (stdin EOF). After the handshake one
// empty message goes out on the lowest writable channel; at the end the Status goes to channel 3 and the
// connection closes normally.
import type { IncomingMessage } from 'node:http';
import { Readable, Writable, type Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import {
  Channel, CLOSE_CHANNEL, parseTerminalSize, STREAM_PROTOCOL_V1, STREAM_PROTOCOL_V4, STREAM_PROTOCOL_V5, StreamStatus,
  WS_BASE64_PROTOCOL_V1, WS_BASE64_PROTOCOL_V4,
} from '../../apimachinery/remotecommand.js';
import { markUpgraded, writePlainError } from '../upgrade.js';
import { CommandChannels, RemoteCommandOptions, ResizeFeed } from './remotecommand.js';
import { acceptWebSocket, offeredProtocols } from './ws-server.js';

const CHANNEL_PROTOCOLS = [STREAM_PROTOCOL_V5, STREAM_PROTOCOL_V4, WS_BASE64_PROTOCOL_V4, STREAM_PROTOCOL_V1, WS_BASE64_PROTOCOL_V1];
/** Bytes queued on the connection before output channel writes wait. */
const HIGH_WATER = 256 * 1024;
/** Output is sent in messages of at most this size. */
const MAX_MESSAGE = 32 * 1024;
const CLOSE_GRACE_MS = 10_000;

/** v5 when offered (the API server's stream translator takes those), else the client's first supported protocol. */
export function pickChannelProtocol(offered: string[]): string | undefined {
  if (offered.includes(STREAM_PROTOCOL_V5)) return STREAM_PROTOCOL_V5;
  if (offered.length === 0) return '';
  return offered.find((p) => CHANNEL_PROTOCOLS.includes(p));
}

/** Sends channel messages over a WebSocket in the negotiated encoding. */
export class ChannelSender {
  readonly base64: boolean;

  constructor(readonly ws: WebSocket, protocol: string) {
    this.base64 = protocol.includes('base64');
  }

  send(channel: number, data: Buffer, cb?: (err?: Error) => void): void {
    if (this.base64) this.ws.send(String.fromCharCode(0x30 + channel) + data.toString('base64'), cb);
    else this.ws.send(Buffer.concat([Buffer.from([channel]), data]), { binary: true }, cb);
  }

  /** A Writable for one output channel, with the connection's backpressure. */
  writer(channel: number): Writable {
    const w = new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        if (this.ws.readyState !== this.ws.OPEN) return cb(Object.assign(new Error('the WebSocket is closed'), { code: 'ERR_STREAM_DESTROYED' }));
        let waiting = false;
        for (let off = 0; off < chunk.length; off += MAX_MESSAGE) {
          const last = off + MAX_MESSAGE >= chunk.length;
          this.send(channel, chunk.subarray(off, off + MAX_MESSAGE), last ? (err) => { if (waiting) cb(err); } : undefined);
        }
        if (this.ws.bufferedAmount < HIGH_WATER) cb();
        else waiting = true;
      },
    });
    // Writes after the client left fail; that is the client's leaving, already handled through the session.
    w.on('error', () => {});
    return w;
  }
}

export async function serveWebSocketCommand(req: IncomingMessage, socket: Duplex, head: Buffer, opts: RemoteCommandOptions, run: (ch: CommandChannels) => Promise<void>): Promise<void> {
  const offered = offeredProtocols(req);
  const protocol = pickChannelProtocol(offered);
  if (protocol === undefined) {
    return writePlainError(req, socket, 400, `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${CHANNEL_PROTOCOLS.join(' ')}]`);
  }
  const ws = await acceptWebSocket(req, socket, head, protocol);
  markUpgraded(socket);
  const sender = new ChannelSender(ws, protocol);
  const v5 = protocol === STREAM_PROTOCOL_V5;
  const jsonStatus = v5 || protocol === STREAM_PROTOCOL_V4 || protocol === WS_BASE64_PROTOCOL_V4;
  const ac = new AbortController();
  let finished = false;
  ws.once('close', () => {
    if (!finished) ac.abort();
  });
  ws.on('error', () => {});

  let stdin: Readable | undefined;
  if (opts.stdin) {
    stdin = new Readable({ read: () => ws.resume() });
    stdin.on('error', () => {});
  }
  const resizes = new ResizeFeed();
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    let msg = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (msg.length === 0) return;
    let channel = msg[0];
    if (sender.base64 && !isBinary) {
      channel -= 0x30;
      msg = Buffer.concat([Buffer.from([channel]), Buffer.from(msg.subarray(1).toString('latin1'), 'base64')]);
    }
    const payload = msg.subarray(1);
    if (v5 && channel === CLOSE_CHANNEL) {
      if (payload[0] === Channel.stdin && stdin && !stdin.readableEnded) stdin.push(null);
      return;
    }
    if (channel === Channel.stdin && stdin && !stdin.readableEnded) {
      if (payload.length && !stdin.push(payload)) ws.pause();
    } else if (channel === Channel.resize && opts.tty) {
      const size = parseTerminalSize(payload.toString('utf8'));
      if (size) resizes.push(size);
    }
    // Anything else (output channels, unknown channels) carries nothing for the server.
  });
  ws.once('close', () => {
    if (stdin && !stdin.readableEnded) stdin.push(null);
  });

  // Tell the client the connection is established: an empty message on the lowest writable channel.
  sender.send(opts.stdout ? Channel.stdout : opts.stderr ? Channel.stderr : Channel.error, Buffer.alloc(0));

  await run({
    stdin,
    stdout: opts.stdout ? sender.writer(Channel.stdout) : undefined,
    stderr: opts.stderr ? sender.writer(Channel.stderr) : undefined,
    resizes,
    signal: ac.signal,
    finish: async (status: StreamStatus) => {
      finished = true;
      if (jsonStatus) sender.send(Channel.error, Buffer.from(JSON.stringify(status)));
      else if (status.status !== 'Success') sender.send(Channel.error, Buffer.from(status.message ?? ''));
      ws.close(1000);
      setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
    },
  });
  if (ac.signal.aborted) ws.terminate();
}
