// ClaimPods semantics (controller_ref_manager.go) with a recording fake patcher: adopt matching orphans after one
// canAdopt check, release owned objects that stopped matching, leave foreign and terminating objects alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../../../../src/apimachinery/errors.js';
import { labelSelectorAsSelector } from '../../../../src/apimachinery/labels.js';
import type { KubeObject } from '../../../../src/apimachinery/types.js';
import {
  adoptionPatch, ControllerRefManager, recheckDeletionTimestamp, releasePatch,
} from '../../../../src/controllers/common/controller-ref-manager.js';

const set: KubeObject = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: 'ns', uid: 'set-uid' } };
const selector = labelSelectorAsSelector({ matchLabels: { app: 'web' } });

function pod(name: string, opts: { labels?: Record<string, string>; owner?: string; namespace?: string; deleting?: boolean } = {}): KubeObject {
  return {
    metadata: {
      name, namespace: opts.namespace ?? 'ns', uid: `uid-${name}`, labels: opts.labels ?? { app: 'web' },
      ...(opts.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'x', uid: opts.owner, controller: true }] } : {}),
      ...(opts.deleting ? { deletionTimestamp: '2025-05-01T10:00:00Z' } : {}),
    },
  };
}

function manager(owner: KubeObject = set, opts: { canAdopt?: () => Promise<void>; failPatch?: (name: string) => unknown } = {}) {
  const patches: { name: string; patch: Record<string, unknown> }[] = [];
  let canAdoptCalls = 0;
  const m = new ControllerRefManager<KubeObject>({
    owner, ownerApiVersion: 'apps/v1', ownerKind: 'StatefulSet', selector,
    canAdopt: async () => {
      canAdoptCalls++;
      await opts.canAdopt?.();
    },
    patch: async (obj, patch) => {
      const err = opts.failPatch?.(obj.metadata.name ?? '');
      if (err) throw err;
      patches.push({ name: obj.metadata.name ?? '', patch });
      return { ...obj, metadata: { ...obj.metadata, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set-uid', controller: true }] } };
    },
  });
  return { m, patches, canAdoptCalls: () => canAdoptCalls };
}

const isMember = (o: KubeObject) => /^web-\d+$/.test(o.metadata.name ?? '');

test('adopts matching orphans named like members, checking canAdopt once', async () => {
  const { m, patches, canAdoptCalls } = manager();
  const { claimed, error } = await m.claim([pod('web-0'), pod('web-1'), pod('other-0'), pod('web-2', { labels: { app: 'db' } })], isMember);
  assert.equal(error, undefined);
  assert.deepEqual(claimed.map((p) => p.metadata.name), ['web-0', 'web-1']);
  assert.deepEqual(patches.map((p) => p.name), ['web-0', 'web-1']);
  assert.equal(canAdoptCalls(), 1);
  assert.deepEqual(patches[0].patch, {
    metadata: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set-uid', controller: true, blockOwnerDeletion: true }], uid: 'uid-web-0' },
  });
});

test('keeps owned matching objects without writing; releases owned ones that stopped matching', async () => {
  const { m, patches, canAdoptCalls } = manager();
  const { claimed } = await m.claim([pod('web-0', { owner: 'set-uid' }), pod('web-1', { owner: 'set-uid', labels: { app: 'moved' } })], isMember);
  assert.deepEqual(claimed.map((p) => p.metadata.name), ['web-0']);
  assert.deepEqual(patches, [{ name: 'web-1', patch: { metadata: { ownerReferences: [{ $patch: 'delete', uid: 'set-uid' }], uid: 'uid-web-1' } } }]);
  assert.equal(canAdoptCalls(), 0);
});

test('never touches objects controlled by someone else, terminating orphans or other namespaces', async () => {
  const { m, patches } = manager();
  const { claimed } = await m.claim([
    pod('web-0', { owner: 'other-uid' }),
    pod('web-1', { owner: 'other-uid', labels: { app: 'moved' } }),
    pod('web-2', { deleting: true }),
    pod('web-3', { namespace: 'elsewhere' }),
  ], isMember);
  assert.deepEqual(claimed, []);
  assert.deepEqual(patches, []);
});

test('an owner being deleted neither adopts nor releases, but keeps what it owns', async () => {
  const deleting = { ...set, metadata: { ...set.metadata, deletionTimestamp: '2025-05-01T10:00:00Z' } };
  const { m, patches } = manager(deleting);
  const { claimed } = await m.claim([pod('web-0', { owner: 'set-uid' }), pod('web-1', { owner: 'set-uid', labels: {} }), pod('web-2')], isMember);
  assert.deepEqual(claimed.map((p) => p.metadata.name), ['web-0']);
  assert.deepEqual(patches, []);
});

test('a failing canAdopt fails every adoption but keeps owned objects', async () => {
  const { m, patches, canAdoptCalls } = manager(set, { canAdopt: async () => { throw new Error('ns/web has just been deleted at x'); } });
  const { claimed, error } = await m.claim([pod('web-0', { owner: 'set-uid' }), pod('web-1'), pod('web-2')], isMember);
  assert.deepEqual(claimed.map((p) => p.metadata.name), ['web-0']);
  assert.equal(error?.message, '[ns/web has just been deleted at x, ns/web has just been deleted at x]');
  assert.deepEqual(patches, []);
  assert.equal(canAdoptCalls(), 1);
});

test('an orphan gone before adoption is skipped; release of a gone or recreated object is not an error', async () => {
  const notFound = new ApiError(404, 'NotFound', 'pods "web-0" not found');
  const invalid = new ApiError(422, 'Invalid', 'uid mismatch');
  const { m } = manager(set, { failPatch: (name) => (name === 'web-0' ? notFound : name === 'web-1' ? invalid : undefined) });
  const { claimed, error } = await m.claim([pod('web-0'), pod('web-1', { owner: 'set-uid', labels: {} })], isMember);
  assert.deepEqual(claimed, []);
  assert.equal(error, undefined);
  const conflict = new ApiError(409, 'Conflict', 'boom');
  const { m: m2 } = manager(set, { failPatch: () => conflict });
  const r = await m2.claim([pod('web-1', { owner: 'set-uid', labels: {} })], isMember);
  assert.equal(r.error, conflict);
});

test('recheckDeletionTimestamp words a deleting owner as upstream', async () => {
  const check = recheckDeletionTimestamp(async () => ({ metadata: { name: 'web', namespace: 'ns', deletionTimestamp: '2025-05-01T10:00:00Z' } }));
  await assert.rejects(check(), { message: 'ns/web has just been deleted at 2025-05-01 10:00:00 +0000 UTC' });
  await recheckDeletionTimestamp(async () => set)();
});

test('patch shapes', () => {
  assert.deepEqual(releasePatch('p', ['a', 'b']), { metadata: { ownerReferences: [{ $patch: 'delete', uid: 'a' }, { $patch: 'delete', uid: 'b' }], uid: 'p' } });
  assert.equal(JSON.stringify(adoptionPatch(set, 'apps/v1', 'StatefulSet', 'p')), '{"metadata":{"ownerReferences":[{"apiVersion":"apps/v1","kind":"StatefulSet","name":"web","uid":"set-uid","controller":true,"blockOwnerDeletion":true}],"uid":"p"}}');
});
