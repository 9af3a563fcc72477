// Seed 003: a Redis StatefulSet — stable names, one claim per pod, ordered creation, and a key that survives the pod,
// the Redis process and Berth itself. The README shows this transcript; run it with `node dist/examples/redis/lab.js`.
import { allRunningAndReady, createdInOrder, deletedPods, names, PodWatch, pod, replaced, restarts } from '../lib/checks.js';
import { check, isMain, LabDefinition, same } from '../lib/lab.js';
import { runStandalone } from '../lib/standalone.js';

const PODS = ['redis-0', 'redis-1', 'redis-2'];

const lab: LabDefinition = {
  name: 'redis',
  title: 'Seed 003: Redis on a StatefulSet',
  async run(lab) {
    lab.section('Step 1: the headless Service');
    same((await lab.sh('kubectl apply -f redis-headless.yaml')).lines(), ['service/redis created'], 'apply');
    same((await lab.sh('kubectl get svc redis')).table().map((r) => [r.NAME, r['CLUSTER-IP'], r['PORT(S)']]), [['redis', 'None', '6379/TCP']], 'the headless Service');

    lab.section('Step 2: the StatefulSet');
    const podWatch = await PodWatch.start(lab);
    same((await lab.sh('kubectl apply -f redis-statefulset.yaml')).lines(), ['statefulset.apps/redis created'], 'apply');
    await lab.sh("kubectl wait --for=jsonpath='{.status.readyReplicas}'=3 statefulset/redis --timeout=300s", { timeoutMs: 300_000 });

    lab.section('Step 3: names, claims, DNS');
    const pods = await lab.sh('kubectl get pods -l app=redis');
    names(pods, PODS);
    check(allRunningAndReady(pods), 'every redis pod is Running and 1/1');
    await createdInOrder(lab, podWatch, PODS);
    podWatch.stop();
    const pvcs = await lab.sh('kubectl get pvc');
    names(pvcs, PODS.map((p) => `redis-data-${p}`), 'claims');
    same(pvcs.column('STATUS'), ['Bound', 'Bound', 'Bound'], 'claim status');
    // Inside redis-0: every member's DNS name resolves to that pod's IP (the image has no ping; getent resolves as it would).
    const dns = await lab.sh('kubectl exec -it redis-0 -- sh', { type: ['for h in redis-0.redis redis-1.redis redis-2.redis; do getent hosts $h; done', 'exit'], prompt: /# $/ });
    for (const p of PODS) {
      const ip = (await pod(lab, p)).status?.podIP;
      check(ip && new RegExp(`^${ip.replace(/\./g, '\\.')}\\s+${p}\\.redis\\.default\\.svc\\.cluster\\.local$`, 'm').test(dns.output), `${p}.redis resolves to ${p}'s IP ${ip}`);
    }

    lab.section('Step 4: data outlives the pod');
    same((await lab.sh('kubectl exec -it redis-0 -- redis-cli set foo bar')).lines(), ['OK'], 'SET');
    same((await lab.sh('kubectl exec -it redis-0 -- redis-cli get foo')).lines(), ['"bar"'], 'GET');
    const before = await pod(lab, 'redis-0');
    same((await lab.sh('kubectl delete pod redis-0')).lines(), ['pod "redis-0" deleted'], 'delete');
    await lab.sh('kubectl wait --for=condition=Ready pod/redis-0 --timeout=120s', { until: (r) => r.output.includes('condition met') });
    const after = await replaced(lab, 'redis-0', before.metadata.uid);
    check(after.metadata.uid !== before.metadata.uid, 'redis-0 is a new pod');
    same((await lab.sh('kubectl exec -it redis-0 -- redis-cli get foo')).lines(), ['"bar"'], 'GET after the pod was replaced');

    lab.section('Failure drill: kill the Redis process');
    await lab.sh('kubectl exec redis-0 -- kill 1');
    const restarted = await lab.sh('kubectl get pod redis-0', { until: (r) => r.table()[0]?.RESTARTS.startsWith('1 ') && allRunningAndReady(r) });
    same(restarted.table()[0].NAME, 'redis-0', 'pod');
    same(await restarts(lab, 'redis-0', 'redis'), 1, 'redis-0 restart count');
    same((await pod(lab, 'redis-0')).metadata.uid, after.metadata.uid, 'the same pod (the container restarted, the pod stayed)');
    same((await lab.sh('kubectl exec -it redis-0 -- redis-cli get foo')).lines(), ['"bar"'], 'GET after the process was killed');

    lab.section('Data safety: stop Berth in the middle');
    same((await lab.sh('kubectl exec -it redis-2 -- redis-cli set written-before-restart yes')).lines(), ['OK'], 'SET on redis-2');
    const counts = await Promise.all(PODS.map((p) => restarts(lab, p, 'redis')));
    await lab.restartBerth();
    if (!lab.skipped.size) {
      await lab.sh('kubectl get pods -l app=redis', {
        until: (r) => allRunningAndReady(r) && r.table().every((row, i) => Number(row.RESTARTS.split(' ')[0]) === counts[i] + 1),
      });
    }
    same((await lab.sh('kubectl exec -it redis-0 -- redis-cli get foo')).lines(), ['"bar"'], 'redis-0 after the restart');
    same((await lab.sh('kubectl exec -it redis-2 -- redis-cli get written-before-restart')).lines(), ['"yes"'], 'redis-2 after the restart');

    lab.section('Step 5: ordered scale-down keeps the claims');
    same((await lab.sh('kubectl scale sts redis --replicas=1')).lines(), ['statefulset.apps/redis scaled'], 'scale');
    names(await lab.sh('kubectl get pods -l app=redis', { until: (r) => r.table().length === 1 && allRunningAndReady(r) }), ['redis-0']);
    same(await lab.waitFor('the controller to report both deletions', async () => {
      const d = await deletedPods(lab, 'redis');
      return d.length >= 2 && d;
    }), ['redis-2', 'redis-1'], 'pods deleted by the scale-down, in order');
    names(await lab.sh('kubectl get pvc'), PODS.map((p) => `redis-data-${p}`), 'claims after the scale-down');
    same((await lab.sh('kubectl scale sts redis --replicas=3')).lines(), ['statefulset.apps/redis scaled'], 'scale');
    await lab.sh("kubectl wait --for=jsonpath='{.status.readyReplicas}'=3 statefulset/redis --timeout=300s", { until: (r) => r.output.includes('condition met'), timeoutMs: 300_000 });
    same((await lab.sh('kubectl exec -it redis-2 -- redis-cli get written-before-restart')).lines(), ['"yes"'], 'redis-2 back on its claim');
  },
};

export default lab;
if (isMain(import.meta.url)) await runStandalone(lab);
