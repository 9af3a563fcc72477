// examples/mysql (seeds 000/001) on real pods: MariaDB and mariabackup behind the catalog's mysql:5.7 and
// xtrabackup:1.0, the tutorial's clone chain, replication checked on every replica, the primary and a replica deleted,
// a Ctrl-C restart of Berth in the middle, and the README's transcript.
import { test } from 'node:test';
import mysql from '../../../examples/mysql/lab.js';
import { runLabOnRealCluster } from './harness.js';

test('lab mysql: seeds 000/001 verbatim; rows reach every replica through clones, pod deletes and a Berth restart', { timeout: 1_800_000 }, async (t) => {
  await runLabOnRealCluster(t, mysql, { programs: ['mariadbd', 'mariabackup', 'mbstream', 'ncat'] });
});
