// examples/web (seed 000, 范例: 简单 statefulset) on real pods: pod-test answering with its name and IP, DNS for the
// headless Service, ordered scaling, rolling/partitioned/OnDelete updates, an orphaning delete, and the README's
// transcript.
import { test } from 'node:test';
import web from '../../../examples/web/lab.js';
import { runLabOnRealCluster } from './harness.js';

test('lab web: seed 000 statefulset-demo verbatim; names, DNS, ordered scaling and every update strategy', { timeout: 900_000 }, async (t) => {
  await runLabOnRealCluster(t, web, { programs: ['python3', 'curl', 'host'] });
});
