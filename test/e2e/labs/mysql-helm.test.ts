// examples/mysql-helm on real pods, once with the real helm 3 (v3.17, client-go 0.32, its own ready checker) and once
// with the real helm 4 (v4.1, client-go 0.35, kstatus watcher): install, upgrade secondary.replicaCount 1→2, rollback
// and uninstall, each with --wait; a row written on the primary is read on every replica, the one the upgrade adds
// included; the README's transcript.
import { dirname } from 'node:path';
import { test } from 'node:test';
import lab from '../../../examples/mysql-helm/lab.js';
import { helmBinary } from '../../support/real-clients.js';
import { runLabOnRealCluster } from './harness.js';

for (const major of [3, 4] as const) {
  test(`lab mysql-helm with helm ${major}: install, upgrade 1→2 replicas, rollback, uninstall with --wait; rows reach every replica`, { timeout: 1_200_000 }, async (t) => {
    await runLabOnRealCluster(t, lab, { programs: ['mariadbd'], path: [dirname(helmBinary(major))] });
  });
}
