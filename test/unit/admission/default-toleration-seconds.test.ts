// DefaultTolerationSeconds: new pods tolerate the not-ready and unreachable NoExecute taints for 300 s unless they
// already tolerate them; updates, other kinds and subresources are left alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultTolerationSeconds } from '../../../src/admission/default-toleration-seconds.js';
import type { AdmissionAttributes } from '../../../src/registry/types.js';

const plugin = defaultTolerationSeconds();
const podDef = { group: '', resource: 'pods' } as AdmissionAttributes['def'];

async function admit(spec: Record<string, unknown>, over: Partial<AdmissionAttributes> = {}) {
  const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec };
  await plugin.admit!({ operation: 'CREATE', def: podDef, namespace: 'default', name: 'p', subresource: '', object, dryRun: false, user: { username: 'u', groups: [] }, ...over } as AdmissionAttributes);
  return (object.spec as { tolerations?: unknown[] }).tolerations;
}

test('a new pod gets 300 s tolerations for node.kubernetes.io/not-ready and unreachable', async () => {
  assert.deepEqual(await admit({ containers: [] }), [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ]);
});

test('a pod that tolerates a taint already (its key, any effect, or everything) keeps its own toleration', async () => {
  const own = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 };
  assert.deepEqual(await admit({ tolerations: [own] }), [own, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]);
  assert.deepEqual(await admit({ tolerations: [{ operator: 'Exists' }] }), [{ operator: 'Exists' }]);
  const noEffect = { key: 'node.kubernetes.io/not-ready', operator: 'Exists' };
  assert.equal((await admit({ tolerations: [noEffect] }))!.length, 2);
});

test('updates, subresources and other kinds are not touched', async () => {
  assert.equal(await admit({}, { operation: 'UPDATE' }), undefined);
  assert.equal(await admit({}, { subresource: 'status' }), undefined);
  assert.equal(await admit({}, { def: { group: '', resource: 'services' } as AdmissionAttributes['def'] }), undefined);
});
