import { builtin, KubeClient, Manager, UndiciTransport, loadKubeconfig, controller, type Transport } from '/work/main/src/sdk/index.js';
import { startTestCluster } from '/work/main/src/testing/index.js';
const cluster = await startTestCluster();
const ns = 'le-graceful';
await cluster.client.create(builtin.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
function mk(id: string) {
  const inner = new UndiciTransport(loadKubeconfig({ path: cluster.kubeconfigPath }));
  const transport: Transport = { request: (req) => { const t = Date.now(); return inner.request(req).then((r) => { if (req.path.includes('lease')) console.log(id, req.method, req.path, Date.now() - t, r.status); return r; }); }, close: () => inner.close() };
  const client = new KubeClient({ transport, retry: { maxRetries: 0 } });
  const mgr = new Manager({ client, namespace: ns, leaderElection: { name: 'op-lock', namespace: ns, identity: id, leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 200 } });
  controller('le-test', mgr).for(builtin.configMaps).reconcile(async (req) => { console.log(id, 'rec', req.name); }).build();
  return mgr;
}
const a = mk('a');
await a.start();
await new Promise((r) => setTimeout(r, 1000));
console.log('a leader', a.isLeader());
await a.stop();
await cluster.stop();
