// WaitForFirstConsumer with the real kubectl on `berth up`: a claim of such a class stays Pending until a pod uses
// it; then the scheduler picks the node, the provisioner makes the volume there (PV node affinity) and the pod runs
// on that node. A StatefulSet on the class gets one node-pinned volume per replica, each where its pod runs.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Cluster, eventually, kubectlOk, startCluster } from './harness.js';

const CLASS = `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local-wait
provisioner: berth.dev/local
reclaimPolicy: Delete
volumeBindingMode: WaitForFirstConsumer
`;

const CLAIM = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: wait-data
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: local-wait
  resources:
    requests:
      storage: 1Gi
`;

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: consumer
spec:
  containers:
  - name: app
    image: nginx:1.27
    volumeMounts:
    - name: data
      mountPath: /data
  volumes:
  - name: data
    persistentVolumeClaim:
      claimName: wait-data
`;

let c: Cluster;
before(async () => { c = await startCluster({ args: ['--sim-start-delay', '20'] }); });
after(async () => { await c?.stop(); c?.cleanup(); });

const jsonpath = async (args: string[], path: string) => (await kubectlOk(c, [...args, '-o', `jsonpath=${path}`])).trim();
const pvNode = (pv: string) => jsonpath(['get', 'pv', pv], '{.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0]}');

test('a WaitForFirstConsumer claim waits for its pod, then is provisioned on the pod\'s node', async () => {
  await kubectlOk(c, ['apply', '-f', '-'], { input: CLASS });
  assert.match(await kubectlOk(c, ['get', 'sc', 'local-wait']), /^local-wait\s+berth\.dev\/local\s+Delete\s+WaitForFirstConsumer\s+false\s+\d+s$/m);
  await kubectlOk(c, ['apply', '-f', '-'], { input: CLAIM });
  await eventually(async () => /WaitForFirstConsumer\s+.*persistentvolume-controller\s+waiting for first consumer to be created before binding/
    .test(await kubectlOk(c, ['describe', 'pvc', 'wait-data'])));
  await new Promise((r) => setTimeout(r, 500));
  assert.match(await kubectlOk(c, ['get', 'pvc', 'wait-data']), /^wait-data\s+Pending\s+local-wait\s+<unset>\s+\d+s$/m, 'nothing is provisioned without a consumer');
  assert.equal((await kubectlOk(c, ['get', 'pv'])).trim(), '');

  await kubectlOk(c, ['apply', '-f', '-'], { input: POD });
  const node = await eventually(async () => {
    const out = await kubectlOk(c, ['get', 'pod', 'consumer', '-o', 'wide', '--no-headers']);
    return /^consumer\s+1\/1\s+Running\s/.test(out) && /\b(berth-node-[123])\b/.exec(out)?.[1];
  }, 20_000);
  const claim = await kubectlOk(c, ['get', 'pvc', 'wait-data']);
  const volume = /^wait-data\s+Bound\s+(pvc-[0-9a-f-]{36})\s+1Gi\s+RWO\s+local-wait\s+<unset>\s+\d+s$/m.exec(claim)?.[1];
  assert.ok(volume, claim);
  assert.equal(await jsonpath(['get', 'pvc', 'wait-data'], '{.metadata.annotations.volume\\.kubernetes\\.io/selected-node}'), node);
  assert.equal(await pvNode(volume), node, 'the volume is pinned to the node the pod runs on');
  assert.match(await kubectlOk(c, ['describe', 'pv', volume]), new RegExp(`Node Affinity:\\s+Required Terms:\\s+Term 0:\\s+kubernetes\\.io/hostname in \\[${node}\\]`));
  const events = await kubectlOk(c, ['describe', 'pvc', 'wait-data']);
  assert.match(events, /ProvisioningSucceeded\s+.*Successfully provisioned volume pvc-/);
});

test('a StatefulSet on a WaitForFirstConsumer class: each replica\'s volume sits on its pod\'s node', async () => {
  await kubectlOk(c, ['apply', '-f', '-'], { input: `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: late
spec:
  serviceName: late
  replicas: 3
  selector:
    matchLabels: {app: late}
  template:
    metadata:
      labels: {app: late}
    spec:
      containers:
      - name: app
        image: nginx:1.27
        volumeMounts:
        - {name: data, mountPath: /data}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      storageClassName: local-wait
      resources: {requests: {storage: 1Gi}}
` });
  await eventually(async () => (await kubectlOk(c, ['get', 'sts', 'late', '--no-headers'])).includes(' 3/3 '), 20_000);
  const nodes = new Set<string>();
  for (let i = 0; i < 3; i++) {
    const node = await jsonpath(['get', 'pod', `late-${i}`], '{.spec.nodeName}');
    const pv = await jsonpath(['get', 'pvc', `data-late-${i}`], '{.spec.volumeName}');
    assert.equal(await pvNode(pv), node, `data-late-${i} is on ${node}`);
    nodes.add(node);
  }
  assert.equal(nodes.size, 3, 'least-allocated spreads the replicas, and their volumes follow');
});
