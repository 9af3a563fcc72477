// A byte stream over a WebSocket's binary messages, for the port-forward tunnel (client-go
// tools/portforward/tunneling_connection.go; apiserver util/proxy/streamtunnel.go): SPDY frames travel inside
// messages whose boundaries mean nothing. Backpressure both ways: a full socket holds writes back, a full read
// buffer pauses the WebSocket.
import { Duplex } from 'node:stream';
import type WebSocket from 'ws';

/** Bytes queued in the WebSocket (and its socket) before writes wait. */
const HIGH_WATER = 256 * 1024;

export class WebSocketDuplex extends Duplex {
  private resumeWanted = false;

  constructor(private readonly ws: WebSocket) {
    super({ allowHalfOpen: false });
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      if (!isBinary) return; // the tunnel carries binary messages only
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      if (!this.push(buf)) {
        ws.pause();
        this.resumeWanted = true;
      }
    });
    ws.once('close', () => {
      this.push(null);
      this.destroy();
    });
    ws.on('error', (e) => this.destroy(e));
  }

  override _read(): void {
    if (this.resumeWanted) {
      this.resumeWanted = false;
      this.ws.resume();
    }
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.send(chunk, cb);
  }

  /** Corked writes (a SPDY frame's header and payload) travel as one message. */
  override _writev(chunks: { chunk: Buffer }[], cb: (err?: Error | null) => void): void {
    this.send(Buffer.concat(chunks.map((c) => c.chunk)), cb);
  }

  private send(chunk: Buffer, cb: (err?: Error | null) => void): void {
    if (this.ws.readyState !== this.ws.OPEN) {
      cb(Object.assign(new Error('the WebSocket is closed'), { code: 'ERR_STREAM_DESTROYED' }));
      return;
    }
    let waiting = false;
    this.ws.send(chunk, { binary: true }, (err) => {
      if (waiting) cb(err);
    });
    if (this.ws.bufferedAmount < HIGH_WATER) cb();
    else waiting = true;
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(1000);
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.terminate();
    cb(err);
  }
}
