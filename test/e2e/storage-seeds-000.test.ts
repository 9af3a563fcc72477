// Seed 000's myapp StatefulSet with the real kubectl on `berth up`: a user-created class `sc-nfs` (provisioner
// berth.dev/local instead of the seed's nfs-subdir one) provisions a directory per claim under <dataDir>/volumes.
// Scaling down keeps claims and data; scaling back up reuses them in the seed's order; the claim retention policy
// (whenScaled/whenDeleted: Delete) removes claims, and with reclaimPolicy Delete their directories; Retain keeps them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Cluster, eventually, KUBECTL, kubectl, kubectlOk, startCluster } from './harness.js';

const CLASSES = `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: sc-nfs
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: berth.dev/local
reclaimPolicy: Delete
volumeBindingMode: Immediate
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: sc-keep
provisioner: berth.dev/local
reclaimPolicy: Retain
`;

/** sts-headless.yaml and sts-test.yaml from the seed. */
const MYAPP = `apiVersion: v1
kind: Service
metadata:
  name: statefulset-headless
spec:
  ports:
  - port: 80
  clusterIP: None
  selector:
    app: myapp-pod
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: myapp
spec:
  serviceName: statefulset-headless
  replicas: 3
  selector:
    matchLabels:
      app: myapp-pod
  template:
    metadata:
      labels:
        app: myapp-pod
    spec:
      containers:
      - name: myapp
        image: registry.cn-beijing.aliyuncs.com/wangxiaochun/nginx:1.20.0
        volumeMounts:
        - name: myappdata
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: myappdata
    spec:
      accessModes: ["ReadWriteOnce"]
      storageClassName: "sc-nfs"
      resources:
        requests:
          storage: 1Gi
`;

let c: Cluster;
before(async () => { c = await startCluster({ args: ['--no-default-storage-class', '--sim-start-delay', '20'] }); });
after(async () => { await c?.stop(); c?.cleanup(); });

const rows = (table: string) => table.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
const volumesDir = () => join(c.dataDir, 'volumes');
const claimDirs = () => readdirSync(volumesDir()).filter((d) => !d.startsWith('.')).sort();
const runningPods = async (prefix: string) =>
  rows(await kubectlOk(c, ['get', 'pod'])).filter((r) => r[0].startsWith(prefix) && r[1] === '1/1' && r[2] === 'Running').map((r) => r[0]).sort();
const claimsNamed = async (prefix: string) => rows(await kubectlOk(c, ['get', 'pvc'])).filter((r) => r[0].startsWith(prefix));

interface WatchRow { name: string; ready: string; status: string }

/** `kubectl get pod -w` in the background; rows() parses what it printed so far. */
async function watchPods(): Promise<{ rows(): WatchRow[]; stop(): Promise<void> }> {
  const child = spawn(KUBECTL, ['get', 'pod', '-w'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: c.home, KUBECONFIG: c.kubeconfig } });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  await eventually(async () => out.startsWith('NAME'));
  return {
    rows: () => out.split('\n').slice(1).filter(Boolean).map((l) => {
      const [name, ready, status] = l.trim().split(/\s+/);
      return { name, ready, status };
    }),
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      await exited;
    },
  };
}

const first = (rs: WatchRow[], name: string, pred: (r: WatchRow) => boolean = () => true) => rs.findIndex((r) => r.name === name && pred(r));
const runningRow = (r: WatchRow) => r.ready === '1/1' && r.status === 'Running';

test('seed 000: myapp on sc-nfs — one directory per claim; scale 3 → 1 → 4 keeps claims and data in the seed\'s order', async () => {
  await kubectlOk(c, ['apply', '-f', '-'], { input: CLASSES });
  const classes = await kubectlOk(c, ['get', 'storageclasses.storage.k8s.io']);
  assert.match(classes, /^NAME\s+PROVISIONER\s+RECLAIMPOLICY\s+VOLUMEBINDINGMODE\s+ALLOWVOLUMEEXPANSION\s+AGE$/m);
  assert.match(classes, /^sc-nfs \(default\)\s+berth\.dev\/local\s+Delete\s+Immediate\s+false\s+\d+s$/m);

  assert.equal(await kubectlOk(c, ['apply', '-f', '-'], { input: MYAPP }), 'service/statefulset-headless created\nstatefulset.apps/myapp created\n');
  await eventually(async () => (await runningPods('myapp-')).length === 3, 20_000);
  const pvc = await kubectlOk(c, ['get', 'pvc']);
  assert.match(pvc, /^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE$/m);
  const volumeOf = new Map<string, string>();
  for (let i = 0; i < 3; i++) {
    const m = new RegExp(`^myappdata-myapp-${i}\\s+Bound\\s+(pvc-[0-9a-f-]{36})\\s+1Gi\\s+RWO\\s+sc-nfs\\s+<unset>\\s+\\d+s$`, 'm').exec(pvc);
    assert.ok(m, `myappdata-myapp-${i} bound in\n${pvc}`);
    volumeOf.set(`myappdata-myapp-${i}`, m[1]);
  }
  // <namespace>-<claim>-<volume>, as the seed's nfs-subdir directories
  assert.deepEqual(claimDirs(), [...volumeOf].map(([claim, pv]) => `default-${claim}-${pv}`).sort());
  const dir2 = join(volumesDir(), `default-myappdata-myapp-2-${volumeOf.get('myappdata-myapp-2')}`);
  writeFileSync(join(dir2, 'index.html'), 'myapp-2\n');
  const uid2 = (await kubectlOk(c, ['get', 'pvc', 'myappdata-myapp-2', '-o', 'jsonpath={.metadata.uid}'])).trim();

  let watch = await watchPods();
  assert.equal(await kubectlOk(c, ['scale', 'sts', 'myapp', '--replicas=1']), 'statefulset.apps/myapp scaled\n');
  await eventually(async () => rows(await kubectlOk(c, ['get', 'pod'])).map((r) => r[0]).join() === 'myapp-0', 20_000);
  await new Promise((r) => setTimeout(r, 200)); // the last deletion reaches the watch
  await watch.stop();
  let rs = watch.rows();
  const term2 = first(rs, 'myapp-2', (r) => r.status === 'Terminating'), term1 = first(rs, 'myapp-1', (r) => r.status === 'Terminating');
  assert.ok(term2 >= 0 && term1 > term2, `myapp-2 terminates before myapp-1:\n${JSON.stringify(rs)}`);
  assert.equal(first(rs, 'myapp-0', (r) => r.status === 'Terminating'), -1);
  // the claims and the data outlive their pods
  const kept = await kubectlOk(c, ['get', 'pvc']);
  for (let i = 0; i < 3; i++) assert.match(kept, new RegExp(`^myappdata-myapp-${i}\\s+Bound\\s+${volumeOf.get(`myappdata-myapp-${i}`)}\\s+1Gi\\s+RWO\\s+sc-nfs\\s+`, 'm'));
  assert.equal(readFileSync(join(dir2, 'index.html'), 'utf8'), 'myapp-2\n');

  watch = await watchPods();
  assert.equal(await kubectlOk(c, ['scale', 'sts', 'myapp', '--replicas=4']), 'statefulset.apps/myapp scaled\n');
  await eventually(async () => (await runningPods('myapp-')).length === 4, 20_000);
  await new Promise((r) => setTimeout(r, 200));
  await watch.stop();
  rs = watch.rows().filter((r) => r.name !== 'myapp-0');
  // ascending, each only after its predecessor showed 1/1 Running, each Pending → ContainerCreating → Running
  assert.deepEqual([...new Set(rs.map((r) => r.name))], ['myapp-1', 'myapp-2', 'myapp-3']);
  for (const i of [2, 3]) {
    const before = first(rs, `myapp-${i - 1}`, runningRow);
    assert.ok(before >= 0 && before < first(rs, `myapp-${i}`), `myapp-${i} after myapp-${i - 1} is Running:\n${JSON.stringify(rs)}`);
  }
  for (const i of [1, 2, 3]) {
    const states = rs.filter((r) => r.name === `myapp-${i}`).map((r) => `${r.ready} ${r.status}`).filter((s, k, all) => s !== all[k - 1]);
    assert.deepEqual(states, ['0/1 Pending', '0/1 ContainerCreating', '1/1 Running'], `myapp-${i}: ${states.join(', ')}`);
  }
  // myapp-2 came back to the same claim, volume and file
  assert.equal((await kubectlOk(c, ['get', 'pvc', 'myappdata-myapp-2', '-o', 'jsonpath={.metadata.uid}'])).trim(), uid2);
  assert.equal(readFileSync(join(dir2, 'index.html'), 'utf8'), 'myapp-2\n');
  const v3 = await eventually(async () => (await claimsNamed('myappdata-myapp-3')).find((r) => r[1] === 'Bound')?.[2]);
  assert.ok(existsSync(join(volumesDir(), `default-myappdata-myapp-3-${v3}`)));
  volumeOf.set('myappdata-myapp-3', v3);

  // retention policy Delete: scaling down removes the condemned claims, and reclaimPolicy Delete their directories
  await kubectlOk(c, ['patch', 'sts', 'myapp', '-p', '{"spec":{"persistentVolumeClaimRetentionPolicy":{"whenScaled":"Delete","whenDeleted":"Delete"}}}']);
  assert.equal(await kubectlOk(c, ['get', 'sts', 'myapp', '-o', 'jsonpath={.spec.persistentVolumeClaimRetentionPolicy}']), '{"whenDeleted":"Delete","whenScaled":"Delete"}');
  await kubectlOk(c, ['scale', 'sts', 'myapp', '--replicas=2']);
  await eventually(async () => (await claimsNamed('myappdata-')).map((r) => r[0]).join() === 'myappdata-myapp-0,myappdata-myapp-1', 20_000);
  await eventually(async () => !existsSync(dir2) && claimDirs().length === 2, 20_000);
  for (const claim of ['myappdata-myapp-2', 'myappdata-myapp-3']) assert.notEqual((await kubectl(c, ['get', 'pv', volumeOf.get(claim)!])).code, 0);

  assert.equal(await kubectlOk(c, ['delete', 'sts', 'myapp']), 'statefulset.apps "myapp" deleted\n');
  await eventually(async () => (await claimsNamed('myappdata-')).length === 0, 20_000);
  await eventually(async () => claimDirs().length === 0 && (await kubectlOk(c, ['get', 'pv'])).trim() === '', 20_000);
});

test('retention Delete on a Retain class: the claim goes, the volume is Released and its directory stays', async () => {
  await kubectlOk(c, ['apply', '-f', '-'], {
    input: MYAPP.replace(/myapp/g, 'keeper').replace(/statefulset-headless/g, 'keeper-headless').replace('replicas: 3', 'replicas: 1').replace('sc-nfs', 'sc-keep')
      .replace('  volumeClaimTemplates:', '  persistentVolumeClaimRetentionPolicy:\n    whenScaled: Delete\n  volumeClaimTemplates:'),
  });
  await eventually(async () => (await runningPods('keeper-')).length === 1, 20_000);
  const [row] = await claimsNamed('keeperdata-keeper-0');
  assert.equal(row[1], 'Bound');
  const dir = join(volumesDir(), `default-keeperdata-keeper-0-${row[2]}`);
  assert.ok(existsSync(dir));
  await kubectlOk(c, ['scale', 'sts', 'keeper', '--replicas=0']);
  await eventually(async () => (await claimsNamed('keeperdata-')).length === 0, 20_000);
  const pv = await eventually(async () => {
    const out = await kubectlOk(c, ['get', 'pv', row[2]]);
    return /\bReleased\b/.test(out) && out;
  }, 20_000);
  assert.match(pv, new RegExp(`^${row[2]}\\s+1Gi\\s+RWO\\s+Retain\\s+Released\\s+default/keeperdata-keeper-0\\s+sc-keep\\s+<unset>\\s+\\d+s$`, 'm'));
  assert.ok(existsSync(dir), 'Retain keeps the directory');
});
