// Seed 004 (实验 2.1: StatefulSet 有状态应用): stateful-demo in the namespace experiments — ordered creation, the headless
// Service's DNS seen from a busybox pod, a file per pod in its own claim, ordered termination, and the claims (with
// the files) outliving the StatefulSet. The README shows this transcript; run it with
// `node dist/examples/stateful-demo/lab.js`.
import { allRunningAndReady, createdInOrder, deletedPods, names, PodWatch, pod, restarts } from '../lib/checks.js';
import { check, isMain, Lab, LabDefinition, same } from '../lib/lab.js';
import { runStandalone } from '../lib/standalone.js';

const NS = 'experiments';
const PODS = ['stateful-demo-0', 'stateful-demo-1', 'stateful-demo-2'];

async function podIP(lab: Lab, name: string): Promise<string> {
  return (await pod(lab, name, NS)).status?.podIP ?? '';
}

/** busybox's nslookup answer lines for `name`: the addresses after "Name: name". */
function addresses(output: string, name: string): string[] {
  const lines = output.split('\n').map((l) => l.trim());
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === `Name:\t${name}` || lines[i].replace(/\s+/, ' ') === `Name: ${name}`) {
      const m = /^Address(?: \d+)?:\s+(\S+)/.exec(lines[i + 1] ?? '');
      if (m) out.push(m[1]);
    }
  }
  return out;
}

const lab: LabDefinition = {
  name: 'stateful-demo',
  title: 'Seed 004: experiment 2.1, stateful-demo',
  normalizers: [
    // kubectl run -it prints this only when it attached before the command finished.
    { pattern: /^If you don't see a command prompt, try pressing enter\.\n/gm, replacement: '' },
    // … and this when the container had ended before it could attach (it shows the container's log instead).
    { pattern: /^warning: couldn't attach to pod\/test-pod, falling back to streaming logs: .*\n/gm, replacement: '' },
    // ls -l times (not date's, which go on with seconds and are the common <date>)
    { pattern: /\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d+ +\d\d:\d\d\b(?!:)/g, replacement: '<mtime>' },
  ],
  async run(lab) {
    lab.section('Step 1: deploy the StatefulSet');
    same((await lab.sh(`kubectl create namespace ${NS}`)).lines(), [`namespace/${NS} created`], 'namespace');
    const podWatch = await PodWatch.start(lab, NS);
    same((await lab.sh('kubectl apply -f statefulset.yaml')).lines(), ['service/stateful-svc created', 'statefulset.apps/stateful-demo created'], 'apply');
    const sts = await lab.sh(`kubectl get statefulset -n ${NS}`, { until: (r) => r.table()[0]?.READY === '3/3' });
    same(sts.table().map((r) => [r.NAME, r.READY]), [['stateful-demo', '3/3']], 'the StatefulSet');
    const pods = await lab.sh(`kubectl get pods -n ${NS}`);
    names(pods, PODS);
    check(allRunningAndReady(pods), 'every pod is Running');
    const pvcs = await lab.sh(`kubectl get pvc -n ${NS}`);
    names(pvcs, PODS.map((p) => `data-${p}`), 'claims');
    same(pvcs.table().map((r) => [r.STATUS, r.CAPACITY, r['ACCESS MODES'], r.STORAGECLASS]), PODS.map(() => ['Bound', '1Gi', 'RWO', 'standard']), 'claims');

    lab.section('Step 2: ordered creation');
    const created = await lab.sh(`kubectl get pods -n ${NS} -o custom-columns=NAME:.metadata.name,CREATED:.metadata.creationTimestamp,HOSTNAME:.spec.hostname`);
    same(created.table().map((r) => [r.NAME, r.HOSTNAME]), PODS.map((p) => [p, p]), 'hostnames');
    const times = created.column('CREATED');
    check(times[0] <= times[1] && times[1] <= times[2], `creation times in order: ${times.join(', ')}`);
    await createdInOrder(lab, podWatch, PODS);
    podWatch.stop();
    for (const p of PODS) same((await lab.sh(`kubectl exec ${p} -n ${NS} -- hostname`)).lines(), [p], `${p}'s hostname`);

    lab.section('Step 3: the headless Service');
    same((await lab.sh(`kubectl get svc -n ${NS}`)).table().map((r) => [r.NAME, r.TYPE, r['CLUSTER-IP'], r['PORT(S)']]), [['stateful-svc', 'ClusterIP', 'None', '80/TCP']], 'the Service');
    const ips = await Promise.all(PODS.map((p) => podIP(lab, p)));
    // nslookup ends at once: when kubectl attaches after it printed, the output is lost (kubectl run's race,
    // kubernetes/kubernetes#27264); a learner runs it again, and so does the lab.
    const svc = await lab.sh('kubectl run test-pod --image=busybox --rm -it --restart=Never -- nslookup stateful-svc.experiments.svc.cluster.local', {
      unordered: true,
      until: (r) => addresses(r.output, 'stateful-svc.experiments.svc.cluster.local').length === PODS.length,
    });
    same(addresses(svc.output, 'stateful-svc.experiments.svc.cluster.local').sort(), [...ips].sort(), 'the Service name resolves to the three pods');
    check(svc.lines().includes('pod "test-pod" deleted'), 'kubectl run --rm deleted test-pod');
    const one = await lab.sh('kubectl exec -it stateful-demo-0 -n experiments -- nslookup stateful-demo-1.stateful-svc.experiments.svc.cluster.local');
    same(one.lines().filter((l) => l.startsWith('Address: ')).map((l) => l.slice(9)), [ips[1]], 'stateful-demo-1\'s own name');

    lab.section('Step 4: a file per pod, each in its own claim');
    await lab.sh(`kubectl exec -it stateful-demo-0 -n experiments -- sh -c "echo 'Data from Pod-0 at $(date)' > /data/pod0-data.txt"`);
    await lab.sh(`kubectl exec -it stateful-demo-1 -n experiments -- sh -c "echo 'Data from Pod-1 at $(date)' > /data/pod1-data.txt"`);
    const d0 = await lab.sh('kubectl exec -it stateful-demo-0 -n experiments -- cat /data/pod0-data.txt');
    check(/^Data from Pod-0 at .+\d{4}$/.test(d0.lines()[0] ?? ''), 'pod 0\'s file');
    const d1 = await lab.sh('kubectl exec -it stateful-demo-1 -n experiments -- cat /data/pod1-data.txt');
    check(/^Data from Pod-1 at .+\d{4}$/.test(d1.lines()[0] ?? ''), 'pod 1\'s file');
    const ls2 = await lab.sh('kubectl exec -it stateful-demo-2 -n experiments -- ls -la /data/');
    same(ls2.lines().filter((l) => !/^total /.test(l)).map((l) => l.split(/\s+/).pop()), ['.', '..'], 'stateful-demo-2\'s claim is empty');
    same((await lab.quiet('kubectl exec stateful-demo-0 -n experiments -- ls /data')).trim(), 'pod0-data.txt', 'pod 0 sees only its own file');

    lab.section('Data safety: stop Berth in the middle');
    const counts = await Promise.all(PODS.map((p) => restarts(lab, p, 'web', NS)));
    await lab.restartBerth();
    if (!lab.skipped.size) {
      await lab.waitFor('every pod to run again', async () => (await Promise.all(PODS.map((p) => restarts(lab, p, 'web', NS)))).every((n, i) => n === counts[i] + 1));
      await lab.sh(`kubectl get pods -n ${NS}`, { until: allRunningAndReady });
    }
    same((await lab.sh('kubectl exec -it stateful-demo-0 -n experiments -- cat /data/pod0-data.txt')).lines(), d0.lines(), 'pod 0\'s file after the restart');

    lab.section('Step 5: ordered termination, claims kept');
    // Deleting a StatefulSet stops its pods in no particular order (upstream's documentation says so); scaling to 0
    // first stops them from the highest ordinal down, which is the order the notes record.
    same((await lab.sh(`kubectl scale statefulset stateful-demo -n ${NS} --replicas=0`)).lines(), ['statefulset.apps/stateful-demo scaled'], 'scale to 0');
    same((await lab.sh(`kubectl get pods -n ${NS}`, { until: (r) => r.output.includes('No resources found') })).lines(), [`No resources found in ${NS} namespace.`], 'no pods');
    same(await lab.waitFor('three deletions', async () => { const d = await deletedPods(lab, 'stateful-demo', NS); return d.length >= 3 && d; }), ['stateful-demo-2', 'stateful-demo-1', 'stateful-demo-0'], 'pods deleted, in order');
    same((await lab.sh(`kubectl delete statefulset stateful-demo -n ${NS}`)).lines(), ['statefulset.apps "stateful-demo" deleted'], 'delete');
    const kept = await lab.sh(`kubectl get pvc -n ${NS}`);
    names(kept, PODS.map((p) => `data-${p}`), 'claims after the StatefulSet is gone');
    same(kept.column('STATUS'), ['Bound', 'Bound', 'Bound'], 'claims stay bound');

    lab.section('Variant: create the StatefulSet again');
    same((await lab.sh('kubectl apply -f statefulset.yaml')).lines(), ['service/stateful-svc unchanged', 'statefulset.apps/stateful-demo created'], 'apply');
    await lab.sh(`kubectl wait --for=jsonpath='{.status.readyReplicas}'=3 statefulset/stateful-demo -n ${NS} --timeout=180s`, { timeoutMs: 180_000, until: (r) => r.output.includes('condition met') });
    same((await lab.sh('kubectl exec -it stateful-demo-0 -n experiments -- cat /data/pod0-data.txt')).lines(), d0.lines(), 'pod 0\'s file in the new pod');
    same((await lab.sh('kubectl exec -it stateful-demo-1 -n experiments -- cat /data/pod1-data.txt')).lines(), d1.lines(), 'pod 1\'s file in the new pod');
  },
};

export default lab;
if (isMain(import.meta.url)) await runStandalone(lab);
