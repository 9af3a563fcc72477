// Seed 002: three etcd members from a StatefulSet whose script builds --initial-cluster from the members' stable DNS
// names. The README shows this transcript; run it with `node dist/examples/etcd-statefulset/lab.js`.
import { allRunningAndReady, createdInOrder, names, PodWatch, pod, replaced, restarts } from '../lib/checks.js';
import { check, isMain, Lab, LabDefinition, same } from '../lib/lab.js';
import { runStandalone } from '../lib/standalone.js';

const PODS = ['etcd-0', 'etcd-1', 'etcd-2'];
const ALL = PODS.map((p) => `${p}.etcd:2379`).join(',');

interface MemberList { members: { ID: string | number; name: string; peerURLs: string[]; clientURLs?: string[] }[] }

/** Members as etcd reports them (off the record): name → ID. */
async function members(lab: Lab): Promise<Record<string, string>> {
  const list = JSON.parse(await lab.quiet('kubectl exec etcd-0 -- etcdctl --endpoints etcd-0.etcd:2379 member list -w json')) as MemberList;
  return Object.fromEntries(list.members.map((m) => [m.name, String(m.ID)]));
}

/** `member list` shows these three members started, each with its DNS names as peer and client URL. */
function threeStarted(output: string): boolean {
  return PODS.every((p) => new RegExp(`^\\w+, started, ${p}, http://${p}\\.etcd:2380, http://${p}\\.etcd:2379, false$`, 'm').test(output))
    && output.trim().split('\n').length === 3;
}

const lab: LabDefinition = {
  name: 'etcd-statefulset',
  title: 'Seed 002: an etcd cluster from a StatefulSet',
  normalizers: [
    { pattern: /took = \S+/g, replacement: 'took = <duration>' },
    // etcdctl's client logs a retry as a JSON warning on stderr when a member answers slowly; the answer is the same.
    { pattern: /^\{"level":"warn".*\n?/gm, replacement: '' },
  ],
  async run(lab) {
    lab.section('Prerequisite: the StorageClass gluster-dynamic');
    same((await lab.sh('kubectl apply -f storageclass.yaml')).lines(), ['storageclass.storage.k8s.io/gluster-dynamic created'], 'apply');

    lab.section('The StatefulSet and its Services');
    const podWatch = await PodWatch.start(lab);
    same((await lab.sh('kubectl apply -f etcd-statefulset.yaml')).lines(), ['statefulset.apps/etcd created', 'service/etcd created', 'service/etcd-client created'], 'apply');
    await lab.sh("kubectl wait --for=jsonpath='{.status.readyReplicas}'=3 statefulset/etcd --timeout=300s", { timeoutMs: 300_000 });
    const pods = await lab.sh('kubectl get pods -l app=etcd-member');
    names(pods, PODS);
    check(allRunningAndReady(pods), 'every member pod is Running and 1/1');
    await createdInOrder(lab, podWatch, PODS);
    podWatch.stop();
    const pvcs = await lab.sh('kubectl get pvc');
    names(pvcs, PODS.map((p) => `data-${p}`), 'claims');
    same(pvcs.table().map((r) => [r.STATUS, r.STORAGECLASS]), PODS.map(() => ['Bound', 'gluster-dynamic']), 'claims');

    lab.section('Three members, one cluster');
    await lab.sh('kubectl exec etcd-0 -- etcdctl --endpoints etcd-0.etcd:2379 member list', { until: (r) => threeStarted(r.output), unordered: true });
    same((await lab.sh(`kubectl exec etcd-0 -- etcdctl --endpoints ${ALL} endpoint health`, { unordered: true })).lines().filter((l) => / is healthy: /.test(l)).length, 3, 'healthy endpoints');
    same((await lab.sh('kubectl exec etcd-0 -- etcdctl --endpoints etcd-0.etcd:2379 put greeting hello')).lines(), ['OK'], 'put through etcd-0');
    same((await lab.sh('kubectl exec etcd-2 -- etcdctl --endpoints etcd-2.etcd:2379 get greeting')).lines(), ['greeting', 'hello'], 'get through etcd-2');
    const ids = await members(lab);
    same(Object.keys(ids).sort(), PODS, 'member names');

    lab.section('Failure drill: delete a member pod');
    const old = await pod(lab, 'etcd-1');
    same((await lab.sh('kubectl delete pod etcd-1')).lines(), ['pod "etcd-1" deleted'], 'delete');
    same((await lab.sh('kubectl exec etcd-0 -- etcdctl --endpoints etcd-0.etcd:2379 put while-etcd-1-was-away yes')).lines(), ['OK'], 'a write while etcd-1 is away (two of three members keep quorum)');
    await lab.sh('kubectl wait --for=condition=Ready pod/etcd-1 --timeout=120s', { until: (r) => r.output.includes('condition met') });
    await replaced(lab, 'etcd-1', old.metadata.uid);
    // --consistency=s reads etcd-1's own copy: it came back on its claim with its data and caught up.
    same((await lab.sh('kubectl exec etcd-1 -- etcdctl --endpoints etcd-1.etcd:2379 get greeting --consistency=s')).lines(), ['greeting', 'hello'], 'etcd-1\'s own copy');
    same((await lab.sh('kubectl exec etcd-1 -- etcdctl --endpoints etcd-1.etcd:2379 get while-etcd-1-was-away --consistency=s', { until: (r) => r.lines().length === 2 })).lines(), ['while-etcd-1-was-away', 'yes'], 'etcd-1 caught up');
    same(await members(lab), ids, 'membership (same member IDs: etcd-1 rejoined as itself)');

    lab.section('Data safety: stop Berth in the middle');
    same((await lab.sh('kubectl exec etcd-2 -- etcdctl --endpoints etcd-2.etcd:2379 put before-restart kept')).lines(), ['OK'], 'put');
    const counts = await Promise.all(PODS.map((p) => restarts(lab, p, 'etcd')));
    await lab.restartBerth();
    if (!lab.skipped.size) {
      await lab.waitFor('every member to run again', async () => (await Promise.all(PODS.map((p) => restarts(lab, p, 'etcd')))).every((n, i) => n === counts[i] + 1));
      await lab.sh('kubectl get pods -l app=etcd-member', { until: allRunningAndReady });
    }
    await lab.sh('kubectl exec etcd-0 -- etcdctl --endpoints etcd-0.etcd:2379 member list', { until: (r) => threeStarted(r.output), unordered: true });
    await lab.sh(`kubectl exec etcd-0 -- etcdctl --endpoints ${ALL} endpoint health`, { until: (r) => r.lines().filter((l) => / is healthy: /.test(l)).length === 3, unordered: true });
    for (const p of PODS) {
      same((await lab.sh(`kubectl exec ${p} -- etcdctl --endpoints ${p}.etcd:2379 get before-restart --consistency=s`, { until: (r) => r.lines().length === 2 })).lines(), ['before-restart', 'kept'], `${p}'s copy after the restart`);
    }
    same(await members(lab), ids, 'membership after the restart');
  },
};

export default lab;
if (isMain(import.meta.url)) await runStandalone(lab);
