// The EtcdCluster operator as its users install it: `berth operator etcd --print-manifest` applied with the real
// kubectl, the operator Deployment running in a real pod as its own ServiceAccount (the kube-api-access token,
// the API through the kubernetes Service), doing its work with exactly the ClusterRole in the manifest; with one
// rule taken away it gets upstream's Forbidden and creates nothing, and with the rule back it carries on.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { applyYaml, eventually, kubectl, kubectlOk, needsRealPods, RealCluster, realPodsUnavailable, startRealCluster } from './harness.js';

const CLI = fileURLToPath(new URL('../../../src/cli/main.js', import.meta.url));
const SA_USER = 'system:serviceaccount:default:etcd-operator';

const etcdCluster = (name: string) => `apiVersion: etcd.database.coreos.com/v1beta2
kind: EtcdCluster
metadata:
  name: ${name}
spec:
  size: 1
  version: "3.2.13"
`;

let c: RealCluster | undefined;

before(async () => {
  if (realPodsUnavailable()) return;
  c = await startRealCluster({ args: ['--nodes', '1'] });
});

after(async () => {
  await c?.stop();
  c?.cleanup();
});

const phase = async (name: string) => (await kubectlOk(c!, ['get', 'etcdcluster', name, '-o', 'jsonpath={.status.phase}'])).trim();
const operatorLog = async () => (await kubectl(c!, ['logs', 'deployment/etcd-operator'])).stdout;

test('the operator Deployment works with exactly its manifest\'s RBAC rules; without one it is Forbidden', { timeout: 300_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  const manifest = execFileSync(process.execPath, [CLI, 'operator', 'etcd', '--print-manifest'], { encoding: 'utf8' });
  await applyYaml(c!, manifest);
  await kubectlOk(c!, ['rollout', 'status', 'deployment/etcd-operator', '--timeout=120s'], { timeoutMs: 130_000 });

  await applyYaml(c!, etcdCluster('first'));
  await eventually(async () => (await phase('first')) === 'Running', 90_000, 500);
  assert.match(await kubectlOk(c!, ['get', 'svc', 'first-client', '-o', 'name']), /^service\/first-client\n$/);

  // The operator's writes were its ServiceAccount's, not an administrator's (the audit log records who).
  const audit = readFileSync(`${c!.dataDir}/audit/audit.log`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { verb: string; user: { username: string }; objectRef?: { resource?: string; name?: string } });
  const serviceCreate = audit.find((e) => e.verb === 'create' && e.objectRef?.resource === 'services' && e.objectRef.name === 'first-client');
  assert.equal(serviceCreate?.user.username, SA_USER);

  // One rule less: Services are no longer the operator's to create.
  const rules = JSON.parse(await kubectlOk(c!, ['get', 'clusterrole', 'etcd-operator', '-o', 'jsonpath={.rules}'])) as { resources: string[] }[];
  const i = rules.findIndex((r) => r.resources.includes('services'));
  assert.ok(i >= 0, 'the manifest grants services');
  const patch = [{ op: 'replace', path: `/rules/${i}/resources`, value: rules[i]!.resources.filter((r) => r !== 'services') }];
  await kubectlOk(c!, ['patch', 'clusterrole', 'etcd-operator', '--type=json', '-p', JSON.stringify(patch)]);
  assert.equal((await kubectl(c!, ['auth', 'can-i', 'create', 'services', `--as=${SA_USER}`])).stdout.trim(), 'no');

  await applyYaml(c!, etcdCluster('second'));
  const forbidden = `services is forbidden: User "${SA_USER}" cannot create resource "services" in API group "" in the namespace "default"`;
  await eventually(async () => (await operatorLog()).includes(forbidden), 60_000, 500);
  const missing = await kubectl(c!, ['get', 'svc', 'second-client']);
  assert.match(missing.stderr, /services "second-client" not found/);
  assert.notEqual(await phase('second'), 'Running');

  // The rule back (the manifest applied again): the operator carries on.
  await applyYaml(c!, manifest);
  await eventually(async () => (await phase('second')) === 'Running', 120_000, 500);
  assert.match(await kubectlOk(c!, ['get', 'svc', 'second-client', '-o', 'name']), /^service\/second-client\n$/);
});
