// A SPDY/3.1 connection as k8s.io/apimachinery util/httpstream/spdy uses one (over moby/spdystream): streams opened
// by the client with a few headers and answered with an empty SYN_REPLY, data both ways with FIN half-closes,
// RST_STREAM resets, PING echoes and GOAWAY. There is no flow control (spdystream ignores WINDOW_UPDATE and
// SETTINGS): backpressure is the transport's. A stream whose reader falls behind pauses the whole connection, and a
// stream's writes complete only once the transport has room — so a slow peer is never buffered without bound.
import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import {
  dataFrame, dataFrameHeader, Frame, FrameParser, goAwayFrame, GoAwayStatus, HeaderBlockDecoder, HeaderBlockEncoder, pingFrame,
  RstStatus, rstStreamFrame, SpdyHeaders, SpdyProtocolError, synReplyFrame, synStreamFrame, FLAG_FIN,
} from './spdy-frames.js';

/** Payload per data frame we send: large enough to amortise framing, small enough to interleave streams. */
const MAX_DATA_PAYLOAD = 32 * 1024;
/** Streams open at once on one connection; more are refused (REFUSED_STREAM). */
export const MAX_CONCURRENT_STREAMS = 1000;

export interface SpdySessionOptions {
  /** The server answers streams; the client opens them (odd ids). */
  role: 'server' | 'client';
  /**
   * Server: called for each new stream before it is answered; return false to refuse it (RST_STREAM CANCEL, as
   * apimachinery's connection does when its stream handler rejects a stream).
   */
  accept?(headers: SpdyHeaders): boolean;
}

/** One SPDY stream: a Duplex whose readable side is the peer's data and writable side ours. */
export class SpdyStream extends Duplex {
  /** Set once we sent FIN (ended our side). */
  localClosed = false;
  /** Set once the peer sent FIN. */
  remoteClosed = false;
  /** Set once either side reset the stream. */
  wasReset = false;
  /** Resolved by the SYN_REPLY (client side). */
  replied: Promise<void>;
  markReplied!: () => void;
  failReply!: (e: Error) => void;

  constructor(private readonly session: SpdySession, readonly id: number, readonly headers: SpdyHeaders) {
    super({ allowHalfOpen: true });
    this.replied = new Promise((resolve, reject) => {
      this.markReplied = resolve;
      this.failReply = reject;
    });
    this.replied.catch(() => {});
  }

  /** The first value of a header (names are lower case). */
  header(name: string): string | undefined {
    return this.headers[name.toLowerCase()]?.[0];
  }

  /** Resets the stream (RST_STREAM) and destroys it. */
  reset(status: number = RstStatus.CANCEL): void {
    if (!this.wasReset && !(this.localClosed && this.remoteClosed)) this.session.sendReset(this, status);
    this.wasReset = true;
    this.destroy();
  }

  override _read(): void {
    this.session.resumeFor(this);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.session.sendData(this, chunk, cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.session.sendFin(this);
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.wasReset && !(this.localClosed && this.remoteClosed)) {
      this.wasReset = true;
      this.session.sendReset(this, RstStatus.CANCEL);
    }
    this.session.forget(this);
    cb(err);
  }
}

export class SpdySession extends EventEmitter {
  readonly streams = new Map<number, SpdyStream>();
  private readonly parser = new FrameParser();
  private readonly decoder = new HeaderBlockDecoder();
  private readonly encoder = new HeaderBlockEncoder();
  private readonly queue: Frame[] = [];
  private processing = false;
  private nextStreamId: number;
  private lastRemoteStreamId = 0;
  private nextPingId: number;
  private readonly pings = new Map<number, () => void>();
  private readonly pausedBy = new Set<SpdyStream>();
  private drainWaiters: (() => void)[] = [];
  private closedFlag = false;
  /** The peer sent GOAWAY: it opens no more streams. */
  peerGoneAway = false;
  private goneAway = false;

  constructor(readonly conn: Duplex, private readonly opts: SpdySessionOptions) {
    super();
    this.nextStreamId = opts.role === 'client' ? 1 : 2;
    this.nextPingId = opts.role === 'client' ? 1 : 2;
    conn.on('data', (chunk: Buffer) => this.onBytes(chunk));
    conn.on('drain', () => this.drained());
    // The peer is done: what it sent is still handled (frames may wait behind a header block), then we close.
    conn.on('end', () => this.peerDone());
    conn.on('close', () => this.peerDone());
    conn.on('error', (e) => this.destroy(e));
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  // ---- client side --------------------------------------------------------------------------------------------

  /** Opens a stream (client role) and waits for its SYN_REPLY. */
  async openStream(headers: Record<string, string>): Promise<SpdyStream> {
    if (this.closedFlag) throw new Error('connection closed');
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    const lower: SpdyHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), [v]]));
    const stream = new SpdyStream(this, id, lower);
    this.streams.set(id, stream);
    this.write(synStreamFrame(id, this.encoder.encode(headers)));
    await stream.replied;
    return stream;
  }

  /** Round trip of a PING; resolves with the milliseconds it took. */
  ping(): Promise<number> {
    const id = this.nextPingId;
    this.nextPingId = (this.nextPingId + 2) >>> 0;
    const started = performance.now();
    return new Promise((resolve, reject) => {
      if (this.closedFlag) return reject(new Error('connection closed'));
      this.pings.set(id, () => resolve(performance.now() - started));
      this.write(pingFrame(id));
    });
  }

  // ---- both sides --------------------------------------------------------------------------------------------

  /** Says goodbye (GOAWAY) and ends our side of the transport; the peer closes its side. */
  close(): void {
    if (this.closedFlag) return;
    this.goAway(GoAwayStatus.OK);
    this.conn.end();
  }

  /** Tears everything down at once: streams, compression state, transport. */
  destroy(err?: Error): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    for (const s of [...this.streams.values()]) {
      s.wasReset = true; // no RST on a dead connection
      // A stream the peer finished keeps what it received for its reader; the others end abruptly.
      if (s.remoteClosed) {
        if (!s.writableEnded) s.end();
      } else {
        s.destroy();
      }
    }
    this.streams.clear();
    this.queue.length = 0;
    this.decoder.close();
    for (const w of this.drainWaiters.splice(0)) w();
    this.pings.clear();
    this.conn.destroy();
    this.emit('close', err);
  }

  // ---- frames in ---------------------------------------------------------------------------------------------

  private peerEnded = false;

  private peerDone(): void {
    this.peerEnded = true;
    if (!this.processing && this.queue.length === 0) this.destroy();
  }

  private onBytes(chunk: Buffer): void {
    if (this.closedFlag) return;
    try {
      this.queue.push(...this.parser.push(chunk));
    } catch (e) {
      return this.protocolError(e as Error);
    }
    void this.pump();
  }

  /** Frames are handled strictly in order; only header blocks make the loop wait (zlib runs off-thread). */
  private async pump(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length && !this.closedFlag) {
        const f = this.queue.shift()!;
        if (f.kind === 'syn_stream' || f.kind === 'syn_reply' || f.kind === 'headers') {
          const headers = await this.decoder.decode(f.headerBlock);
          if (this.closedFlag) break;
          if (f.kind === 'syn_stream') this.onSynStream(f, headers);
          else if (f.kind === 'syn_reply') this.onSynReply(f.streamId, f.flags);
          // HEADERS frames carry nothing the remotecommand or portforward protocols use.
        } else {
          this.onFrame(f);
        }
      }
    } catch (e) {
      this.protocolError(e as Error);
    } finally {
      this.processing = false;
    }
    if (this.peerEnded) this.destroy();
  }

  private onSynStream(f: Extract<Frame, { kind: 'syn_stream' }>, headers: SpdyHeaders): void {
    const remoteParity = this.opts.role === 'server' ? 1 : 0;
    if (f.streamId % 2 !== remoteParity || f.streamId <= this.lastRemoteStreamId) {
      this.write(rstStreamFrame(f.streamId, RstStatus.PROTOCOL_ERROR));
      return;
    }
    this.lastRemoteStreamId = f.streamId;
    if (this.goneAway || this.streams.size >= MAX_CONCURRENT_STREAMS) {
      this.write(rstStreamFrame(f.streamId, RstStatus.REFUSED_STREAM));
      return;
    }
    let accepted = true;
    try {
      accepted = this.opts.accept?.(headers) ?? true;
    } catch {
      accepted = false;
    }
    if (!accepted) {
      this.write(rstStreamFrame(f.streamId, RstStatus.CANCEL));
      return;
    }
    const stream = new SpdyStream(this, f.streamId, headers);
    this.streams.set(f.streamId, stream);
    this.write(synReplyFrame(f.streamId, this.encoder.encode({})));
    stream.markReplied();
    if (f.flags & FLAG_FIN) this.remoteFin(stream);
    this.emit('stream', stream);
  }

  private onSynReply(streamId: number, flags: number): void {
    const stream = this.streams.get(streamId);
    if (!stream) return;
    stream.markReplied();
    if (flags & FLAG_FIN) this.remoteFin(stream);
  }

  private onFrame(f: Frame): void {
    switch (f.kind) {
      case 'data': {
        const stream = this.streams.get(f.streamId);
        // Data for a stream we reset or already closed: the peer had it in flight; drop it.
        if (!stream || stream.remoteClosed || stream.destroyed) return;
        if (f.payload.length && !stream.push(f.payload)) this.pauseFor(stream);
        if (f.flags & FLAG_FIN) this.remoteFin(stream);
        return;
      }
      case 'rst_stream': {
        const stream = this.streams.get(f.streamId);
        if (!stream) return;
        stream.wasReset = true;
        stream.failReply(new Error(`stream ${f.streamId} reset by peer (status ${f.status})`));
        this.forget(stream);
        stream.emit('reset', f.status);
        stream.destroy();
        return;
      }
      case 'ping': {
        const waiter = this.pings.get(f.id);
        if (waiter) {
          this.pings.delete(f.id);
          waiter();
        } else if (f.id % 2 !== this.nextPingId % 2) {
          this.write(pingFrame(f.id)); // the peer's ping: echo it unchanged
        }
        return;
      }
      case 'goaway':
        this.peerGoneAway = true;
        this.emit('goaway', f.status);
        return;
      default:
        return;
    }
  }

  private remoteFin(stream: SpdyStream): void {
    if (stream.remoteClosed) return;
    stream.remoteClosed = true;
    stream.push(null);
    if (stream.localClosed) this.forget(stream);
  }

  private protocolError(err: Error): void {
    if (this.closedFlag) return;
    this.goAway(err instanceof SpdyProtocolError ? GoAwayStatus.PROTOCOL_ERROR : GoAwayStatus.INTERNAL_ERROR);
    this.destroy(err);
  }

  // ---- frames out --------------------------------------------------------------------------------------------

  private write(frame: Buffer): boolean {
    if (this.closedFlag || this.conn.destroyed || this.conn.writableEnded) return false;
    return this.conn.write(frame);
  }

  private goAway(status: number): void {
    if (this.goneAway) return;
    this.goneAway = true;
    this.write(goAwayFrame(this.lastRemoteStreamId, status));
  }

  /** @internal */
  sendData(stream: SpdyStream, chunk: Buffer, cb: (err?: Error | null) => void): void {
    if (this.closedFlag || stream.wasReset) {
      cb(Object.assign(new Error('the SPDY stream is closed'), { code: 'ERR_STREAM_DESTROYED' }));
      return;
    }
    let room = true;
    this.conn.cork();
    for (let off = 0; off < chunk.length; off += MAX_DATA_PAYLOAD) {
      const piece = chunk.subarray(off, off + MAX_DATA_PAYLOAD);
      // Header and payload go out together (one writev), the payload uncopied.
      this.write(dataFrameHeader(stream.id, piece.length));
      room = this.write(piece);
    }
    process.nextTick(() => this.conn.uncork());
    if (room || this.closedFlag) cb();
    else this.drainWaiters.push(() => cb());
  }

  /** @internal */
  sendFin(stream: SpdyStream): void {
    if (stream.localClosed || stream.wasReset) return;
    stream.localClosed = true;
    this.write(dataFrame(stream.id, Buffer.alloc(0), true));
    if (stream.remoteClosed) this.forget(stream);
  }

  /** @internal */
  sendReset(stream: SpdyStream, status: number): void {
    this.write(rstStreamFrame(stream.id, status));
  }

  /** @internal */
  forget(stream: SpdyStream): void {
    if (this.streams.get(stream.id) === stream) this.streams.delete(stream.id);
    this.resumeFor(stream);
    if (this.peerGoneAway && this.streams.size === 0) this.emit('idle');
  }

  private drained(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }

  // ---- read backpressure ---------------------------------------------------------------------------------------

  private pauseFor(stream: SpdyStream): void {
    this.pausedBy.add(stream);
    this.conn.pause();
  }

  /** @internal */
  resumeFor(stream: SpdyStream): void {
    if (!this.pausedBy.delete(stream)) return;
    if (this.pausedBy.size === 0 && !this.closedFlag) this.conn.resume();
  }
}
