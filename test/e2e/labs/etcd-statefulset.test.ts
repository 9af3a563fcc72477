// examples/etcd-statefulset (seed 002) on real pods: three etcd members from the notes' StatefulSet script, a key
// written through one member and read through another, a deleted member pod rejoining as itself with its data, a
// Ctrl-C restart of Berth in the middle, and the README's transcript.
import { test } from 'node:test';
import etcd from '../../../examples/etcd-statefulset/lab.js';
import { runLabOnRealCluster } from './harness.js';

test('lab etcd-statefulset: seed 002 verbatim; membership and data survive a member pod delete and a Berth restart', { timeout: 900_000 }, async (t) => {
  await runLabOnRealCluster(t, etcd, { programs: ['etcd', 'etcdctl'] });
});
