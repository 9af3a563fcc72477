// The scheduler's VolumeBinding wiring: FitError texts for PreFilter and Filter failures, the PreBind wait for the
// PV binder, and the whole path inside a real Berth (scheduler, PV binder, local provisioner, node agent).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { KubeObject } from '../../src/apimachinery/types.js';
import { KubeClient } from '../../src/client/client.js';
import { builtin } from '../../src/client/resources.js';
import { ERR_BIND_CONFLICT, ERR_NODE_CONFLICT, ERR_UNBOUND_IMMEDIATE, VolumeLookup } from '../../src/volume/scheduling.js';
import { ANN_BIND_COMPLETED, ANN_SELECTED_NODE, PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../src/volume/types.js';
import { VolumeIndex } from '../../src/volume/volume-index.js';
import { localMachineId, MACHINE_ID_LABEL, machineIdFrom, machineNodeAffinity } from '../../src/volume/local-machine.js';
import type { Pod } from '../../src/api/core.js';
import { fitErrorMessage } from '../../src/scheduler/filters.js';
import {
  VolumeDecision, volumeBindingsComplete, volumeCommitVisible, waitForVolumeBindings, waitForVolumeCommit, WatchedVolumeLookup,
} from '../../src/scheduler/volume-binding.js';
import { Berth, startBerth } from '../../src/host/berth.js';
import { eventually } from '../e2e/harness.js';

const podOf = (name: string, claims: string[] = [], spec: Partial<Pod['spec']> = {}): Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: {
    containers: [{ name: 'app', image: 'nginx' }],
    ...(claims.length ? { volumes: claims.map((c, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName: c } })) } : {}),
    ...spec,
  } as Pod['spec'],
});

describe('FitError text for volume failures', () => {
  const everywhere = (reason: string) => [1, 2, 3].map(() => ({ reasons: [reason], unresolvable: true }));

  test('a PreFilter rejection stands alone, every node is unresolvable', () => {
    assert.equal(fitErrorMessage(podOf('p'), 3, everywhere(ERR_UNBOUND_IMMEDIATE), ERR_UNBOUND_IMMEDIATE),
      '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
    assert.equal(fitErrorMessage(podOf('p', [], { preemptionPolicy: 'Never' }), 1, everywhere(ERR_UNBOUND_IMMEDIATE).slice(0, 1), ERR_UNBOUND_IMMEDIATE),
      '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: not eligible due to preemptionPolicy=Never.');
  });

  test('Filter reasons are counted with the other plugins\' reasons', () => {
    assert.equal(fitErrorMessage(podOf('p'), 3, everywhere(ERR_BIND_CONFLICT)),
      "0/3 nodes are available: 3 node(s) didn't find available persistent volumes to bind. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
    const mixed = [{ reasons: [ERR_NODE_CONFLICT], unresolvable: true }, { reasons: ['Insufficient cpu'], unresolvable: false }];
    assert.equal(fitErrorMessage(podOf('p'), 2, mixed),
      '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had volume node affinity conflict. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.');
  });
});

describe('the machine a node is on', () => {
  test('is /etc/machine-id, or a hash of the host name when that is missing or malformed', () => {
    assert.equal(machineIdFrom(() => '4C2F9D1E0B7A46C1A1B2C3D4E5F60718\n', 'h'), '4c2f9d1e0b7a46c1a1b2c3d4e5f60718');
    const fallback = machineIdFrom(() => { throw new Error('ENOENT'); }, 'box-1');
    assert.match(fallback, /^[0-9a-f]{32}$/);
    assert.equal(machineIdFrom(() => 'uninitialized\n', 'box-1'), fallback);
    assert.notEqual(machineIdFrom(() => '', 'box-2'), fallback);
  });
});

/** A lookup the test changes by hand, announcing each change like the informer-backed cache. */
class FakeLookup implements WatchedVolumeLookup {
  readonly volumes = new VolumeIndex();
  readonly claims = new Map<string, PersistentVolumeClaim>();
  private readonly listeners = new Set<() => void>();
  claim(ns: string, name: string) { return this.claims.get(`${ns}/${name}`); }
  storageClass(): StorageClass | undefined { return undefined; }
  onChange(l: () => void) { this.listeners.add(l); return () => this.listeners.delete(l); }
  listenerCount() { return this.listeners.size; }
  put(c: PersistentVolumeClaim) { this.claims.set(`${c.metadata.namespace}/${c.metadata.name}`, c); for (const l of this.listeners) l(); }
  drop(c: PersistentVolumeClaim) { this.claims.delete(`${c.metadata.namespace}/${c.metadata.name}`); for (const l of this.listeners) l(); }
}

const claimOf = (name: string, extra: Partial<PersistentVolumeClaim['metadata']> = {}, volumeName?: string): PersistentVolumeClaim => ({
  apiVersion: 'v1', kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, ...extra },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...(volumeName ? { volumeName } : {}) },
});
const pvOf = (name: string, claim?: PersistentVolumeClaim): PersistentVolume => ({
  apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name, uid: `uid-${name}` },
  spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], ...(claim ? { claimRef: { namespace: 'default', name: claim.metadata.name, uid: claim.metadata.uid } } : {}) },
});
const bound = (c: PersistentVolumeClaim, pv: string) => ({ ...claimOf(c.metadata.name!, { annotations: { ...c.metadata.annotations, [ANN_BIND_COMPLETED]: 'yes' } }, pv) });

describe('PreBind: waiting for the PV binder', () => {
  test('completes once every static binding and provisioned claim is fully bound', async () => {
    const lookup = new FakeLookup();
    const a = claimOf('a'), b = claimOf('b', { annotations: { [ANN_SELECTED_NODE]: 'n1' } });
    lookup.put(a);
    lookup.put(b);
    const pv = pvOf('pv-a', a);
    lookup.volumes.upsert(pv);
    const decision: VolumeDecision = { ok: true, node: 'n1', bindings: [{ claim: a, volume: pv }], provisions: [b] };
    assert.equal(volumeBindingsComplete(lookup, decision), false);
    const done = waitForVolumeBindings(lookup, decision, 5000);
    lookup.put(bound(a, 'pv-a'));
    assert.equal(volumeBindingsComplete(lookup, decision), false, 'b is still being provisioned');
    // volumeName alone is not enough: the binder marks completion with an annotation
    lookup.put(claimOf('b', { annotations: { [ANN_SELECTED_NODE]: 'n1' } }, 'pvc-b'));
    assert.equal(volumeBindingsComplete(lookup, decision), false);
    lookup.put(bound(b, 'pvc-b'));
    await done;
    assert.equal(lookup.listenerCount(), 0, 'the wait unsubscribes');
  });

  test('fails like upstream when the decision can no longer complete', async () => {
    const lookup = new FakeLookup();
    const a = claimOf('a', { annotations: { [ANN_SELECTED_NODE]: 'n1' } });
    lookup.put(a);
    const provisioning: VolumeDecision = { ok: true, node: 'n1', bindings: [], provisions: [a] };
    const reset = waitForVolumeBindings(lookup, provisioning, 5000);
    lookup.put(claimOf('a')); // the provisioner gave the claim back to the scheduler
    await assert.rejects(reset, { message: 'binding volumes: selectedNode annotation reset for PVC "a"' });

    lookup.put(a);
    const gone = waitForVolumeBindings(lookup, provisioning, 5000);
    lookup.drop(a);
    await assert.rejects(gone, { message: 'binding volumes: failed to get cached claim "default/a" from cache' });

    lookup.put(claimOf('a', { uid: 'a-new', annotations: { [ANN_SELECTED_NODE]: 'n1' } }));
    await assert.rejects(waitForVolumeBindings(lookup, provisioning, 5000), /failed to get cached claim "default\/a"/, 'a claim of the same name is another claim');

    const c = claimOf('c');
    lookup.put(c);
    const pv = pvOf('pv-c', c);
    const binding: VolumeDecision = { ok: true, node: 'n1', bindings: [{ claim: c, volume: pv }], provisions: [] };
    lookup.volumes.upsert(pv);
    const cleared = waitForVolumeBindings(lookup, binding, 5000);
    lookup.volumes.upsert({ ...pv, spec: { ...pv.spec, claimRef: undefined } });
    lookup.put(c);
    await assert.rejects(cleared, { message: 'binding volumes: pv "pv-c" claimRef was cleared' });
  });

  test('our own writes may reach the cache after the wait began', async () => {
    const lookup = new FakeLookup();
    const a = claimOf('a'), b = claimOf('b');
    lookup.put(a);
    lookup.put(b);
    const unclaimed = pvOf('pv-a');
    lookup.volumes.upsert(unclaimed);
    // the decision was made on objects without claimRef / selected-node; the cache has not seen the commit yet
    const decision: VolumeDecision = { ok: true, node: 'n1', bindings: [{ claim: a, volume: unclaimed }], provisions: [b] };
    const done = waitForVolumeBindings(lookup, decision, 5000);
    lookup.volumes.upsert(pvOf('pv-a', a));
    lookup.put(claimOf('b', { annotations: { [ANN_SELECTED_NODE]: 'n1' } }));
    lookup.put(bound(a, 'pv-a'));
    lookup.put(bound(claimOf('b', { annotations: { [ANN_SELECTED_NODE]: 'n1' } }), 'pvc-b'));
    await done;
  });

  test('the commit is visible once the cache shows the claimRef and the selected node', async () => {
    const lookup = new FakeLookup();
    const a = claimOf('a'), b = claimOf('b');
    lookup.put(a);
    lookup.put(b);
    lookup.volumes.upsert(pvOf('pv-a'));
    const decision: VolumeDecision = { ok: true, node: 'n1', bindings: [{ claim: a, volume: pvOf('pv-a') }], provisions: [b] };
    assert.equal(volumeCommitVisible(lookup, decision), false);
    const visible = waitForVolumeCommit(lookup, decision, 5000);
    lookup.volumes.upsert(pvOf('pv-a', a));
    lookup.put(claimOf('b', { annotations: { [ANN_SELECTED_NODE]: 'n2' } }));
    assert.equal(volumeCommitVisible(lookup, decision), false, 'another node is not our commit');
    lookup.put(claimOf('b', { annotations: { [ANN_SELECTED_NODE]: 'n1' } }));
    await visible;
  });

  test('times out, and stops when the scheduler stops', async () => {
    const lookup = new FakeLookup();
    const a = claimOf('a', { annotations: { [ANN_SELECTED_NODE]: 'n1' } });
    lookup.put(a);
    const decision: VolumeDecision = { ok: true, node: 'n1', bindings: [], provisions: [a] };
    await assert.rejects(waitForVolumeBindings(lookup, decision, 30), { message: 'binding volumes: context deadline exceeded' });
    const stop = new AbortController();
    const waiting = waitForVolumeBindings(lookup, decision, 5000, stop.signal);
    stop.abort();
    await assert.rejects(waiting, { message: 'binding volumes: context canceled' });
    assert.equal(lookup.listenerCount(), 0);
  });
});

describe('scheduling pods with volumes inside berth', () => {
  let dataDir: string;
  let berth: Berth;
  let client: KubeClient;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'berth-sched-vol-'));
    berth = await startBerth({ dataDir, port: 0, runtime: { simStartDelayMs: 20, defaultStorageClass: false } });
    client = KubeClient.fromKubeconfig({ path: berth.kubeconfigPath }, { fieldManager: 'scheduler-volumes-test', retry: { baseDelayMs: 20, maxDelayMs: 200 } });
  });
  after(async () => {
    await client.close();
    await berth.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const getPod = (name: string) => client.get<Pod>(builtin.pods, name, { namespace: 'default' });
  const getClaim = (name: string) => client.get<PersistentVolumeClaim>(builtin.persistentVolumeClaims, name, { namespace: 'default' });
  const scheduledCondition = async (name: string) => {
    return eventually(async () => (await getPod(name)).status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False'), 10_000, 20);
  };
  const runningOn = (name: string) => eventually(async () => {
    const p = await getPod(name);
    return p.status?.phase === 'Running' && p.spec.nodeName;
  }, 10_000, 20);
  const createClaim = (name: string, storageClassName?: string, size = '1Gi') => client.create(builtin.persistentVolumeClaims, {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } }, ...(storageClassName !== undefined ? { storageClassName } : {}) },
  });
  const createVolume = (name: string, opts: { storageClassName?: string; node?: string; size?: string } = {}) => client.create(builtin.persistentVolumes, {
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name },
    spec: {
      capacity: { storage: opts.size ?? '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain',
      ...(opts.storageClassName ? { storageClassName: opts.storageClassName } : {}),
      ...(opts.node
        ? { local: { path: `/mnt/${name}` }, nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [opts.node] }] }] } } }
        : { nfs: { server: '10.0.0.1', path: `/vols/${name}` } }),
    },
  });
  const createClass = (name: string, provisioner: string) => client.create(builtin.storageClasses, {
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, provisioner, volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Delete',
  });

  test('an unbound Immediate claim keeps the pod Pending until the binder binds it', async () => {
    await createClaim('data-a');
    await client.create(builtin.pods, podOf('uses-a', ['data-a']));
    const cond = await scheduledCondition('uses-a');
    const message = '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
    assert.equal(cond.reason, 'Unschedulable');
    assert.equal(cond.message, message);
    const events = await eventually(async () => {
      const list = await client.list<KubeObject & { reason: string; message: string; type: string }>(builtin.events, { namespace: 'default', fieldSelector: 'involvedObject.name=uses-a' });
      return list.items.find((e) => e.reason === 'FailedScheduling');
    }, 10_000, 20);
    assert.equal(events.type, 'Warning');
    assert.equal(events.message, message);
    // a matching static volume appears: the binder binds the claim, which brings the pod back to the scheduler
    await createVolume('pv-a');
    assert.match(String(await runningOn('uses-a')), /^berth-node-[123]$/);
    assert.equal((await getClaim('data-a')).spec.volumeName, 'pv-a');
  });

  test('a missing claim, and a bound volume only reachable from one node', async () => {
    await client.create(builtin.pods, podOf('no-claim', ['nope']));
    assert.match((await scheduledCondition('no-claim')).message ?? '', /^0\/3 nodes are available: persistentvolumeclaim "nope" not found\. preemption: /);
    await createClaim('nope');
    await createVolume('pv-nope');
    await runningOn('no-claim');

    await createVolume('pv-n3', { node: 'berth-node-3', size: '2Gi' });
    await createClaim('data-n3', undefined, '2Gi');
    await eventually(async () => (await getClaim('data-n3')).spec.volumeName === 'pv-n3', 10_000, 20);
    await client.create(builtin.pods, podOf('pinned', ['data-n3']));
    assert.equal(await runningOn('pinned'), 'berth-node-3');

    await createVolume('pv-elsewhere', { node: 'no-such-node', size: '3Gi' });
    await createClaim('data-elsewhere', undefined, '3Gi');
    await eventually(async () => (await getClaim('data-elsewhere')).spec.volumeName === 'pv-elsewhere', 10_000, 20);
    await client.create(builtin.pods, podOf('stranded', ['data-elsewhere']));
    assert.equal((await scheduledCondition('stranded')).message,
      '0/3 nodes are available: 3 node(s) had volume node affinity conflict. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
  });

  test('WaitForFirstConsumer: static local volumes are matched on the node that has them', async () => {
    await createClass('local-wait', 'kubernetes.io/no-provisioner');
    await createClaim('wait-static', 'local-wait', '1Gi');
    await client.create(builtin.pods, podOf('lonely', ['wait-static']));
    assert.equal((await scheduledCondition('lonely')).message,
      "0/3 nodes are available: 3 node(s) didn't find available persistent volumes to bind. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
    await createVolume('local-on-2', { storageClassName: 'local-wait', node: 'berth-node-2' });
    assert.equal(await runningOn('lonely'), 'berth-node-2');
    const claim = await getClaim('wait-static');
    assert.equal(claim.spec.volumeName, 'local-on-2');
    assert.equal(claim.status?.phase, 'Bound');
    const pv = await client.get<PersistentVolume>(builtin.persistentVolumes, 'local-on-2');
    assert.equal(pv.spec.claimRef?.uid, claim.metadata.uid);
  });

  test('WaitForFirstConsumer: a provisioned volume follows the node the scheduler chose', async () => {
    await createClass('local-late', 'berth.dev/local');
    await createClaim('wait-prov', 'local-late');
    await client.create(builtin.pods, podOf('consumer', ['wait-prov'], { nodeSelector: { 'kubernetes.io/hostname': 'berth-node-1' } }));
    assert.equal(await runningOn('consumer'), 'berth-node-1');
    const claim = await getClaim('wait-prov');
    assert.equal(claim.metadata.annotations?.[ANN_SELECTED_NODE], 'berth-node-1');
    assert.equal(claim.status?.phase, 'Bound', 'the pod was bound only after its claim');
    const pv = await client.get<PersistentVolume>(builtin.persistentVolumes, claim.spec.volumeName!);
    assert.deepEqual(pv.spec.nodeAffinity?.required?.nodeSelectorTerms, [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['berth-node-1'] }] }]);
  });

  test('a pod waiting for a provisioner that never comes does not hold up other pods', async () => {
    await createClass('nobody-home', 'example.com/absent');
    await createClaim('never', 'nobody-home');
    await client.create(builtin.pods, podOf('waits', ['never']));
    await eventually(async () => (await getClaim('never')).metadata.annotations?.[ANN_SELECTED_NODE], 10_000, 20);
    await client.create(builtin.pods, podOf('plain'));
    await runningOn('plain');
    const waiting = await getPod('waits');
    assert.equal(waiting.spec.nodeName, undefined, 'bound only once its claim is');
    assert.equal(waiting.status?.phase, 'Pending');
  });

  test('WaitForFirstConsumer: consumers spread like any pod, each volume on its pod\'s node, no failed attempt', async () => {
    const nodes = new Set<string>();
    for (let i = 0; i < 3; i++) {
      await createClaim(`spread-${i}`, 'local-late');
      await client.create(builtin.pods, podOf(`spreader-${i}`, [`spread-${i}`]));
      const node = String(await runningOn(`spreader-${i}`));
      nodes.add(node);
      const claim = await getClaim(`spread-${i}`);
      const pv = await client.get<PersistentVolume>(builtin.persistentVolumes, claim.spec.volumeName!);
      assert.deepEqual(pv.spec.nodeAffinity?.required?.nodeSelectorTerms?.[0].matchExpressions?.[0].values, [node]);
      const events = await client.list<KubeObject & { reason: string; message: string }>(builtin.events, { namespace: 'default', fieldSelector: `involvedObject.name=spreader-${i}` });
      assert.deepEqual(events.items.filter((e) => e.reason === 'FailedScheduling').map((e) => e.message), []);
    }
    assert.equal(nodes.size, 3);
  });

  test('an Immediate berth.dev/local class pins each volume to the machine it was made on; nodes of another machine cannot use it', async () => {
    await client.create(builtin.storageClasses, {
      apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local-now' }, provisioner: 'berth.dev/local', volumeBindingMode: 'Immediate', reclaimPolicy: 'Delete',
    });
    const machine = localMachineId();
    const nodes = (await client.list<KubeObject>(builtin.nodes)).items;
    assert.deepEqual(nodes.map((n) => n.metadata.labels?.[MACHINE_ID_LABEL]), nodes.map(() => machine), 'every node says which machine it is on');
    const volumeOf = (claim: string) => eventually(async () => (await getClaim(claim)).spec.volumeName, 10_000, 20);
    await createClaim('data-here', 'local-now');
    const pv = await client.get<PersistentVolume>(builtin.persistentVolumes, String(await volumeOf('data-here')));
    assert.deepEqual(pv.spec.nodeAffinity, machineNodeAffinity(machine));
    await client.create(builtin.pods, podOf('here', ['data-here']));
    assert.match(String(await runningOn('here')), /^berth-node-[123]$/);

    // The nodes now say they are another machine (as joined nodes elsewhere would): a volume made here fits none.
    const relabel = (id: string) => Promise.all(nodes.map((n) => client.patch(builtin.nodes, n.metadata.name!, { metadata: { labels: { [MACHINE_ID_LABEL]: id } } }, 'merge')));
    await relabel('0123456789abcdef0123456789abcdef');
    try {
      await createClaim('data-far', 'local-now');
      await volumeOf('data-far');
      await client.create(builtin.pods, podOf('far', ['data-far']));
      assert.equal((await scheduledCondition('far')).message,
        '0/3 nodes are available: 3 node(s) had volume node affinity conflict. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
    } finally {
      await relabel(machine);
    }
    assert.match(String(await runningOn('far')), /^berth-node-[123]$/);
  });
});

// keep the lookup interface honest: the fake must satisfy what volumeBindingsComplete reads
const _typecheck: VolumeLookup = new FakeLookup();
void _typecheck;
