// What kubectl 1.34/1.35 (client-go 0.34/0.35: WatchList informers, HTTP/2, protobuf) do beyond the core suite and
// what hung or failed on Berth before issue 15: rollout status, wait for a condition / jsonpath / deletion,
// delete --wait, apply --prune, auth whoami --as. Registered by the per-version test files on their core suite's
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
      // the request itself is then made as jane (everything is allowed until RBAC is enforced)
      assert.equal(await k(['create', 'configmap', 'by-jane', '-n', 'modern', '--as=jane']), 'configmap/by-jane created\n');
    });
  });
}
