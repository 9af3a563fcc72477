// Issue 15 acceptance: helm 3.17 and helm 4.1 (client-go 0.32 and 0.35, fetched from npm by
// test/support/real-clients.ts) against one `berth up`, each in its own namespace: create, lint, template, install
// (with and without --wait, and a StatefulSet chart with volume claims), list, status, get, history, upgrade,
// rollback, a failed upgrade undone by --atomic / --rollback-on-failure, uninstall; the release records (Secrets)
// end deployed, superseded, failed or uninstalled; pre/post-install hook Jobs and `helm test --logs`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { helmBinary } from '../support/real-clients.js';
import { Cluster, kubectlOk, startCluster } from './harness.js';

let c: Cluster;
before(async () => { c = await startCluster({ args: ['--sim-start-delay', '100'] }); });
after(async () => { await c?.stop(); c?.cleanup(); });

interface Result { code: number; stdout: string; stderr: string }

function helm(major: 3 | 4, args: string[], cwd?: string): Promise<Result> {
  const home = join(c.home, `helm${major}`);
  return new Promise((resolve) => {
    execFile(helmBinary(major), args, {
      cwd: cwd ?? c.dataDir, timeout: 120_000, maxBuffer: 16 * 1024 * 1024,
      env: { PATH: process.env.PATH, HOME: home, KUBECONFIG: c.kubeconfig, HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data') },
    }, (err, stdout, stderr) => resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr }));
  });
}

async function helmOk(major: 3 | 4, args: string[], cwd?: string): Promise<string> {
  const r = await helm(major, args, cwd);
  if (r.code !== 0) throw new Error(`helm ${major} ${args.join(' ')} failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

/** The status label of each release record (sh.helm.release.v1.<release>.v<n>), by revision. */
async function records(ns: string, release: string): Promise<Record<string, string>> {
  const out = await kubectlOk(c, ['get', 'secrets', '-n', ns, '-l', `owner=helm,name=${release}`, '-o', 'jsonpath={range .items[*]}{.metadata.labels.version}={.metadata.labels.status}{"\\n"}{end}']);
  return Object.fromEntries(out.trim().split('\n').filter(Boolean).map((l) => l.split('=') as [string, string]));
}

/** A chart with a headless Service and a StatefulSet claiming a volume per replica. */
function statefulChart(dir: string): void {
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: store\nversion: 0.1.0\n');
  writeFileSync(join(dir, 'values.yaml'), 'replicas: 2\n');
  writeFileSync(join(dir, 'templates', 'sts.yaml'), `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
spec:
  clusterIP: None
  selector: {app: {{ .Release.Name }}}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ .Release.Name }}
spec:
  serviceName: {{ .Release.Name }}
  replicas: {{ .Values.replicas }}
  selector: {matchLabels: {app: {{ .Release.Name }}}}
  template:
    metadata: {labels: {app: {{ .Release.Name }}}}
    spec:
      containers: [{name: app, image: nginx, volumeMounts: [{name: data, mountPath: /data}]}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`);
}

/** A chart whose release is a ConfigMap, with a pre-install and a post-install hook Job. */
function hooksChart(dir: string): void {
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: hooked\nversion: 0.1.0\n');
  const job = (name: string, hook: string) => `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-${name}
  annotations: {"helm.sh/hook": ${hook}}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: hook, image: busybox, command: [sh, -c, "echo ${hook}"]}]
`;
  writeFileSync(join(dir, 'templates', 'pre.yaml'), job('pre', 'pre-install'));
  writeFileSync(join(dir, 'templates', 'post.yaml'), job('post', 'post-install'));
  writeFileSync(join(dir, 'templates', 'config.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\ndata: {k: v}\n');
}

for (const major of [3, 4] as const) {
  describe(`helm ${major}`, () => {
    const ns = `helm${major}`;
    const h = (args: string[]) => helmOk(major, args);
    const chartDir = () => join(c.dataDir, `charts${major}`);

    before(async () => {
      mkdirSync(chartDir(), { recursive: true });
      await kubectlOk(c, ['create', 'namespace', ns]);
    });

    test('create, lint, template', async () => {
      assert.match(await helmOk(major, ['create', 'web'], chartDir()), /Creating web/);
      assert.match(await h(['lint', join(chartDir(), 'web')]), /1 chart\(s\) linted, 0 chart\(s\) failed/);
      const manifest = await h(['template', 'r', join(chartDir(), 'web'), '-n', ns]);
      assert.match(manifest, /^kind: Deployment$/m);
      assert.match(manifest, /^kind: Service$/m);
    });

    test('install without and with --wait; list, status, get', async () => {
      assert.match(await h(['install', 'plain', join(chartDir(), 'web'), '-n', ns]), /STATUS: deployed/);
      assert.match(await h(['install', 'waited', join(chartDir(), 'web'), '-n', ns, '--wait', '--timeout', '90s']), /STATUS: deployed/);
      assert.equal(await kubectlOk(c, ['get', 'deployment', 'waited-web', '-n', ns, '-o', 'jsonpath={.status.readyReplicas}']), '1');
      const list = await h(['list', '-n', ns]);
      assert.match(list, /^plain\s+helm\d\s+1\s+.*\sdeployed\s+web-0\.1\.0/m);
      assert.match(list, /^waited\s+helm\d\s+1\s+.*\sdeployed\s+web-0\.1\.0/m);
      assert.match(await h(['status', 'plain', '-n', ns]), /STATUS: deployed\nREVISION: 1/);
      assert.match(await h(['get', 'manifest', 'plain', '-n', ns]), /^kind: Deployment$/m);
      assert.match(await h(['get', 'values', 'plain', '-n', ns, '--all']), /replicaCount: 1/);
      assert.deepEqual(await records(ns, 'plain'), { 1: 'deployed' });
    });

    test('a StatefulSet chart with volume claims installs with --wait', async () => {
      statefulChart(join(chartDir(), 'store'));
      assert.match(await h(['install', 'db', join(chartDir(), 'store'), '-n', ns, '--wait', '--timeout', '120s']), /STATUS: deployed/);
      assert.equal(await kubectlOk(c, ['get', 'statefulset', 'db', '-n', ns, '-o', 'jsonpath={.status.readyReplicas}']), '2');
      const claims = await kubectlOk(c, ['get', 'pvc', '-n', ns, '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.phase} {end}']);
      assert.equal(claims.trim(), 'data-db-0=Bound data-db-1=Bound');
    });

    test('upgrade, history, rollback: records superseded and deployed', async () => {
      assert.match(await h(['upgrade', 'plain', join(chartDir(), 'web'), '-n', ns, '--set', 'replicaCount=2', '--wait', '--timeout', '90s']), /STATUS: deployed\nREVISION: 2/);
      assert.equal(await kubectlOk(c, ['get', 'deployment', 'plain-web', '-n', ns, '-o', 'jsonpath={.spec.replicas}']), '2');
      assert.match(await h(['rollback', 'plain', '1', '-n', ns, '--wait', '--timeout', '90s']), /Rollback was a success/);
      assert.equal(await kubectlOk(c, ['get', 'deployment', 'plain-web', '-n', ns, '-o', 'jsonpath={.spec.replicas}']), '1');
      const history = await h(['history', 'plain', '-n', ns]);
      assert.match(history, /^1\s+.*superseded\s+web-0\.1\.0.*Install complete/m);
      assert.match(history, /^2\s+.*superseded\s+web-0\.1\.0.*Upgrade complete/m);
      assert.match(history, /^3\s+.*deployed\s+web-0\.1\.0.*Rollback to 1/m);
      assert.deepEqual(await records(ns, 'plain'), { 1: 'superseded', 2: 'superseded', 3: 'deployed' });
    });

    test(`a failing upgrade is rolled back by ${major === 3 ? '--atomic' : '--rollback-on-failure'}`, async () => {
      // Pods that never become ready (the simulated node's annotation) make the upgrade's wait fail.
      const r = await helm(major, ['upgrade', 'waited', join(chartDir(), 'web'), '-n', ns, major === 3 ? '--atomic' : '--rollback-on-failure',
        '--timeout', '8s', '--set', 'podAnnotations.sim\\.berth\\.dev/ready=false']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr + r.stdout, /rolled back|rollback/i);
      assert.deepEqual(await records(ns, 'waited'), { 1: 'superseded', 2: 'failed', 3: 'deployed' });
      assert.match(await h(['status', 'waited', '-n', ns]), /STATUS: deployed\nREVISION: 3/);
    });

    test('hooks: a pre-install and a post-install Job run to completion around the release; helm test --logs', async () => {
      hooksChart(join(chartDir(), 'hooked'));
      assert.match(await h(['install', 'hooked', join(chartDir(), 'hooked'), '-n', ns, '--wait', '--timeout', '90s']), /STATUS: deployed/);
      const jobs = await kubectlOk(c, ['get', 'jobs', '-n', ns, '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.succeeded} {end}']);
      assert.equal(jobs.trim(), 'hooked-post=1 hooked-pre=1', 'both hook Jobs ran to completion');
      // The pre-install hook ran before the release's ConfigMap existed, the post-install one after.
      const created = async (kind: string, name: string) => Date.parse(await kubectlOk(c, ['get', kind, name, '-n', ns, '-o', 'jsonpath={.metadata.creationTimestamp}']));
      assert.ok(await created('job', 'hooked-pre') <= await created('configmap', 'hooked-config'));
      assert.ok(await created('configmap', 'hooked-config') <= await created('job', 'hooked-post'));
      // helm test runs the test hook pod of the chart helm create wrote, and --logs prints its logs.
      const tested = await h(['test', 'plain', '-n', ns, '--logs', '--timeout', '60s']);
      assert.match(tested, /TEST SUITE:\s+plain-web-test-connection/);
      assert.match(tested, /Phase:\s+Succeeded/);
      assert.match(tested, /POD LOGS: plain-web-test-connection/);
      assert.match(await h(['uninstall', 'hooked', '-n', ns]), /release "hooked" uninstalled/);
    });

    test('uninstall (with --keep-history the record stays, uninstalled)', async () => {
      assert.match(await h(['uninstall', 'plain', '-n', ns, '--keep-history']), /release "plain" uninstalled/);
      assert.equal((await records(ns, 'plain'))[3], 'uninstalled');
      assert.match(await h(['list', '-n', ns, '--uninstalled']), /^plain\s/m);
      assert.match(await h(['uninstall', 'waited', '-n', ns, '--wait', '--timeout', '60s']), /release "waited" uninstalled/);
      assert.deepEqual(await records(ns, 'waited'), {});
      const left = await kubectlOk(c, ['get', 'deployments', '-n', ns, '-o', 'name']);
      assert.equal(left, '', 'the releases\' objects are gone');
      assert.match(await h(['uninstall', 'db', '-n', ns]), /release "db" uninstalled/);
    });
  });
}
