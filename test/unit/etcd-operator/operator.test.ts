// The operator against an embedded Berth API server (no node agent: the test plays the kubelet and decides which
// member pods run), so dead members, lost quorum, pausing and an operator restart can be staged exactly.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import type { KubeClient } from '../../../src/client/client.js';
import { SharedInformer } from '../../../src/client/informer.js';
import { builtin } from '../../../src/client/resources.js';
import { EtcdClusterKind } from '../../../src/operators/etcd/crd.js';
import { SimulatedEtcdMembership } from '../../../src/operators/etcd/membership.js';
import { EtcdOperator } from '../../../src/operators/etcd/operator.js';
import type { Step } from '../../../src/operators/etcd/plan.js';
import { EtcdCluster, etcdClusters } from '../../../src/operators/etcd/types.js';
import { startTestCluster, TestCluster } from '../../../src/testing/index.js';

let tc: TestCluster;
let client: KubeClient;
let kubelet: SharedInformer;
/** Pods the fake kubelet leaves Pending. */
let holdPending: (pod: KubeObject) => boolean = () => false;
const steps: string[] = [];

async function waitFor<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function startOperator(membership = new SimulatedEtcdMembership()): EtcdOperator {
  return new EtcdOperator(client, {
    membership, resyncIntervalMs: 200, minStepIntervalMs: 0, workers: 2,
    onStep: (key, s: Step) => steps.push(`${key} ${s.kind}${'name' in s ? ` ${s.name}` : ''}`),
    logger: { info: () => {}, error: () => {} },
  });
}

const getCluster = (name: string) => client.get<EtcdCluster>(etcdClusters, name, { namespace: 'default' });
const livePods = async (cluster: string) => (await client.list(builtin.pods, { namespace: 'default', labelSelector: `etcd_cluster=${cluster}` })).items.filter((p) => !p.metadata.deletionTimestamp);
const cond = (c: EtcdCluster, type: string) => c.status?.conditions?.find((x) => x.type === type);

before(async () => {
  tc = await startTestCluster({ crds: [EtcdClusterKind] });
  client = tc.client;
  // The fake kubelet: every new member pod runs and is ready at once, unless held Pending.
  kubelet = SharedInformer.forResource(client, builtin.pods, { labelSelector: 'app=etcd' });
  const run = async (p: KubeObject) => {
    if (holdPending(p) || p.metadata.deletionTimestamp || (p.status as { phase?: string } | undefined)?.phase === 'Running') return;
    // Container IDs of the simulated runtime's scheme: the operator learns from them that no etcd process runs.
    const containerStatuses = [{ name: 'etcd', ready: true, restartCount: 0, containerID: `berth-sim://${p.metadata.uid}`, state: { running: {} } }];
    await client.updateStatus(builtin.pods, { ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses } }).catch(() => {});
  };
  kubelet.addEventHandler({ onAdd: run, onUpdate: (_o, n) => run(n) });
  kubelet.run();
  await kubelet.waitForSync();
});

after(async () => {
  await kubelet?.stop();
  await tc?.stop();
});

test('create, replace a dead member, pause, survive an operator restart, report lost quorum', async () => {
  let op = startOperator();
  await op.start();
  try {
    await client.create(etcdClusters, { apiVersion: 'etcd.database.coreos.com/v1beta2', kind: 'EtcdCluster', metadata: { name: 'ec', namespace: 'default' }, spec: { size: 3, version: '3.2.13' } });
    let c = await waitFor(async () => { const x = await getCluster('ec'); return cond(x, 'Available')?.status === 'True' && x; }, 'Available');
    assert.equal(c.status!.phase, 'Running');
    assert.equal(c.status!.size, 3);
    assert.equal(c.status!.members!.ready!.length, 3);
    assert.equal(c.status!.currentVersion, '3.2.13');
    assert.deepEqual(steps.map((s) => s.split(' ')[1]), ['addMember', 'addMember', 'addMember']);
    const services = (await client.list(builtin.services, { namespace: 'default', labelSelector: 'etcd_cluster=ec' })).items.map((s) => s.metadata.name).sort();
    assert.deepEqual(services, ['ec', 'ec-client']);

    // A member pod dies: the dead member is removed, then a new one is added.
    steps.length = 0;
    const victim = (await livePods('ec'))[1].metadata.name!;
    await client.delete(builtin.pods, victim, { namespace: 'default', gracePeriodSeconds: 0 });
    await waitFor(async () => (await livePods('ec')).length === 3 && steps.length >= 2, 'replacement');
    assert.deepEqual(steps.slice(0, 2).map((s) => s.split(' ').slice(1).join(' ')), [`removeDeadMember ${victim}`, 'addMember']);
    c = await waitFor(async () => { const x = await getCluster('ec'); return cond(x, 'Available')?.status === 'True' && !cond(x, 'Recovering') && x.status!.members!.ready!.length === 3 && x; }, 'recovered');
    assert.ok(!c.status!.members!.ready!.includes(victim));

    // Paused: a resize is ignored until unpaused.
    await client.patch(etcdClusters, 'ec', { spec: { paused: true, size: 5 } }, 'merge', { namespace: 'default' });
    await waitFor(async () => (await getCluster('ec')).status?.controlPaused === true, 'controlPaused');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await livePods('ec')).length, 3);
    await client.patch(etcdClusters, 'ec', { spec: { paused: false, size: 3 } }, 'merge', { namespace: 'default' });
    await waitFor(async () => (await getCluster('ec')).status?.controlPaused === false, 'unpaused');

    // A new operator (fresh memory) learns the membership with MemberList and changes nothing.
    await op.stop();
    const membership = new SimulatedEtcdMembership();
    steps.length = 0;
    op = startOperator(membership);
    await op.start();
    await waitFor(() => membership.calls.some((x) => x.op === 'MemberList'), 'MemberList');
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(steps, []);
    assert.equal((await livePods('ec')).length, 3);

    // Two of three members die while no operator runs; the etcd membership (kept by the simulated API, as etcd
    // itself would) still has three: quorum is lost and nothing is removed.
    await op.stop();
    const pods = await livePods('ec');
    for (const p of pods.slice(0, 2)) await client.delete(builtin.pods, p.metadata.name!, { namespace: 'default', gracePeriodSeconds: 0 });
    op = startOperator(membership);
    await op.start();
    c = await waitFor(async () => { const x = await getCluster('ec'); return cond(x, 'Available')?.status === 'False' && x; }, 'lost quorum');
    assert.equal(cond(c, 'Available')!.reason, 'Lost quorum');
    assert.ok(!(steps as string[]).some((s) => s.includes('removeDeadMember')));
    const events = (await client.list(builtin.events, { namespace: 'default', fieldSelector: 'involvedObject.name=ec' })).items.map((e) => (e as KubeObject & { reason: string }).reason);
    assert.ok(events.includes('New Member Added') && events.includes('Replacing Dead Member') && events.includes('Member Removed') && events.includes('Lost Quorum'), events.join(','));
    assert.ok(c.status!.simulated);
    assert.ok(c.status!.simulatedSteps!.some((s) => s.startsWith('MemberList')));
  } finally {
    await op.stop();
  }
});

test('a pending member holds the next step; an invalid pod policy fails the cluster', async () => {
  const op = startOperator();
  await op.start();
  try {
    await client.create(etcdClusters, { apiVersion: 'etcd.database.coreos.com/v1beta2', kind: 'EtcdCluster', metadata: { name: 'bad', namespace: 'default' }, spec: { size: 1, pod: { labels: { app: 'mine' } } } });
    const bad = await waitFor(async () => { const x = await getCluster('bad'); return x.status?.phase === 'Failed' && x; }, 'Failed');
    assert.equal(bad.status!.reason, 'spec: pod labels contains reserved label');

    // Hold every pod of `slow` Pending: the seed exists, nothing more is created.
    holdPending = (p) => p.metadata.labels?.etcd_cluster === 'slow';
    try {
      await client.create(etcdClusters, { apiVersion: 'etcd.database.coreos.com/v1beta2', kind: 'EtcdCluster', metadata: { name: 'slow', namespace: 'default' }, spec: { size: 3 } });
      await waitFor(async () => (await livePods('slow')).length === 1, 'seed');
      await new Promise((r) => setTimeout(r, 600));
      assert.equal((await livePods('slow')).length, 1);
      const c = await getCluster('slow');
      assert.equal(c.status!.phase, 'Running');
      assert.equal(cond(c, 'Scaling')!.message, 'Current cluster size: 0, desired cluster size: 3');
    } finally {
      holdPending = () => false;
    }
  } finally {
    await op.stop();
  }
});

test('an operator that starts while the member pods are Pending (Berth restarting them) waits, asks MemberList, and deletes none', async () => {
  let op = startOperator();
  await op.start();
  try {
    await client.create(etcdClusters, { apiVersion: 'etcd.database.coreos.com/v1beta2', kind: 'EtcdCluster', metadata: { name: 'reboot', namespace: 'default' }, spec: { size: 3 } });
    await waitFor(async () => cond(await getCluster('reboot'), 'Available')?.status === 'True', 'Available');
    const members = (await livePods('reboot')).map((p) => p.metadata.name!).sort();
    assert.equal(members.length, 3);
    await op.stop();

    // As the node agent reports pods it starts again after a restart: Pending, the container waiting, no ID yet.
    holdPending = (p) => p.metadata.labels?.etcd_cluster === 'reboot';
    for (const p of await livePods('reboot')) {
      const containerStatuses = [{ name: 'etcd', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }];
      await client.updateStatus(builtin.pods, { ...p, status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses } });
    }
    steps.length = 0;
    // A fresh process: its MemberList is answered from the running members (the simulated API's stand-in for etcd).
    const restarted = new SimulatedEtcdMembership();
    op = startOperator(restarted);
    await op.start();
    await new Promise((r) => setTimeout(r, 800)); // several resync passes while every member is Pending
    assert.deepEqual(steps.filter((s) => s.startsWith('default/reboot')), []);

    // The members run again: the operator learns the membership and keeps every pod.
    holdPending = () => false;
    for (const p of await livePods('reboot')) {
      const containerStatuses = [{ name: 'etcd', ready: true, restartCount: 1, containerID: `berth-sim://${p.metadata.uid}`, state: { running: {} } }];
      await client.updateStatus(builtin.pods, { ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses } });
    }
    await waitFor(() => restarted.calls.some((x) => x.op === 'MemberList'), 'MemberList');
    await new Promise((r) => setTimeout(r, 800));
    assert.deepEqual((await livePods('reboot')).map((p) => p.metadata.name!).sort(), members, steps.join('\n'));
    assert.deepEqual(steps.filter((s) => s.startsWith('default/reboot') && !s.endsWith('settled')), []);
  } finally {
    holdPending = () => false;
    await op.stop();
  }
});
