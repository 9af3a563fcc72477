// examples/etcd-operator (seed 002) on real pods: Berth's EtcdCluster operator (`berth up --operator etcd`) creates a
// real 3-member etcd cluster, scales it 3→5→3 through etcd's member API keeping the data, replaces a member whose pod
// was deleted, and the README's transcript.
import { test } from 'node:test';
import etcdOperator from '../../../examples/etcd-operator/lab.js';
import { runLabOnRealCluster } from './harness.js';

test('lab etcd-operator: seed 002 CR unchanged; a real etcd cluster grows 3→5→3 and replaces a deleted member, nothing simulated', { timeout: 900_000 }, async (t) => {
  await runLabOnRealCluster(t, etcdOperator, { programs: ['etcd', 'etcdctl'], args: ['--operator', 'etcd'] });
});
