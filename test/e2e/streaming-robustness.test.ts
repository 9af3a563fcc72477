// Bad and hostile clients of the streaming endpoints: garbage after the upgrade, unknown stream types, a client that
// never reads, clients that vanish (kubectl killed, sockets dropped), hundreds of sessions at once. Each must end in
// a clear error or a closed connection — never a crash, never unbounded buffering, never a process, descriptor or
// socket left behind (counted in this process, which hosts the API server, the runtime and the clients).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer, Server, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { SpdySession, SpdyStream } from '../../src/apimachinery/httpstream/spdy-session.js';
import type { KubeObject } from '../../src/apimachinery/types.js';
import { KubeClient } from '../../src/client/client.js';
import { builtin } from '../../src/client/resources.js';
import { kubectlBinary } from '../support/real-clients.js';
import { startEchoServer } from '../support/echo-server.js';
import { startStreamingCluster, StreamingCluster } from '../support/streaming-cluster.js';
import { credentials, eventually } from './harness.js';

let c: StreamingCluster;
let client: KubeClient;
let echo: Server;
let echoPort: number;

before(async () => {
  c = await startStreamingCluster({ runtime: 'host' });
  client = KubeClient.fromKubeconfig({ path: c.kubeconfig }, { userAgent: 'robustness-test' });
  ({ server: echo, port: echoPort } = await startEchoServer());
  await client.create(builtin.pods, {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'target', namespace: 'default' },
    spec: { containers: [{ name: 'main', image: 'busybox', command: ['sleep', '3600'] }] },
  } as KubeObject);
  await eventually(async () => ((await client.get(builtin.pods, 'target', { namespace: 'default' })).status as { phase?: string })?.phase === 'Running', 20_000, 50);
});

after(async () => {
  echo?.close();
  await client?.close();
  await c?.stop();
});

const openFds = () => readdirSync('/proc/self/fd').length;

/** Processes whose parent is this one (the pods' main processes, exec'd commands, kubectl runs). */
function children(): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** A raw SPDY upgrade of `path` with the admin certificate, as kubectl's SPDY client does it. */
async function spdyUpgrade(path: string, protocol: string): Promise<{ socket: Duplex; session: SpdySession }> {
  const cred = credentials(c);
  const socket = await new Promise<Duplex>((resolve, reject) => {
    const req = httpsRequest(new URL(path, cred.server), {
      method: 'POST', ca: cred.ca, cert: cred.cert, key: cred.key,
      headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': protocol, 'Content-Length': '0' },
    });
    req.once('upgrade', (res, sock, head) => {
      assert.equal(res.statusCode, 101);
      assert.equal(res.headers['x-stream-protocol-version'], protocol);
      if (head.length) sock.unshift(head);
      resolve(sock);
    });
    req.once('response', (res) => reject(new Error(`no upgrade: ${res.statusCode}`)));
    req.once('error', reject);
    req.end();
  });
  return { socket, session: new SpdySession(socket, { role: 'client' }) };
}

const execPath = (command: string[], q = 'stdout=true&stderr=true') =>
  `/api/v1/namespaces/default/pods/target/exec?container=main&${q}&${command.map((x) => `command=${encodeURIComponent(x)}`).join('&')}`;

function collect(s: SpdyStream): Promise<string> {
  let text = '';
  s.on('data', (d: Buffer) => { text += d; });
  return new Promise((resolve) => s.once('end', () => resolve(text)));
}

test('unknown stream types are ignored; the session runs with the streams it asked for', { timeout: 90_000 }, async () => {
  const { session } = await spdyUpgrade(execPath(['echo', 'hi']), 'v4.channel.k8s.io');
  const error = await session.openStream({ streamType: 'error' });
  const bogus = await session.openStream({ streamType: 'bogus' });
  bogus.end('ignored');
  const stdout = await session.openStream({ streamType: 'stdout' });
  const stderr = await session.openStream({ streamType: 'stderr' });
  const [out, , status] = await Promise.all([collect(stdout), collect(stderr), collect(error)]);
  assert.equal(out, 'hi\n');
  assert.deepEqual(JSON.parse(status), { metadata: {}, status: 'Success' });
  session.destroy();
});

test('garbage after the upgrade closes that connection and nothing else', { timeout: 90_000 }, async () => {
  const { socket, session } = await spdyUpgrade(execPath(['sleep', '30']), 'v4.channel.k8s.io');
  await session.openStream({ streamType: 'error' });
  const closed = once(socket, 'close');
  socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])); // a control frame of no SPDY version
  await closed;
  // A WebSocket client that sends nonsense on every channel and then a huge text frame.
  const cred = credentials(c);
  const ws = new WebSocket(cred.server.replace('https', 'wss') + execPath(['sleep', '30'], 'stdin=true&stdout=true'), ['v5.channel.k8s.io'], { ca: cred.ca, cert: cred.cert, key: cred.key });
  await once(ws, 'open');
  for (const ch of [9, 3, 1, 4, 255]) ws.send(Buffer.from([ch, 1, 2, 3]));
  ws.send('text frames carry nothing here');
  ws.terminate();
  // The server still answers.
  const r = await client.exec('target', ['echo', 'still fine']);
  assert.equal(r.stdout, 'still fine\n');
  await eventually(() => c.runtime!.activeExecs === 0, 10_000, 50);
});

test('a client that never reads holds the command back instead of filling memory; closing it kills the command', { timeout: 90_000 }, async () => {
  const before = process.memoryUsage().rss;
  const { socket, session } = await spdyUpgrade(execPath(['yes', 'a line of output that nobody reads']), 'v4.channel.k8s.io');
  await session.openStream({ streamType: 'error' });
  const stdout = await session.openStream({ streamType: 'stdout' });
  await session.openStream({ streamType: 'stderr' });
  stdout.pause();
  await eventually(() => c.runtime!.activeExecs === 1, 10_000, 20);
  await new Promise((r) => setTimeout(r, 2000));
  const grown = process.memoryUsage().rss - before;
  assert.ok(grown < 150 * 1024 * 1024, `memory grew by ${Math.round(grown / 1048576)} MiB while nobody read`);
  assert.equal(c.runtime!.activeExecs, 1, 'the command is held back, not finished');
  socket.destroy();
  await eventually(() => c.runtime!.activeExecs === 0, 10_000, 50);
});

test('a vanished kubectl ends its session: the exec\'d command and the forwarded connection are closed', { timeout: 90_000 }, async () => {
  const env = { HOME: c.home, KUBECONFIG: c.kubeconfig, PATH: process.env.PATH! };
  for (const v of [27, 33]) {
    const kc = spawn(kubectlBinary(v), ['exec', 'target', '--', 'sleep', '300'], { env, stdio: 'ignore' });
    await eventually(() => c.runtime!.activeExecs === 1, 15_000, 50);
    kc.kill('SIGKILL');
    await eventually(() => c.runtime!.activeExecs === 0, 15_000, 50);
    if (kc.exitCode === null && kc.signalCode === null) await once(kc, 'exit');
  }
  // Port-forward: the pod-side connection goes when kubectl goes.
  const conns = new Set<Socket>();
  const server = createServer((s) => {
    conns.add(s);
    s.on('error', () => {});
    s.once('close', () => conns.delete(s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const kc = spawn(kubectlBinary(33), ['port-forward', 'pod/target', `:${port}`], { env });
  let out = '';
  kc.stdout.on('data', (d) => { out += d; });
  const local = await eventually(() => Number(/127\.0\.0\.1:(\d+)/.exec(out)?.[1]) || undefined, 15_000, 50);
  const sock = new Socket();
  sock.on('error', () => {});
  sock.connect(local, '127.0.0.1');
  await eventually(() => conns.size === 1, 15_000, 50);
  kc.kill('SIGKILL');
  await eventually(() => conns.size === 0, 15_000, 50);
  sock.destroy();
  server.close();
});

// Each exec is a TLS connection and a process: on a busy 2-core machine this takes a while.
test('200 concurrent execs and 300 forwarded connections leave no process, descriptor or socket behind', { timeout: 240_000 }, async () => {
  // Warm up (first connections load modules and open pools), then take the baseline.
  await client.exec('target', ['true']);
  await new Promise((r) => setTimeout(r, 500));
  const fds = openFds();
  const kids = children().length;

  const results = await Promise.all(Array.from({ length: 200 }, (_, i) => client.exec('target', ['sh', '-c', `echo ${i}; exit ${i % 7}`])));
  results.forEach((r, i) => {
    assert.equal(r.stdout, `${i}\n`);
    assert.equal(r.exitCode, i % 7);
  });
  for (let batch = 0; batch < 6; batch++) {
    await Promise.all(Array.from({ length: 50 }, async (_, i) => {
      const conn = await client.portForward('target', echoPort);
      const payload = `connection ${batch}-${i}`;
      conn.write(payload);
      let got = '';
      while (got.length < payload.length) got += String((await once(conn, 'data'))[0]);
      assert.equal(got, payload);
      conn.destroy();
    }));
  }
  await eventually(() => c.runtime!.activeExecs === 0 && children().length === kids, 20_000, 100);
  await eventually(() => openFds() <= fds + 5, 20_000, 100).catch(() => {
    throw new Error(`descriptors: ${fds} before, ${openFds()} after`);
  });
});
