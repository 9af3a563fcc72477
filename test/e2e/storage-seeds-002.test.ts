// Seed 002 with the real kubectl on `berth up --no-default-storage-class`: statefulset-demo's 2Gi claim template
// with no class, served by five static nfs PVs (4×5Gi, 1×1Gi). The pods wait for their claims, the PV binder hands
// out the 5Gi volumes, the 1Gi one stays Available, and the fifth replica's claim and pod stay Pending with
// upstream's event texts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Cluster, eventually, kubectlOk, startCluster } from './harness.js';
import { repoPath } from '../repo-path.js';

// compiled tests run from dist/test/e2e; the fixture stays in test/e2e/fixtures
const FIXTURE = repoPath('test/e2e/fixtures/statefulset-demo.yaml');

/** pv-nfs-0001.yaml from the seed: five nfs volumes, the last one only 1Gi. */
const nfsVolumes = () => [1, 2, 3, 4, 5].map((i) => `apiVersion: v1
kind: PersistentVolume
metadata:
  name: pv-nfs-${i}
  labels:
    storsys: nfs
    release: stable
spec:
  capacity:
    storage: ${i === 5 ? '1Gi' : '5Gi'}
  volumeMode: Filesystem
  accessModes:
    - ReadWriteOnce
    - ReadWriteMany
    - ReadOnlyMany
  persistentVolumeReclaimPolicy: Retain
  mountOptions:
    - hard
    - nfsvers=4.1
  nfs:
    path:  "/vols/${i}"
    server: 172.16.1.104
`).join('---\n');

const rows = (table: string) => table.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
const PV_HEADER = /^NAME\s+CAPACITY\s+ACCESS MODES\s+RECLAIM POLICY\s+STATUS\s+CLAIM\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+REASON\s+AGE$/m;
const PVC_HEADER = /^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE$/m;
const UNBOUND = '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';

let c: Cluster;
before(async () => { c = await startCluster({ args: ['--no-default-storage-class', '--sim-start-delay', '20'] }); });
after(async () => { await c?.stop(); c?.cleanup(); });

const runningPods = async () => rows(await kubectlOk(c, ['get', 'pod', '-n', 'sts'])).filter((r) => r[1] === '1/1' && r[2] === 'Running').map((r) => r[0]);

test('seed 002: statefulset-demo on static nfs PVs — four 5Gi PVs bound, the 1Gi stays Available, the fifth replica Pending', async () => {
  assert.equal((await kubectlOk(c, ['get', 'storageclass'])).trim(), '', 'no default class on this cluster');

  assert.equal(await kubectlOk(c, ['apply', '-f', FIXTURE]), 'namespace/sts created\nservice/myapp-sts-svc created\nstatefulset.apps/statefulset-demo created\n');
  // no volumes yet: the first claim has nothing to bind and no class to provision from, and its pod waits
  const pending = await eventually(async () => {
    const out = await kubectlOk(c, ['get', 'pod', '-n', 'sts']);
    return /^statefulset-demo-0\s+0\/1\s+Pending\s+0\s+/m.test(out) && out;
  });
  assert.match(pending, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);
  await eventually(async () => (await kubectlOk(c, ['describe', 'pod', '-n', 'sts', 'statefulset-demo-0'])).includes(UNBOUND));
  await eventually(async () => /FailedBinding\s+.*persistentvolume-controller\s+no persistent volumes available for this claim and no storage class is set/
    .test(await kubectlOk(c, ['describe', 'pvc', '-n', 'sts', 'myapp-pvc-statefulset-demo-0'])));

  assert.equal(await kubectlOk(c, ['apply', '-f', '-'], { input: nfsVolumes() }),
    [1, 2, 3, 4, 5].map((i) => `persistentvolume/pv-nfs-${i} created\n`).join(''));
  await eventually(async () => (await runningPods()).length === 2, 20_000);
  const two = await kubectlOk(c, ['get', 'pv']);
  assert.match(two, PV_HEADER);
  assert.equal(rows(two).filter((r) => r[4] === 'Bound').length, 2);
  assert.equal(await kubectlOk(c, ['get', 'sts', '-n', 'sts', 'statefulset-demo', '--no-headers']).then((o) => o.split(/\s+/)[1]), '2/2');

  assert.equal(await kubectlOk(c, ['scale', '--replicas=4', 'sts', 'statefulset-demo', '-n', 'sts']), 'statefulset.apps/statefulset-demo scaled\n');
  await eventually(async () => (await runningPods()).length === 4, 20_000);
  const pvs = await kubectlOk(c, ['get', 'pv']);
  assert.match(pvs, PV_HEADER);
  // as in the seed: each 5Gi volume went to one claim, named <template>-<set>-<ordinal>; the 1Gi one is too small
  const byName = new Map(rows(pvs).map((r) => [r[0], r]));
  assert.deepEqual([...byName.keys()].sort(), ['pv-nfs-1', 'pv-nfs-2', 'pv-nfs-3', 'pv-nfs-4', 'pv-nfs-5']);
  const claims: string[] = [];
  for (const name of ['pv-nfs-1', 'pv-nfs-2', 'pv-nfs-3', 'pv-nfs-4']) {
    const line = pvs.split('\n').find((l) => l.startsWith(`${name} `))!;
    const m = /^pv-nfs-\d\s+5Gi\s+RWO,ROX,RWX\s+Retain\s+Bound\s+(sts\/myapp-pvc-statefulset-demo-[0-3])\s+<unset>\s+\d+s$/.exec(line);
    assert.ok(m, `bound row: ${line}`);
    claims.push(m[1]);
  }
  assert.deepEqual(claims.sort(), [0, 1, 2, 3].map((i) => `sts/myapp-pvc-statefulset-demo-${i}`));
  assert.match(pvs, /^pv-nfs-5\s+1Gi\s+RWO,ROX,RWX\s+Retain\s+Available\s+<unset>\s+\d+s$/m);

  assert.equal(await kubectlOk(c, ['scale', '--replicas=5', 'sts', 'statefulset-demo', '-n', 'sts']), 'statefulset.apps/statefulset-demo scaled\n');
  await eventually(async () => (await kubectlOk(c, ['describe', 'pod', '-n', 'sts', 'statefulset-demo-4'])).includes(UNBOUND), 20_000);
  const desc = await kubectlOk(c, ['describe', 'pod', '-n', 'sts', 'statefulset-demo-4']);
  assert.match(desc, /^Status:\s+Pending$/m);
  assert.match(desc, /^\s+PodScheduled\s+False\s*$/m);
  assert.match(desc, /Warning\s+FailedScheduling\s+.*default-scheduler\s+0\/3 nodes are available: pod has unbound immediate PersistentVolumeClaims\. preemption: /);
  const claimDesc = await kubectlOk(c, ['describe', 'pvc', '-n', 'sts', 'myapp-pvc-statefulset-demo-4']);
  assert.match(claimDesc, /^Status:\s+Pending$/m);
  assert.match(claimDesc, /FailedBinding\s+.*persistentvolume-controller\s+no persistent volumes available for this claim and no storage class is set/);

  const pvcs = await kubectlOk(c, ['get', 'pvc', '-n', 'sts']);
  assert.match(pvcs, PVC_HEADER);
  for (let i = 0; i < 4; i++) {
    assert.match(pvcs, new RegExp(`^myapp-pvc-statefulset-demo-${i}\\s+Bound\\s+pv-nfs-[1-4]\\s+5Gi\\s+RWO,ROX,RWX\\s+<unset>\\s+\\d+s$`, 'm'));
  }
  assert.match(pvcs, /^myapp-pvc-statefulset-demo-4\s+Pending\s+<unset>\s+\d+s$/m);
  assert.match(await kubectlOk(c, ['get', 'pod', '-n', 'sts', 'statefulset-demo-4']), /^statefulset-demo-4\s+0\/1\s+Pending\s+0\s+/m);
  assert.match(await kubectlOk(c, ['get', 'sts', '-n', 'sts']), /^statefulset-demo\s+4\/5\s+\d+s$/m);
  // nothing of this changed the 1Gi volume
  assert.match(await kubectlOk(c, ['get', 'pv', 'pv-nfs-5']), /^pv-nfs-5\s+1Gi\s+RWO,ROX,RWX\s+Retain\s+Available\s+<unset>\s+\d+s$/m);
});
