// examples/stateful-demo (seed 004, experiment 2.1) on real pods: ordered creation, DNS from a `kubectl run -it --rm`
// busybox pod, a file per pod in its own claim through a Ctrl-C restart of Berth, ordered termination, claims that
// outlive the StatefulSet, and the README's transcript.
import { test } from 'node:test';
import statefulDemo from '../../../examples/stateful-demo/lab.js';
import { runLabOnRealCluster } from './harness.js';

test('lab stateful-demo: seed 004\'s commands verbatim; files in claims outlive pods, Berth restarts and the StatefulSet', { timeout: 900_000 }, async (t) => {
  await runLabOnRealCluster(t, statefulDemo, { programs: ['nginx', 'busybox', 'nslookup'] });
});
