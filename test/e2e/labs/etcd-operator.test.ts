// examples/etcd-operator (seed 002) on real pods: the notes' etcd-operator Deployment (Berth's EtcdCluster operator
// under the catalog's quay.io/coreos/etcd-operator image) in a pod as its ServiceAccount; a real 3-member etcd
// cluster scaled 3→5→3 through etcd's member API keeping the data, upgraded one member at a time, a member replaced
// after its pod and after its claim and pod were deleted, a Ctrl-C restart of Berth the members and data outlive,
// nothing simulated, and the README's transcript.
import { test } from 'node:test';
import etcdOperator from '../../../examples/etcd-operator/lab.js';
import { runLabOnRealCluster } from './harness.js';

test('lab etcd-operator: the operator Deployment runs a real etcd cluster through scaling, an upgrade, member loss and a Berth restart', { timeout: 1_500_000 }, async (t) => {
  await runLabOnRealCluster(t, etcdOperator, { programs: ['etcd', 'etcdctl', 'node'] });
});
