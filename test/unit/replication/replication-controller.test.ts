// ReplicationController: the registry's defaults and validation (a selector map defaulted from the template, texts
// as upstream), and the ReplicaSet controller's logic run for the kind (pods created, adopted, status and scale).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ApiError } from '../../../src/apimachinery/errors.js';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { builtin } from '../../../src/client/resources.js';
import { newReplicationManager } from '../../../src/controllers/replication/replication-controller.js';
import type { Pod } from '../../../src/controllers/statefulset/types.js';
import { ControllerEnv, listPods, setPodRunning, startControllerEnv } from '../../support/controller-env.js';
import { eventually } from '../../e2e/harness.js';

let env: ControllerEnv;

before(async () => {
  env = await startControllerEnv();
  await env.start(newReplicationManager(env.client, env.informers, { onError: () => {} }));
});

after(async () => {
  await env?.close();
});

interface RC extends KubeObject {
  spec: { replicas?: number; selector?: Record<string, string>; template?: Record<string, unknown> };
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number; observedGeneration?: number };
}

const rc = (ns: string, name: string, extra: Partial<RC['spec']> = {}): RC => ({
  apiVersion: 'v1', kind: 'ReplicationController', metadata: { name, namespace: ns },
  spec: { template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }, ...extra },
});

test('defaults: selector and labels from the template, one replica; validation texts', async () => {
  const ns = await env.namespace('defaults');
  const created = await env.client.create<RC>(builtin.replicationControllers, rc(ns, 'web'));
  assert.deepEqual(created.spec.selector, { app: 'web' });
  assert.deepEqual(created.metadata.labels, { app: 'web' });
  assert.equal(created.spec.replicas, 1);
  assert.equal(created.metadata.generation, 1);
  const bad = rc(ns, 'bad', { selector: { app: 'other' }, replicas: -1 });
  (bad.spec.template as { spec: Record<string, unknown> }).spec.restartPolicy = 'Never';
  await assert.rejects(env.client.create(builtin.replicationControllers, bad), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 422);
    assert.equal(e.message, 'ReplicationController "bad" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, '
      + 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"bad"}: `selector` does not match template `labels`, '
      + 'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"]');
    return true;
  });
});

test('the ReplicaSet logic for the kind: pods owned by the RC, status, scale subresource', async () => {
  const ns = await env.namespace('run');
  const created = await env.client.create<RC>(builtin.replicationControllers, rc(ns, 'api', { replicas: 2 }));
  const pods = await eventually(async () => {
    const ps = await listPods(env.client, ns, 'app=api');
    return ps.length === 2 ? ps : undefined;
  });
  for (const p of pods) {
    assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'api', uid: created.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    await setPodRunning(env.client, p);
  }
  const ready = await eventually(async () => {
    const r = await env.client.get<RC>(builtin.replicationControllers, 'api', { namespace: ns });
    return r.status?.readyReplicas === 2 ? r : undefined;
  });
  assert.deepEqual(ready.status, { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 });
  const scale = await env.client.getScale(builtin.replicationControllers, 'api', { namespace: ns });
  assert.deepEqual(scale.status, { replicas: 2, selector: 'app=api' });
  await env.client.patch(builtin.replicationControllers, 'api', { spec: { replicas: 1 } }, 'merge', { namespace: ns, subresource: 'scale' });
  await eventually(async () => (await listPods(env.client, ns, 'app=api')).filter((p: Pod) => !p.metadata.deletionTimestamp).length === 1);
});
