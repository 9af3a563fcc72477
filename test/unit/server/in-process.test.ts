// The in-process channel of Berth's components: the API server's own handler called without a socket, as the
// loopback identity, exchanging copies of JSON values — what the wire would have carried — except watch events,
// which every in-process watcher receives as one shared, deeply frozen object.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ApiError } from '../../../src/apimachinery/errors.js';
import { controllerIdentity, SCHEDULER_IDENTITY } from '../../../src/authentication/component-users.js';
import { jsonRoundTrip } from '../../../src/apimachinery/json.js';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { KubeClient } from '../../../src/client/client.js';
import { builtin, type ResourceDescriptor } from '../../../src/client/resources.js';
import type { WatchEvent } from '../../../src/client/watch.js';
import { registerReviewHandlers } from '../../../src/server/review-endpoints.js';
import { Berth, startBerth } from '../../../src/host/berth.js';
import type { HostComponent, HostContext } from '../../../src/host/host-context.js';
import { InProcessTransport } from '../../../src/server/in-process.js';

const whoAmIResource: ResourceDescriptor = { group: 'authentication.k8s.io', version: 'v1', resource: 'selfsubjectreviews', namespaced: false, kind: 'SelfSubjectReview' };
async function whoAmI(client: KubeClient): Promise<{ username?: string; groups?: string[] }> {
  const review = await client.create(whoAmIResource, { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: {} } as KubeObject);
  return (review.status as { userInfo: { username?: string; groups?: string[] } }).userInfo;
}

const configMap = (name: string, data: Record<string, string | undefined>): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data });

describe('jsonRoundTrip', () => {
  test('gives what JSON.parse(JSON.stringify(v)) gives, sharing nothing', () => {
    const date = new Date('2026-11-22T10:00:00Z');
    const v = { a: 1, b: undefined, c: [1, undefined, () => 1, NaN], d: { e: 'x', f: null, g: Infinity }, h: date, i: true, ['__proto__']: { j: 1 } };
    Object.defineProperty(v, '__proto__', { value: { j: 1 }, enumerable: true });
    const copy = jsonRoundTrip(v);
    assert.deepEqual(copy, JSON.parse(JSON.stringify(v)));
    assert.notEqual(copy.d, v.d);
    assert.equal(Object.getPrototypeOf(copy), Object.prototype, '"__proto__" stays an ordinary member');
  });
});

describe('Berth\'s in-process channel', () => {
  let dir: string;
  let berth: Berth;
  let ctx: HostContext;
  /** kubeadm's and the API server's own requests: no user named, so the loopback user. */
  const loopback = () => ctx.clientAs({ userAgent: 'test' });
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-in-process-'));
    const probe: HostComponent = {
      name: 'probe', controller: true,
      async start(c) {
        registerReviewHandlers(c.server); // SelfSubjectReview tells who a request was authenticated as
        ctx = c;
        return { stop() {} };
      },
    };
    berth = await startBerth({ dataDir: dir, port: 0, components: [probe] });
  });
  after(async () => {
    await berth.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('components are their upstream users, the loopback user only when they name none; the public port still authenticates its own users', async () => {
    assert.deepEqual(await whoAmI(ctx.client), { username: 'system:kube-controller-manager', groups: ['system:authenticated'] });
    assert.deepEqual(await whoAmI(ctx.clientAs(controllerIdentity('job-controller'))),
      { username: 'system:serviceaccount:kube-system:job-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] });
    assert.deepEqual(await whoAmI(ctx.clientAs(SCHEDULER_IDENTITY)), { username: 'system:kube-scheduler', groups: ['system:authenticated'] });
    assert.deepEqual(await whoAmI(loopback()), { username: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] });
    // held by the same authorizer as any client: the scheduler may not delete Secrets, the manager may not create ConfigMaps
    await loopback().create(builtin.secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'kept', namespace: 'default' } });
    await assert.rejects(ctx.clientAs(SCHEDULER_IDENTITY).delete(builtin.secrets, 'kept', { namespace: 'default' }), (e: unknown) => e instanceof ApiError && e.code === 403
      && e.message === 'secrets "kept" is forbidden: User "system:kube-scheduler" cannot delete resource "secrets" in API group "" in the namespace "default"');
    await assert.rejects(ctx.client.create(builtin.configMaps, configMap('by-manager', {})), (e: unknown) => e instanceof ApiError && e.code === 403
      && e.message === 'configmaps is forbidden: User "system:kube-controller-manager" cannot create resource "configmaps" in API group "" in the namespace "default"');
    const cm = await ctx.clientAs({ userAgent: 'berth-node-agent', fieldManager: 'kubelet' }).create(builtin.configMaps, configMap('by-kubelet', { a: '1' }));
    assert.deepEqual(cm.metadata.managedFields?.map((f) => f.manager), ['kubelet']);
    const external = KubeClient.fromKubeconfig({ path: berth.kubeconfigPath }, { userAgent: 'test' });
    try {
      assert.equal((await whoAmI(external)).username, 'berth-admin');
    } finally {
      await external.close();
    }
  });

  test('requests and responses are copies: neither side sees the other\'s later changes, undefined members are absent', async () => {
    const sent = configMap('copies', { a: '1', gone: undefined });
    const created = await loopback().create(builtin.configMaps, sent);
    assert.deepEqual(created.data, { a: '1' });
    assert.equal(Object.hasOwn(created.data as object, 'gone'), false);
    assert.equal(sent.metadata.uid, undefined, 'the server filled in its own copy');
    (sent.data as Record<string, string>).a = 'changed by the caller';
    (created.data as Record<string, string>).a = 'changed in the response';
    const got = await loopback().get(builtin.configMaps, 'copies', { namespace: 'default' });
    assert.deepEqual(got.data, { a: '1' });
    assert.notEqual(got, await loopback().get(builtin.configMaps, 'copies', { namespace: 'default' }));
  });

  test('errors arrive as ApiErrors built from the server\'s Status', async () => {
    await assert.rejects(loopback().get(builtin.configMaps, 'nope', { namespace: 'default' }), (e: unknown) =>
      e instanceof ApiError && e.code === 404 && e.reason === 'NotFound' && e.message === 'configmaps "nope" not found');
    await loopback().create(builtin.configMaps, configMap('twice', {}));
    await assert.rejects(loopback().create(builtin.configMaps, configMap('twice', {})), (e: unknown) => e instanceof ApiError && e.code === 409);
  });

  test('patches travel as text, deletes carry their options', async () => {
    await loopback().create(builtin.configMaps, configMap('patched', { a: '1' }));
    const patched = await loopback().patch(builtin.configMaps, 'patched', { data: { b: '2' } }, 'merge', { namespace: 'default' });
    assert.deepEqual(patched.data, { a: '1', b: '2' });
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { nodeName: 'nowhere', containers: [{ name: 'c', image: 'nginx' }] } };
    await loopback().create(builtin.pods, pod);
    const deleting = await loopback().delete(builtin.pods, 'p', { namespace: 'default', gracePeriodSeconds: 7 }) as KubeObject;
    assert.equal(deleting.metadata.deletionGracePeriodSeconds, 7, 'the DeleteOptions body reached the server');
  });

  test('watchers share one frozen copy of every event; stopping a watch and closing the channel end the streams', async () => {
    const abort = new AbortController();
    const seen: WatchEvent[][] = [[], []];
    const refused: unknown[] = [];
    const watches = seen.map(async (events) => {
      for await (const ev of loopback().watch(builtin.configMaps, { namespace: 'default', labelSelector: 'w=1', signal: abort.signal })) {
        // A watch from "now" with bookmarks gets WatchList's initial-events-end bookmark first (as upstream 1.34+).
        if (ev.type === 'BOOKMARK') continue;
        events.push(ev);
        try {
          (ev.object.metadata.labels as Record<string, string>).touched = 'by a watcher';
        } catch (e) {
          refused.push(e);
        }
      }
    });
    await new Promise((r) => setTimeout(r, 50));
    await loopback().create(builtin.configMaps, { ...configMap('watched', { a: '1' }), metadata: { name: 'watched', namespace: 'default', labels: { w: '1' } } });
    const deadline = Date.now() + 5000;
    while (seen.some((s) => s.length === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(seen.map((s) => s.map((e) => `${e.type} ${e.object.metadata.name}`)), [['ADDED watched'], ['ADDED watched']]);
    assert.equal(seen[0]![0]!.object, seen[1]![0]!.object, 'one object for every in-process watcher, as a shared informer cache');
    assert.ok(Object.isFrozen(seen[0]![0]!.object.metadata.labels));
    assert.equal(refused.length, 2, 'changing a shared event throws');
    assert.ok(refused.every((e) => e instanceof TypeError));
    const stored = await loopback().get(builtin.configMaps, 'watched', { namespace: 'default' });
    assert.deepEqual(stored.metadata.labels, { w: '1' }, 'a watcher changing its event changes nothing else');
    abort.abort();
    await Promise.all(watches);

    // closing the transport ends an open watch (as closing a connection would) and refuses new requests
    const transport = new InProcessTransport(() => (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      res.write('{"type":"ADDED","object":{"metadata":{"name":"x"}}}\n');
    });
    const client = new KubeClient({ transport });
    const events: string[] = [];
    const open = (async () => {
      for await (const ev of client.watch(builtin.configMaps, { namespace: 'default' })) events.push(ev.object.metadata.name!);
    })();
    await new Promise((r) => setTimeout(r, 50));
    await transport.close();
    await open;
    assert.deepEqual(events, ['x'], 'text lines written the ordinary way are decoded too');
    await assert.rejects(transport.request({ method: 'GET', path: '/version', headers: {} }), /closed/);
  });

  test('a request aborted before the server answers rejects with the abort reason', async () => {
    const transport = new InProcessTransport(() => () => {}); // a handler that never answers
    const abort = new AbortController();
    const pending = transport.request({ method: 'GET', path: '/api', headers: {}, signal: abort.signal });
    abort.abort(new Error('gave up'));
    await assert.rejects(pending, /gave up/);
    await transport.close();
  });
});
