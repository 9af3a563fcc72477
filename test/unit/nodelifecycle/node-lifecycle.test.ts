// The node lifecycle controller on the scaffold, against an in-process API server (the test plays the kubelets): a
// node that never posts a heartbeat turns Unknown after the grace period and gets the unreachable taints from the
// periodic monitor pass; the eviction queue then deletes its pods as their NoExecute tolerations run out, and leaves
// a pod that tolerates the taint for ever. A node whose Lease is renewed stays as it is.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { builtin } from '../../../src/client/resources.js';
import { NodeLifecycleController, UNREACHABLE_TAINT } from '../../../src/controllers/nodelifecycle/node-lifecycle.js';
import type { Pod } from '../../../src/controllers/statefulset/types.js';
import { ControllerEnv, startControllerEnv } from '../../support/controller-env.js';
import { eventually } from '../../e2e/harness.js';

interface Node extends KubeObject {
  spec?: { taints?: { key: string; effect: string }[] };
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

let env: ControllerEnv;
let controller: NodeLifecycleController;

before(async () => {
  env = await startControllerEnv();
  controller = await env.start(new NodeLifecycleController(env.client, env.informers, { monitorPeriodMs: 50, gracePeriodMs: 500 }));
});

after(async () => {
  await env?.close();
});

const pod = (name: string, nodeName: string, tolerationSeconds?: number): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
  spec: {
    nodeName, containers: [{ name: 'c', image: 'busybox' }],
    tolerations: [{ key: UNREACHABLE_TAINT, operator: 'Exists', effect: 'NoExecute', ...(tolerationSeconds === undefined ? {} : { tolerationSeconds }) }],
  },
} as Pod);

const deleting = async (name: string) => {
  const p = await env.client.get<Pod>(builtin.pods, name, { namespace: 'default' }).catch(() => undefined);
  return !p || !!p.metadata.deletionTimestamp;
};

test('a silent node turns Unknown and unreachable; its pods are evicted as their tolerations run out', async () => {
  await env.client.create(builtin.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'silent' } });
  await env.client.create(builtin.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'alive' } });
  const renew = async () => {
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'alive', namespace: 'kube-node-lease' }, spec: { holderIdentity: 'alive', renewTime: new Date().toISOString().replace('Z', '000Z') } };
    const current = await env.client.get(builtin.leases, 'alive', { namespace: 'kube-node-lease' }).catch(() => undefined);
    if (current) await env.client.update(builtin.leases, { ...current, spec: lease.spec });
    else await env.client.create(builtin.leases, lease);
  };
  await renew();
  const heartbeat = setInterval(() => void renew().catch(() => {}), 100);
  try {
    for (const p of [pod('now', 'silent', 0), pod('brief', 'silent', 1), pod('forever', 'silent'), pod('elsewhere', 'alive', 0)]) await env.client.create(builtin.pods, p);

    const silent = await eventually(async () => {
      const n = await env.client.get<Node>(builtin.nodes, 'silent');
      return (n.spec?.taints ?? []).length === 2 ? n : undefined;
    });
    assert.deepEqual(silent.spec!.taints!.map((t) => `${t.key}:${t.effect}`).sort(), [`${UNREACHABLE_TAINT}:NoExecute`, `${UNREACHABLE_TAINT}:NoSchedule`]);
    const ready = silent.status!.conditions!.find((c) => c.type === 'Ready')!;
    assert.deepEqual([ready.status, ready.reason, ready.message], ['Unknown', 'NodeStatusNeverUpdated', 'Kubelet stopped posting node status.']);

    await eventually(() => deleting('now'));
    await eventually(() => deleting('brief'));
    assert.equal(await deleting('forever'), false, 'a pod tolerating the taint for ever stays');
    assert.equal(await deleting('elsewhere'), false, 'a pod on a node that heartbeats stays');
    const alive = await env.client.get<Node>(builtin.nodes, 'alive');
    assert.deepEqual(alive.spec?.taints ?? [], []);
  } finally {
    clearInterval(heartbeat);
  }
});

test('stop() ends the monitor pass and the eviction queue', async () => {
  await controller.stop();
  assert.ok(controller.queue.isShuttingDown());
});
