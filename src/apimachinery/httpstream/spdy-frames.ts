// SPDY/3.1 framing as kubectl's spdystream speaks it (moby/spdystream spdy/{types,read,write}.go; the SPDY/3 draft):
// 8-byte frame headers, control frames with zlib-compressed header blocks, data frames with a FIN flag. Only what
// the remotecommand and portforward protocols use is interpreted; other control frames are parsed and ignored.
import { constants as zlibConstants, createInflate, Inflate } from 'node:zlib';
import { SPDY3_DICTIONARY } from './spdy-dictionary.js';

export const SPDY_VERSION = 3;

export const FrameType = {
  SYN_STREAM: 1,
  SYN_REPLY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PING: 6,
  GOAWAY: 7,
  HEADERS: 8,
  WINDOW_UPDATE: 9,
} as const;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;

/** RST_STREAM status codes. */
export const RstStatus = {
  PROTOCOL_ERROR: 1,
  INVALID_STREAM: 2,
  REFUSED_STREAM: 3,
  UNSUPPORTED_VERSION: 4,
  CANCEL: 5,
  INTERNAL_ERROR: 6,
  FLOW_CONTROL_ERROR: 7,
  STREAM_IN_USE: 8,
  STREAM_ALREADY_CLOSED: 9,
  FRAME_TOO_LARGE: 11,
} as const;

/** GOAWAY status codes. */
export const GoAwayStatus = { OK: 0, PROTOCOL_ERROR: 1, INTERNAL_ERROR: 2 } as const;

/** The largest payload a frame header can announce (24-bit length). */
export const MAX_FRAME_PAYLOAD = 0xffffff;

export type Frame =
  | { kind: 'data'; streamId: number; flags: number; payload: Buffer }
  | { kind: 'syn_stream'; streamId: number; associatedId: number; priority: number; flags: number; headerBlock: Buffer }
  | { kind: 'syn_reply'; streamId: number; flags: number; headerBlock: Buffer }
  | { kind: 'headers'; streamId: number; flags: number; headerBlock: Buffer }
  | { kind: 'rst_stream'; streamId: number; status: number }
  | { kind: 'ping'; id: number }
  | { kind: 'goaway'; lastGoodStreamId: number; status: number }
  /** SETTINGS, WINDOW_UPDATE and unknown control types: spdystream ignores them, so do we. */
  | { kind: 'ignored'; type: number };

/** A violation of the framing itself: the connection cannot continue. */
export class SpdyProtocolError extends Error {}

/**
 * Cuts a byte stream into frames. Bytes arrive in arbitrary pieces (TCP segments, or WebSocket messages in the
 * port-forward tunnel); a partial frame waits for the rest, bounded by the 24-bit length field.
 */
export class FrameParser {
  /** Pieces of an incomplete frame, joined only once the frame is complete (a frame often spans TLS records). */
  private pieces: Buffer[] = [];
  private held = 0;
  /** Total size of the frame being collected, once its header is known. */
  private need = 0;

  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    let buf = chunk;
    if (this.held) {
      this.pieces.push(chunk);
      this.held += chunk.length;
      if (this.need === 0 && this.held >= 8) this.need = 8 + frameLength(Buffer.concat(this.pieces, 8));
      if (this.need === 0 || this.held < this.need) return frames;
      buf = Buffer.concat(this.pieces, this.held);
      this.pieces = [];
      this.held = 0;
      this.need = 0;
    }
    let off = 0;
    while (buf.length - off >= 8) {
      const length = frameLength(buf, off);
      if (buf.length - off < 8 + length) break;
      frames.push(parseFrame(buf.subarray(off, off + 8 + length)));
      off += 8 + length;
    }
    if (off < buf.length) {
      const rest = buf.subarray(off);
      this.pieces = [rest];
      this.held = rest.length;
      this.need = rest.length >= 8 ? 8 + frameLength(rest) : 0;
    }
    return frames;
  }

  /** Bytes of an incomplete frame held back. */
  get pending(): number {
    return this.held;
  }
}

function frameLength(buf: Buffer, off = 0): number {
  return buf.readUIntBE(off + 5, 3);
}

function parseFrame(f: Buffer): Frame {
  const flags = f[4];
  const payload = f.subarray(8);
  if ((f[0] & 0x80) === 0) return { kind: 'data', streamId: f.readUInt32BE(0) & 0x7fffffff, flags, payload };
  const version = f.readUInt16BE(0) & 0x7fff;
  if (version !== SPDY_VERSION) throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
  const type = f.readUInt16BE(2);
  const need = (n: number) => {
    if (payload.length < n) throw new SpdyProtocolError(`control frame type ${type} too short (${payload.length} bytes)`);
  };
  switch (type) {
    case FrameType.SYN_STREAM:
      need(10);
      return {
        kind: 'syn_stream', flags,
        streamId: payload.readUInt32BE(0) & 0x7fffffff,
        associatedId: payload.readUInt32BE(4) & 0x7fffffff,
        priority: payload[8] >> 5,
        headerBlock: payload.subarray(10),
      };
    case FrameType.SYN_REPLY:
      need(4);
      return { kind: 'syn_reply', flags, streamId: payload.readUInt32BE(0) & 0x7fffffff, headerBlock: payload.subarray(4) };
    case FrameType.HEADERS:
      need(4);
      return { kind: 'headers', flags, streamId: payload.readUInt32BE(0) & 0x7fffffff, headerBlock: payload.subarray(4) };
    case FrameType.RST_STREAM:
      need(8);
      return { kind: 'rst_stream', streamId: payload.readUInt32BE(0) & 0x7fffffff, status: payload.readUInt32BE(4) };
    case FrameType.PING:
      need(4);
      return { kind: 'ping', id: payload.readUInt32BE(0) };
    case FrameType.GOAWAY:
      need(4);
      return { kind: 'goaway', lastGoodStreamId: payload.readUInt32BE(0) & 0x7fffffff, status: payload.length >= 8 ? payload.readUInt32BE(4) : 0 };
    default:
      return { kind: 'ignored', type };
  }
}

function controlHeader(type: number, flags: number, length: number): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  h.writeUInt16BE(type, 2);
  h[4] = flags;
  h.writeUIntBE(length, 5, 3);
  return h;
}

/** The 8-byte header of a data frame carrying `length` bytes (written before the payload, which is not copied). */
export function dataFrameHeader(streamId: number, length: number, fin = false): Buffer {
  if (length > MAX_FRAME_PAYLOAD) throw new RangeError('data frame payload too large');
  const h = Buffer.allocUnsafe(8);
  h.writeUInt32BE(streamId & 0x7fffffff, 0);
  h[4] = fin ? FLAG_FIN : 0;
  h.writeUIntBE(length, 5, 3);
  return h;
}

export function dataFrame(streamId: number, payload: Buffer, fin = false): Buffer {
  return Buffer.concat([dataFrameHeader(streamId, payload.length, fin), payload]);
}

export function synStreamFrame(streamId: number, headerBlock: Buffer, flags = 0, associatedId = 0, priority = 0): Buffer {
  const body = Buffer.alloc(10);
  body.writeUInt32BE(streamId & 0x7fffffff, 0);
  body.writeUInt32BE(associatedId & 0x7fffffff, 4);
  body[8] = (priority & 0x7) << 5;
  return Buffer.concat([controlHeader(FrameType.SYN_STREAM, flags, 10 + headerBlock.length), body, headerBlock]);
}

export function synReplyFrame(streamId: number, headerBlock: Buffer, flags = 0): Buffer {
  const id = Buffer.alloc(4);
  id.writeUInt32BE(streamId & 0x7fffffff, 0);
  return Buffer.concat([controlHeader(FrameType.SYN_REPLY, flags, 4 + headerBlock.length), id, headerBlock]);
}

export function rstStreamFrame(streamId: number, status: number): Buffer {
  const body = Buffer.alloc(8);
  body.writeUInt32BE(streamId & 0x7fffffff, 0);
  body.writeUInt32BE(status, 4);
  return Buffer.concat([controlHeader(FrameType.RST_STREAM, 0, 8), body]);
}

export function pingFrame(id: number): Buffer {
  const body = Buffer.alloc(4);
  body.writeUInt32BE(id >>> 0, 0);
  return Buffer.concat([controlHeader(FrameType.PING, 0, 4), body]);
}

export function goAwayFrame(lastGoodStreamId: number, status: number): Buffer {
  const body = Buffer.alloc(8);
  body.writeUInt32BE(lastGoodStreamId & 0x7fffffff, 0);
  body.writeUInt32BE(status, 4);
  return Buffer.concat([controlHeader(FrameType.GOAWAY, 0, 8), body]);
}

// ---- header blocks ---------------------------------------------------------------------------------------------

/** Header names (lower case) to their values; a value the peer joined with NUL arrives as several. */
export type SpdyHeaders = Record<string, string[]>;

/** Decompressed header blocks larger than this are refused (a zlib bomb would otherwise grow without bound). */
export const MAX_HEADER_BLOCK_BYTES = 256 * 1024;

/** The uncompressed form: uint32 pair count, then uint32-length-prefixed names and values. */
export function serializeHeaders(headers: Record<string, string | string[]>): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [u32(entries.length)];
  for (const [name, value] of entries) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(Array.isArray(value) ? value.join('\0') : value, 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

export function parseHeaders(raw: Buffer): SpdyHeaders {
  let off = 0;
  const take = (n: number): Buffer => {
    if (off + n > raw.length) throw new SpdyProtocolError('truncated header block');
    const b = raw.subarray(off, off + n);
    off += n;
    return b;
  };
  const count = take(4).readUInt32BE(0);
  const headers: SpdyHeaders = {};
  for (let i = 0; i < count; i++) {
    const name = take(take(4).readUInt32BE(0)).toString('utf8');
    const value = take(take(4).readUInt32BE(0)).toString('utf8');
    if (!name) throw new SpdyProtocolError('empty header name');
    (headers[name.toLowerCase()] ??= []).push(...value.split('\0'));
  }
  return headers;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

/**
 * One zlib stream per connection and direction: every header block the peer sends continues the same deflate
 * stream (with the SPDY/3 dictionary), each ending in a sync flush. Blocks are decoded one at a time, in order.
 */
export class HeaderBlockDecoder {
  private readonly inflate: Inflate;
  private chain: Promise<unknown> = Promise.resolve();
  private failed?: Error;
  private pieces: Buffer[] = [];
  private size = 0;

  constructor() {
    this.inflate = createInflate({ dictionary: SPDY3_DICTIONARY });
    this.inflate.on('error', (e) => {
      this.failed ??= new SpdyProtocolError(`header block decompression failed: ${e.message}`);
    });
    // Flowing: output is emitted before the flush callback runs, so a block's headers are complete there.
    this.inflate.on('data', (chunk: Buffer) => {
      this.size += chunk.length;
      if (this.size > MAX_HEADER_BLOCK_BYTES) {
        this.failed ??= new SpdyProtocolError('header block too large');
        this.inflate.destroy();
        return;
      }
      this.pieces.push(chunk);
    });
  }

  decode(block: Buffer): Promise<SpdyHeaders> {
    const next = this.chain.then(() => this.decodeOne(block));
    this.chain = next.catch(() => {});
    return next;
  }

  private decodeOne(block: Buffer): Promise<SpdyHeaders> {
    if (this.failed) return Promise.reject(this.failed);
    this.pieces = [];
    this.size = 0;
    return new Promise((resolve, reject) => {
      const settle = () => {
        this.inflate.off('close', settle);
        if (this.failed) return reject(this.failed);
        try {
          resolve(parseHeaders(Buffer.concat(this.pieces)));
        } catch (e) {
          this.failed = e as Error;
          reject(e);
        }
      };
      // A destroyed inflater (bad data, too large) never calls back: its close settles the promise.
      this.inflate.once('close', settle);
      this.inflate.write(block);
      this.inflate.flush(zlibConstants.Z_SYNC_FLUSH, settle);
    });
  }

  close(): void {
    this.failed ??= new SpdyProtocolError('connection closed');
    this.inflate.destroy();
  }
}

/**
 * The sending side of a connection's header compression. Blocks are written as stored (uncompressed) deflate
 * blocks of one zlib stream: any inflater decodes them (Go's zlib reader accepts a stream that announces no
 * dictionary), they need no zlib state, and they keep frame writing synchronous. The headers Berth sends are
 * a few bytes (empty SYN_REPLYs, three short fields in a client SYN_STREAM), so compression would gain nothing.
 */
function storedBlockHeader(length: number): Buffer {
  const h = Buffer.alloc(5);
  h[0] = 0x00; // BFINAL=0, BTYPE=00 (stored)
  h.writeUInt16LE(length, 1);
  h.writeUInt16LE(~length & 0xffff, 3);
  return h;
}

export class HeaderBlockEncoder {
  private started = false;

  encode(headers: Record<string, string | string[]>): Buffer {
    const raw = serializeHeaders(headers);
    const parts: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      parts.push(Buffer.from([0x78, 0x01])); // zlib header: deflate, 32 KiB window, no preset dictionary
    }
    for (let off = 0; off < raw.length; off += 0xffff) {
      const piece = raw.subarray(off, Math.min(raw.length, off + 0xffff));
      parts.push(storedBlockHeader(piece.length), piece);
    }
    // The sync-flush marker (an empty stored block), as zlib's Z_SYNC_FLUSH ends a block: Go's flate reader hands out
    // a block's data only at such a point, otherwise it reads on for the next block header, hits the end of the
    // frame, and fails the connection's every later header block.
    parts.push(storedBlockHeader(0));
    return Buffer.concat(parts);
  }
}
