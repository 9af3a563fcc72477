// httpGet, tcpSocket, exec and grpc probes against kubernetes pkg/probe (http, tcp, exec, grpc) and
// pkg/kubelet/prober/prober.go, with real servers on 127.0.0.1 (an etcd for grpc.health.v1).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { execProbe } from '../../../../../src/nodeagent/kubelet/prober/exec.js';
import { grpcProbe, healthCheckRequest, healthCheckStatus } from '../../../../../src/nodeagent/kubelet/prober/grpc.js';
import { canonicalHeaderKey, httpProbe, newRequestForHTTPGetAction, resolveContainerPort } from '../../../../../src/nodeagent/kubelet/prober/http.js';
import { probe, probeWithDefaults, type ProbeTarget } from '../../../../../src/nodeagent/kubelet/prober/prober.js';
import { tcpProbe } from '../../../../../src/nodeagent/kubelet/prober/tcp.js';
import { ensurePki } from '../../../../../src/pki/pki.js';
import type { ContainerSpec, Pod } from '../../../../../src/api/core.js';

let server: http.Server;
let port = 0;
let seen: http.IncomingHttpHeaders = {};

function listen(s: net.Server): Promise<number> {
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as net.AddressInfo).port)));
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  const p = await listen(s);
  await new Promise((r) => s.close(r));
  return p;
}

before(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    seen = req.headers;
    switch (url.pathname) {
      case '/ok': res.end('fine'); break;
      case '/big': res.end('x'.repeat(20_000)); break;
      case '/500': res.statusCode = 500; res.end('broken'); break;
      case '/to-ok': res.writeHead(302, { location: '/ok' }).end(); break;
      case '/elsewhere': res.writeHead(301, { location: `http://localhost:${port}/ok` }).end('moved'); break;
      case '/loop': res.writeHead(302, { location: `/loop?n=${Number(url.searchParams.get('n') ?? 0) + 1}` }).end(); break;
      case '/slow': break; // never answers
      case '/hangup': req.socket.destroy(); break;
      default: res.statusCode = 404; res.end();
    }
  });
  port = await listen(server);
});
after(() => { server.closeAllConnections(); server.close(); });

const container: ContainerSpec = { name: 'web', ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }] };
const req = (p: string, extra: Partial<{ host: string; httpHeaders: { name: string; value: string }[] }> = {}) =>
  newRequestForHTTPGetAction({ path: p, port, scheme: 'HTTP', ...extra }, container, '127.0.0.1');

test('httpGet: the request as request.go builds it — pod IP host, kube-probe user agent, Accept */*, headers', () => {
  const r = newRequestForHTTPGetAction({ path: '/healthz?x=1', port: 'http' }, container, '10.244.1.5');
  assert.equal(r.url.href, 'http://10.244.1.5:8080/healthz?x=1');
  assert.deepEqual(r.headers, [['User-Agent', 'kube-probe/1.33'], ['Accept', '*/*']]);
  const custom = newRequestForHTTPGetAction({ port: 80, host: 'fd00::5', scheme: 'HTTPS', path: 'x', httpHeaders: [
    { name: 'user-agent', value: 'mine' }, { name: 'accept', value: '' }, { name: 'x-custom-header', value: 'a' }, { name: 'X-Custom-Header', value: 'b' }, { name: 'host', value: 'example.com' },
  ] }, container, '10.0.0.1');
  assert.equal(custom.url.href, 'https://[fd00::5]:80/x');
  assert.deepEqual(custom.headers, [['User-Agent', 'mine'], ['X-Custom-Header', 'a'], ['X-Custom-Header', 'b']]);
  assert.equal(custom.host, 'example.com');
  assert.equal(canonicalHeaderKey('x-forwarded-FOR'), 'X-Forwarded-For');
});

test('ports: number, container port name, number as text, invalid ones with upstream text', () => {
  assert.equal(resolveContainerPort(81, container), 81);
  assert.equal(resolveContainerPort('metrics', container), 9090);
  assert.equal(resolveContainerPort('8081', container), 8081);
  assert.throws(() => resolveContainerPort('nope', container), { message: 'strconv.Atoi: parsing "nope": invalid syntax' });
  assert.throws(() => resolveContainerPort(70000, container), { message: 'invalid port number: 70000' });
});

test('httpGet against a local server: success, status failure, default headers on the wire', async () => {
  assert.deepEqual(await httpProbe(req('/ok'), 1000), { result: 'success', output: 'fine' });
  assert.equal(seen['user-agent'], 'kube-probe/1.33');
  assert.equal(seen.accept, '*/*');
  assert.equal(seen.connection, 'close', 'no keep-alive');
  assert.equal(seen['accept-encoding'], undefined, 'no compression');
  assert.deepEqual(await httpProbe(req('/500'), 1000), { result: 'failure', output: 'HTTP probe failed with statuscode: 500' });
  assert.equal((await httpProbe(req('/big'), 1000)).output.length, 10 * 1024, 'body kept up to 10 KiB');
  await httpProbe(req('/ok', { httpHeaders: [{ name: 'Host', value: 'vhost.example' }, { name: 'X-Token', value: 't' }] }), 1000);
  assert.equal(seen.host, 'vhost.example');
  assert.equal(seen['x-token'], 't');
});

test('httpGet redirects: same host followed, another host is a warning, the 10th is refused', async () => {
  assert.deepEqual(await httpProbe(req('/to-ok'), 1000), { result: 'success', output: 'fine' });
  assert.equal(seen.referer, `http://127.0.0.1:${port}/to-ok`, 'the redirected request names where it came from');
  assert.equal(seen['user-agent'], 'kube-probe/1.33');
  assert.deepEqual(await httpProbe(req('/elsewhere'), 1000), { result: 'warning', output: 'Probe terminated redirects, Response body: moved' });
  assert.deepEqual(await httpProbe(req('/loop'), 2000), { result: 'failure', output: 'Get "/loop?n=10": stopped after 10 redirects' });
});

test('httpGet errors are failures worded as Go: refused, timeout, connection closed', async () => {
  const closed = await closedPort();
  const refused = newRequestForHTTPGetAction({ path: '/', port: closed }, container, '127.0.0.1');
  assert.deepEqual(await httpProbe(refused, 1000), { result: 'failure', output: `Get "http://127.0.0.1:${closed}/": dial tcp 127.0.0.1:${closed}: connect: connection refused` });
  assert.deepEqual(await httpProbe(req('/slow'), 200), { result: 'failure', output: `Get "http://127.0.0.1:${port}/slow": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
  assert.deepEqual(await httpProbe(req('/hangup'), 1000), { result: 'failure', output: `Get "http://127.0.0.1:${port}/hangup": EOF` });
});

test('httpGet over HTTPS: the certificate is not verified (a self-signed server answers)', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'berth-probe-tls-'));
  try {
    const pki = await ensurePki(dir, { hosts: [] });
    const tls = https.createServer({ key: pki.servingKeyPem, cert: pki.servingCertPem }, (_req, res) => res.end('secure'));
    const p = await listen(tls);
    try {
      const r = newRequestForHTTPGetAction({ path: '/', port: p, scheme: 'HTTPS' }, container, '127.0.0.1');
      assert.deepEqual(await httpProbe(r, 2000), { result: 'success', output: 'secure' });
    } finally {
      tls.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('tcpSocket: a completed connect succeeds; a refused one fails with the dial error', async () => {
  assert.deepEqual(await tcpProbe('127.0.0.1', port, 1000), { result: 'success', output: '' });
  const closed = await closedPort();
  assert.deepEqual(await tcpProbe('127.0.0.1', closed, 1000), { result: 'failure', output: `dial tcp 127.0.0.1:${closed}: connect: connection refused` });
});

test('exec: exit 0 succeeds, other codes fail with the output (10 KiB at most), a timeout says so', async () => {
  const calls: [string[], number][] = [];
  const exec = async (command: string[], timeoutMs: number) => {
    calls.push([command, timeoutMs]);
    if (command[0] === 'ok') return { exitCode: 0, output: 'PONG\n' };
    if (command[0] === 'big') return { exitCode: 1, output: Buffer.alloc(20_000, 'y') };
    if (command[0] === 'sleep') return { exitCode: -1, output: '', timedOut: true };
    return { exitCode: 1, output: 'cat: /tmp/healthy: No such file or directory\n' };
  };
  assert.deepEqual(await execProbe(exec, ['ok'], 1000), { result: 'success', output: 'PONG\n' });
  assert.deepEqual(await execProbe(exec, ['cat', '/tmp/healthy'], 1000), { result: 'failure', output: 'cat: /tmp/healthy: No such file or directory\n' });
  assert.equal((await execProbe(exec, ['big'], 1000)).output.length, 10 * 1024);
  assert.deepEqual(await execProbe(exec, ['sleep', '10'], 1000), { result: 'failure', output: 'command "sleep 10" timed out' });
  assert.deepEqual(calls[0], [['ok'], 1000]);
});

const pod: Pod = { metadata: { name: 'web-0', namespace: 'default', uid: 'u1' }, spec: { containers: [container] } };
const target = (extra: Partial<ProbeTarget> = {}): ProbeTarget => ({ pod, container, podIP: '127.0.0.1', ...extra });

test('prober.probe: events as upstream, warnings count as success, prober errors retried then reported', async () => {
  assert.deepEqual(await probe('readiness', { httpGet: { path: '/500', port } }, target()), {
    result: 'Failure', event: { type: 'Warning', reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 500' },
  });
  assert.deepEqual(await probe('readiness', { httpGet: { path: '/elsewhere', port } }, target()), {
    result: 'Success', event: { type: 'Warning', reason: 'ProbeWarning', message: 'Readiness probe warning: Probe terminated redirects, Response body: moved' },
  });
  assert.deepEqual(await probe('liveness', { httpGet: { path: '/ok', port } }, target()), { result: 'Success' });
  assert.deepEqual(await probe('liveness', undefined, target()), { result: 'Success' });
  let tries = 0;
  const failing = async () => { tries++; throw new Error('container not running'); };
  assert.deepEqual(await probe('liveness', { exec: { command: ['true'] } }, target({ exec: failing })), {
    result: 'Failure', error: 'container not running',
    event: { type: 'Warning', reason: 'Unhealthy', message: 'Liveness probe errored and resulted in unknown state: container not running' },
  });
  assert.equal(tries, 3);
  const r = await probe('startup', { tcpSocket: { port: 'nope' } }, target());
  assert.equal(r.event?.message, 'Startup probe errored and resulted in unknown state: strconv.Atoi: parsing "nope": invalid syntax');
  // exec probes see only literal env values in $(VAR)
  let ran: string[] = [];
  await probe('liveness', { exec: { command: ['sh', '-c', 'test $(MODE) = $(SECRET)'] } }, target({
    container: { ...container, env: [{ name: 'MODE', value: 'on' }, { name: 'SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] },
    exec: async (c) => { ran = c; return { exitCode: 0, output: '' }; },
  }));
  assert.deepEqual(ran, ['sh', '-c', 'test on = ']);
});

test('probe defaults: 0 s delay, 1 s timeout, 10 s period, thresholds 1 and 3', () => {
  assert.deepEqual(probeWithDefaults({ tcpSocket: { port: 1 } }), { tcpSocket: { port: 1 }, initialDelaySeconds: 0, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
});

test('grpc wire format: HealthCheckRequest framing and HealthCheckResponse status', () => {
  assert.deepEqual([...healthCheckRequest('')], [0, 0, 0, 0, 0]);
  assert.deepEqual([...healthCheckRequest('db')], [0, 0, 0, 0, 4, 0x0a, 2, 0x64, 0x62]);
  assert.equal(healthCheckStatus(Buffer.from([0, 0, 0, 0, 2, 0x08, 2])), 2);
  assert.equal(healthCheckStatus(Buffer.from([0, 0, 0, 0, 0])), 0);
});

test('grpc against a fake health server: NOT_SERVING, unknown service, no health service, slow rpc', async () => {
  const h2 = http2.createServer();
  h2.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const body = Buffer.concat(chunks);
      const service = body.length > 5 ? body.subarray(7).toString() : '';
      if (headers[':path'] !== '/grpc.health.v1.Health/Check' || service === 'nohealth') {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12', 'grpc-message': 'unknown service grpc.health.v1.Health' }, { endStream: true });
        return;
      }
      if (service === 'slow') return;
      if (service === 'missing') {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '5', 'grpc-message': 'unknown service' }, { endStream: true });
        return;
      }
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(Buffer.from([0, 0, 0, 0, 2, 0x08, service === 'down' ? 2 : 1]));
    });
  });
  const p = await listen(h2);
  try {
    assert.deepEqual(await grpcProbe('127.0.0.1', '', p, 1000), { result: 'success', output: 'service is serving' });
    assert.deepEqual(await grpcProbe('127.0.0.1', 'down', p, 1000), { result: 'failure', output: 'service unhealthy (responded with "NOT_SERVING")' });
    assert.deepEqual(await grpcProbe('127.0.0.1', 'missing', p, 1000), { result: 'failure', output: 'error: health rpc probe failed: rpc error: code = NotFound desc = unknown service' });
    assert.deepEqual(await grpcProbe('127.0.0.1', 'nohealth', p, 1000), { result: 'failure', output: 'error: this server does not implement the grpc health protocol (grpc.health.v1.Health): unknown service grpc.health.v1.Health' });
    assert.deepEqual(await grpcProbe('127.0.0.1', 'slow', p, 300), { result: 'failure', output: 'timeout: health rpc did not complete within 300ms' });
  } finally {
    await new Promise((r) => h2.close(r));
  }
  const closed = await closedPort();
  assert.deepEqual(await grpcProbe('127.0.0.1', '', closed, 300), { result: 'failure', output: `timeout: failed to connect service "127.0.0.1:${closed}" within 300ms: context deadline exceeded` });
});

test('grpc against a real grpc-go server (etcd serves grpc.health.v1)', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'berth-etcd-'));
  const [client, peer] = [await closedPort(), await closedPort()];
  let etcd: ChildProcess | undefined;
  try {
    etcd = spawn('etcd', [
      '--name', 'probe', '--data-dir', dir,
      '--listen-client-urls', `http://127.0.0.1:${client}`, '--advertise-client-urls', `http://127.0.0.1:${client}`,
      '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
      '--initial-cluster', `probe=http://127.0.0.1:${peer}`,
    ], { stdio: 'ignore' });
    const spawned = await new Promise<boolean>((resolve) => { etcd!.once('spawn', () => resolve(true)); etcd!.once('error', () => resolve(false)); });
    if (!spawned) return t.skip('etcd is not installed (Debian etcd-server)');
    let last = { result: '', output: '' };
    for (let i = 0; i < 50 && last.result !== 'success'; i++) {
      last = await grpcProbe('127.0.0.1', '', client, 1000);
      if (last.result !== 'success') await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(last, { result: 'success', output: 'service is serving' });
  } finally {
    etcd?.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});
