// The core of the kubectl acceptance suite (issue 2, and issue 15 for newer clients), run by one test file per
// kubectl version against its own `berth up`: each test in its own namespace or on its own objects so they stay
// independent. Where kubectl versions print differently (1.34+ names the namespace of a deleted object), the
// expected line follows the version.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster, eventually, kubectl, kubectlOk, startCluster } from '../harness.js';
import { repoPath } from '../../repo-path.js';

const FIXTURES = repoPath('test/e2e/fixtures');

export interface CoreSuite {
  /** The file's cluster (started in the suite's before hook). */
  cluster(): Cluster;
  /** kubectl of this suite's version; fails with its output on a non-zero exit. */
  k(args: string[], opts?: Parameters<typeof kubectl>[2]): Promise<string>;
  /** kubectl of this suite's version, whatever its exit code. */
  run(args: string[], opts?: Parameters<typeof kubectl>[2]): ReturnType<typeof kubectl>;
  /** What this kubectl prints for a deleted object. */
  deleted(kind: string, name: string, namespace?: string): string;
  /**
   * Starts a kubectl that waits on an informer (wait, rollout status): `synced` resolves once its cache holds the
   * server's state (client-go logs "Caches populated" at -v=6), so a change made after it is one it must see.
   */
  watching(args: string[]): { synced: Promise<void>; done: Promise<{ code: number; stdout: string; stderr: string }> };
}

/**
 * Registers the core suite for the kubectl at `bin` (minor version `minor`); returns what extra tests need.
 * `clusterArgs` may be a function, called when the cluster starts (e.g. to start what the cluster needs first).
 */
export function kubectlCoreSuite(bin: string, minor: number, clusterArgs: string[] | (() => Promise<string[]>) = []): CoreSuite {
  let c: Cluster;
  before(async () => { c = await startCluster({ args: typeof clusterArgs === 'function' ? await clusterArgs() : clusterArgs }); });
  after(async () => { await c?.stop(); c?.cleanup(); });

  const k = (args: string[], opts?: Parameters<typeof kubectl>[2]) => kubectlOk(c, args, { bin, ...opts });
  const run = (args: string[], opts?: Parameters<typeof kubectl>[2]) => kubectl(c, args, { bin, ...opts });
  const deleted = (kind: string, name: string, namespace?: string) =>
    minor >= 34 && namespace ? `${kind} "${name}" deleted from ${namespace} namespace` : `${kind} "${name}" deleted`;
  const watching = (args: string[]) => {
    const child = spawn(bin, [...args, '-v=6'], { env: { PATH: process.env.PATH, HOME: c.home, KUBECONFIG: c.kubeconfig } });
    let stdout = '';
    let stderr = '';
    let onSynced!: () => void;
    const synced = new Promise<void>((resolve) => { onSynced = resolve; });
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => {
      stderr += d;
      if (stderr.includes('Caches populated')) onSynced();
    });
    const killer = setTimeout(() => child.kill(), 60_000);
    const done = new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => {
      clearTimeout(killer);
      onSynced();
      resolve({ code: code ?? 1, stdout, stderr });
    }));
    return { synced, done };
  };

  describe('server basics', () => {
    test('readyz and version', async () => {
      assert.equal(await k(['get', '--raw', '/readyz']), 'ok');
      const v = JSON.parse(await k(['version', '-o', 'json']));
      assert.equal(v.serverVersion.minor, '33');
      assert.equal(v.serverVersion.major, '1');
    });

    test('namespaces exist and print upstream columns', async () => {
      const out = await k(['get', 'ns']);
      assert.match(out, /^NAME\s+STATUS\s+AGE\n/);
      for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.match(out, new RegExp(`^${ns}\\s+Active\\s+\\d+s`, 'm'));
    });

    test('api-resources lists kinds with short names', async () => {
      const out = await k(['api-resources']);
      assert.match(out, /^statefulsets\s+sts\s+apps\/v1\s+true\s+StatefulSet$/m);
      assert.match(out, /^persistentvolumeclaims\s+pvc\s+v1\s+true\s+PersistentVolumeClaim$/m);
      assert.match(out, /^services\s+svc\s+v1\s+true\s+Service$/m);
      assert.match(out, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    });

    test('requests without credentials get 401', async () => {
      const r = await run(['get', 'pods', '--server', c.url, '--insecure-skip-tls-verify', '--token', 'wrong'], { env: { KUBECONFIG: '/dev/null' } });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /Unauthorized/);
    });

    test('explain reads the OpenAPI v3 schema', async () => {
      const out = await k(['explain', 'statefulset.spec.updateStrategy']);
      assert.match(out, /KIND:\s+StatefulSet/);
      assert.match(out, /rollingUpdate/);
      assert.match(out, /type\s+<string>/);
    });
  });

  describe('seed 002 statefulset-demo', () => {
    test('apply creates, get shows it, apply again modifies', async () => {
      const out = await k(['apply', '-f', join(FIXTURES, 'statefulset-demo.yaml')]);
      assert.equal(out, 'namespace/sts created\nservice/myapp-sts-svc created\nstatefulset.apps/statefulset-demo created\n');
      const sts = await k(['get', 'sts', '-n', 'sts']);
      assert.match(sts, /^NAME\s+READY\s+AGE\nstatefulset-demo\s+\d\/2\s+\d+s\n$/);
      const svc = await k(['get', 'svc', '-n', 'sts']);
      assert.match(svc, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\nmyapp-sts-svc\s+ClusterIP\s+None\s+<none>\s+80\/TCP\s+\d+s\n$/);
      // As upstream: volumeClaimTemplates is an atomic list whose items the server defaults (volumeMode, phase), so
      // kubectl's three-way diff always sends it back and reports "configured"; the object itself does not change.
      const again = await k(['apply', '-f', join(FIXTURES, 'statefulset-demo.yaml')]);
      assert.equal(again, 'namespace/sts unchanged\nservice/myapp-sts-svc unchanged\nstatefulset.apps/statefulset-demo configured\n');
      assert.equal(await k(['get', 'sts', 'statefulset-demo', '-n', 'sts', '-o', 'jsonpath={.metadata.generation}']), '1');
      const wide = await k(['get', 'sts', '-n', 'sts', '-o', 'wide']);
      assert.match(wide, /^NAME\s+READY\s+AGE\s+CONTAINERS\s+IMAGES\nstatefulset-demo\s+\d\/2\s+\d+s\s+myapp\s+ikubernetes\/myapp:v1\n$/);
    });

    test('defaults are applied and printed in yaml/json/jsonpath', async () => {
      const obj = JSON.parse(await k(['get', 'sts', 'statefulset-demo', '-n', 'sts', '-o', 'json']));
      assert.equal(obj.spec.podManagementPolicy, 'OrderedReady');
      assert.deepEqual(obj.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
      assert.equal(obj.spec.revisionHistoryLimit, 10);
      assert.equal(obj.metadata.generation, 1);
      assert.match(obj.metadata.uid, /^[0-9a-f-]{36}$/);
      assert.equal(await k(['get', 'sts', 'statefulset-demo', '-n', 'sts', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'ikubernetes/myapp:v1');
      const y = await k(['get', 'sts', 'statefulset-demo', '-n', 'sts', '-o', 'yaml']);
      assert.match(y, /^apiVersion: apps\/v1\nkind: StatefulSet\n/);
      assert.equal(await k(['get', 'sts', '-n', 'sts', '-o', 'name']), 'statefulset.apps/statefulset-demo\n');
    });

    test('set image and scale bump generation; invalid spec update is Forbidden with upstream text', async () => {
      assert.equal(await k(['set', 'image', 'sts/statefulset-demo', 'myapp=ikubernetes/myapp:v2', '-n', 'sts']), 'statefulset.apps/statefulset-demo image updated\n');
      assert.equal(await k(['scale', 'sts', 'statefulset-demo', '-n', 'sts', '--replicas=4']), 'statefulset.apps/statefulset-demo scaled\n');
      const obj = JSON.parse(await k(['get', 'sts', 'statefulset-demo', '-n', 'sts', '-o', 'json']));
      assert.equal(obj.spec.replicas, 4);
      assert.equal(obj.spec.template.spec.containers[0].image, 'ikubernetes/myapp:v2');
      assert.equal(obj.metadata.generation, 3);
      const r = await run(['patch', 'sts', 'statefulset-demo', '-n', 'sts', '--type', 'merge', '-p', '{"spec":{"serviceName":"other"}}']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /The StatefulSet "statefulset-demo" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden/);
    });

    test('get all includes the statefulset and service', async () => {
      const out = await k(['get', 'all', '-n', 'sts']);
      assert.match(out, /service\/myapp-sts-svc\s+ClusterIP\s+None/);
      assert.match(out, /statefulset\.apps\/statefulset-demo\s+\d\/4/);
    });

    test('describe shows the statefulset', async () => {
      const out = await k(['describe', 'sts', 'statefulset-demo', '-n', 'sts']);
      assert.match(out, /^Name:\s+statefulset-demo$/m);
      assert.match(out, /^Namespace:\s+sts$/m);
      assert.match(out, /^Replicas:\s+4 desired \| \d+ total$/m);
      assert.match(out, /^Update Strategy:\s+RollingUpdate$/m);
    });
  });

  describe('create generators (protobuf bodies)', () => {
    test('namespace, configmap, secret, deployment, serviceaccount', async () => {
      assert.equal(await k(['create', 'namespace', 'gen']), 'namespace/gen created\n');
      assert.equal(await k(['create', 'configmap', 'cfg', '-n', 'gen', '--from-literal=a=1', '--from-literal=b=two']), 'configmap/cfg created\n');
      assert.equal(await k(['create', 'secret', 'generic', 'sec', '-n', 'gen', '--from-literal=password=s3cr3t']), 'secret/sec created\n');
      assert.equal(await k(['create', 'deployment', 'web', '-n', 'gen', '--image=nginx:1.25', '--replicas=2']), 'deployment.apps/web created\n');
      assert.equal(await k(['create', 'serviceaccount', 'robot', '-n', 'gen']), 'serviceaccount/robot created\n');
      const cm = JSON.parse(await k(['get', 'cm', 'cfg', '-n', 'gen', '-o', 'json']));
      assert.deepEqual(cm.data, { a: '1', b: 'two' });
      const sec = JSON.parse(await k(['get', 'secret', 'sec', '-n', 'gen', '-o', 'json']));
      assert.equal(Buffer.from(sec.data.password, 'base64').toString(), 's3cr3t');
      assert.equal(sec.type, 'Opaque');
      const dep = JSON.parse(await k(['get', 'deploy', 'web', '-n', 'gen', '-o', 'json']));
      assert.equal(dep.spec.replicas, 2);
      assert.equal(dep.spec.template.spec.containers[0].image, 'nginx:1.25');
      assert.deepEqual(dep.spec.selector, { matchLabels: { app: 'web' } });
      // every namespace also gets the cluster CA from the root CA publisher, as upstream's do
      await eventually(async () => (await k(['get', 'cm', '-n', 'gen', '-o', 'name'])).includes('kube-root-ca.crt'));
      assert.match(await k(['get', 'cm', '-n', 'gen']), /^NAME\s+DATA\s+AGE\ncfg\s+2\s+\d+s\nkube-root-ca\.crt\s+1\s+\d+s\n$/);
      assert.match(await k(['get', 'secret', '-n', 'gen']), /^NAME\s+TYPE\s+DATA\s+AGE\nsec\s+Opaque\s+1\s+\d+s\n/);
      assert.match(await k(['get', 'deploy', '-n', 'gen']), /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+\d\/2\s+\d\s+\d\s+\d+s\n/);
    });

    test('errors print upstream lines', async () => {
      const nf = await run(['get', 'sts', 'nope', '-n', 'gen']);
      assert.equal(nf.stderr, 'Error from server (NotFound): statefulsets.apps "nope" not found\n');
      const dup = await run(['create', 'namespace', 'gen']);
      assert.equal(dup.stderr, 'Error from server (AlreadyExists): namespaces "gen" already exists\n');
      const noNs = await run(['create', 'configmap', 'x', '-n', 'missing-ns']);
      assert.equal(noNs.stderr, 'error: failed to create configmap: namespaces "missing-ns" not found\n');
      const bad = await run(['create', 'configmap', 'Bad_Name', '-n', 'gen']);
      assert.match(bad.stderr, /ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of/);
    });
  });

  describe('labels, annotations, patch, edit, selectors', () => {
    before(async () => {
      await k(['create', 'namespace', 'lab']);
      for (const [n, tier] of [['a', 'front'], ['b', 'back'], ['c', 'front']]) {
        await k(['create', 'configmap', n, '-n', 'lab', '--from-literal=k=v']);
        await k(['label', 'configmap', n, '-n', 'lab', `tier=${tier}`]);
      }
    });

    test('label selectors (equality and set-based) and --show-labels', async () => {
      assert.equal(await k(['get', 'cm', '-n', 'lab', '-l', 'tier=front', '-o', 'name']), 'configmap/a\nconfigmap/c\n');
      assert.equal(await k(['get', 'cm', '-n', 'lab', '-l', 'tier in (back)', '-o', 'name']), 'configmap/b\n');
      // the one without the label is the namespace's published cluster CA
      await eventually(async () => (await k(['get', 'cm', '-n', 'lab', '-o', 'name'])).includes('kube-root-ca.crt'));
      assert.equal(await k(['get', 'cm', '-n', 'lab', '-l', '!tier', '-o', 'name']), 'configmap/kube-root-ca.crt\n');
      const show = await k(['get', 'cm', 'a', '-n', 'lab', '--show-labels']);
      assert.match(show, /LABELS\na\s+1\s+\d+s\s+tier=front\n/);
      assert.match(await k(['get', 'cm', '-A', '-l', 'tier=back']), /^NAMESPACE\s+NAME\s+DATA\s+AGE\nlab\s+b\s+1\s+\d+s\n$/);
    });

    test('annotate, strategic/merge/json patch', async () => {
      assert.equal(await k(['annotate', 'cm', 'a', '-n', 'lab', 'note=hello']), 'configmap/a annotated\n');
      assert.equal(await k(['patch', 'cm', 'a', '-n', 'lab', '-p', '{"data":{"s":"1"}}']), 'configmap/a patched\n');
      assert.equal(await k(['patch', 'cm', 'a', '-n', 'lab', '--type', 'merge', '-p', '{"data":{"m":"2"}}']), 'configmap/a patched\n');
      assert.equal(await k(['patch', 'cm', 'a', '-n', 'lab', '--type', 'json', '-p', '[{"op":"remove","path":"/data/k"}]']), 'configmap/a patched\n');
      const cm = JSON.parse(await k(['get', 'cm', 'a', '-n', 'lab', '-o', 'json']));
      assert.deepEqual(cm.data, { s: '1', m: '2' });
      assert.equal(cm.metadata.annotations.note, 'hello');
      assert.equal(await k(['patch', 'cm', 'a', '-n', 'lab', '--type', 'merge', '-p', '{"data":{"m":"2"}}']), 'configmap/a patched (no change)\n');
    });

    test('edit through EDITOR', async () => {
      const editor = join(c.dataDir, 'editor.sh');
      writeFileSync(editor, '#!/bin/sh\nsed -i "s/^  k: v$/  k: edited/" "$1"\n');
      chmodSync(editor, 0o755);
      assert.equal(await k(['edit', 'cm', 'b', '-n', 'lab'], { env: { EDITOR: editor } }), 'configmap/b edited\n');
      assert.equal(await k(['get', 'cm', 'b', '-n', 'lab', '-o', 'jsonpath={.data.k}']), 'edited');
    });

    test('server-side apply and dry-run=server', async () => {
      const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  namespace: lab\ndata:\n  x: "1"\n';
      assert.equal(await k(['apply', '--server-side', '-f', '-'], { input: manifest }), 'configmap/ssa serverside-applied\n');
      const cm = JSON.parse(await k(['get', 'cm', 'ssa', '-n', 'lab', '-o', 'json', '--show-managed-fields']));
      assert.equal(cm.metadata.managedFields[0].manager, 'kubectl');
      assert.equal(cm.metadata.managedFields[0].operation, 'Apply');
      assert.equal(await k(['create', 'configmap', 'dry', '-n', 'lab', '--dry-run=server']), 'configmap/dry created (server dry run)\n');
      const r = await run(['get', 'cm', 'dry', '-n', 'lab']);
      assert.match(r.stderr, /NotFound/);
      assert.equal(await k(['delete', 'cm', 'ssa', '-n', 'lab', '--dry-run=server']), `${deleted('configmap', 'ssa', 'lab')} (server dry run)\n`);
      assert.equal(await k(['get', 'cm', 'ssa', '-n', 'lab', '-o', 'name']), 'configmap/ssa\n');
    });

    test('unknown fields: strict error from server', async () => {
      const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: strict\n  namespace: lab\ndatta:\n  x: "1"\n';
      const r = await run(['apply', '-f', '-'], { input: manifest });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /strict decoding error: unknown field "datta"/);
    });
  });

  describe('watch, wait, delete', () => {
    test('get -w streams changes', async () => {
      await k(['create', 'namespace', 'wat']);
      const child = spawn(bin, ['get', 'cm', '-n', 'wat', '-w', '--output-watch-events'], { env: { PATH: process.env.PATH, HOME: c.home, KUBECONFIG: c.kubeconfig } });
      let out = '';
      child.stdout.on('data', (d) => { out += d; });
      try {
        // the watch is established once it reports the namespace's published CA (listed, or added a moment later)
        await eventually(() => /ADDED\s+kube-root-ca\.crt/.test(out), 10000);
        await k(['create', 'configmap', 'w1', '-n', 'wat']);
        await eventually(() => /ADDED\s+w1/.test(out), 10000);
        await k(['label', 'cm', 'w1', '-n', 'wat', 'x=y']);
        await eventually(() => /MODIFIED\s+w1/.test(out), 10000);
        await k(['delete', 'cm', 'w1', '-n', 'wat']);
        await eventually(() => /DELETED\s+w1/.test(out), 10000);
      } finally {
        child.kill();
      }
    });

    test('wait --for=jsonpath and --for=delete', async () => {
      await k(['create', 'configmap', 'wt', '-n', 'wat', '--from-literal=state=pending']);
      const waiting = watching(['wait', 'cm/wt', '-n', 'wat', '--for=jsonpath={.data.state}=done', '--timeout=20s']);
      await waiting.synced;
      await k(['patch', 'cm', 'wt', '-n', 'wat', '--type', 'merge', '-p', '{"data":{"state":"done"}}']);
      const w = await waiting.done;
      assert.equal(w.code, 0, w.stderr);
      assert.equal(w.stdout, 'configmap/wt condition met\n');
      const del = watching(['wait', 'cm/wt', '-n', 'wat', '--for=delete', '--timeout=20s']);
      await del.synced;
      await k(['delete', 'cm', 'wt', '-n', 'wat']);
      const d = await del.done;
      assert.equal(d.code, 0, d.stderr);
      assert.equal(d.stdout, 'configmap/wt condition met\n');
    });

    test('delete -l, --all, --cascade=orphan, and namespace deletion', async () => {
      await k(['create', 'namespace', 'del']);
      for (const n of ['d1', 'd2', 'd3']) await k(['create', 'configmap', n, '-n', 'del']);
      await k(['label', 'cm', 'd1', 'd2', '-n', 'del', 'grp=x']);
      assert.equal(await k(['delete', 'cm', '-n', 'del', '-l', 'grp=x']), `${deleted('configmap', 'd1', 'del')}\n${deleted('configmap', 'd2', 'del')}\n`);
      await k(['create', 'deployment', 'orph', '-n', 'del', '--image=nginx']);
      assert.equal(await k(['delete', 'deployment', 'orph', '-n', 'del', '--cascade=orphan']), `${deleted('deployment.apps', 'orph', 'del')}\n`);
      await eventually(async () => (await k(['get', 'cm', '-n', 'del', '-o', 'name'])).includes('kube-root-ca.crt'));
      assert.equal(await k(['delete', 'cm', '--all', '-n', 'del']), `${deleted('configmap', 'd3', 'del')}\n${deleted('configmap', 'kube-root-ca.crt', 'del')}\n`);
      assert.equal(await k(['delete', 'namespace', 'del']), 'namespace "del" deleted\n');
      const r = await run(['get', 'ns', 'del']);
      assert.match(r.stderr, /namespaces "del" not found/);
      const sys = await run(['delete', 'namespace', 'default']);
      assert.match(sys.stderr, /Error from server \(Forbidden\): namespaces "default" is forbidden: this namespace may not be deleted/);
    });
  });

  describe('warnings', () => {
    test('v1 Endpoints carry the 1.33 deprecation warning on reads', async () => {
      const r = await run(['get', 'endpoints', '-n', 'default']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Warning: v1 Endpoints is deprecated in v1.33\+; use discovery.k8s.io\/v1 EndpointSlice/);
    });
  });

  describe('every kind', () => {
    test('get -A and -o wide work for every listable resource', async () => {
      const names = (await k(['api-resources', '--verbs=list', '-o', 'name'])).trim().split('\n');
      assert.ok(names.length >= 25, names.join(','));
      for (const name of names) {
        const plain = await run(['get', name, '-A']);
        assert.equal(plain.code, 0, `${name}: ${plain.stderr}`);
        const wide = await run(['get', name, '-A', '-o', 'wide']);
        assert.equal(wide.code, 0, `${name} -o wide: ${wide.stderr}`);
      }
    });

    test('describe shows events recorded for an object', async () => {
      await k(['create', 'namespace', 'evt']);
      await k(['create', 'configmap', 'watched', '-n', 'evt']);
      const uid = await k(['get', 'cm', 'watched', '-n', 'evt', '-o', 'jsonpath={.metadata.uid}']);
      const event = {
        apiVersion: 'v1', kind: 'Event', metadata: { name: 'watched.1', namespace: 'evt' },
        involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', name: 'watched', namespace: 'evt', uid },
        reason: 'Checked', message: 'looked at it', type: 'Normal', source: { component: 'e2e' },
        firstTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), lastTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), count: 1,
      };
      await k(['create', '-f', '-'], { input: JSON.stringify(event) });
      const out = await k(['describe', 'cm', 'watched', '-n', 'evt']);
      assert.match(out, /Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n\s+----.*\n\s+Normal\s+Checked\s+\S+\s+e2e\s+looked at it/);
      const ev = await k(['get', 'events', '-n', 'evt']);
      assert.match(ev, /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\n\S+\s+Normal\s+Checked\s+configmap\/watched\s+looked at it\n$/);
      for (const kind of ['ns/evt', 'svc/kubernetes', 'deploy/web']) {
        const ns = kind.startsWith('deploy') ? ['-n', 'gen'] : kind.startsWith('svc') ? ['-n', 'default'] : [];
        const r = await run(['describe', kind, ...ns]);
        assert.equal(r.code, 0, `${kind}: ${r.stderr}`);
        assert.match(r.stdout, /^Name:/m);
      }
    });
  });

  return { cluster: () => c, k, run, deleted, watching };
}
