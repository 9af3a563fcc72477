import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onAbort } from '../../../src/client/abort.js';
import { ApiError } from '../../../src/apimachinery/errors.js';
import { KubeClient } from '../../../src/client/client.js';
import { backoffDelay, decodeError, RestClient } from '../../../src/client/http.js';
import { builtin, resourcePath } from '../../../src/client/resources.js';
import { FakeServer } from './fake-server.js';

const status = (code: number, reason: string, message = 'm') => JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });

function client(fake: FakeServer, sleeps: number[]) {
  return new RestClient({ transport: fake, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 });
}

test('429 is retried after Retry-After, for any verb', async () => {
  const fake = new FakeServer();
  const sleeps: number[] = [];
  fake.canned.push({ status: 429, body: status(429, 'TooManyRequests'), headers: { 'retry-after': '2' } }, { status: 201, body: '{"metadata":{"name":"x"}}' });
  const out = await client(fake, sleeps).request<{ metadata: { name: string } }>({ method: 'POST', path: '/api/v1/namespaces/d/configmaps', body: {} });
  assert.equal(out.metadata.name, 'x');
  assert.deepEqual(sleeps, [2000]);
});

test('5xx and connection errors are retried with growing jittered backoff for GET, not for POST', async () => {
  const fake = new FakeServer();
  const sleeps: number[] = [];
  fake.canned.push({ status: 503, body: status(503, 'ServiceUnavailable') }, Object.assign(new Error('reset'), { code: 'ECONNRESET' }), { status: 200, body: '{"ok":true}' });
  assert.deepEqual(await client(fake, sleeps).request({ method: 'GET', path: '/x' }), { ok: true });
  assert.deepEqual(sleeps, [150, 300]);

  fake.canned.push({ status: 500, body: status(500, 'InternalError', 'boom') });
  await assert.rejects(client(fake, sleeps).request({ method: 'POST', path: '/x', body: {} }), (e: unknown) => e instanceof ApiError && e.code === 500 && e.message === 'boom');
  fake.canned.push(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), { status: 201, body: '{}' });
  await client(fake, sleeps).request({ method: 'POST', path: '/x', body: {} }); // never reached the server: safe to resend
});

test('4xx is never retried and comes back as ApiError with the Status', async () => {
  const fake = new FakeServer();
  const sleeps: number[] = [];
  fake.canned.push({ status: 404, body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound', message: 'configmaps "a" not found', details: { name: 'a', kind: 'configmaps' } }) });
  await assert.rejects(client(fake, sleeps).request({ method: 'GET', path: '/x' }), (e: unknown) =>
    e instanceof ApiError && e.code === 404 && e.reason === 'NotFound' && e.message === 'configmaps "a" not found' && e.details?.name === 'a');
  assert.deepEqual(sleeps, []);
  assert.equal(fake.requests.length, 1);
});

test('retries stop after maxRetries', async () => {
  const fake = new FakeServer();
  for (let i = 0; i < 5; i++) fake.canned.push({ status: 502, body: 'bad gateway' });
  const rest = new RestClient({ transport: fake, retry: { maxRetries: 2 }, sleep: async () => {} });
  await assert.rejects(rest.request({ method: 'GET', path: '/x' }), (e: unknown) => e instanceof ApiError && e.code === 502 && e.reason === 'Unknown' && e.message === 'bad gateway');
  assert.equal(fake.requests.length, 3);
});

test('request timeout aborts a hung request', async () => {
  const hung = { request: (req: { signal?: AbortSignal }) => new Promise<never>((_, rej) => req.signal?.addEventListener('abort', () => rej(req.signal!.reason))), close: async () => {} };
  const rest = new RestClient({ transport: hung, timeoutMs: 30, retry: { maxRetries: 0 } });
  const keepLoopAlive = setTimeout(() => {}, 1000); // a real socket would hold the event loop open
  await assert.rejects(rest.request({ method: 'GET', path: '/x' }), /timeout|aborted/i);
  clearTimeout(keepLoopAlive);
});

test('on a transport that shares signals, requests starting together share one deadline, never before their timeout', async () => {
  const signals: AbortSignal[] = [];
  const hung = (sharesSignals: boolean) => ({
    sharesSignals,
    request: (req: { signal?: AbortSignal }) => {
      signals.push(req.signal!);
      return new Promise<never>((_, rej) => onAbort(req.signal!, rej));
    },
    close: async () => {},
  });
  const rest = new RestClient({ transport: hung(true), timeoutMs: 200, retry: { maxRetries: 0 } });
  const keepLoopAlive = setTimeout(() => {}, 2000); // a real socket would hold the event loop open
  const started = Date.now();
  const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => rest.request({ method: 'GET', path: '/x' })));
  const elapsed = Date.now() - started;
  assert.ok(outcomes.every((o) => o.status === 'rejected' && (o.reason as Error).name === 'TimeoutError'));
  assert.ok(elapsed >= 200, `timed out after ${elapsed} ms`);
  // Deadlines are shared per 10 ms tick: the 20 requests start within one or two ticks (a loaded machine may
  // spread them a little), never one timer each.
  assert.ok(new Set(signals).size <= 4, `shared timers for requests started together (${new Set(signals).size} for 20)`);

  signals.length = 0;
  const own = new RestClient({ transport: hung(false), timeoutMs: 50, retry: { maxRetries: 0 } });
  await Promise.allSettled(Array.from({ length: 3 }, () => own.request({ method: 'GET', path: '/x' })));
  clearTimeout(keepLoopAlive);
  assert.equal(new Set(signals).size, 3, 'a transport that adds its own listeners gets a signal per request');
});

test('onAbort calls each live callback once, and not after unsubscribing', () => {
  const ac = new AbortController();
  const calls: string[] = [];
  onAbort(ac.signal, (r) => calls.push(`a ${String(r)}`));
  const off = onAbort(ac.signal, () => calls.push('b'));
  off();
  ac.abort('why');
  ac.abort('again');
  onAbort(ac.signal, (r) => calls.push(`late ${String(r)}`));
  assert.deepEqual(calls, ['a why', 'late why']);
});

test('non-Status error bodies get the reason for their code; backoff is capped', () => {
  assert.equal(decodeError(409, 'nope').reason, 'Conflict');
  assert.equal(decodeError(403, '').message, 'the server responded with the status code 403 but did not return more information');
  assert.equal(backoffDelay(30, 100, 5000, () => 1), 5000);
  assert.equal(backoffDelay(0, 100, 5000, () => 0), 100);
});

test('KubeClient builds upstream paths, patch content types, field manager and DeleteOptions', async () => {
  const fake = new FakeServer();
  const c = new KubeClient({ transport: fake, fieldManager: 'berth-sts' });
  for (let i = 0; i < 6; i++) fake.canned.push({ status: 200, body: '{"metadata":{}}' });
  await c.patch(builtin.statefulSets, 'web', { spec: { replicas: 2 } }, 'apply', { namespace: 'db', force: true });
  await c.updateStatus(builtin.pods, { metadata: { name: 'p', namespace: 'n' } });
  await c.delete(builtin.pods, 'p', { namespace: 'n', propagationPolicy: 'Foreground', gracePeriodSeconds: 0 });
  await c.getScale(builtin.statefulSets, 'web', { namespace: 'db' });
  await c.deleteCollection(builtin.configMaps, { namespace: 'n', labelSelector: 'a=b' });
  await c.patch(builtin.nodes, 'n1', [{ op: 'add', path: '/metadata/labels/x', value: 'y' }], 'json');
  const [apply, status, del, scale, dc, json] = fake.requests;
  assert.equal(apply.path, '/apis/apps/v1/namespaces/db/statefulsets/web?fieldManager=berth-sts&force=true');
  assert.equal(apply.headers['content-type'], 'application/apply-patch+yaml');
  assert.equal(status.method, 'PUT');
  assert.equal(status.path, '/api/v1/namespaces/n/pods/p/status?fieldManager=berth-sts');
  assert.deepEqual(JSON.parse(del.body!), { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, propagationPolicy: 'Foreground' });
  assert.equal(scale.path, '/apis/apps/v1/namespaces/db/statefulsets/web/scale');
  assert.equal(dc.path, '/api/v1/namespaces/n/configmaps?labelSelector=a%3Db');
  assert.equal(json.headers['content-type'], 'application/json-patch+json');
  assert.equal(json.path, '/api/v1/nodes/n1?fieldManager=berth-sts');
  assert.equal(resourcePath(builtin.pods), '/api/v1/pods');
  assert.throws(() => c.get(builtin.pods, 'p'), /namespace is required/);
});
