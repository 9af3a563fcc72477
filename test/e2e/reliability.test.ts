// Reliability under adversarial input, against the real `berth up` and the real kubectl: what one client's request
// can cost everyone else. Bounded in time; heavier variants run with BERTH_HEAVY=1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { startCluster, kubectl, kubectlOk, eventually, rawRequest, credentials, type Cluster } from './harness.js';
import { WATCH_BUFFER_LIMIT_BYTES } from '../../src/server/watch.js';

const HEAVY = process.env.BERTH_HEAVY === '1';
let c: Cluster;

before(async () => {
  c = await startCluster({ args: ['--no-controllers'] });
});

after(async () => {
  await c?.stop();
  c?.cleanup();
});

/** One kept-alive connection for /readyz, so the figure is the server's answer, not a TLS handshake. */
const readyzAgent = new https.Agent({ keepAlive: true, maxSockets: 1 });
after(() => readyzAgent.destroy());

/** The slowest of `n` /readyz answers while `during` runs. */
async function readyzWorstMs(during: Promise<unknown>, n = 20): Promise<number> {
  let worst = 0;
  let done = false;
  void during.finally(() => { done = true; });
  for (let i = 0; i < n && !done; i++) {
    const t = performance.now();
    const r = await rawRequest(c, 'GET', '/readyz', undefined, {}, { agent: readyzAgent });
    assert.equal(r.status, 200);
    worst = Math.max(worst, performance.now() - t);
  }
  return worst;
}

describe('catastrophic regular expressions (RE2 semantics)', () => {
  const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: redos.example.com
spec:
  group: example.com
  scope: Namespaced
  names: { plural: redos, singular: redo, kind: Redo }
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              byPattern: { type: string, maxLength: 100000, pattern: '^(a+)+$' }
              byCel:
                type: string
                maxLength: 100000
                x-kubernetes-validations:
                - rule: "self.matches('^(a|a)*$')"
                  message: not only a's
`;
  before(async () => {
    await kubectlOk(c, ['apply', '-f', '-'], { input: CRD });
    await eventually(async () => (await kubectl(c, ['get', 'redos'])).code === 0, 15_000);
    // Warm: the schema compiled and the code paths taken once, so the figures below are the patterns' own.
    const ok = { apiVersion: 'example.com/v1', kind: 'Redo', metadata: { name: 'warm' }, spec: { byPattern: 'aaa', byCel: 'aaa' } };
    assert.equal((await rawRequest(c, 'POST', '/apis/example.com/v1/namespaces/default/redos', JSON.stringify(ok))).status, 201);
    for (let i = 0; i < 5; i++) await rawRequest(c, 'GET', '/readyz', undefined, {}, { agent: readyzAgent });
  });

  const n = HEAVY ? 100_000 : 40; // a backtracking engine needs ~2^n steps
  for (const field of ['byPattern', 'byCel'] as const) {
    test(`${field}: ${n + 1} characters against an exponential-backtracking pattern are refused at once while /readyz stays fast`, { timeout: 60_000 }, async () => {
      const body = JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Redo', metadata: { name: `r-${field.toLowerCase()}` }, spec: { [field]: `${'a'.repeat(n)}b` } });
      const create = rawRequest(c, 'POST', '/apis/example.com/v1/namespaces/default/redos', body);
      const worst = await readyzWorstMs(create);
      const r = await create;
      assert.equal(r.status, 422, r.body);
      assert.match(JSON.parse(r.body).message, field === 'byPattern' ? /spec\.byPattern in body should match '\^\(a\+\)\+\$'/ : /not only a's/);
      assert.ok(worst < 100, `/readyz took ${worst.toFixed(1)} ms`);
    });
  }

  test('RE2 syntax errors in a CRD pattern are refused with Go\'s wording', async () => {
    const bad = CRD.replace('redos.example.com', 'badres.example.com').replace('plural: redos, singular: redo, kind: Redo', 'plural: badres, singular: badre, kind: Badre').replace("'^(a+)+$'", "'(a)\\1'");
    const r = await kubectl(c, ['apply', '-f', '-'], { input: bad });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /must be a valid regular expression, but isn't: error parsing regexp: invalid escape sequence: `\\1`/);
  });
});

describe('start-up messages', () => {
  test('a second berth up on a data dir in use says so, with the pid of the one using it', async () => {
    await assert.rejects(startCluster({ dataDir: c.dataDir }), (e: Error) => {
      assert.match(e.message, new RegExp(`berth: data dir ${c.dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use by berth \\(pid ${c.proc.pid}\\)`));
      assert.doesNotMatch(e.message, /database is locked/);
      return true;
    });
    assert.equal((await rawRequest(c, 'GET', '/readyz')).status, 200);
  });
});

/** Resident memory of a process in MB (Linux /proc). */
function rssMb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  assert.ok(m, 'VmRSS in /proc/<pid>/status');
  return Number(m[1]) / 1024;
}

/** The highest RSS of `pid` seen every 50 ms while `during` runs. */
async function peakRssMb(pid: number, during: Promise<unknown>): Promise<number> {
  let peak = rssMb(pid);
  const timer = setInterval(() => { peak = Math.max(peak, rssMb(pid)); }, 50);
  try {
    await during;
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, rssMb(pid));
}

describe('watch history bounded by bytes', { skip: process.platform !== 'linux' && 'reads RSS from /proc (Linux only)' }, () => {
  // Issue #19 measured 94 → 1,378 MB during 600 such updates and 616 MB right after a restart. The history may hold
  // 128 MiB of text by default; the rest of the ceiling is the server itself and the garbage of 900 KB requests.
  const UPDATES = HEAVY ? 600 : 100;
  const STORM_CEILING_MB = 600;
  const RESTART_CEILING_MB = 200;
  const path = '/api/v1/namespaces/default/configmaps';
  let s: Cluster;
  before(async () => { s = await startCluster({ args: ['--no-controllers'] }); });
  after(async () => {
    await s?.stop();
    s?.cleanup();
  });

  test(`${UPDATES} updates of a 900 KB ConfigMap keep RSS under ${STORM_CEILING_MB} MB, and under ${RESTART_CEILING_MB} MB after a restart; watchers behind the window get 410`, { timeout: HEAVY ? 600_000 : 180_000 }, async (t) => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const cm = (i: number) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { blob: String(i % 10).repeat(900 * 1024) } });
      const created = await rawRequest(s, 'POST', path, cm(0), {}, { agent });
      assert.equal(created.status, 201, created.body);
      const firstRv = JSON.parse(created.body).metadata.resourceVersion as string;
      const startMb = rssMb(s.proc.pid!);
      const storm = (async () => {
        for (let i = 1; i <= UPDATES; i++) {
          const r = await rawRequest(s, 'PUT', `${path}/big`, cm(i), {}, { agent });
          assert.equal(r.status, 200, r.body.slice(0, 300));
        }
      })();
      const t0 = performance.now();
      const peak = await peakRssMb(s.proc.pid!, storm);
      t.diagnostic(`RSS ${startMb.toFixed(0)} → peak ${peak.toFixed(0)} MB over ${UPDATES} updates in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      assert.ok(peak < STORM_CEILING_MB, `RSS went from ${startMb.toFixed(0)} to ${peak.toFixed(0)} MB during ${UPDATES} updates`);

      // A watch from before the window: 410 as upstream words it (the client relists).
      const old = await rawRequest(s, 'GET', `${path}?watch=1&resourceVersion=${firstRv}&timeoutSeconds=2`, undefined, {}, { agent });
      const ev = JSON.parse(old.body.split('\n')[0]!);
      assert.equal(ev.type, 'ERROR');
      assert.equal(ev.object.code, 410);
      assert.match(ev.object.message, /too old resource version/);

      await s.stop();
      s = await startCluster({ dataDir: s.dataDir, args: ['--no-controllers'] });
      await eventually(async () => (await rawRequest(s, 'GET', '/readyz')).status === 200, 15_000);
      const restarted = rssMb(s.proc.pid!);
      t.diagnostic(`RSS ${restarted.toFixed(0)} MB after a restart`);
      assert.ok(restarted < RESTART_CEILING_MB, `RSS ${restarted.toFixed(0)} MB after a restart`);
      const got = await rawRequest(s, 'GET', `${path}/big`);
      assert.equal(JSON.parse(got.body).data.blob, String(UPDATES % 10).repeat(900 * 1024));
    } finally {
      agent.destroy();
    }
  });
});

describe('shutdown under load', () => {
  test('SIGTERM during a flood of writes and watches exits within the deadline, and the data dir opens again', { timeout: 90_000 }, async (t) => {
    const s = await startCluster();
    try {
      const agents = Array.from({ length: 8 }, () => new https.Agent({ keepAlive: true, maxSockets: 1 }));
      let flooding = true;
      const path = '/api/v1/namespaces/default/configmaps';
      // Eight writers (bounded: at most 5,000 requests each) and twenty watchers that never end on their own.
      const writers = agents.map(async (agent, w) => {
        for (let i = 0; i < 5000 && flooding; i++) {
          const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `flood-${w}-${i}` }, data: { v: 'x'.repeat(2000) } });
          await rawRequest(s, 'POST', path, body, {}, { agent }).catch(() => undefined);
        }
      });
      const watchers = Array.from({ length: 20 }, () => rawRequest(s, 'GET', `${path}?watch=1&resourceVersion=0`).catch(() => undefined));
      await new Promise((r) => setTimeout(r, 3000));
      const t0 = performance.now();
      s.proc.kill('SIGTERM');
      await new Promise<void>((r) => (s.proc.exitCode === null ? s.proc.once('exit', () => r()) : r()));
      const ms = performance.now() - t0;
      flooding = false;
      t.diagnostic(`exited ${ms.toFixed(0)} ms after SIGTERM`);
      assert.ok(ms < 8000, `berth took ${ms.toFixed(0)} ms to stop (deadline 5 s)`);
      await Promise.all([...writers, ...watchers]);
      for (const a of agents) a.destroy();
      const again = await startCluster({ dataDir: s.dataDir });
      try {
        const list = JSON.parse((await rawRequest(again, 'GET', `${path}?limit=1`)).body);
        assert.ok(list.metadata.remainingItemCount > 0 || list.items.length > 0, 'the flood\'s objects are there');
      } finally {
        await again.stop();
      }
    } finally {
      await s.stop().catch(() => undefined);
      s.cleanup();
    }
  });
});

/** A watch over HTTP/1.1 on its own TLS connection; `stall` stops reading at once (the kernel buffers fill, then the server's). */
function openWatch(c: Cluster, path: string, stall: boolean): { socket: tls.TLSSocket; received: () => number; closed: Promise<void> } {
  const cred = credentials(c);
  const url = new URL(cred.server);
  const socket = tls.connect({ host: url.hostname, port: Number(url.port), ca: cred.ca, cert: cred.cert, key: cred.key, ALPNProtocols: ['http/1.1'] });
  let bytes = 0;
  socket.on('data', (d: Buffer) => { bytes += d.length; });
  socket.on('error', () => {});
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  socket.once('secureConnect', () => {
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nAccept: application/json\r\n\r\n`);
    if (stall) socket.pause();
  });
  return { socket, received: () => bytes, closed };
}

describe('slow watch consumers', { skip: process.platform !== 'linux' && 'reads RSS from /proc (Linux only)' }, () => {
  const OBJECTS = 10_000;
  const STALLED = 40;
  // Issue #19: 40 watchers that never read, over 10k objects, took RSS from 544 to 2,051 MB. Each may now queue
  // WATCH_BUFFER_LIMIT_BYTES (4 MiB) of live events before it is closed: the ceiling is that design's own sum (the
  // 40 buffers, the 10k objects' history at 3 KB each with their stored text, and 60 MB for the writers' garbage),
  // not one lucky measurement (+155 MB once, +230 MB in a later CI run). That the stalled watches are closed (below)
  // is what fails without the bound.
  const CEILING_MB = Math.round((STALLED * WATCH_BUFFER_LIMIT_BYTES) / 2 ** 20 + (OBJECTS * 2 * 3000) / 2 ** 20 + 60);
  let s: Cluster;
  before(async () => { s = await startCluster({ args: ['--no-controllers'] }); });
  after(async () => {
    await s?.stop();
    s?.cleanup();
  });

  test(`${STALLED} stalled watchers over ${OBJECTS} objects cost less than ${CEILING_MB} MB and are closed`, { timeout: 300_000 }, async (t) => {
    const path = '/api/v1/namespaces/default/configmaps';
    const rv = JSON.parse((await rawRequest(s, 'GET', path)).body).metadata.resourceVersion as string;
    const watches = Array.from({ length: STALLED }, () => openWatch(s, `${path}?watch=1&resourceVersion=${rv}`, true));
    const reader = openWatch(s, `${path}?watch=1&resourceVersion=${rv}`, false); // a client that keeps up
    await new Promise((r) => setTimeout(r, 1000));
    const startMb = rssMb(s.proc.pid!);
    const agents = Array.from({ length: 8 }, () => new https.Agent({ keepAlive: true, maxSockets: 1 }));
    const blob = 'x'.repeat(3000);
    const t0 = performance.now();
    const writes = Promise.all(agents.map(async (agent, w) => {
      for (let i = w; i < OBJECTS; i += agents.length) {
        const r = await rawRequest(s, 'POST', path, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { blob } }), {}, { agent });
        assert.equal(r.status, 201, r.body);
      }
    }));
    const peak = await peakRssMb(s.proc.pid!, writes);
    for (const a of agents) a.destroy();
    t.diagnostic(`RSS ${startMb.toFixed(0)} → peak ${peak.toFixed(0)} MB while ${OBJECTS} objects were created in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    assert.ok(peak - startMb < CEILING_MB, `RSS grew by ${(peak - startMb).toFixed(0)} MB`);

    // The stalled watches were closed: once read, each stream ends (a client would watch again from its last event).
    for (const w of watches) w.socket.resume();
    const ended = await Promise.race([Promise.all(watches.map((w) => w.closed)).then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 30_000))]);
    assert.ok(ended, `${watches.filter((w) => !w.socket.closed).length} stalled watches still open`);
    // The one that kept up is still open and saw every event.
    assert.equal(reader.socket.closed, false, 'a watcher that reads is not closed');
    assert.ok(reader.received() > OBJECTS * blob.length, `the reading watcher got ${reader.received()} bytes`);
    reader.socket.destroy();
  });
});

describe('large PATCHes on kept-alive connections', () => {
  // Issue 19: 30-100 KB PATCHes on a reused keep-alive connection went unanswered 2-50% of the time: Node's HTTP/1
  // parser, paused while the previous response drained, was still fed natively and failed with "Parse Error: Paused".
  const CONNECTIONS = 4;
  const PATCHES = HEAVY ? 4_000 : 1_000;
  test(`${PATCHES} PATCHes of 30-100 KB on ${CONNECTIONS} kept-alive HTTP/1.1 connections are all answered`, { timeout: 300_000 }, async () => {
    const cred = credentials(c);
    const send = (agent: https.Agent, method: string, path: string, body: string, type: string) => new Promise<{ status: number; reused: boolean; body: string }>((resolve, reject) => {
      const req = https.request(new URL(path, cred.server), {
        method, agent, ca: cred.ca, cert: cred.cert, key: cred.key,
        headers: { 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)) },
      }, (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { data += d; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket, body: data }));
      });
      req.setTimeout(30_000, () => req.destroy(new Error('no answer in 30 s')));
      req.on('error', reject);
      req.end(body);
    });
    const failures: string[] = [];
    let reused = 0;
    await Promise.all(Array.from({ length: CONNECTIONS }, async (_, w) => {
      const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const name = `kept-alive-${w}`;
        const created = await send(agent, 'POST', '/api/v1/namespaces/default/configmaps', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } }), 'application/json');
        assert.equal(created.status, 201, created.body);
        for (let i = w; i < PATCHES; i += CONNECTIONS) {
          const size = 30_000 + ((i * 7919) % 70_001);
          const r = await send(agent, 'PATCH', `/api/v1/namespaces/default/configmaps/${name}`, JSON.stringify({ data: { v: String(i % 10).repeat(size) } }), 'application/merge-patch+json')
            .catch((e: Error) => ({ status: 0, reused: false, body: e.message }));
          if (r.reused) reused++;
          if (r.status !== 200 || (JSON.parse(r.body) as { data: { v: string } }).data.v.length !== size) failures.push(`PATCH ${i} (${size} B): ${r.status} ${r.body.slice(0, 120)}`);
        }
      } finally {
        agent.destroy();
      }
    }));
    assert.deepEqual(failures, []);
    assert.ok(reused >= PATCHES - CONNECTIONS * 2, `connections were kept alive (${reused} of ${PATCHES} PATCHes on a reused socket)`);
  });
});
