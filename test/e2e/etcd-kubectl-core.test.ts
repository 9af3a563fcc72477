// The kubectl acceptance core suite (lib/kubectl-core-suite.ts) against `berth up --etcd-servers`: every object in
// a real etcd (started by the test on loopback ports), served through the API server's watch cache.
import { after, before } from 'node:test';
import { KUBECTL } from './harness.js';
import { kubectlCoreSuite } from './lib/kubectl-core-suite.js';
import { etcdUnavailable, startEtcd, type EtcdCluster } from '../support/etcd.js';

const unavailable = etcdUnavailable();
if (unavailable) {
  before(() => console.log(`# skipped: ${unavailable}`));
} else {
  let etcd: EtcdCluster | undefined;
  kubectlCoreSuite(KUBECTL, 33, async () => {
    etcd = await startEtcd();
    return ['--etcd-servers', etcd.servers, '--etcd-compaction-interval', '10s'];
  });
  after(async () => etcd?.stop());
}
