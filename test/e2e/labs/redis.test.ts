// examples/redis (seed 003) on real pods: its script's checks, the Redis-process drill, a Ctrl-C restart of Berth in
// the middle, and the README's transcript.
import { test } from 'node:test';
import redis from '../../../examples/redis/lab.js';
import { runLabOnRealCluster } from './harness.js';

test('lab redis: seed 003 verbatim; the key survives a pod delete, a killed redis-server and a Berth restart', { timeout: 900_000 }, async (t) => {
  await runLabOnRealCluster(t, redis, { programs: ['redis-server', 'redis-cli'] });
});
