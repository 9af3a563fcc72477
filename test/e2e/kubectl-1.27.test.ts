// The core of the acceptance suite with kubectl 1.27 (aggregated discovery v2beta1, older apply/patch paths).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Cluster, kubectl, kubectlVersion, startCluster } from './harness.js';
import { repoPath } from '../repo-path.js';

const FIXTURES = repoPath('test/e2e/fixtures');
const bin = kubectlVersion(27);
let c: Cluster;
before(async () => { c = await startCluster(); });
after(async () => { await c?.stop(); c?.cleanup(); });

const k = async (args: string[]) => {
  const r = await kubectl(c, args, { bin });
  if (r.code !== 0) throw new Error(`kubectl 1.27 ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

test('kubectl 1.27: apply, get, create (protobuf), scale, patch, delete', async () => {
  assert.match(await k(['version', '--client', '-o', 'json']), /"minor": "27"/);
  assert.equal(await k(['apply', '-f', join(FIXTURES, 'statefulset-demo.yaml')]), 'namespace/sts created\nservice/myapp-sts-svc created\nstatefulset.apps/statefulset-demo created\n');
  assert.match(await k(['get', 'sts', '-n', 'sts']), /^NAME\s+READY\s+AGE\nstatefulset-demo\s+\d\/2\s+\d+s\n$/);
  assert.match(await k(['get', 'sts', '-n', 'sts', '-o', 'wide']), /CONTAINERS\s+IMAGES\nstatefulset-demo\s+\d\/2\s+\d+s\s+myapp\s+ikubernetes\/myapp:v1\n$/);
  assert.equal(await k(['create', 'namespace', 'old']), 'namespace/old created\n');
  assert.equal(await k(['create', 'configmap', 'c', '-n', 'old', '--from-literal=a=b']), 'configmap/c created\n');
  assert.equal(await k(['scale', 'sts', 'statefulset-demo', '-n', 'sts', '--replicas=3']), 'statefulset.apps/statefulset-demo scaled\n');
  assert.equal(await k(['get', 'sts', 'statefulset-demo', '-n', 'sts', '-o', 'jsonpath={.spec.replicas}']), '3');
  assert.equal(await k(['patch', 'cm', 'c', '-n', 'old', '-p', '{"data":{"x":"y"}}']), 'configmap/c patched\n');
  assert.match(await k(['get', 'all', '-n', 'sts']), /statefulset\.apps\/statefulset-demo\s+\d\/3/);
  assert.match(await k(['api-resources']), /^statefulsets\s+sts\s+apps\/v1\s+true\s+StatefulSet$/m);
  assert.equal(await k(['delete', 'ns', 'old']), 'namespace "old" deleted\n');
  const r = await kubectl(c, ['get', 'sts', 'nope', '-n', 'sts'], { bin });
  assert.equal(r.stderr, 'Error from server (NotFound): statefulsets.apps "nope" not found\n');
});
