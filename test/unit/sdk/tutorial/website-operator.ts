// Tutorial step 3 (docs/sdk.md): the operator's entry point, for `berth up` or any cluster. The kubeconfig comes
// from --kubeconfig / $KUBECONFIG / ~/.kube/config; two replicas are safe thanks to leader election.
import { builtin, KubeClient, Manager } from '../../../../src/sdk/index.js';
import { setupWebsiteController } from './website-controller.js';
import { Website } from './website-kind.js';

export async function main(kubeconfig = process.env.KUBECONFIG): Promise<Manager> {
  const client = KubeClient.fromKubeconfig({ path: kubeconfig }, { userAgent: 'website-operator' });
  // Install (or keep) the CRD; a production install would ship it as YAML (`berth crd print`).
  await client.create(builtin.customResourceDefinitions, Website.crd()).catch((e) => {
    if (e?.code !== 409) throw e;
  });
  const mgr = new Manager({
    client,
    leaderElection: { name: 'website-operator', namespace: 'default' },
    metrics: { port: 8080 },
    health: { port: 8081 },
  });
  setupWebsiteController(mgr);
  await mgr.start();
  mgr.handleSignals(); // SIGTERM: drain the queues, release the Lease, exit
  return mgr;
}
