// SPDY sessions end to end over a loopback TCP connection: a client session (as kubectl's spdystream opens streams)
// against a server session — replies, data and half-closes both ways, resets, pings, refusals, garbage, and
// backpressure in both directions (nothing is buffered without bound when a side stops reading).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect, Server, Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SpdySession, SpdyStream } from '../../../../src/apimachinery/httpstream/spdy-session.js';

let server: Server;
const accepted: Socket[] = [];
let onConn: (s: Socket) => void = () => {};

before(async () => {
  server = createServer((s) => {
    accepted.push(s);
    onConn(s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
});

after(async () => {
  for (const s of accepted) s.destroy();
  await new Promise((r) => server.close(r));
});

async function pair(accept?: (h: Record<string, string[]>) => boolean): Promise<{ client: SpdySession; srv: SpdySession; streams: SpdyStream[] }> {
  const serverSide = new Promise<SpdySession>((resolve) => {
    onConn = (s) => resolve(new SpdySession(s, { role: 'server', accept }));
  });
  const sock = connect((server.address() as { port: number }).port, '127.0.0.1');
  await once(sock, 'connect');
  const client = new SpdySession(sock, { role: 'client' });
  const srv = await serverSide;
  const streams: SpdyStream[] = [];
  srv.on('stream', (s: SpdyStream) => streams.push(s));
  return { client, srv, streams };
}

/** Reads a stream's readable side to its end without destroying the Duplex (for-await would, resetting it). */
async function readAll(s: SpdyStream): Promise<string> {
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  await once(s, 'end');
  return Buffer.concat(chunks).toString();
}

const waitFor = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('SpdySession', () => {
  test('streams carry headers, data both ways and half-closes; closed streams are forgotten', async () => {
    const { client, srv, streams } = await pair();
    const s = await client.openStream({ streamType: 'stdout', port: '80' });
    await waitFor(() => streams.length === 1);
    const remote = streams[0];
    assert.equal(remote.header('streamtype'), 'stdout');
    assert.equal(remote.header('port'), '80');
    assert.equal(remote.id, 1);
    const serverRead = readAll(remote);
    s.end('from client');
    assert.equal(await serverRead, 'from client');
    const clientRead = readAll(s);
    remote.end('from server');
    assert.equal(await clientRead, 'from server');
    await waitFor(() => srv.streams.size === 0 && client.streams.size === 0);
    const second = await client.openStream({ streamType: 'error' });
    assert.equal(second.id, 3);
    client.destroy();
    await once(srv, 'close');
  });

  test('pings are echoed; refused streams are reset; resets reach the other side', async () => {
    const { client, srv, streams } = await pair((h) => h.streamtype?.[0] !== 'bogus');
    assert.ok((await client.ping()) >= 0);
    assert.ok((await srv.ping()) >= 0, 'server pings (even ids) are echoed by the client');
    await assert.rejects(client.openStream({ streamType: 'bogus' }), /reset by peer \(status 5\)/);
    const s = await client.openStream({ streamType: 'data' });
    await waitFor(() => streams.length === 1);
    const reset = once(streams[0], 'reset');
    s.reset();
    assert.deepEqual(await reset, [5]);
    assert.ok(streams[0].destroyed);
    assert.equal(srv.streams.size, 0);
    client.destroy();
  });

  test('garbage from the peer closes the connection (GOAWAY), destroying its streams', async () => {
    const serverSide = new Promise<SpdySession>((resolve) => {
      onConn = (sock) => resolve(new SpdySession(sock, { role: 'server' }));
    });
    const sock = connect((server.address() as { port: number }).port, '127.0.0.1');
    await once(sock, 'connect');
    const srv = await serverSide;
    const received: Buffer[] = [];
    sock.on('data', (d) => received.push(d));
    const closed = once(srv, 'close');
    // Data for a stream that was never opened is dropped; a control frame of another SPDY version is fatal.
    sock.write(Buffer.from([0, 0, 0, 9, 0, 0, 0, 3, 1, 2, 3]));
    sock.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]));
    const [err] = await closed;
    assert.match(String(err), /unsupported SPDY version/);
    await once(sock, 'close');
    // GOAWAY with PROTOCOL_ERROR before the close.
    assert.deepEqual([...Buffer.concat(received).subarray(0, 4)], [0x80, 3, 0, 7]);
    assert.equal(Buffer.concat(received).readUInt32BE(12), 1);
  });

  test('a reader that stops reading holds the writer back instead of growing buffers', async () => {
    const { client, streams } = await pair();
    const s = await client.openStream({ streamType: 'stdout' });
    await waitFor(() => streams.length === 1);
    const remote = streams[0];
    // The client never reads s: the server's writes must stop completing.
    const chunk = Buffer.alloc(64 * 1024, 1);
    let written = 0;
    let blocked = false;
    for (let i = 0; i < 2000; i++) {
      if (!remote.write(chunk)) {
        await Promise.race([once(remote, 'drain'), new Promise((r) => setTimeout(r, 200))]);
        if (remote.writableNeedDrain) {
          blocked = true;
          break;
        }
      }
      written += chunk.length;
    }
    assert.ok(blocked, `the writer was never held back after ${written} bytes`);
    assert.ok(written < 64 * 1024 * 1024, `held back only after ${written} bytes`);
    // Once the client reads, everything flows.
    let got = 0;
    s.on('data', (d: Buffer) => { got += d.length; });
    remote.end();
    await once(s, 'end');
    assert.ok(got >= written);
    client.destroy();
  });

  test('a server stream nobody reads pauses the connection, so the client cannot flood it', async () => {
    const { client, srv, streams } = await pair();
    const s = await client.openStream({ streamType: 'stdin' });
    await waitFor(() => streams.length === 1);
    const chunk = Buffer.alloc(64 * 1024, 2);
    let sent = 0;
    for (let i = 0; i < 2000; i++) {
      sent += chunk.length;
      if (!s.write(chunk)) {
        await Promise.race([once(s, 'drain'), new Promise((r) => setTimeout(r, 200))]);
        if (s.writableNeedDrain) break;
      }
    }
    assert.ok(s.writableNeedDrain, 'the client was never held back');
    assert.ok(streams[0].readableLength < 8 * 1024 * 1024, `server buffered ${streams[0].readableLength} bytes`);
    let got = 0;
    streams[0].on('data', (d: Buffer) => { got += d.length; });
    s.end();
    await once(streams[0], 'end');
    assert.equal(got, sent);
    client.destroy();
    await once(srv, 'close');
  });

  test('a vanished peer destroys every stream', async () => {
    const { client, srv, streams } = await pair();
    await client.openStream({ streamType: 'a' });
    await client.openStream({ streamType: 'b' });
    await waitFor(() => streams.length === 2);
    const closed = once(srv, 'close');
    (client.conn as Socket).destroy();
    await closed;
    assert.ok(streams.every((s) => s.destroyed));
    assert.equal(srv.streams.size, 0);
  });
});
