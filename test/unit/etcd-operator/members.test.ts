// Member names, URLs and the manifests as etcd-operator builds them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientService, memberPod, peerService } from '../../../src/operators/etcd/manifests.js';
import { clientURL, MAX_CLUSTER_NAME_LENGTH, peerURL, peerURLPairs, quorum, uniqueMemberName } from '../../../src/operators/etcd/members.js';
import { SimulatedEtcdMembership } from '../../../src/operators/etcd/membership.js';
import { clearCondition, setAvailable, setScalingUp } from '../../../src/operators/etcd/status.js';
import { etcdClusterCRD } from '../../../src/operators/etcd/crd.js';
import { operatorManifest } from '../../../src/operators/etcd/install.js';
import { EtcdCluster, EtcdClusterStatus, validateSpec, withDefaults } from '../../../src/operators/etcd/types.js';

const cluster: EtcdCluster = {
  apiVersion: 'etcd.database.coreos.com/v1beta2', kind: 'EtcdCluster',
  metadata: { name: 'example-etcd-cluster', namespace: 'default', uid: 'u-1' }, spec: { size: 3, version: '3.2.13' },
};

test('member names: <cluster>-<10 chars of the no-vowel alphabet>, cluster part capped at 52', () => {
  for (let i = 0; i < 50; i++) assert.match(uniqueMemberName('example-etcd-cluster'), /^example-etcd-cluster-[bcdfghjklmnpqrstvwxz2456789]{10}$/);
  const long = uniqueMemberName('x'.repeat(80));
  assert.equal(long.length, 63);
  assert.equal(MAX_CLUSTER_NAME_LENGTH, 52);
});

test('URLs through the headless Service, and quorum', () => {
  const m = { name: 'c-abc', id: '', clusterName: 'c', namespace: 'ns' };
  assert.equal(peerURL(m), 'http://c-abc.c.ns.svc:2380');
  assert.equal(clientURL(m), 'http://c-abc.c.ns.svc:2379');
  assert.equal(peerURL({ ...m, clusterDomain: '.cluster.local' }), 'http://c-abc.c.ns.svc.cluster.local:2380');
  assert.deepEqual(peerURLPairs([m]), ['c-abc=http://c-abc.c.ns.svc:2380']);
  assert.deepEqual([1, 2, 3, 4, 5, 7].map(quorum), [1, 2, 2, 3, 3, 4]);
});

test('spec defaults and validation as etcd-operator', () => {
  assert.deepEqual(withDefaults({ size: 3 }), { size: 3, repository: 'quay.io/coreos/etcd', version: '3.2.13' });
  assert.equal(withDefaults({ size: 1, version: 'v3.3.1' }).version, '3.3.1');
  assert.equal(validateSpec({ size: 1, pod: { labels: { etcd_node: 'x' } } }), 'spec: pod labels contains reserved label');
  assert.equal(validateSpec({ size: 1, pod: { labels: { team: 'x' } } }), undefined);
});

test('member pod: labels, version annotation, owner, peer URLs, hostname/subdomain, initial cluster state', () => {
  const m = { name: 'example-etcd-cluster-abc', id: '', clusterName: 'example-etcd-cluster', namespace: 'default' };
  const p = memberPod(cluster, withDefaults({ ...cluster.spec, pod: { labels: { team: 'db' } } }), m, peerURLPairs([m]), 'new', 'tok');
  assert.deepEqual(p.metadata.labels, { team: 'db', app: 'etcd', etcd_node: m.name, etcd_cluster: 'example-etcd-cluster' });
  assert.equal(p.metadata.annotations!['etcd.version'], '3.2.13');
  assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'etcd.database.coreos.com/v1beta2', kind: 'EtcdCluster', name: 'example-etcd-cluster', uid: 'u-1', controller: true }]);
  const spec = p.spec as { hostname: string; subdomain: string; restartPolicy: string; containers: { image: string; command: string[] }[] };
  assert.equal(spec.hostname, m.name);
  assert.equal(spec.subdomain, 'example-etcd-cluster');
  assert.equal(spec.restartPolicy, 'Never');
  assert.equal(spec.containers[0].image, 'quay.io/coreos/etcd:v3.2.13');
  const cmd = spec.containers[0].command;
  assert.ok(cmd.includes(`--initial-advertise-peer-urls=http://${m.name}.example-etcd-cluster.default.svc:2380`));
  assert.ok(cmd.includes('--initial-cluster-state=new') && cmd.includes('--initial-cluster-token=tok'));
  const joining = memberPod(cluster, withDefaults(cluster.spec), m, peerURLPairs([m]), 'existing', '');
  assert.ok(!(joining.spec as { containers: { command: string[] }[] }).containers[0].command.some((a) => a.startsWith('--initial-cluster-token')));
});

test('Services: headless peer Service publishing not-ready addresses, and the client Service', () => {
  const peer = peerService(cluster);
  assert.equal(peer.metadata.name, 'example-etcd-cluster');
  assert.deepEqual(peer.spec, {
    ports: [{ name: 'client', port: 2379, targetPort: 2379, protocol: 'TCP' }, { name: 'peer', port: 2380, targetPort: 2380, protocol: 'TCP' }],
    selector: { etcd_cluster: 'example-etcd-cluster', app: 'etcd' }, clusterIP: 'None', publishNotReadyAddresses: true,
  });
  const client = clientService(cluster);
  assert.equal(client.metadata.name, 'example-etcd-cluster-client');
  assert.deepEqual((client.spec as { ports: unknown[] }).ports, [{ name: 'client', port: 2379, targetPort: 2379, protocol: 'TCP' }]);
});

test('conditions keep lastTransitionTime while the status holds, and are removed when cleared', () => {
  const s: EtcdClusterStatus = {};
  setScalingUp(s, 0, 3);
  setAvailable(s);
  const t0 = s.conditions![1].lastTransitionTime;
  setScalingUp(s, 1, 3);
  assert.equal(s.conditions![0].message, 'Current cluster size: 1, desired cluster size: 3');
  assert.equal(s.conditions![0].reason, 'Scaling up');
  clearCondition(s, 'Scaling');
  assert.deepEqual(s.conditions!.map((c) => c.type), ['Available']);
  assert.equal(s.conditions![0].lastTransitionTime, t0);
});

test('simulated membership records calls; after a restart MemberList reports the running members', async () => {
  const api = new SimulatedEtcdMembership();
  const { id } = await api.memberAdd('u', [], 'c-b', 'http://c-b.c.ns.svc:2380');
  assert.deepEqual((await api.memberList('u', [])).map((m) => m.name), ['c-b']);
  await api.memberRemove('u', [], id, 'c-b');
  assert.deepEqual(await api.memberList('u', []), []);
  const fresh = new SimulatedEtcdMembership();
  assert.deepEqual((await fresh.memberList('v', ['http://c-x.c.ns.svc:2379', 'http://c-y.c.ns.svc:2379'])).map((m) => m.name), ['c-x', 'c-y']);
  assert.deepEqual(api.calls.map((c) => c.op), ['MemberAdd', 'MemberList', 'MemberRemove', 'MemberList']);
});

test('installable manifest: CRD, ServiceAccount, ClusterRole, binding, Deployment', () => {
  const objs = operatorManifest({ namespace: 'ops' });
  assert.deepEqual(objs.map((o) => o.kind), ['CustomResourceDefinition', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Deployment']);
  assert.equal(objs[0].metadata.name, 'etcdclusters.etcd.database.coreos.com');
  const crd = etcdClusterCRD();
  assert.deepEqual(crd.spec.versions[0].subresources, { status: {}, scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.size' } });
  assert.equal((objs[4].spec as { template: { spec: { serviceAccountName: string } } }).template.spec.serviceAccountName, 'etcd-operator');
});
