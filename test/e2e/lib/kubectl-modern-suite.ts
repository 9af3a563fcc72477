// What kubectl 1.34/1.35 (client-go 0.34/0.35: WatchList informers, HTTP/2, protobuf) do beyond the core suite and
// what hung or failed on Berth before issue 15: rollout status, wait for a condition / jsonpath / deletion,
// delete --wait, apply --prune, auth whoami --as, create job --from=cronjob, drain. Registered by the per-version test files on their core suite's
// cluster.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CoreSuite } from './kubectl-core-suite.js';

export function kubectlModernSuite({ k, run, deleted, cluster, watching }: CoreSuite): void {
  describe('client-go >= 0.34 workflows', () => {
    before(async () => { await k(['create', 'namespace', 'modern']); });

    test('rollout status follows a Deployment to the end; wait --for=condition=Available', async () => {
      await k(['create', 'deployment', 'web', '-n', 'modern', '--image=nginx', '--replicas=2']);
      const status = await k(['rollout', 'status', 'deployment/web', '-n', 'modern', '--timeout=60s']);
      assert.match(status, /deployment "web" successfully rolled out\n$/);
      assert.equal(await k(['wait', '--for=condition=Available', 'deployment/web', '-n', 'modern', '--timeout=30s']), 'deployment.apps/web condition met\n');
      await k(['set', 'image', 'deployment/web', 'nginx=nginx:1.27', '-n', 'modern']);
      assert.match(await k(['rollout', 'status', 'deployment/web', '-n', 'modern', '--timeout=60s']), /successfully rolled out\n$/);
      assert.equal(await k(['get', 'deployment', 'web', '-n', 'modern', '-o', 'jsonpath={.status.updatedReplicas}']), '2');
    });

    test('wait --for=jsonpath and --for=delete, started before the change they wait for', async () => {
      await k(['create', 'configmap', 'gate', '-n', 'modern', '--from-literal=state=closed']);
      const opened = watching(['wait', 'configmap/gate', '-n', 'modern', '--for=jsonpath={.data.state}=open', '--timeout=30s']);
      await opened.synced;
      await k(['patch', 'configmap', 'gate', '-n', 'modern', '--type=merge', '-p', '{"data":{"state":"open"}}']);
      const o = await opened.done;
      assert.equal(o.code, 0, o.stderr);
      assert.equal(o.stdout, 'configmap/gate condition met\n');
      const gone = watching(['wait', 'configmap/gate', '-n', 'modern', '--for=delete', '--timeout=30s']);
      await gone.synced;
      await k(['delete', 'configmap', 'gate', '-n', 'modern']);
      const g = await gone.done;
      assert.equal(g.code, 0, g.stderr);
      assert.equal(g.stdout, 'configmap/gate condition met\n');
    });

    test('create job --from=cronjob: a manual run of the CronJob\'s template, owned by it', async () => {
      await k(['create', 'cronjob', 'nightly', '-n', 'modern', '--image=busybox', '--schedule=0 0 1 1 *', '--', 'echo', 'hi']);
      assert.equal(await k(['create', 'job', 'nightly-manual', '-n', 'modern', '--from=cronjob/nightly']), 'job.batch/nightly-manual created\n');
      const job = JSON.parse(await k(['get', 'job', 'nightly-manual', '-n', 'modern', '-o', 'json']));
      assert.equal(job.metadata.annotations['cronjob.kubernetes.io/instantiate'], 'manual');
      assert.equal(job.metadata.ownerReferences[0].kind, 'CronJob');
      assert.equal(job.metadata.ownerReferences[0].name, 'nightly');
      assert.deepEqual(job.spec.template.spec.containers[0].command, ['echo', 'hi']);
      assert.equal(await k(['wait', '--for=condition=Complete', 'job/nightly-manual', '-n', 'modern', '--timeout=60s']), 'job.batch/nightly-manual condition met\n');
    });

    test('drain evicts the selected pods of a node and cordons it; a PodDisruptionBudget makes it refuse', async () => {
      const node = 'berth-node-2';
      const pod = (name: string, app: string) => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'modern', labels: { app } }, spec: { nodeName: node, containers: [{ name: 'c', image: 'nginx' }] } });
      await k(['apply', '-f', '-'], { input: pod('drain-me', 'drainme') });
      await k(['wait', '--for=condition=Ready', 'pod/drain-me', '-n', 'modern', '--timeout=60s']);
      // Only pods matching the selector are evicted, so the other tests' pods on that node stay.
      const out = await k(['drain', node, '--pod-selector=app=drainme', '--force', '--timeout=60s']);
      assert.match(out, new RegExp(`node/${node} cordoned`));
      assert.match(out, /pod\/drain-me evicted/);
      assert.match(out, new RegExp(`node/${node} drained`));
      assert.equal(await k(['get', 'node', node, '-o', 'jsonpath={.spec.unschedulable}']), 'true');
      await k(['uncordon', node]);
      // With a budget that allows no disruption the eviction is refused and drain gives up at its timeout.
      await k(['apply', '-f', '-'], { input: pod('guarded', 'guarded') });
      await k(['wait', '--for=condition=Ready', 'pod/guarded', '-n', 'modern', '--timeout=60s']);
      await k(['create', 'poddisruptionbudget', 'guard', '-n', 'modern', '--selector=app=guarded', '--min-available=1']);
      await k(['wait', '--for=jsonpath={.status.currentHealthy}=1', 'pdb/guard', '-n', 'modern', '--timeout=30s']);
      const refused = await run(['drain', node, '--pod-selector=app=guarded', '--force', '--timeout=5s']);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr + refused.stdout, /Cannot evict pod as it would violate the pod's disruption budget/);
      await k(['uncordon', node]);
      assert.equal(await k(['get', 'pod', 'guarded', '-n', 'modern', '-o', 'jsonpath={.status.phase}']), 'Running');
    });

    test('delete --wait returns once a gracefully terminating pod is gone', async () => {
      const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'slow-stop', namespace: 'modern' }, spec: { terminationGracePeriodSeconds: 2, containers: [{ name: 'c', image: 'nginx' }] } };
      await k(['apply', '-f', '-'], { input: JSON.stringify(pod) });
      await k(['wait', '--for=condition=Ready', 'pod/slow-stop', '-n', 'modern', '--timeout=60s']);
      assert.equal(await k(['delete', 'pod', 'slow-stop', '-n', 'modern', '--wait=true', '--timeout=60s']), `${deleted('pod', 'slow-stop', 'modern')}\n`);
      const after = await run(['get', 'pod', 'slow-stop', '-n', 'modern']);
      assert.match(after.stderr, /NotFound/, 'gone once delete returned');
    });

    test('apply --prune deletes what left the manifest', async () => {
      const dir = mkdtempSync(join(cluster().dataDir, 'prune-'));
      const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: modern\n  labels:\n    set: pruned\ndata:\n  k: v\n`;
      writeFileSync(join(dir, 'all.yaml'), `${cm('keep')}---\n${cm('drop')}`);
      writeFileSync(join(dir, 'less.yaml'), cm('keep'));
      const args = ['--prune', '-l', 'set=pruned', '--prune-allowlist=core/v1/ConfigMap'];
      assert.equal(await k(['apply', '-f', join(dir, 'all.yaml'), ...args]), 'configmap/keep created\nconfigmap/drop created\n');
      assert.equal(await k(['apply', '-f', join(dir, 'less.yaml'), ...args]), 'configmap/keep unchanged\nconfigmap/drop pruned\n');
      assert.equal(await k(['get', 'configmaps', '-n', 'modern', '-l', 'set=pruned', '-o', 'name']), 'configmap/keep\n');
    });

    test('auth whoami --as, --as-group and --as-uid report the impersonated user', async () => {
      const out = await k(['auth', 'whoami', '--as=jane', '--as-group=devs', '--as-uid=u-1']);
      assert.match(out, /^ATTRIBUTE\s+VALUE\nUsername\s+jane\nUID\s+u-1\nGroups\s+\[devs system:authenticated\]\n$/);
      const sa = JSON.parse(await k(['auth', 'whoami', '--as=system:serviceaccount:modern:builder', '-o', 'json']));
      assert.deepEqual(sa.status.userInfo.groups, ['system:serviceaccounts', 'system:serviceaccounts:modern', 'system:authenticated']);
      // the request itself is then made as jane, whom RBAC allows nothing here yet
      const denied = await run(['create', 'configmap', 'by-jane', '-n', 'modern', '--as=jane']);
      assert.match(denied.stderr, /configmaps is forbidden: User "jane" cannot create resource "configmaps" in API group "" in the namespace "modern"/);
      await k(['create', 'rolebinding', 'jane-edit', '--clusterrole=edit', '--user=jane', '-n', 'modern']);
      assert.equal(await k(['create', 'configmap', 'by-jane', '-n', 'modern', '--as=jane']), 'configmap/by-jane created\n');
    });
  });
}
