// examples/myapp (seed 000, 案例: StatefulSet 简单案例) on real pods: nginx serving the page written into each claim's
// directory, claims kept through scale-down/up, DNS from a client pod, a Ctrl-C restart of Berth, and the README's
// transcript.
import { test } from 'node:test';
import myapp from '../../../examples/myapp/lab.js';
import { runLabOnRealCluster } from './harness.js';

test('lab myapp: seed 000 sts-test verbatim; each pod serves its claim\'s page through scaling and a Berth restart', { timeout: 900_000 }, async (t) => {
  await runLabOnRealCluster(t, myapp, { programs: ['nginx', 'python3', 'curl', 'nslookup'] });
});
