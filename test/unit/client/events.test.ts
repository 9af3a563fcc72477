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
  // As client-go's eventLogger: the failed create was still observed, so repeats PATCH; a 404 recreates the Event
  // under the observed name with the observed count.
  assert.deepEqual(fake.requests.map((r) => r.method), ['POST', 'PATCH', 'PATCH', 'POST']);
  assert.equal(fake.requests[0].path, '/api/v1/namespaces/default/events', 'cluster-scoped objects record into default');
  const first = JSON.parse(fake.requests[0].body!);
  const recreated = JSON.parse(fake.requests[3].body!);
  assert.equal(fake.requests[2].path, `/api/v1/namespaces/default/events/${first.metadata.name}`);
  assert.deepEqual([recreated.metadata.name, recreated.count, recreated.firstTimestamp], [first.metadata.name, 3, first.firstTimestamp]);
});

/** A recorder on a fake server answering every write with 200, and a clock the test moves. */
function correlated(component = 'statefulset-controller') {
  const fake = new FakeServer();
  let nowMs = Date.parse('2026-11-22T10:00:00Z');
  const served = fake.canned;
  const keepAnswering = () => { while (served.length < 200) served.push(ok({})); };
  keepAnswering();
  const rec = new EventRecorder(new KubeClient({ transport: fake }), { component, now: () => new Date(nowMs) });
  const writes = () => fake.requests.map((r) => ({ method: r.method, body: JSON.parse(r.body!) as Record<string, unknown> }));
  return { fake, rec, writes, keepAnswering, advance: (ms: number) => (nowMs += ms) };
}

const web = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: 'db', uid: 'u1' } };
const pod = (i: number) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `web-${i}`, namespace: 'db', uid: `p${i}` } });

test('a source may burst 25 events about one object; the rest are dropped until the bucket refills (one per 5 minutes)', async () => {
  const { fake, rec, writes, keepAnswering, advance } = correlated();
  // distinct reasons, so neither dedupe nor aggregation folds them
  for (let i = 0; i < 40; i++) rec.event(web, 'Normal', `Reason${i}`, 'm');
  await rec.flush();
  assert.equal(writes().length, 25);
  assert.deepEqual(writes().map((w) => w.body.reason), Array.from({ length: 25 }, (_, i) => `Reason${i}`));
  // another object has its own bucket
  rec.event(pod(0), 'Normal', 'Scheduled', 'x');
  await rec.flush();
  assert.equal(writes().length, 26);
  keepAnswering();
  advance(299_000);
  rec.event(web, 'Normal', 'Later', 'm');
  await rec.flush();
  assert.equal(writes().length, 26, 'less than five minutes: still empty');
  advance(2_000);
  rec.event(web, 'Normal', 'Later', 'm');
  rec.event(web, 'Normal', 'Later2', 'm');
  await rec.flush();
  // One token back after five minutes. The dropped 'Later' was still observed (as in client-go), so this repeat is
  // a PATCH whose count includes it; the server's 404 would make it a create under that name.
  const after = fake.requests.slice(26);
  assert.equal(after.length, 1, 'one token back after five minutes');
  assert.equal(after[0]!.method, 'PATCH');
  assert.match(after[0]!.path, /^\/api\/v1\/namespaces\/db\/events\/web\.[0-9a-f]+$/);
  assert.equal(JSON.parse(after[0]!.body!).count, 2);
});

test('the spam bucket is per source, object and type: Warnings about an object are not starved by Normal events', async () => {
  const { rec, writes } = correlated();
  for (let i = 0; i < 30; i++) rec.event(web, 'Normal', `Reason${i}`, 'm');
  rec.event(web, 'Warning', 'FailedCreate', 'boom');
  await rec.flush();
  assert.equal(writes().length, 26);
  assert.equal(writes()[25]!.body.reason, 'FailedCreate');
  // another component has its own bucket for the same object
  const other = correlated('kubelet');
  for (let i = 0; i < 30; i++) other.rec.event(web, 'Normal', `Reason${i}`, 'm');
  await other.rec.flush();
  assert.equal(other.writes().length, 25);
});

test('identical events under the limits keep folding into count++ patches, as before the correlator', async () => {
  const { fake, rec, writes, advance } = correlated();
  for (let i = 0; i < 5; i++) {
    rec.event(pod(1), 'Warning', 'BackOff', 'Back-off restarting failed container');
    advance(1_000);
  }
  await rec.flush();
  assert.deepEqual(writes().map((w) => [w.method, w.body.count]), [['POST', 1], ['PATCH', 2], ['PATCH', 3], ['PATCH', 4], ['PATCH', 5]]);
  const name = (writes()[0]!.body.metadata as { name: string }).name;
  assert.ok(fake.requests.slice(1).every((r) => r.path === `/api/v1/namespaces/db/events/${name}`));
  assert.equal(writes()[4]!.body.lastTimestamp, '2026-11-22T10:00:04Z');
});

test('from the tenth distinct message with the same reason, events are combined into one Event whose count grows', async () => {
  const { fake, rec, writes } = correlated();
  for (let i = 0; i < 14; i++) rec.event(web, 'Normal', 'SuccessfulCreate', `create Pod web-${i} in StatefulSet web successful`);
  await rec.flush();
  const w = writes();
  assert.equal(w.length, 14);
  assert.ok(w.slice(0, 9).every((x) => x.method === 'POST' && !String(x.body.message).startsWith('(combined')));
  assert.equal(w[9]!.method, 'POST');
  assert.equal(w[9]!.body.message, '(combined from similar events): create Pod web-9 in StatefulSet web successful');
  assert.equal(w[9]!.body.count, 1);
  assert.deepEqual(w.slice(10).map((x) => [x.method, x.body.count, x.body.message]), [10, 11, 12, 13].map((i, n) =>
    ['PATCH', n + 2, `(combined from similar events): create Pod web-${i} in StatefulSet web successful`]));
  // the combined Event has a name of its own, distinct from the nine before it, and every later repeat patches it
  const names = w.slice(0, 10).map((x) => (x.body.metadata as { name: string }).name);
  assert.equal(new Set(names).size, 10);
  assert.match(names[9]!, /^web\.[0-9a-f]+$/);
  assert.ok(fake.requests.slice(10).every((r) => r.path === `/api/v1/namespaces/db/events/${names[9]}`));
});

test('a 1000-pod burst writes 25 SuccessfulCreate events for the set, every pod still gets its own', async () => {
  const { rec, writes, keepAnswering } = correlated();
  for (let i = 0; i < 1000; i++) {
    rec.event(web, 'Normal', 'SuccessfulCreate', `create Pod web-${i} in StatefulSet web successful`);
    rec.event(pod(i), 'Normal', 'Scheduled', `Successfully assigned db/web-${i} to node-1`);
    if (i % 100 === 99) {
      await rec.flush(); // the recorder's queue holds 1000 events, like client-go's broadcaster
      keepAnswering();
    }
  }
  await rec.flush();
  const aboutSet = writes().filter((w) => (w.body.involvedObject as { name?: string } | undefined)?.name === 'web' || w.method === 'PATCH');
  assert.equal(aboutSet.length, 25);
  assert.equal(writes().filter((w) => w.body.reason === 'Scheduled').length, 1000);
});
