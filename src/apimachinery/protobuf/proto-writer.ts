// A protobuf writer for large messages (lists of thousands of objects): one growing buffer, no per-field
// allocations. A nested message gets one length byte up front; when its content turns out longer than 127 bytes the
// content moves right to make room for the longer varint (a memmove per message, much cheaper than sizing every
// message in a first pass or keeping an operation list as general-purpose writers do).

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

export class ProtoWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialSize = 4096) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** The bytes written so far (a view of the writer's buffer). */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  tag(field: number, wire: number): this {
    return this.uvarint(field * 8 + wire);
  }

  /** A non-negative integer up to 2^53 as a varint. */
  uvarint(n: number): this {
    this.ensure(10);
    const buf = this.buf;
    while (n > 127) {
      buf[this.pos++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    buf[this.pos++] = n;
    return this;
  }

  /** int32/int64 as Go writes them: negative numbers as 64-bit two's complement (ten bytes). */
  int(n: number): this {
    if (n >= 0) return this.uvarint(n);
    let v = BigInt.asUintN(64, BigInt(Math.trunc(n)));
    this.ensure(10);
    while (v > 127n) {
      this.buf[this.pos++] = Number(v & 127n) | 128;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
    return this;
  }

  bool(b: boolean): this {
    this.ensure(1);
    this.buf[this.pos++] = b ? 1 : 0;
    return this;
  }

  double(n: number): this {
    this.ensure(8);
    this.buf.writeDoubleLE(n, this.pos);
    this.pos += 8;
    return this;
  }

  float(n: number): this {
    this.ensure(4);
    this.buf.writeFloatLE(n, this.pos);
    this.pos += 4;
    return this;
  }

  /** A length-delimited UTF-8 string. */
  string(s: string): this {
    const n = s.length;
    // Most strings in objects are short and ASCII (names, labels, field paths): copied by hand.
    if (n < 128) {
      this.ensure(n + 1);
      const buf = this.buf;
      const start = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 127) break;
        buf[start + i] = c;
      }
      if (i === n) {
        buf[this.pos] = n;
        this.pos = start + n;
        return this;
      }
    }
    const len = Buffer.byteLength(s);
    this.uvarint(len);
    this.ensure(len);
    this.buf.write(s, this.pos, len, 'utf8');
    this.pos += len;
    return this;
  }

  /** Bytes as they are, with no length (a magic prefix). */
  raw(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** A length-delimited byte string. */
  bytes(b: Uint8Array): this {
    this.uvarint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** Starts a length-delimited field (a nested message); returns the mark `end` takes. */
  begin(field: number): number {
    this.tag(field, WIRE_BYTES);
    this.ensure(1);
    return this.pos++;
  }

  end(mark: number): void {
    const len = this.pos - mark - 1;
    if (len < 128) {
      this.buf[mark] = len;
      return;
    }
    let extra = 0;
    for (let n = len; n > 127; n = Math.floor(n / 128)) extra++;
    this.ensure(extra);
    this.buf.copyWithin(mark + 1 + extra, mark + 1, this.pos);
    const end = this.pos + extra;
    this.pos = mark;
    this.uvarint(len);
    this.pos = end;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 4;
    while (size < this.pos + n) size *= 4;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}
