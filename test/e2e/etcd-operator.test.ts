// The EtcdCluster operator driven with kubectl: seed 002's manifest unchanged, member pods and Services, status,
// scaling 3 → 5 → 3 one member per step (recorded from a pod watch), a version upgrade one member at a time,
// pausing; and the same operator run out of cluster with `berth operator etcd --kubeconfig`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { KubeClient } from '../../src/client/client.js';
import { SharedInformer } from '../../src/client/informer.js';
import { builtin } from '../../src/client/resources.js';
import { Cluster, eventually, kubectlOk, startCluster } from './harness.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

// Seed 002, verbatim (etcd-operator's example-etcd-cluster.yaml).
const SEED_002 = `apiVersion: "etcd.database.coreos.com/v1beta2"
kind: "EtcdCluster"
metadata:
  name: "example-etcd-cluster"
  ## Adding this annotation make this cluster managed by clusterwide operators
  ## namespaced operators ignore it
  # annotations:
  #   etcd.database.coreos.com/scope: clusterwide
spec:
  size: 3 # 集群规模
  version: "3.2.13" # 集群版本
`;

interface Pod { metadata: { name: string; annotations?: Record<string, string>; deletionTimestamp?: string }; spec: { containers: { image: string }[] }; status?: { phase?: string } }
interface Etcd { spec: { size: number }; status?: { phase?: string; size?: number; currentVersion?: string; controlPaused?: boolean; simulated?: boolean; simulatedSteps?: string[]; conditions?: { type: string; status: string }[] } }

const podsOf = async (c: Cluster) => (JSON.parse(await kubectlOk(c, ['get', 'pods', '-l', 'etcd_cluster=example-etcd-cluster', '-o', 'json'])) as { items: Pod[] }).items.filter((p) => !p.metadata.deletionTimestamp);
const etcd = async (c: Cluster) => JSON.parse(await kubectlOk(c, ['get', 'etcdcluster', 'example-etcd-cluster', '-o', 'json'])) as Etcd;
const available = (e: Etcd) => e.status?.conditions?.some((x) => x.type === 'Available' && x.status === 'True') && !e.status.conditions.some((x) => x.type === 'Scaling' || x.type === 'Upgrading');

let c: Cluster;
let client: KubeClient;
let watcher: SharedInformer;
/** Member pod count after every add/delete the watch saw. */
const counts: number[] = [];

before(async () => {
  c = await startCluster({ args: ['--operator', 'etcd', '--sim-start-delay', '50'] });
  client = KubeClient.fromKubeconfig({ path: c.kubeconfig });
});

after(async () => {
  await watcher?.stop();
  await client?.close();
  await c?.stop();
  c?.cleanup();
});

test('seed 002 EtcdCluster: three Running members, Services, status Running/Available', async () => {
  // Record membership changes from a watch: +1 on create, -1 on delete (or deletionTimestamp).
  const live = new Set<string>();
  watcher = SharedInformer.forResource(client, builtin.pods, { namespace: 'default', labelSelector: 'etcd_cluster=example-etcd-cluster' });
  const note = (name: string, alive: boolean) => {
    const had = live.has(name);
    if (alive && !had) live.add(name);
    else if (!alive && had) live.delete(name);
    else return;
    counts.push(live.size);
  };
  watcher.addEventHandler({
    onAdd: (p) => note(p.metadata.name!, !p.metadata.deletionTimestamp),
    onUpdate: (_o, p) => note(p.metadata.name!, !p.metadata.deletionTimestamp),
    onDelete: (p) => note(p.metadata.name!, false),
  });
  watcher.run();
  await watcher.waitForSync();

  assert.match(await kubectlOk(c, ['apply', '-f', '-'], { input: SEED_002 }), /etcdcluster.etcd.database.coreos.com\/example-etcd-cluster created/);
  await eventually(async () => { const p = await podsOf(c); return p.length === 3 && p.every((x) => x.status?.phase === 'Running'); }, 30_000, 200);
  const e = await eventually(async () => { const x = await etcd(c); return available(x) && x; }, 20_000, 200);
  assert.equal(e.status!.phase, 'Running');
  assert.equal(e.status!.size, 3);
  assert.equal(e.status!.currentVersion, '3.2.13');
  assert.equal(e.status!.simulated, true);
  assert.deepEqual(e.status!.simulatedSteps!.map((s) => s.split(' ')[0]), ['Bootstrap:', 'MemberAdd', 'MemberAdd']);
  assert.deepEqual(counts, [1, 2, 3]);

  const pods = await podsOf(c);
  for (const p of pods) {
    assert.match(p.metadata.name, /^example-etcd-cluster-[bcdfghjklmnpqrstvwxz2456789]{10}$/);
    assert.equal(p.spec.containers[0].image, 'quay.io/coreos/etcd:v3.2.13');
  }
  const svc = await kubectlOk(c, ['get', 'svc', '-l', 'etcd_cluster=example-etcd-cluster', '--no-headers']);
  assert.match(svc, /^example-etcd-cluster\s+ClusterIP\s+None\s+<none>\s+2379\/TCP,2380\/TCP/m);
  assert.match(svc, /^example-etcd-cluster-client\s+ClusterIP\s+10\.\S+\s+<none>\s+2379\/TCP/m);
  const table = await kubectlOk(c, ['get', 'etcd']);
  assert.match(table, /^NAME\s+SIZE\s+VERSION\s+PHASE\s+AGE\n/);
  assert.match(table, /^example-etcd-cluster\s+3\s+3\.2\.13\s+Running\s+\S+$/m);
  const described = await kubectlOk(c, ['describe', 'etcdcluster', 'example-etcd-cluster']);
  for (const p of pods) assert.match(described, new RegExp(`New Member Added\\s+\\S+\\s+etcd-operator\\s+New member ${p.metadata.name} added to cluster`));
});

test('scale to 5 then back to 3, one member per step', async () => {
  counts.length = 0;
  await kubectlOk(c, ['scale', 'etcdcluster/example-etcd-cluster', '--replicas=5']);
  await eventually(async () => { const x = await etcd(c); return x.status?.size === 5 && available(x) && (await podsOf(c)).every((p) => p.status?.phase === 'Running'); }, 30_000, 200);
  await kubectlOk(c, ['patch', 'etcdcluster', 'example-etcd-cluster', '--type=merge', '-p', '{"spec":{"size":3}}']);
  const e = await eventually(async () => { const x = await etcd(c); return x.status?.size === 3 && available(x) && x; }, 30_000, 200);
  await eventually(() => counts.length === 4, 10_000);
  assert.deepEqual(counts, [4, 5, 4, 3]);
  assert.deepEqual(e.status!.simulatedSteps!.slice(-4).map((s) => s.split(' ')[0]), ['MemberAdd', 'MemberAdd', 'MemberRemove', 'MemberRemove']);
  assert.equal((await podsOf(c)).length, 3);
});

test('version bump upgrades one member at a time', async () => {
  await kubectlOk(c, ['patch', 'etcdcluster', 'example-etcd-cluster', '--type=merge', '-p', '{"spec":{"version":"3.3.25"}}']);
  const e = await eventually(async () => { const x = await etcd(c); return x.status?.currentVersion === '3.3.25' && available(x) && x; }, 30_000, 200);
  assert.equal(e.status!.phase, 'Running');
  const pods = await podsOf(c);
  assert.ok(pods.every((p) => p.metadata.annotations!['etcd.version'] === '3.3.25' && p.spec.containers[0].image === 'quay.io/coreos/etcd:v3.3.25'));
  const events = JSON.parse(await kubectlOk(c, ['get', 'events', '--field-selector', 'involvedObject.name=example-etcd-cluster,reason=Member Upgraded', '-o', 'json'])) as { items: { message: string; firstTimestamp: string }[] };
  const upgraded = events.items.map((x) => /^Member (\S+) upgraded from 3\.2\.13 to 3\.3\.25 $/.exec(x.message)?.[1]);
  assert.deepEqual(upgraded.filter(Boolean).sort(), pods.map((p) => p.metadata.name).sort());
  assert.equal((await podsOf(c)).length, 3, 'an upgrade replaces no member');
});

test('paused: the operator stops acting until unpaused', async () => {
  await kubectlOk(c, ['patch', 'etcdcluster', 'example-etcd-cluster', '--type=merge', '-p', '{"spec":{"paused":true}}']);
  await eventually(async () => (await etcd(c)).status?.controlPaused === true, 15_000, 200);
  await kubectlOk(c, ['scale', 'etcdcluster/example-etcd-cluster', '--replicas=4']);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await podsOf(c)).length, 3);
  await kubectlOk(c, ['patch', 'etcdcluster', 'example-etcd-cluster', '--type=merge', '-p', '{"spec":{"paused":false}}']);
  await eventually(async () => { const x = await etcd(c); return x.status?.controlPaused === false && x.status.size === 4 && available(x); }, 30_000, 200);
  assert.equal((await podsOf(c)).length, 4);
});

test('berth operator etcd out of cluster: installs its CRD and runs the seed manifest; --print-manifest', async () => {
  const plain = await startCluster({ args: ['--sim-start-delay', '50'] });
  const op = spawn(process.execPath, [CLI, 'operator', 'etcd', '--kubeconfig', plain.kubeconfig], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  op.stdout!.on('data', (d) => { out += d; });
  try {
    await eventually(() => /etcd-operator: watching all namespaces/.test(out), 20_000);
    assert.match(out, /crd: etcdclusters\.etcd\.database\.coreos\.com created/);
    await kubectlOk(plain, ['apply', '-f', '-'], { input: SEED_002 });
    await eventually(async () => { const p = await podsOf(plain); return p.length === 3 && p.every((x) => x.status?.phase === 'Running'); }, 30_000, 200);
    await eventually(async () => available(await etcd(plain)), 20_000, 200);
  } finally {
    op.kill('SIGTERM');
    await new Promise((r) => op.once('exit', r));
    await plain.stop();
    plain.cleanup();
  }
  const manifest = await new Promise<string>((resolve) => {
    const p = spawn(process.execPath, [CLI, 'operator', 'etcd', '--print-manifest'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    p.stdout!.on('data', (d) => { text += d; });
    p.once('exit', () => resolve(text));
  });
  assert.deepEqual([...manifest.matchAll(/^kind: (\S+)$/gm)].map((m) => m[1]), ['CustomResourceDefinition', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Deployment']);
  // Written out in full for a reader (the Deployment's labels and selector are the same object: no &a1/*a1 aliases).
  assert.doesNotMatch(manifest, /[&*]a\d+\b/);
});
