import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubeClient } from '../../../src/client/client.js';
import { EventRecorder } from '../../../src/client/events.js';
import { FakeServer } from './fake-server.js';

const ok = (body: unknown) => ({ status: 200, body: JSON.stringify(body) });

test('records Events and folds repeats into count++ patches without blocking', async () => {
  const fake = new FakeServer();
  const rec = new EventRecorder(new KubeClient({ transport: fake }), { component: 'statefulset-controller', host: 'node-1', now: () => new Date('2025-01-02T03:04:05.678Z') });
  fake.canned.push(ok({}), ok({}), ok({}), ok({}));
  const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: 'db', uid: 'u1', resourceVersion: '7' } };
  rec.event(sts, 'Normal', 'SuccessfulCreate', 'create Pod web-0 in StatefulSet web successful');
  rec.event(sts, 'Normal', 'SuccessfulCreate', 'create Pod web-0 in StatefulSet web successful');
  rec.event(sts, 'Warning', 'FailedCreate', 'boom');
  assert.equal(fake.requests.length <= 1, true, 'event() returns before writing');
  await rec.flush();
  const [create, patch, other] = fake.requests;
  assert.equal(create.method, 'POST');
  assert.equal(create.path, '/api/v1/namespaces/db/events');
  const ev = JSON.parse(create.body!);
  assert.match(ev.metadata.name, /^web\.[0-9a-f]{16}$/);
  assert.equal(ev.metadata.name, `web.${(BigInt(Date.parse('2025-01-02T03:04:05.678Z')) * 1_000_000n).toString(16)}`);
  assert.deepEqual(ev.involvedObject, { kind: 'StatefulSet', namespace: 'db', name: 'web', uid: 'u1', apiVersion: 'apps/v1', resourceVersion: '7' });
  assert.deepEqual([ev.type, ev.reason, ev.count, ev.firstTimestamp, ev.lastTimestamp], ['Normal', 'SuccessfulCreate', 1, '2025-01-02T03:04:05Z', '2025-01-02T03:04:05Z']);
  assert.deepEqual(ev.source, { component: 'statefulset-controller', host: 'node-1' });
  assert.equal(patch.method, 'PATCH');
  assert.equal(patch.path, `/api/v1/namespaces/db/events/${ev.metadata.name}`);
  assert.equal(patch.headers['content-type'], 'application/strategic-merge-patch+json');
  assert.equal(JSON.parse(patch.body!).count, 2);
  assert.equal(other.method, 'POST');
});

test('write failures are swallowed and reported; a vanished event is recreated', async () => {
  const fake = new FakeServer();
  const errors: unknown[] = [];
  const rec = new EventRecorder(new KubeClient({ transport: fake, retry: { maxRetries: 0 } }), { component: 'c', onError: (e) => errors.push(e) });
  const node = { kind: 'Node', apiVersion: 'v1', metadata: { name: 'n1' } };
  fake.canned.push({ status: 403, body: 'forbidden' }, ok({}), { status: 404, body: 'gone' }, ok({}));
  rec.event(node, 'Warning', 'R', 'm');
  rec.event(node, 'Warning', 'R', 'm');
  rec.event(node, 'Warning', 'R', 'm');
  await rec.flush();
  assert.equal(errors.length, 1);
  assert.deepEqual(fake.requests.map((r) => r.method), ['POST', 'POST', 'PATCH', 'POST']);
  assert.equal(fake.requests[1].path, '/api/v1/namespaces/default/events', 'cluster-scoped objects record into default');
});
