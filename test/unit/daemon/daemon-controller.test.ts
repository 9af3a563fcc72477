// The DaemonSet controller against an in-process API server (nodes created by the test, which also plays the kubelet):
// one pod per eligible node (node selector, taints and the automatic tolerations), node changes, rolling updates
// within maxUnavailable and with maxSurge, OnDelete, ControllerRevisions, failed pods, and status counters.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { builtin } from '../../../src/client/resources.js';
import { DaemonSetsController } from '../../../src/controllers/daemon/daemon-controller.js';
import type { DaemonSet } from '../../../src/controllers/daemon/util.js';
import type { ControllerRevision } from '../../../src/controllers/history/controller-history.js';
import type { Pod } from '../../../src/controllers/statefulset/types.js';
import { ControllerEnv, listPods, setPodFinished, setPodRunning, startControllerEnv } from '../../support/controller-env.js';
import { eventually } from '../../e2e/harness.js';

let env: ControllerEnv;

before(async () => {
  env = await startControllerEnv();
  await env.start(new DaemonSetsController(env.client, env.informers, { failedPodsBackoffMs: { initial: 10, max: 100 }, onError: () => {} }));
});

after(async () => {
  await env?.close();
});

async function node(name: string, labels: Record<string, string> = {}, taints: { key: string; value?: string; effect: string }[] = []): Promise<void> {
  await env.client.create(builtin.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, spec: { taints } });
}

function newDS(ns: string, name: string, spec: Partial<DaemonSet['spec']> = {}, podSpec: Record<string, unknown> = {}): DaemonSet {
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name, namespace: ns },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'agent:1' }], ...podSpec } },
      ...spec,
    },
  };
}

const targetNode = (p: Pod) => (p.spec!.affinity as { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: { matchFields: { values: string[] }[] }[] } } })
  .nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values[0];
const live = (pods: Pod[]) => pods.filter((p) => !p.metadata.deletionTimestamp);
const getDS = (ns: string, name: string) => env.client.get<DaemonSet>(builtin.daemonSets, name, { namespace: ns });
const imageOf = (p: Pod) => (p.spec!.containers as { image: string }[])[0].image;

async function podsOn(ns: string, app: string, nodes: string[]): Promise<Pod[]> {
  return eventually(async () => {
    const pods = live(await listPods(env.client, ns, `app=${app}`));
    const on = pods.map(targetNode).sort();
    return JSON.stringify(on) === JSON.stringify([...nodes].sort()) ? pods : undefined;
  });
}

async function readyAll(ns: string, app: string): Promise<void> {
  for (const p of live(await listPods(env.client, ns, `app=${app}`))) if (p.status?.phase !== 'Running') await setPodRunning(env.client, p);
}

test('one pod per eligible node: node selector, untolerated taints and the daemon tolerations decide', async () => {
  await node('n1', { disk: 'ssd' });
  await node('n2', { disk: 'ssd' }, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]);
  await node('n3', { disk: 'hdd' });
  // cordoned: daemon pods tolerate node.kubernetes.io/unschedulable
  await node('n4', { disk: 'ssd' }, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]);
  const ns = await env.namespace('placement');
  const created = await env.client.create(builtin.daemonSets, newDS(ns, 'logs', {}, { nodeSelector: { disk: 'ssd' } }));
  const pods = await podsOn(ns, 'logs', ['n1', 'n4']);
  for (const p of pods) {
    assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'logs', uid: created.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(p.metadata.labels?.['pod-template-generation'], '1');
    assert.match(p.metadata.labels?.['controller-revision-hash'] ?? '', /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.match(p.metadata.name ?? '', /^logs-[a-z0-9]{5}$/);
    const tolerations = (p.spec!.tolerations as { key: string; effect: string; operator: string }[]).map((t) => `${t.key}:${t.effect}:${t.operator}`);
    assert.deepEqual(tolerations, [
      'node.kubernetes.io/not-ready:NoExecute:Exists', 'node.kubernetes.io/unreachable:NoExecute:Exists',
      'node.kubernetes.io/disk-pressure:NoSchedule:Exists', 'node.kubernetes.io/memory-pressure:NoSchedule:Exists',
      'node.kubernetes.io/pid-pressure:NoSchedule:Exists', 'node.kubernetes.io/unschedulable:NoSchedule:Exists',
    ]);
  }
  await readyAll(ns, 'logs');
  const ds = await eventually(async () => {
    const d = await getDS(ns, 'logs');
    return d.status?.numberAvailable === 2 ? d : undefined;
  });
  assert.deepEqual(ds.status, { currentNumberScheduled: 2, desiredNumberScheduled: 2, numberMisscheduled: 0, numberReady: 2, numberAvailable: 2, observedGeneration: 1, updatedNumberScheduled: 2 });

  // a matching label brings a pod, losing it takes the pod away
  await env.client.patch(builtin.nodes, 'n3', { metadata: { labels: { disk: 'ssd' } } }, 'merge');
  await podsOn(ns, 'logs', ['n1', 'n3', 'n4']);
  await env.client.patch(builtin.nodes, 'n3', { metadata: { labels: { disk: 'hdd' } } }, 'merge');
  await podsOn(ns, 'logs', ['n1', 'n4']);
  // a NoSchedule taint added later lets the running pod stay (misscheduled); NoExecute evicts it
  await env.client.patch(builtin.nodes, 'n1', { spec: { taints: [{ key: 'maint', effect: 'NoSchedule' }] } }, 'merge');
  const mis = await eventually(async () => {
    const d = await getDS(ns, 'logs');
    return d.status?.numberMisscheduled === 1 ? d : undefined;
  });
  assert.equal(mis.status?.desiredNumberScheduled, 1);
  assert.equal(live(await listPods(env.client, ns, 'app=logs')).length, 2);
  await env.client.patch(builtin.nodes, 'n1', { spec: { taints: [{ key: 'maint', effect: 'NoExecute' }] } }, 'merge');
  await podsOn(ns, 'logs', ['n4']);
  await env.client.patch(builtin.nodes, 'n1', { spec: { taints: [] } }, 'merge');
  await podsOn(ns, 'logs', ['n1', 'n4']);
});

test('rolling update with maxUnavailable 1 replaces one node at a time; revisions and generation labels follow', async () => {
  const ns = await env.namespace('rolling');
  await env.client.create(builtin.daemonSets, newDS(ns, 'roll', { minReadySeconds: 0 }, { nodeSelector: { disk: 'ssd' } }));
  await podsOn(ns, 'roll', ['n1', 'n4']);
  await readyAll(ns, 'roll');
  await eventually(async () => (await getDS(ns, 'roll')).status?.numberAvailable === 2);
  await env.client.patch(builtin.daemonSets, 'roll', { spec: { template: { spec: { containers: [{ name: 'c', image: 'agent:2' }] } } } }, 'strategic', { namespace: ns });
  // one old pod goes and its replacement waits to be ready; the other old pod stays meanwhile
  const mixed = await eventually(async () => {
    const pods = live(await listPods(env.client, ns, 'app=roll'));
    return pods.length === 2 && pods.filter((p) => imageOf(p) === 'agent:2').length === 1 ? pods : undefined;
  });
  const fresh = mixed.find((p) => imageOf(p) === 'agent:2')!;
  assert.equal(fresh.metadata.labels?.['pod-template-generation'], '2');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(live(await listPods(env.client, ns, 'app=roll')).filter((p) => imageOf(p) === 'agent:1').length, 1, 'the second old pod waits for the first new one');
  await setPodRunning(env.client, fresh);
  const last = await eventually(async () => live(await listPods(env.client, ns, 'app=roll')).find((p) => imageOf(p) === 'agent:2' && p.metadata.name !== fresh.metadata.name));
  await setPodRunning(env.client, last);
  const ds = await eventually(async () => {
    const d = await getDS(ns, 'roll');
    return d.status?.updatedNumberScheduled === 2 && d.status.numberAvailable === 2 ? d : undefined;
  });
  assert.equal(ds.status?.observedGeneration, 2);
  const revisions = (await env.client.list<ControllerRevision>(builtin.controllerRevisions, { namespace: ns })).items.sort((a, b) => a.revision - b.revision);
  assert.deepEqual(revisions.map((r) => r.revision), [1, 2]);
  assert.equal(revisions[1].metadata.name, `roll-${fresh.metadata.labels?.['controller-revision-hash']}`);
  assert.equal((revisions[1].data as { spec: { template: { $patch: string } } }).spec.template.$patch, 'replace');
});

test('maxSurge 1: the new pod starts next to the old one, which goes once the new one is available', async () => {
  const ns = await env.namespace('surge');
  await env.client.create(builtin.daemonSets, newDS(ns, 'surge', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }, { nodeSelector: { disk: 'ssd' } }));
  await podsOn(ns, 'surge', ['n1', 'n4']);
  await readyAll(ns, 'surge');
  await eventually(async () => (await getDS(ns, 'surge')).status?.numberAvailable === 2);
  await env.client.patch(builtin.daemonSets, 'surge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'agent:2' }] } } } }, 'strategic', { namespace: ns });
  const three = await eventually(async () => {
    const pods = live(await listPods(env.client, ns, 'app=surge'));
    return pods.length === 3 ? pods : undefined;
  });
  const surged = three.find((p) => imageOf(p) === 'agent:2')!;
  const node = targetNode(surged);
  assert.equal(three.filter((p) => targetNode(p) === node).length, 2, 'old and new pod side by side');
  await setPodRunning(env.client, surged);
  // the old pod on that node goes; then the other node surges
  const next = await eventually(async () => {
    const pods = live(await listPods(env.client, ns, 'app=surge'));
    const onNode = pods.filter((p) => targetNode(p) === node);
    return onNode.length === 1 && imageOf(onNode[0]) === 'agent:2' ? pods.find((p) => imageOf(p) === 'agent:2' && targetNode(p) !== node) : undefined;
  });
  await setPodRunning(env.client, next);
  await eventually(async () => {
    const pods = live(await listPods(env.client, ns, 'app=surge'));
    return pods.length === 2 && pods.every((p) => imageOf(p) === 'agent:2');
  });
});

test('OnDelete keeps old pods until they are deleted; a failed pod is replaced', async () => {
  const ns = await env.namespace('ondelete');
  await env.client.create(builtin.daemonSets, newDS(ns, 'od', { updateStrategy: { type: 'OnDelete' } }, { nodeSelector: { disk: 'ssd' } }));
  const pods = await podsOn(ns, 'od', ['n1', 'n4']);
  await readyAll(ns, 'od');
  await env.client.patch(builtin.daemonSets, 'od', { spec: { template: { spec: { containers: [{ name: 'c', image: 'agent:2' }] } } } }, 'strategic', { namespace: ns });
  await eventually(async () => (await getDS(ns, 'od')).status?.observedGeneration === 2);
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(live(await listPods(env.client, ns, 'app=od')).every((p) => imageOf(p) === 'agent:1'));
  await env.client.delete(builtin.pods, pods[0].metadata.name!, { namespace: ns });
  const replaced = await eventually(async () => live(await listPods(env.client, ns, 'app=od')).find((p) => imageOf(p) === 'agent:2'));
  assert.equal(targetNode(replaced), targetNode(pods[0]));
  // a failed daemon pod is deleted and recreated on its node
  await setPodFinished(env.client, replaced, 1);
  const again = await eventually(async () => live(await listPods(env.client, ns, 'app=od')).find((p) => imageOf(p) === 'agent:2' && p.metadata.name !== replaced.metadata.name && p.status?.phase !== 'Failed'));
  assert.equal(targetNode(again), targetNode(pods[0]));
  const evs = (await env.client.list(builtin.events, { namespace: ns, fieldSelector: 'involvedObject.name=od' })).items.map((e) => `${e.type} ${e.reason} ${e.message}`);
  assert.ok(evs.includes(`Warning FailedDaemonPod Found failed daemon pod ${ns}/${replaced.metadata.name} on node ${targetNode(pods[0])}, will try to kill it`), evs.join('\n'));
});
