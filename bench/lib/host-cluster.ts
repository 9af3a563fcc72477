// A Berth whose pods are host processes (the test-only HostRuntime), in a process of its own for benchmarks:
// prints `kubeconfig: <path>` once it serves, stops on SIGTERM/SIGINT.
import { startStreamingCluster } from '../../test/support/streaming-cluster.js';

const cluster = await startStreamingCluster({ runtime: 'host' });
console.log(`kubeconfig: ${cluster.kubeconfig}`);
const stop = () => {
  cluster.stop().then(() => process.exit(0), () => process.exit(1));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
