// Issue 15/14 acceptance for the other controllers and admission, with the real kubectl against `berth up` (three
// simulated nodes): DaemonSets (taints and tolerations, rolling update, rollout status/history/undo), the
// ReplicationController and `apply --prune`'s default allowlist, PodDisruptionBudget status with `kubectl drain`
// evicting and refusing, ResourceQuota and LimitRange refusals, HorizontalPodAutoscaler objects, and the objects every
// namespace has. One cluster; tests that change nodes put them back.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Cluster, eventually, kubectl, kubectlOk, rawRequest, startCluster } from './harness.js';

let c: Cluster;
before(async () => { c = await startCluster({ args: ['--sim-start-delay', '100'] }); });
after(async () => { await c?.stop(); c?.cleanup(); });

const k = (args: string[], opts?: Parameters<typeof kubectl>[2]) => kubectlOk(c, args, opts);
const apply = (ns: string, manifest: string, extra: string[] = []) => k(['apply', '-n', ns, ...extra, '-f', '-'], { input: manifest });
const json = async <T = Record<string, any>>(args: string[]): Promise<T> => JSON.parse(await k([...args, '-o', 'json'])) as T;
const NODES = ['berth-node-1', 'berth-node-2', 'berth-node-3'];

interface PodList { items: { metadata: { name: string }; spec: { nodeName?: string; containers: { image: string }[] }; status: { phase?: string } }[] }
const podsOf = (ns: string, selector: string) => json<PodList>(['get', 'pods', '-n', ns, '-l', selector]);

function daemonSetYaml(image: string, extra = ''): string {
  return `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1}}
  template:
    metadata: {labels: {app: agent}}
    spec:
${extra}      containers: [{name: agent, image: ${image}}]
`;
}

test('DaemonSet: one pod per eligible node, taints honoured, tolerations widen it, rolling update and undo', async () => {
  await k(['create', 'namespace', 'ds']);
  await k(['taint', 'node', 'berth-node-3', 'dedicated=infra:NoSchedule']);
  try {
    await apply('ds', daemonSetYaml('busybox:1.36'));
    assert.match(await k(['rollout', 'status', 'ds/agent', '-n', 'ds', '--timeout=60s']), /daemon set "agent" successfully rolled out/);
    let pods = await podsOf('ds', 'app=agent');
    assert.deepEqual(pods.items.map((p) => p.spec.nodeName).sort(), ['berth-node-1', 'berth-node-2']);
    assert.match(await k(['get', 'ds', 'agent', '-n', 'ds']),
      /^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE\nagent\s+2\s+2\s+2\s+2\s+2\s+<none>\s+\d+s\n$/);

    // the automatic daemon tolerations are there; a toleration for the taint brings the third node in
    const pod = (await json(['get', 'pods', '-n', 'ds', '-l', 'app=agent'])).items[0];
    const keys = (pod.spec.tolerations as { key: string; effect: string }[]).map((t) => `${t.key}:${t.effect}`);
    for (const want of ['node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/disk-pressure:NoSchedule',
      'node.kubernetes.io/memory-pressure:NoSchedule', 'node.kubernetes.io/pid-pressure:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule']) {
      assert.ok(keys.includes(want), `${want} in ${keys.join(', ')}`);
    }
    await apply('ds', daemonSetYaml('busybox:1.36', '      tolerations: [{key: dedicated, operator: Equal, value: infra, effect: NoSchedule}]\n'));
    await k(['rollout', 'status', 'ds/agent', '-n', 'ds', '--timeout=60s']);
    pods = await eventually(async () => {
      const p = await podsOf('ds', 'app=agent');
      return p.items.length === 3 && p.items.every((x) => x.status.phase === 'Running') ? p : undefined;
    }, 30_000);
    assert.deepEqual(pods.items.map((p) => p.spec.nodeName).sort(), NODES);

    // a new image rolls through every node
    await k(['set', 'image', 'ds/agent', '-n', 'ds', 'agent=busybox:1.37']);
    assert.match(await k(['rollout', 'status', 'ds/agent', '-n', 'ds', '--timeout=90s']), /daemon set "agent" successfully rolled out/);
    pods = await podsOf('ds', 'app=agent');
    assert.deepEqual(pods.items.map((p) => p.spec.containers[0].image), ['busybox:1.37', 'busybox:1.37', 'busybox:1.37']);
    const history = await k(['rollout', 'history', 'ds/agent', '-n', 'ds']);
    assert.match(history, /^daemonset\.apps\/agent\s*\nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n3\s+<none>\n/);
    const revisions = await k(['get', 'controllerrevisions', '-n', 'ds', '-o', 'name']);
    assert.equal(revisions.trim().split('\n').length, 3);

    assert.match(await k(['rollout', 'undo', 'ds/agent', '-n', 'ds']), /daemonset\.apps\/agent rolled back/);
    await k(['rollout', 'status', 'ds/agent', '-n', 'ds', '--timeout=90s']);
    pods = await eventually(async () => {
      const p = await podsOf('ds', 'app=agent');
      return p.items.length === 3 && p.items.every((x) => x.spec.containers[0].image === 'busybox:1.36') ? p : undefined;
    }, 30_000);
    const ds = await json(['get', 'ds', 'agent', '-n', 'ds']);
    assert.deepEqual([ds.status.desiredNumberScheduled, ds.status.numberReady, ds.status.updatedNumberScheduled, ds.status.numberAvailable], [3, 3, 3, 3]);
    assert.equal(ds.status.observedGeneration, ds.metadata.generation);
  } finally {
    await k(['taint', 'node', 'berth-node-3', 'dedicated=infra:NoSchedule-']);
  }
});

test('DaemonSet OnDelete: a new template reaches a node only when its pod is deleted', async () => {
  await k(['create', 'namespace', 'ds-ondelete']);
  const yaml = (image: string) => daemonSetYaml(image).replace('{type: RollingUpdate, rollingUpdate: {maxUnavailable: 1}}', '{type: OnDelete}');
  await apply('ds-ondelete', yaml('busybox:1.36'));
  // kubectl rollout status only follows RollingUpdate DaemonSets, as upstream's does
  const status = await kubectl(c, ['rollout', 'status', 'ds/agent', '-n', 'ds-ondelete']);
  assert.match(status.stderr, /rollout status is only available for RollingUpdate strategy type/);
  await eventually(async () => (await json(['get', 'ds', 'agent', '-n', 'ds-ondelete'])).status?.numberReady === 3, 30_000);
  await apply('ds-ondelete', yaml('busybox:1.37'));
  await new Promise((r) => setTimeout(r, 500));
  let pods = await podsOf('ds-ondelete', 'app=agent');
  assert.deepEqual(pods.items.map((p) => p.spec.containers[0].image), ['busybox:1.36', 'busybox:1.36', 'busybox:1.36']);
  const victim = pods.items[0];
  await k(['delete', 'pod', victim.metadata.name, '-n', 'ds-ondelete']);
  pods = await eventually(async () => {
    const p = await podsOf('ds-ondelete', 'app=agent');
    const fresh = p.items.find((x) => x.spec.nodeName === victim.spec.nodeName && x.metadata.name !== victim.metadata.name);
    return fresh && p.items.length === 3 ? p : undefined;
  }, 30_000);
  const images = pods.items.map((p) => [p.spec.nodeName, p.spec.containers[0].image]);
  assert.equal(images.filter(([, i]) => i === 'busybox:1.37').length, 1);
  assert.deepEqual(images.find(([n]) => n === victim.spec.nodeName), [victim.spec.nodeName, 'busybox:1.37']);
});

test('ReplicationController: replicas kept, get rc columns, scale, and apply --prune with the default allowlist', async () => {
  await k(['create', 'namespace', 'rc']);
  const manifest = (withRc: boolean) => `${withRc ? `apiVersion: v1
kind: ReplicationController
metadata: {name: legacy, labels: {stack: demo}}
spec:
  replicas: 2
  selector: {app: legacy}
  template:
    metadata: {labels: {app: legacy}}
    spec: {containers: [{name: c, image: nginx}]}
---
` : ''}apiVersion: v1
kind: ConfigMap
metadata: {name: settings, labels: {stack: demo}}
data: {a: "1"}
`;
  assert.equal(await apply('rc', manifest(true)), 'replicationcontroller/legacy created\nconfigmap/settings created\n');
  await eventually(async () => (await json(['get', 'rc', 'legacy', '-n', 'rc'])).status.readyReplicas === 2, 30_000);
  assert.match(await k(['get', 'rc', '-n', 'rc']), /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\nlegacy\s+2\s+2\s+2\s+\d+s\n$/);
  assert.equal(await k(['scale', 'rc', 'legacy', '-n', 'rc', '--replicas=3']), 'replicationcontroller/legacy scaled\n');
  await eventually(async () => (await podsOf('rc', 'app=legacy')).items.length === 3, 30_000);
  const owner = (await json(['get', 'pods', '-n', 'rc', '-l', 'app=legacy'])).items[0].metadata.ownerReferences[0];
  assert.deepEqual([owner.apiVersion, owner.kind, owner.name, owner.controller], ['v1', 'ReplicationController', 'legacy', true]);

  const pruned = await apply('rc', manifest(false), ['--prune', '-l', 'stack=demo']);
  assert.equal(pruned, 'configmap/settings unchanged\nreplicationcontroller/legacy pruned\n');
  await eventually(async () => (await k(['get', 'pods', '-n', 'rc', '-l', 'app=legacy', '-o', 'name'])) === '', 30_000);
});

test('PodDisruptionBudget status, and kubectl drain: refused by the budget with upstream text, evicting when it allows', async () => {
  await k(['create', 'namespace', 'drain']);
  await k(['create', 'deployment', 'app', '-n', 'drain', '--image=nginx', '--replicas=3']);
  await k(['rollout', 'status', 'deploy/app', '-n', 'drain', '--timeout=60s']);
  await k(['create', 'pdb', 'app', '-n', 'drain', '--selector=app=app', '--min-available=3']);
  const pdb = await eventually(async () => {
    const p = await json(['get', 'pdb', 'app', '-n', 'drain']);
    return p.status?.observedGeneration === p.metadata.generation && p.status.currentHealthy === 3 ? p : undefined;
  }, 20_000);
  assert.deepEqual([pdb.status.expectedPods, pdb.status.desiredHealthy, pdb.status.disruptionsAllowed], [3, 3, 0]);
  const allowed = pdb.status.conditions.find((x: { type: string }) => x.type === 'DisruptionAllowed');
  assert.deepEqual([allowed.status, allowed.reason], ['False', 'InsufficientPods']);
  assert.match(await k(['get', 'pdb', '-n', 'drain']), /^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE\napp\s+3\s+N\/A\s+0\s+\d+s\n$/);

  // the eviction API answers 429 with the DisruptionBudget cause
  const pods = await podsOf('drain', 'app=app');
  const victim = pods.items[0];
  const body = JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: victim.metadata.name, namespace: 'drain' } });
  const res = await rawRequest(c, 'POST', `/api/v1/namespaces/drain/pods/${victim.metadata.name}/eviction`, body, { 'Content-Type': 'application/json' });
  assert.equal(res.status, 429);
  const status = JSON.parse(res.body);
  assert.equal(status.message, "Cannot evict pod as it would violate the pod's disruption budget.");
  assert.deepEqual(status.details.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget app needs 3 healthy pods and has 3 currently' }]);

  const node = victim.spec.nodeName!;
  try {
    const refused = await kubectl(c, ['drain', node, '--pod-selector=app=app', '--timeout=7s']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stdout + refused.stderr, /error when evicting pods\/"[\w-]+" -n "drain" \(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\./);
    assert.equal(await k(['get', 'pod', victim.metadata.name, '-n', 'drain', '-o', 'name']), `pod/${victim.metadata.name}\n`);

    await k(['patch', 'pdb', 'app', '-n', 'drain', '--type=merge', '-p', '{"spec":{"minAvailable":2}}']);
    await eventually(async () => (await json(['get', 'pdb', 'app', '-n', 'drain'])).status.disruptionsAllowed === 1, 20_000);
    const drained = await k(['drain', node, '--pod-selector=app=app', '--timeout=60s']);
    assert.match(drained, new RegExp(`evicting pod drain/${victim.metadata.name}`));
    assert.match(drained, new RegExp(`node/${node} drained`));
    // the Deployment replaces the pod on another (schedulable) node
    const after = await eventually(async () => {
      const p = await podsOf('drain', 'app=app');
      return p.items.length === 3 && p.items.every((x) => x.status.phase === 'Running') ? p : undefined;
    }, 30_000);
    assert.ok(after.items.every((p) => p.spec.nodeName !== node));
  } finally {
    await k(['uncordon', node]);
  }
});

test('ResourceQuota: usage in status, kubectl get quota, and creates over the quota refused with upstream text', async () => {
  await k(['create', 'namespace', 'quota']);
  await k(['create', 'quota', 'compute', '-n', 'quota', '--hard=pods=2,requests.cpu=1,count/configmaps=5']);
  const q = await eventually(async () => {
    const x = await json(['get', 'quota', 'compute', '-n', 'quota']);
    // kube-root-ca.crt counts as a ConfigMap, as on any cluster
    return x.status?.used?.['count/configmaps'] === '1' ? x : undefined;
  }, 20_000);
  assert.deepEqual(q.status.used, { pods: '0', 'requests.cpu': '0', 'count/configmaps': '1' });
  const pod = (name: string, cpu: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec: {containers: [{name: c, image: nginx, resources: {requests: {cpu: ${cpu}}}}]}\n`;
  await apply('quota', pod('p1', '600m'));
  const over = await kubectl(c, ['apply', '-n', 'quota', '-f', '-'], { input: pod('p2', '500m') });
  assert.notEqual(over.code, 0);
  assert.match(over.stderr, /pods "p2" is forbidden: exceeded quota: compute, requested: requests\.cpu=500m, used: requests\.cpu=600m, limited: requests\.cpu=1/);
  const none = await kubectl(c, ['run', 'p3', '-n', 'quota', '--image=nginx']);
  assert.match(none.stderr, /pods "p3" is forbidden: failed quota: compute: must specify requests\.cpu for: p3/);
  assert.match(await k(['get', 'quota', '-n', 'quota']),
    /^NAME\s+AGE\s+REQUEST\s+LIMIT\ncompute\s+\d+s\s+count\/configmaps: 1\/5, pods: 1\/2, requests\.cpu: 600m\/1\s*\n$/);
  // deleting the pod gives its usage back
  await k(['delete', 'pod', 'p1', '-n', 'quota', '--wait=true']);
  await eventually(async () => (await json(['get', 'quota', 'compute', '-n', 'quota'])).status.used.pods === '0', 30_000);
});

test('LimitRange: defaults with the limit-ranger annotation, max refused with upstream text', async () => {
  await k(['create', 'namespace', 'limits']);
  await apply('limits', `apiVersion: v1
kind: LimitRange
metadata: {name: bounds}
spec:
  limits:
  - type: Container
    default: {memory: 256Mi}
    defaultRequest: {memory: 128Mi}
    max: {memory: 512Mi}
`);
  await k(['run', 'dflt', '-n', 'limits', '--image=nginx']);
  const pod = await json(['get', 'pod', 'dflt', '-n', 'limits']);
  assert.deepEqual(pod.spec.containers[0].resources, { limits: { memory: '256Mi' }, requests: { memory: '128Mi' } });
  assert.equal(pod.metadata.annotations['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: memory request for container dflt; memory limit for container dflt');
  const big = await kubectl(c, ['run', 'big', '-n', 'limits', '--image=nginx', '--overrides={"spec":{"containers":[{"name":"big","image":"nginx","resources":{"limits":{"memory":"1Gi"}}}]}}']);
  assert.notEqual(big.code, 0);
  assert.match(big.stderr, /pods "big" is forbidden: maximum memory usage per Container is 512Mi, but limit is 1Gi/);
  assert.match(await k(['get', 'limits', '-n', 'limits']), /^NAME\s+CREATED AT\nbounds\s+\d{4}-\d\d-\d\dT/);
});

test('HorizontalPodAutoscaler: kubectl autoscale, get hpa columns, served as autoscaling/v2 and v1', async () => {
  await k(['create', 'namespace', 'hpa']);
  await k(['create', 'deployment', 'web', '-n', 'hpa', '--image=nginx']);
  assert.equal(await k(['autoscale', 'deployment', 'web', '-n', 'hpa', '--min=2', '--max=5', '--cpu-percent=60']), 'horizontalpodautoscaler.autoscaling/web autoscaled\n');
  assert.match(await k(['get', 'hpa', '-n', 'hpa']),
    /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE\nweb\s+Deployment\/web\s+cpu: <unknown>\/60%\s+2\s+5\s+0\s+\d+s\n$/);
  const v1 = await json(['get', 'horizontalpodautoscalers.v1.autoscaling', 'web', '-n', 'hpa']);
  assert.equal(v1.apiVersion, 'autoscaling/v1');
  assert.equal(v1.spec.targetCPUUtilizationPercentage, 60);
  const v2 = await json(['get', 'horizontalpodautoscalers.v2.autoscaling', 'web', '-n', 'hpa']);
  assert.deepEqual(v2.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }]);
  const bad = await kubectl(c, ['apply', '-n', 'hpa', '-f', '-'], {
    input: 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: bad}\nspec:\n  scaleTargetRef: {kind: Deployment, name: web}\n  minReplicas: 4\n  maxReplicas: 2\n',
  });
  assert.match(bad.stderr, /spec\.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`/);
});

test('every namespace has the default ServiceAccount and kube-root-ca.crt; kube-public has cluster-info', async () => {
  await k(['create', 'namespace', 'fresh']);
  await eventually(async () => (await kubectl(c, ['get', 'sa', 'default', '-n', 'fresh'])).code === 0, 20_000);
  const ca = readFileSync(join(c.dataDir, 'pki', 'ca.crt'), 'utf8');
  const published = await eventually(async () => {
    const r = await kubectl(c, ['get', 'cm', 'kube-root-ca.crt', '-n', 'fresh', '-o', 'jsonpath={.data.ca\\.crt}']);
    return r.code === 0 ? r.stdout : undefined;
  }, 20_000);
  assert.equal(published, ca);
  const sas = await k(['get', 'sa', '-A']);
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'fresh']) assert.match(sas, new RegExp(`^${ns}\\s+default\\s+0\\s+`, 'm'));
  const info = await k(['get', 'cm', 'cluster-info', '-n', 'kube-public', '-o', 'jsonpath={.data.kubeconfig}']);
  assert.match(info, new RegExp(`server: ${c.url.replace(/[.]/g, '\\.')}\n`));
  assert.match(info, new RegExp(`certificate-authority-data: ${Buffer.from(ca).toString('base64')}\n`));
});
