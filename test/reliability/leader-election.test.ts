// Two replicas of the EtcdCluster operator with leader election on a Lease; the leader is cut off from the API
// server (its proxy refuses connections, the process keeps running). The standby must take over within the lease
// duration and carry on the work, and at no sampled instant may both replicas consider themselves leader or may
// the old leader change membership after the new one started.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../src/apimachinery/types.js';
import { KubeClient } from '../../src/client/client.js';
import { SharedInformer } from '../../src/client/informer.js';
import { builtin } from '../../src/client/resources.js';
import { EtcdClusterKind } from '../../src/operators/etcd/crd.js';
import { EtcdMembershipApi, SimulatedEtcdMembership } from '../../src/operators/etcd/membership.js';
import { EtcdOperator } from '../../src/operators/etcd/operator.js';
import { EtcdCluster, etcdClusters } from '../../src/operators/etcd/types.js';
import { installAndWait } from '../../src/testing/index.js';
import { EmbeddedServer, FaultProxy, sleep, waitFor } from './harness.js';

// Whole seconds: a Lease records leaseDurationSeconds, which is what the standby honours.
const LEASE = { namespace: 'default', name: 'etcd-operator', leaseDurationMs: 2000, renewDeadlineMs: 1200, retryPeriodMs: 200 };

const server = new EmbeddedServer();
let admin: KubeClient;
let kubelet: SharedInformer;
/** Who changed membership, when. */
const calls: { replica: string; op: string; at: number }[] = [];
/** The simulated etcd membership both replicas talk to (as they would talk to one etcd cluster). */
const etcd = new SimulatedEtcdMembership();

function recording(replica: string): EtcdMembershipApi {
  const note = (op: string) => calls.push({ replica, op, at: Date.now() });
  return {
    simulated: true,
    memberList: (k, e) => { note('MemberList'); return etcd.memberList(k, e); },
    memberAdd: (k, e, n, p) => { note('MemberAdd'); return etcd.memberAdd(k, e, n, p); },
    memberRemove: (k, e, id, n) => { note('MemberRemove'); return etcd.memberRemove(k, e, id, n); },
    forget: () => {},
  };
}

interface Replica { name: string; proxy: FaultProxy; client: KubeClient; op: EtcdOperator }
const replicas: Replica[] = [];

async function replica(name: string): Promise<Replica> {
  const proxy = new FaultProxy(server);
  await proxy.start();
  // Few retries: a partitioned replica should notice, not hang in retries.
  const client = KubeClient.fromKubeconfig({ path: proxy.kubeconfig() }, { timeoutMs: 800, retry: { maxRetries: 1, baseDelayMs: 50, maxDelayMs: 100 } });
  const op = new EtcdOperator(client, {
    membership: recording(name), resyncIntervalMs: 300, minStepIntervalMs: 0,
    leaderElection: { ...LEASE, identity: name }, logger: { info: () => {}, error: () => {} },
  });
  const r = { name, proxy, client, op };
  replicas.push(r);
  return r;
}

before(async () => {
  await server.start();
  admin = KubeClient.fromKubeconfig({ path: server.kubeconfigPath });
  await installAndWait(admin, [EtcdClusterKind]);
  // A fake kubelet: member pods run and are ready at once.
  kubelet = SharedInformer.forResource(admin, builtin.pods, { labelSelector: 'app=etcd' });
  const run = (p: KubeObject) => {
    if (p.metadata.deletionTimestamp || (p.status as { phase?: string } | undefined)?.phase === 'Running') return;
    admin.updateStatus(builtin.pods, { ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }).catch(() => {});
  };
  kubelet.addEventHandler({ onAdd: run, onUpdate: (_o, n) => run(n) });
  kubelet.run();
});

after(async () => {
  for (const r of replicas) {
    r.proxy.pass();
    await r.op.stop().catch(() => {});
    await r.client.close();
    await r.proxy.close();
  }
  await kubelet?.stop();
  await admin?.close();
  await server.cleanup();
});

test('the leader is cut off: the standby takes over within the lease duration, never two leaders acting', async () => {
  const a = await replica('replica-a');
  await a.op.start();
  await waitFor(() => a.op.manager.isLeader(), 'replica-a leads', 5000);
  const b = await replica('replica-b');
  await b.op.start();

  // Sample leadership all along.
  let both = 0;
  const sampler = setInterval(() => { if (a.op.manager.isLeader() && b.op.manager.isLeader()) both++; }, 10);
  try {
    await admin.create(etcdClusters, { apiVersion: 'etcd.database.coreos.com/v1beta2', kind: 'EtcdCluster', metadata: { name: 'ha', namespace: 'default' }, spec: { size: 3 } });
    const available = async (size: number) => {
      const c = await admin.get<EtcdCluster>(etcdClusters, 'ha', { namespace: 'default' });
      return c.status?.size === size && !!c.status.conditions?.some((x) => x.type === 'Available' && x.status === 'True') && !c.status.conditions.some((x) => x.type === 'Scaling');
    };
    await waitFor(() => available(3), 'three members under replica-a', 10_000);
    assert.ok(calls.length > 0 && calls.every((c) => c.replica === 'replica-a'), 'only the leader acted');
    assert.equal(b.op.manager.isLeader(), false);

    // Cut replica-a off. It must stop leading by its renew deadline; replica-b must lead within the lease duration.
    const cutAt = Date.now();
    a.proxy.refuse();
    await waitFor(() => b.op.manager.isLeader(), 'replica-b takes over', LEASE.leaseDurationMs + 3000);
    const takeover = Date.now() - cutAt;
    // The standby's clock starts when it last saw the Lease change (at or before the cut); it notices the expiry
    // on its next jittered poll (≤ retryPeriod × 2.2) and then writes the Lease.
    assert.ok(takeover <= LEASE.leaseDurationMs + LEASE.retryPeriodMs * 2.2 + 250, `took over after ${takeover} ms`);
    assert.equal(a.op.manager.isLeader(), false, 'the cut-off leader stepped down');
    const lease = await admin.get<KubeObject & { spec: { holderIdentity: string; leaseTransitions?: number } }>(builtin.leases, 'etcd-operator', { namespace: 'default' });
    assert.equal(lease.spec.holderIdentity, 'replica-b');

    // The new leader carries on: scale to 5.
    const takenAt = Date.now();
    await admin.patch(etcdClusters, 'ha', { spec: { size: 5 } }, 'merge', { namespace: 'default' });
    await waitFor(() => available(5), 'five members under replica-b', 10_000);
    const late = calls.filter((c) => c.at >= takenAt);
    assert.ok(late.some((c) => c.op === 'MemberAdd') && late.every((c) => c.replica === 'replica-b'), JSON.stringify(late));
    assert.equal(both, 0, 'never two leaders at once');

    // replica-a reconnects: it stays a standby.
    a.proxy.pass();
    await sleep(LEASE.leaseDurationMs);
    assert.equal(a.op.manager.isLeader(), false);
    assert.equal(b.op.manager.isLeader(), true);
    assert.equal(both, 0);
    console.log(`| leader cut off (2 replicas, lease ${LEASE.leaseDurationMs} ms) | standby led after ${takeover} ms; 0 samples with two leaders | no leader election in client-node |`);
  } finally {
    clearInterval(sampler);
  }
});
