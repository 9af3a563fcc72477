// Seed 000, 案例: StatefulSet 简单案例 — nginx pods `myapp-N` each serving the page kept in its own claim, which
// stays with the name through scale-down, scale-up and a Berth restart. The README shows this transcript; run it
// with `node dist/examples/myapp/lab.js`.
import { allRunningAndReady, createdInOrder, deletedPods, names, PodWatch, pod, restarts } from '../lib/checks.js';
import { check, isMain, Lab, LabDefinition, same } from '../lib/lab.js';
import { runStandalone } from '../lib/standalone.js';

const myapp = (n: number) => Array.from({ length: n }, (_, i) => `myapp-${i}`);
/** Each page from its pod IP, from the host (the notes curl the pod IPs from the master). */
const CURL_PAGES = "for i in 0 1 2; do curl -s $(kubectl get pod myapp-$i -o jsonpath='{.status.podIP}'); done";

async function podIP(lab: Lab, name: string): Promise<string> {
  return (await pod(lab, name)).status?.podIP ?? '';
}

const lab: LabDefinition = {
  name: 'myapp',
  title: 'Seed 000: pages kept in claims (myapp, nginx)',
  normalizers: [
    { pattern: /berth-node-\d+/g, replacement: '<node>' },
    // Volume directories are under Berth's data dir, which differs from run to run.
    { pattern: /\S*\/volumes\//g, replacement: '<data-dir>/volumes/' },
  ],
  async run(lab) {
    lab.section('Prerequisites: the StorageClass sc-nfs and the client pod');
    same((await lab.sh('kubectl apply -f storageclass.yaml')).lines(), ['storageclass.storage.k8s.io/sc-nfs created'], 'apply');
    same((await lab.sh('kubectl apply -f pod-test1.yaml')).lines(), ['deployment.apps/pod-test1 created'], 'apply');

    lab.section('The headless Service');
    same((await lab.sh('kubectl apply -f sts-headless.yaml')).lines(), ['service/statefulset-headless created'], 'apply');
    same((await lab.sh('kubectl get svc statefulset-headless')).table().map((r) => [r.NAME, r['CLUSTER-IP'], r['PORT(S)']]), [['statefulset-headless', 'None', '80/TCP']], 'the Service');

    lab.section('The StatefulSet myapp');
    const podWatch = await PodWatch.start(lab);
    same((await lab.sh('kubectl apply -f sts-test.yaml')).lines(), ['statefulset.apps/myapp created'], 'apply');
    await lab.sh("kubectl wait --for=jsonpath='{.status.readyReplicas}'=3 statefulset/myapp --timeout=180s", { timeoutMs: 180_000 });
    const pods = await lab.sh('kubectl get pod -l app=myapp-pod');
    names(pods, myapp(3));
    check(allRunningAndReady(pods), 'every myapp pod is Running');
    await createdInOrder(lab, podWatch, myapp(3));
    const pvcs = await lab.sh('kubectl get pvc');
    names(pvcs, myapp(3).map((p) => `myappdata-${p}`), 'claims');
    same(pvcs.table().map((r) => [r.STATUS, r.CAPACITY, r.STORAGECLASS]), myapp(3).map(() => ['Bound', '1Gi', 'sc-nfs']), 'claims');

    lab.section('A page in each claim, written on the storage side');
    // The notes write index.html into each claim's directory on the NFS server; here the volume is a directory on
    // this machine, named as nfs-subdir names them, and the PV says where.
    const dirs = await lab.sh("for i in 0 1 2; do kubectl get pv $(kubectl get pvc myappdata-myapp-$i -o jsonpath='{.spec.volumeName}') -o jsonpath='{.spec.hostPath.path}{\"\\n\"}'; done");
    for (const [i, d] of dirs.lines().entries()) check(new RegExp(`/volumes/default-myappdata-myapp-${i}-pvc-[0-9a-f-]+$`).test(d), `myapp-${i}'s volume directory (${d})`);
    await lab.sh("for i in 0 1 2; do echo myapp-$i > $(kubectl get pv $(kubectl get pvc myappdata-myapp-$i -o jsonpath='{.spec.volumeName}') -o jsonpath='{.spec.hostPath.path}')/index.html; done");
    const wide = await lab.sh('kubectl get pod -l app=myapp-pod -o wide');
    same(wide.column('IP'), await Promise.all(myapp(3).map((p) => podIP(lab, p))), 'pod IPs');
    // The notes' pods have no readiness probe: Ready as soon as nginx's process started, maybe before it listens.
    same((await lab.sh(CURL_PAGES, { until: (r) => r.lines().length === 3, timeoutMs: 30_000 })).lines(), myapp(3), 'each pod serves its own claim\'s page');

    lab.section('Scaling down and up: claims stay with the names');
    same((await lab.sh('kubectl scale sts myapp --replicas=1')).lines(), ['statefulset.apps/myapp scaled'], 'scale');
    names(await lab.sh('kubectl get pod -l app=myapp-pod', { until: (r) => r.table().length === 1 }), ['myapp-0']);
    same(await lab.waitFor('both deletions', async () => { const d = await deletedPods(lab, 'myapp'); return d.length >= 2 && d; }), ['myapp-2', 'myapp-1'], 'pods deleted by the scale-down, in order');
    names(await lab.sh('kubectl get pvc'), myapp(3).map((p) => `myappdata-${p}`), 'claims after the scale-down');
    same((await lab.sh('kubectl scale sts myapp --replicas=4')).lines(), ['statefulset.apps/myapp scaled'], 'scale');
    await lab.sh("kubectl wait --for=jsonpath='{.status.readyReplicas}'=4 statefulset/myapp --timeout=180s", { timeoutMs: 180_000, until: (r) => r.output.includes('condition met') });
    names(await lab.sh('kubectl get pod -l app=myapp-pod'), myapp(4));
    await createdInOrder(lab, podWatch, myapp(4).slice(1));
    podWatch.stop();
    same((await lab.sh("curl -s $(kubectl get pod myapp-2 -o jsonpath='{.status.podIP}')")).lines(), ['myapp-2'], 'the new myapp-2 serves its old claim');

    lab.section('Names from inside the cluster');
    const ns = await lab.sh('kubectl exec deploy/pod-test1 -- nslookup statefulset-headless', { unordered: true });
    same(ns.lines().filter((l) => l.startsWith('Address: ')).map((l) => l.slice(9)).sort(), (await Promise.all(myapp(4).map((p) => podIP(lab, p)))).sort(), 'the Service name resolves to the four pods');
    const one = await lab.sh('kubectl exec deploy/pod-test1 -- nslookup myapp-0.statefulset-headless.default.svc.cluster.local');
    same(one.lines().filter((l) => l.startsWith('Address: ')).map((l) => l.slice(9)), [await podIP(lab, 'myapp-0')], 'myapp-0\'s own name');
    same((await lab.sh('kubectl exec myapp-0 -- hostname')).lines(), ['myapp-0'], 'hostname');

    lab.section('Data safety: stop Berth in the middle');
    const counts = await Promise.all(myapp(4).map((p) => restarts(lab, p, 'myapp')));
    await lab.restartBerth();
    if (!lab.skipped.size) {
      await lab.waitFor('every pod to run again', async () => (await Promise.all(myapp(4).map((p) => restarts(lab, p, 'myapp')))).every((n, i) => n === counts[i] + 1));
      await lab.sh('kubectl get pod -l app=myapp-pod', { until: allRunningAndReady });
    }
    same((await lab.sh(CURL_PAGES, { until: (r) => r.lines().length === 3, timeoutMs: 30_000 })).lines(), myapp(3), 'the pages after the restart');
  },
};

export default lab;
if (isMain(import.meta.url)) await runStandalone(lab);
