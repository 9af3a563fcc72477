// Seed 000, 范例: 简单 statefulset — the StatefulSet `web` of pod-test pods behind the headless Service `nginx`: stable
// names and DNS, ordered scaling, rolling updates in reverse order, partitions, OnDelete, and orphaning deletes. The
// README shows this transcript; run it with `node dist/examples/web/lab.js`.
import { allRunningAndReady, createdInOrder, names, PodWatch, pod, replaced } from '../lib/checks.js';
import { check, isMain, Lab, LabDefinition, same } from '../lib/lab.js';
import { runStandalone } from '../lib/standalone.js';

const IMAGE = 'registry.cn-beijing.aliyuncs.com/wangxiaochun/pod-test';
const web = (n: number) => Array.from({ length: n }, (_, i) => `web-${i}`);

interface Pod { metadata: { name: string; creationTimestamp: string }; spec: { containers: { image: string }[] }; status: { podIP: string } }

async function podIP(lab: Lab, name: string): Promise<string> {
  return (await pod(lab, name)).status?.podIP ?? '';
}

/** The notes' `kubectl get pod web-N -o yaml|grep -m1 image`, for each pod from the highest ordinal down. */
async function images(lab: Lab, count: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const line = (await lab.sh(`kubectl get pod web-${i} -o yaml|grep -m1 image`)).lines()[0] ?? '';
    out.push(/pod-test:(v[\d.]+)$/.exec(line.trim())?.[1] ?? line);
  }
  return out;
}

const lab: LabDefinition = {
  name: 'web',
  title: 'Seed 000: a simple StatefulSet (web, pod-test)',
  normalizers: [{ pattern: /berth-node-\d+/g, replacement: '<node>' }],
  async run(lab) {
    lab.section('The client pod');
    same((await lab.sh('kubectl apply -f pod-test1.yaml')).lines(), ['deployment.apps/pod-test1 created'], 'apply');
    await lab.sh('kubectl wait --for=condition=Available deployment/pod-test1 --timeout=180s', { timeoutMs: 180_000 });

    lab.section('The StatefulSet web');
    const podWatch = await PodWatch.start(lab);
    same((await lab.sh('kubectl apply -f statefulset-demo.yaml')).lines(), ['service/nginx created', 'statefulset.apps/web created'], 'apply');
    await lab.sh("kubectl wait --for=jsonpath='{.status.readyReplicas}'=2 statefulset/web --timeout=180s", { timeoutMs: 180_000 });
    const pods = await lab.sh('kubectl get pod -l app=nginx');
    names(pods, web(2));
    check(allRunningAndReady(pods), 'web-0 and web-1 are Running');
    await createdInOrder(lab, podWatch, web(2));

    lab.section('Names and DNS');
    const ips = await Promise.all(web(2).map((p) => podIP(lab, p)));
    const host = await lab.sh('kubectl exec deploy/pod-test1 -- host nginx', { unordered: true });
    same(host.lines().map((l) => /has address (\S+)$/.exec(l)?.[1]).sort(), [...ips].sort(), 'the headless Service\'s addresses (the pods\')');
    const wide = await lab.sh('kubectl get pod -l app=nginx -o wide');
    same(wide.column('IP'), ips, 'pod IPs');
    same((await lab.sh('kubectl exec deploy/pod-test1 -- host nginx.default.svc.cluster.local.', { unordered: true })).lines().length, 2, 'addresses of the full name');
    const client = (await lab.json<{ items: Pod[] }>('get pods -l app=pod-test1')).items[0].status.podIP;
    const curl = await lab.sh('kubectl exec -it deploy/pod-test1 -- sh', { type: ['curl web-0.nginx', 'curl web-1.nginx', 'exit'], prompt: /# $/ });
    for (const [i, p] of web(2).entries()) {
      check(curl.output.includes(`kubernetes pod-test v0.1!! ClientIP: ${client}, ServerName: ${p}, ServerIP: ${ips[i]}!`), `${p} answers with its name and IP, and sees pod-test1's IP`);
    }
    // `curl nginx` goes to either pod: both answer over a few tries.
    const seen = new Set<string>();
    await lab.waitFor('both pods to answer `curl nginx`', async () => {
      const out = await lab.quiet('kubectl exec deploy/pod-test1 -- curl -s nginx');
      const name = /ServerName: (web-\d)/.exec(out)?.[1];
      if (name) seen.add(name);
      return seen.size === 2;
    }, 120_000);

    lab.section('Scaling up, in order');
    same((await lab.sh('kubectl scale sts web --replicas 5')).lines(), ['statefulset.apps/web scaled'], 'scale');
    const sts = await lab.sh('kubectl get statefulsets.apps', { until: (r) => r.table()[0]?.READY === '5/5' });
    same(sts.table().map((r) => [r.NAME, r.READY]), [['web', '5/5']], 'the StatefulSet');
    await createdInOrder(lab, podWatch, web(5));
    podWatch.stop();
    same((await lab.sh('kubectl get svc nginx')).table().map((r) => [r.NAME, r['CLUSTER-IP'], r['PORT(S)']]), [['nginx', 'None', '80/TCP']], 'the headless Service');
    same((await lab.sh('kubectl get sts')).table().map((r) => [r.NAME, r.READY]), [['web', '5/5']], 'kubectl get sts');
    for (const p of web(3)) same((await lab.sh(`kubectl exec -it ${p} -- hostname`)).lines(), [p], `${p}'s hostname`);
    const hosts = await lab.sh('kubectl exec -it web-1 -- cat /etc/hosts');
    same(hosts.lines()[0], '# Kubernetes-managed hosts file.', 'the kubelet\'s hosts file');
    check(hosts.lines().includes(`${await podIP(lab, 'web-1')}\tweb-1.nginx.default.svc.cluster.local\tweb-1`), 'web-1\'s own line: IP, FQDN, name');

    lab.section('Rolling update, highest ordinal first');
    same((await lab.sh('kubectl scale sts web --replicas 2')).lines(), ['statefulset.apps/web scaled'], 'scale');
    names(await lab.sh('kubectl get pod -l app=nginx', { until: (r) => r.table().length === 2 }), web(2));
    const strategy = await lab.sh('kubectl get sts web -o yaml|grep -A5 -i UpdateStrategy');
    same(strategy.lines().slice(0, 4).map((l) => l.trim()), ['updateStrategy:', 'rollingUpdate:', 'partition: 0', 'type: RollingUpdate'], 'the default update strategy');
    const [old0, old1] = await Promise.all(web(2).map((p) => pod(lab, p)));
    same((await lab.sh(`kubectl set image sts/web nginx=${IMAGE}:v0.2`)).lines(), ['statefulset.apps/web image updated'], 'set image');
    await lab.sh('kubectl rollout status sts/web --watch=false', { until: (r) => r.output.includes('roll out complete') });
    const [new0, new1] = await Promise.all([replaced(lab, 'web-0', old0.metadata.uid), replaced(lab, 'web-1', old1.metadata.uid)]);
    check(new1.metadata.creationTimestamp <= new0.metadata.creationTimestamp, 'web-1 was replaced before web-0');
    check((await lab.sh('kubectl exec deploy/pod-test1 -- curl -s web-0.nginx')).output.startsWith('kubernetes pod-test v0.2!!'), 'web-0 runs v0.2');

    lab.section('Partitioned update (canary)');
    same((await lab.sh('kubectl scale sts web --replicas 5')).lines(), ['statefulset.apps/web scaled'], 'scale');
    await lab.sh("kubectl wait --for=jsonpath='{.status.readyReplicas}'=5 statefulset/web --timeout=180s", { timeoutMs: 180_000, until: (r) => r.output.includes('condition met') });
    same((await lab.sh(`kubectl patch sts web -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":4}}}}'`)).lines(), ['statefulset.apps/web patched'], 'partition 4');
    same((await lab.sh(`kubectl set image sts/web nginx=${IMAGE}:v0.3`)).lines(), ['statefulset.apps/web image updated'], 'set image');
    await lab.sh('kubectl rollout status sts/web --watch=false', { until: (r) => r.output.includes('roll out complete') });
    same(await images(lab, 5), ['v0.3', 'v0.2', 'v0.2', 'v0.2', 'v0.2'], 'images of web-4 … web-0 with partition 4');
    same((await lab.sh(`kubectl patch sts web -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":1}}}}'`)).lines(), ['statefulset.apps/web patched'], 'partition 1');
    await lab.sh('kubectl rollout status sts/web --watch=false', { until: (r) => r.output.includes('roll out complete') });
    same(await images(lab, 5), ['v0.3', 'v0.3', 'v0.3', 'v0.3', 'v0.2'], 'images of web-4 … web-0 with partition 1');

    lab.section('OnDelete: only a deleted pod is updated');
    same((await lab.sh(`kubectl patch sts web -p '{"spec":{"updateStrategy":{"type":"OnDelete","rollingUpdate":null}}}'`)).lines(), ['statefulset.apps/web patched'], 'OnDelete');
    const before = await pod(lab, 'web-0');
    same((await lab.sh('kubectl delete pod web-0')).lines(), ['pod "web-0" deleted'], 'delete');
    await lab.sh('kubectl wait --for=condition=Ready pod/web-0 --timeout=120s', { until: (r) => r.output.includes('condition met') });
    await replaced(lab, 'web-0', before.metadata.uid);
    same(await images(lab, 1), ['v0.3'], 'the new web-0\'s image');

    lab.section('Deleting the StatefulSet, keeping its pods');
    same((await lab.sh('kubectl delete sts web --cascade=orphan')).lines(), ['statefulset.apps "web" deleted'], 'orphaning delete');
    same((await lab.sh('kubectl get sts')).lines(), ['No resources found in default namespace.'], 'no StatefulSet');
    names(await lab.sh('kubectl get pod -l app=nginx'), web(5));
    same((await lab.sh('kubectl delete pod web-0')).lines(), ['pod "web-0" deleted'], 'delete');
    await new Promise((r) => setTimeout(r, 3000)); // a controller, if any were left, would have made a new web-0 by now
    names(await lab.sh('kubectl get pod -l app=nginx'), ['web-1', 'web-2', 'web-3', 'web-4']);
  },
};

export default lab;
if (isMain(import.meta.url)) await runStandalone(lab);
