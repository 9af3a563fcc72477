// The adapters between the algorithm and the client: status writes retried on conflict against a fresh read,
// revision renumbering, history listing from the cache (owned or orphan, selector match), cached claim reads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, errConflict } from '../../../src/apimachinery/errors.js';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import type { KubeClient } from '../../../src/client/client.js';
import type { SharedInformer } from '../../../src/client/informer.js';
import type { ResourceDescriptor } from '../../../src/client/resources.js';
import { ObjectCache } from '../../../src/client/store.js';
import { ClientHistory, ClientPodObjectManager, ClientStatusUpdater } from '../../../src/controllers/statefulset/adapters.js';
import { retryOnConflict } from '../../../src/client/retry.js';
import type { ControllerRevision } from '../../../src/controllers/history/controller-history.js';
import type { PersistentVolumeClaim, StatefulSet } from '../../../src/controllers/statefulset/types.js';

const conflict = () => errConflict({ group: 'apps', resource: 'statefulsets' }, 'web');

/** Just the calls the adapters make, recorded; `fail` decides per call whether it throws. */
function fakeClient(state: { server: Record<string, KubeObject>; calls: string[]; fail?: (call: string) => unknown }): KubeClient {
  const run = async <T>(call: string, result: () => T): Promise<T> => {
    state.calls.push(call);
    const err = state.fail?.(call);
    if (err) throw err;
    return result();
  };
  return {
    get: (res: ResourceDescriptor, name: string) => run(`get ${res.resource}/${name}`, () => structuredClone(state.server[name])),
    update: (res: ResourceDescriptor, obj: KubeObject) => run(`update ${res.resource}/${obj.metadata.name}`, () => (state.server[obj.metadata.name!] = obj)),
    updateStatus: (res: ResourceDescriptor, obj: KubeObject) => run(`status ${res.resource}/${obj.metadata.name}@${obj.metadata.resourceVersion}`, () => (state.server[obj.metadata.name!] = obj)),
  } as unknown as KubeClient;
}

const informerOf = <T extends KubeObject>(objs: T[]) => {
  const store = new ObjectCache<T>();
  for (const o of objs) store.upsert(o);
  return { store } as unknown as SharedInformer<T>;
};

test('status is written through the status subresource and retried on conflict against a fresh read', async () => {
  const set: StatefulSet = { metadata: { name: 'web', namespace: 'ns', resourceVersion: '1' }, spec: { selector: {}, template: {} } };
  let conflicts = 2;
  const state = { server: { web: { ...set, metadata: { ...set.metadata, resourceVersion: '7' } } } as Record<string, KubeObject>, calls: [] as string[],
    fail: (call: string) => (call.startsWith('status') && conflicts-- > 0 ? conflict() : undefined) };
  await new ClientStatusUpdater(fakeClient(state)).updateStatefulSetStatus(set, { replicas: 2, availableReplicas: 1 });
  assert.deepEqual(state.calls, ['status statefulsets/web@1', 'get statefulsets/web', 'status statefulsets/web@7', 'get statefulsets/web', 'status statefulsets/web@7']);
  assert.deepEqual(state.server.web.status, { replicas: 2, availableReplicas: 1 });
});

test('retryOnConflict gives up after five conflicts and never retries other errors', async () => {
  let n = 0;
  await assert.rejects(retryOnConflict(async () => { n++; throw conflict(); }), { reason: 'Conflict' });
  assert.equal(n, 5);
  n = 0;
  await assert.rejects(retryOnConflict(async () => { n++; throw new ApiError(500, 'InternalError', 'x'); }), { code: 500 });
  assert.equal(n, 1);
});

test('history lists owned and orphan revisions matching the selector; renumbering retries and stops when done', async () => {
  const set: StatefulSet = { metadata: { name: 'web', namespace: 'ns', uid: 'u1' }, spec: { selector: { matchLabels: { app: 'web' } }, template: {} } };
  const rev = (name: string, labels: Record<string, string>, owner?: string, namespace = 'ns'): ControllerRevision => ({
    metadata: { name, namespace, labels, ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'x', uid: owner, controller: true }] } : {}) },
    revision: 1,
  });
  const revisions = [rev('mine', { app: 'web' }, 'u1'), rev('orphan', { app: 'web' }), rev('theirs', { app: 'web' }, 'u2'), rev('other', { app: 'db' }), rev('far', { app: 'web' }, undefined, 'x')];
  const state = { server: { mine: { ...revisions[0], revision: 1 } } as Record<string, KubeObject>, calls: [] as string[] };
  let conflicts = 1;
  const history = new ClientHistory(fakeClient({ ...state, fail: (c) => (c.startsWith('update') && conflicts-- > 0 ? conflict() : undefined) }), informerOf(revisions));
  assert.deepEqual((await history.listControllerRevisions(set)).map((r) => r.metadata.name).sort(), ['mine', 'orphan']);
  const updated = await history.updateControllerRevision(revisions[0], 3);
  assert.equal(updated.revision, 3);
  assert.deepEqual(state.calls, ['update controllerrevisions/mine', 'get controllerrevisions/mine', 'update controllerrevisions/mine']);
  assert.equal(revisions[0].revision, 1, 'the cached object is not modified');
});

test('claims are read from the cache, a miss is a NotFound ApiError, and callers get copies', async () => {
  const claim: PersistentVolumeClaim = { metadata: { name: 'data-web-0', namespace: 'ns' }, spec: {} };
  const objects = new ClientPodObjectManager(fakeClient({ server: {}, calls: [] }), informerOf([claim]));
  const got = await objects.getClaim('ns', 'data-web-0');
  assert.deepEqual(got, claim);
  assert.notEqual(got, claim);
  await assert.rejects(objects.getClaim('ns', 'data-web-1'), { code: 404, reason: 'NotFound', message: 'persistentvolumeclaims "data-web-1" not found' });
});
