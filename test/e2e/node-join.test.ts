// Nodes joining from other machines (issue 21), with simulated pods so that it runs as any user: a control plane of
// separate processes (`berth apiserver` on SQLite, `berth controller-manager`, `berth scheduler`), a bootstrap token
// from `berth token create`, and two `berth node join` processes that obtain their client certificates through
// CertificateSigningRequests approved and signed as kubelet TLS bootstrap, get a podCIDR each from the node IPAM,
// and run pods the real kubectl schedules, lists and drains. Everything on loopback.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { parseCidr, parseIPv4, cidrContains } from '../../src/networking/ipv4.js';
import { createCsr } from '../../src/pki/csr.js';
import { publicKeyPin } from '../../src/pki/pubkey-pin.js';
import { detachedSignatureIsValid } from '../../src/authentication/bootstrap-jws.js';
import { startBerthCommand, type BerthProcess } from '../support/berth-process.js';
import { eventually, kubectl, kubectlOk } from './harness.js';

let dir: string;
let shared: string;
let kubeconfig: string;
let server: string;
let token: string;
const procs: BerthProcess[] = [];
const nodes = new Map<string, BerthProcess>();
const cluster = () => ({ kubeconfig, home: join(dir, 'home') });

/** The CA pin `berth token create --print-join-command` printed. */
let caHash: string;
/** How a node learns the CA: the file, or token discovery with a pin (`--discovery-token-ca-cert-hash`). */
type CaSource = { file: string } | { hash: string };
const caArgs = (ca: CaSource) => ('file' in ca ? ['--certificate-authority', ca.file] : ['--discovery-token-ca-cert-hash', ca.hash]);
const joinArgs = (name: string, ip: string, withToken = token, ca: CaSource = { file: join(shared, 'pki', 'ca.crt') }) => ['node', 'join', '--server', server, '--token', withToken,
  ...caArgs(ca), '--data-dir', join(dir, name), '--node-name', name, '--node-ip', ip,
  '--runtime', 'sim', '--sim-start-delay', '50', '--kubelet-address', '127.0.0.1', '--kubelet-port', '0']; // several agents on one host: any free loopback port

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'berth-join-'));
  shared = join(dir, 'cluster');
  mkdirSync(join(dir, 'home'), { recursive: true });
  const api = await startBerthCommand(['apiserver', '--data-dir', join(dir, 'api'), '--pki-from', shared, '--port', '0'], /^server: /m);
  procs.push(api);
  server = /^server: (\S+)/m.exec(api.out())![1]!;
  kubeconfig = join(dir, 'api', 'kubeconfig');
  const common = ['--data-dir', shared, '--kubeconfig', kubeconfig, '--no-leader-elect'];
  // a short grace period so that the test of a lost machine fits (upstream: 50 s; the agents renew their Leases every 10 s)
  procs.push(await startBerthCommand(['controller-manager', ...common, '--cluster-cidr', '10.244.0.0/16', '--node-monitor-grace-period', '20s', '--node-monitor-period', '1s'], /running/));
  procs.push(await startBerthCommand(['scheduler', ...common], /running/));
  const joinCommand = (await startTokenCreate(['--print-join-command'], /^berth node join .*$/m)).trim();
  const printed = /^berth node join --server (\S+) --token ([a-z0-9]{6}\.[a-z0-9]{16}) --discovery-token-ca-cert-hash (sha256:[0-9a-f]{64})$/.exec(joinCommand);
  assert.ok(printed, joinCommand);
  [, , token, caHash] = printed as unknown as [string, string, string, string];
  assert.equal(printed[1], server);
  // machine-a is given the CA file; machine-b discovers the CA as kubeadm join does, with the printed hash
  nodes.set('machine-a', await startBerthCommand(joinArgs('machine-a', '192.0.2.11'), /joined/, { timeoutMs: 60_000 }));
  nodes.set('machine-b', await startBerthCommand(joinArgs('machine-b', '192.0.2.12', token, { hash: caHash }), /joined/, { timeoutMs: 60_000 }));
});

after(async () => {
  for (const p of [...nodes.values(), ...procs.reverse()]) await p.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function startTokenCreate(extra: string[] = [], printed = /^[a-z0-9]{6}\.[a-z0-9]{16}$/m): Promise<string> {
  const p = await startBerthCommand(['token', 'create', '--data-dir', shared, '--kubeconfig', kubeconfig, ...extra], printed);
  await p.stop();
  return p.out();
}

test('berth token create writes a bootstrap token Secret as kubeadm does', async () => {
  assert.match(token, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
  const id = token.split('.')[0];
  const secret = JSON.parse(await kubectlOk(cluster(), ['get', 'secret', `bootstrap-token-${id}`, '-n', 'kube-system', '-o', 'json']));
  assert.equal(secret.type, 'bootstrap.kubernetes.io/token');
  const field = (k: string) => Buffer.from(secret.data[k], 'base64').toString();
  assert.equal(field('token-id'), id);
  assert.equal(field('usage-bootstrap-authentication'), 'true');
  assert.equal(field('auth-extra-groups'), 'system:bootstrappers:kubeadm:default-node-token');
  assert.ok(Date.parse(field('expiration')) > Date.now());
});

test('joined nodes get their client certificates through CSRs auto-approved and issued as kubelet TLS bootstrap', async () => {
  const id = token.split('.')[0];
  const list = JSON.parse(await kubectlOk(cluster(), ['get', 'csr', '-o', 'json']));
  const csrs = list.items.filter((c: { spec: { username: string } }) => c.spec.username === `system:bootstrap:${id}`);
  assert.equal(csrs.length, 2);
  for (const csr of csrs) {
    assert.equal(csr.spec.signerName, 'kubernetes.io/kube-apiserver-client-kubelet');
    assert.deepEqual(csr.spec.groups, ['system:bootstrappers', 'system:bootstrappers:kubeadm:default-node-token', 'system:authenticated']);
    const approved = csr.status.conditions.find((c: { type: string }) => c.type === 'Approved');
    assert.equal(approved.reason, 'AutoApproved');
    assert.equal(approved.message, 'Auto approving kubelet client certificate after SubjectAccessReview.');
    const cert = new X509Certificate(Buffer.from(csr.status.certificate, 'base64').toString());
    assert.match(cert.subject, /^O=system:nodes\nCN=system:node:machine-[ab]$/);
    assert.ok(cert.checkIssued(new X509Certificate(loadKubeconfig({ path: kubeconfig }).ca!)));
  }
  // kubectl prints the condition as upstream does
  const table = await kubectlOk(cluster(), ['get', 'csr']);
  assert.equal(table.split('\n').filter((l) => /kube-apiserver-client-kubelet\s+system:bootstrap:\w+\s+<none>\s+Approved,Issued/.test(l)).length, 2, table);
  // each node writes as itself: its Lease is held by system:node:<name>'s writes (the Node authorizer allows no other)
  for (const name of nodes.keys()) {
    const conn = loadKubeconfig({ path: join(dir, name, 'kubelet.conf') });
    assert.match(new X509Certificate(conn.cert!).subject, new RegExp(`CN=system:node:${name}`));
    const whoami = await kubectlOk({ kubeconfig: join(dir, name, 'kubelet.conf'), home: join(dir, 'home') }, ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']);
    assert.equal(whoami, `system:node:${name}`);
  }
});

test('kubectl get nodes shows the joined nodes Ready, each with its own podCIDR from the node IPAM', async () => {
  const nodeList = await eventually(async () => {
    const l = JSON.parse(await kubectlOk(cluster(), ['get', 'nodes', '-o', 'json']));
    const ready = l.items.filter((n: { status: { conditions?: { type: string; status: string }[] } }) =>
      n.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    return ready.length === 2 ? l : undefined;
  }, 30_000, 250);
  const cidrs = nodeList.items.map((n: { spec: { podCIDR: string; podCIDRs: string[] } }) => {
    assert.deepEqual(n.spec.podCIDRs, [n.spec.podCIDR]);
    assert.ok(cidrContains(parseCidr('10.244.0.0/16')!, parseCidr(n.spec.podCIDR)!.base));
    assert.match(n.spec.podCIDR, /\/24$/);
    return n.spec.podCIDR;
  });
  assert.notEqual(cidrs[0], cidrs[1]);
  const wide = await kubectlOk(cluster(), ['get', 'nodes', '-o', 'wide']);
  assert.match(wide, /machine-a\s+Ready\s+\S+\s+\S+\s+v1\.33\.0\s+192\.0\.2\.11/);
  assert.match(wide, /machine-b\s+Ready\s+\S+\s+\S+\s+v1\.33\.0\s+192\.0\.2\.12/);
});

test('pods on a joined node get IPs from its podCIDR; draining it moves them to the other node', async () => {
  await kubectlOk(cluster(), ['create', 'deployment', 'web', '--image=nginx', '--replicas=4']);
  const podCidr = async (node: string) => parseCidr(await kubectlOk(cluster(), ['get', 'node', node, '-o', 'jsonpath={.spec.podCIDR}']))!;
  type P = { spec: { nodeName?: string }; status: { podIP?: string; phase?: string } };
  const running = async () => {
    const l = JSON.parse(await kubectlOk(cluster(), ['get', 'pods', '-l', 'app=web', '-o', 'json'])).items as P[];
    return l.length === 4 && l.every((p) => p.status.phase === 'Running' && p.status.podIP) ? l : undefined;
  };
  const pods = await eventually(running, 60_000, 250);
  for (const p of pods) assert.ok(cidrContains(await podCidr(p.spec.nodeName!), parseIPv4(p.status.podIP!)!), `${p.status.podIP} on ${p.spec.nodeName}`);
  const onA = pods.filter((p) => p.spec.nodeName === 'machine-a').length;
  assert.ok(onA > 0 && onA < 4, `the scheduler spread the pods (${onA} of 4 on machine-a)`);

  await kubectlOk(cluster(), ['drain', 'machine-a', '--ignore-daemonsets', '--timeout=90s'], { timeoutMs: 120_000 });
  const moved = await eventually(async () => {
    const l = await running();
    return l?.every((p) => p.spec.nodeName === 'machine-b') ? l : undefined;
  }, 60_000, 250);
  for (const p of moved) assert.ok(cidrContains(await podCidr('machine-b'), parseIPv4(p.status.podIP!)!));
  assert.match(await kubectlOk(cluster(), ['get', 'node', 'machine-a']), /Ready,SchedulingDisabled/);
  await kubectlOk(cluster(), ['uncordon', 'machine-a']);
});

test('a joined node restarts on its issued certificate; a wrong token cannot join', async () => {
  const a = nodes.get('machine-a')!;
  await a.stop();
  const before = (await kubectlOk(cluster(), ['get', 'csr', '-o', 'name'])).split('\n').length;
  // the token is no longer needed: kubelet.conf still holds a valid certificate
  nodes.set('machine-a', await startBerthCommand(joinArgs('machine-a', '192.0.2.11', 'abcdef.0123456789abcdef'), /joined/, { timeoutMs: 60_000 }));
  assert.equal((await kubectlOk(cluster(), ['get', 'csr', '-o', 'name'])).split('\n').length, before);
  await assert.rejects(startBerthCommand(joinArgs('machine-c', '192.0.2.13', 'abcdef.0123456789abcdef'), /joined/, { timeoutMs: 30_000 }), /Unauthorized/);
  assert.equal((await kubectl(cluster(), ['get', 'node', 'machine-c'])).code, 1);
});

test('token discovery: cluster-info is signed for each token by the bootstrap signer and readable anonymously; a wrong pin or token is refused', async () => {
  const [id, secret] = token.split('.') as [string, string];
  const cm = JSON.parse(await kubectlOk(cluster(), ['get', 'configmap', 'cluster-info', '-n', 'kube-public', '-o', 'json']));
  assert.ok(detachedSignatureIsValid(cm.data[`jws-kubeconfig-${id}`], cm.data.kubeconfig, id, secret), JSON.stringify(cm.data));
  assert.equal(publicKeyPin(readFileSync(join(shared, 'pki', 'ca.crt'), 'utf8')), caHash);
  // kubeadm's Role and RoleBinding: system:anonymous may get cluster-info, and nothing else
  const anonymous = (path: string) => new Promise<number>((resolve, reject) => {
    https.get(`${server}${path}`, { rejectUnauthorized: false }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject);
  });
  assert.equal(await anonymous('/api/v1/namespaces/kube-public/configmaps/cluster-info'), 200);
  assert.equal(await anonymous('/api/v1/namespaces/kube-public/configmaps'), 403);
  assert.equal(await anonymous('/api/v1/namespaces/kube-system/configmaps/cluster-info'), 403);
  // a second token is signed too; deleting it removes its signature
  const second = (await startTokenCreate()).trim();
  const secondId = second.split('.')[0]!;
  const signatures = async () => Object.keys(JSON.parse(await kubectlOk(cluster(), ['get', 'configmap', 'cluster-info', '-n', 'kube-public', '-o', 'json'])).data).filter((k) => k.startsWith('jws-kubeconfig-')).sort();
  const same = (a: string[], b: string[]) => JSON.stringify(a) === JSON.stringify(b.sort());
  await eventually(async () => same(await signatures(), [`jws-kubeconfig-${id}`, `jws-kubeconfig-${secondId}`]));
  await kubectlOk(cluster(), ['delete', 'secret', `bootstrap-token-${secondId}`, '-n', 'kube-system']);
  await eventually(async () => same(await signatures(), [`jws-kubeconfig-${id}`]));
  // the wrong pin: the node does not trust what it discovered, and never sends a CSR
  const wrongPin = `sha256:${'0'.repeat(64)}`;
  await assert.rejects(startBerthCommand(joinArgs('machine-d', '192.0.2.14', token, { hash: wrongPin }), /joined/, { timeoutMs: 30_000 }),
    new RegExp(`cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${caHash}" are pinned`));
  // a token the cluster does not know has no signature to check
  await assert.rejects(startBerthCommand([...joinArgs('machine-d', '192.0.2.14', 'zzzzzz.0123456789abcdef', { hash: caHash }), '--discovery-timeout', '2s'], /joined/, { timeoutMs: 30_000 }),
    /token id "zzzzzz" is invalid for this cluster or it has expired/);
  assert.equal((await kubectl(cluster(), ['get', 'node', 'machine-d'])).code, 1);
});

test('CSRs that are not kubelet client requests wait for a person: kubectl certificate approve and deny', async () => {
  const { csrPem } = await createCsr({ commonName: 'jane', organizations: ['developers'] });
  const manifest = (name: string) => JSON.stringify({
    apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name },
    spec: { request: Buffer.from(csrPem).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], expirationSeconds: 3600 },
  });
  await kubectlOk(cluster(), ['create', '-f', '-'], { input: manifest('jane') });
  await kubectlOk(cluster(), ['create', '-f', '-'], { input: manifest('jane-2') });
  assert.match(await kubectlOk(cluster(), ['get', 'csr', 'jane']), /jane\s+\S+\s+kubernetes\.io\/kube-apiserver-client\s+berth-admin\s+60m\s+Pending/);
  assert.match(await kubectlOk(cluster(), ['certificate', 'approve', 'jane']), /approved/);
  assert.match(await kubectlOk(cluster(), ['certificate', 'deny', 'jane-2']), /denied/);
  const cert = await eventually(async () => (await kubectlOk(cluster(), ['get', 'csr', 'jane', '-o', 'jsonpath={.status.certificate}'])) || undefined, 30_000, 250);
  const x = new X509Certificate(Buffer.from(cert, 'base64').toString());
  assert.match(x.subject, /O=developers\nCN=jane/);
  const lifetime = Date.parse(x.validTo) - Date.parse(x.validFrom);
  assert.ok(lifetime <= 3600_000 + 5 * 60_000 + 1000, `expirationSeconds honoured (${lifetime} ms)`);
  assert.match(await kubectlOk(cluster(), ['get', 'csr', 'jane-2']), /Denied/);
  assert.equal(await kubectlOk(cluster(), ['get', 'csr', 'jane-2', '-o', 'jsonpath={.status.certificate}']), '');
  // spec is immutable and Approved cannot be taken back
  const r = await kubectl(cluster(), ['patch', 'csr', 'jane', '--subresource', 'approval', '--type', 'json', '-p', '[{"op":"remove","path":"/status/conditions/0"}]']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /updates may not remove a condition of type "Approved"/);
});

test('a machine that disappears: its node turns NotReady after the grace period; its StatefulSet pod is not replaced until the pod object is deleted', { timeout: 180_000 }, async () => {
  // db-0 lands on machine-b (machine-a cordoned while it is placed)
  await kubectlOk(cluster(), ['cordon', 'machine-a']);
  await kubectlOk(cluster(), ['apply', '-f', '-'], { input: JSON.stringify({
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' },
    spec: { serviceName: 'db', replicas: 1, selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: {
      containers: [{ name: 'redis', image: 'redis:7' }],
      // DefaultTolerationSeconds gives every pod 300 s on an unreachable node; this one asks for 2 s
      tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 }],
    } } },
  }) });
  const first = await eventually(async () => {
    const p = JSON.parse((await kubectl(cluster(), ['get', 'pod', 'db-0', '-o', 'json'])).stdout || 'null');
    return p?.status?.phase === 'Running' ? p : undefined;
  }, 60_000, 250);
  assert.equal(first.spec.nodeName, 'machine-b');
  await kubectlOk(cluster(), ['uncordon', 'machine-a']);

  await nodes.get('machine-b')!.kill(); // kill -9: no goodbye, no more heartbeats
  const notReady = await eventually(async () => {
    const row = await kubectlOk(cluster(), ['get', 'node', 'machine-b', '--no-headers']);
    return /\bNotReady\b/.test(row) ? row : undefined;
  }, 60_000, 500);
  assert.match(notReady, /machine-b\s+NotReady/);
  const node = JSON.parse(await kubectlOk(cluster(), ['get', 'node', 'machine-b', '-o', 'json']));
  const ready = node.status.conditions.find((c: { type: string }) => c.type === 'Ready');
  assert.deepEqual([ready.status, ready.reason, ready.message], ['Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.']);
  assert.deepEqual(node.spec.taints.map((t: { key: string; effect: string }) => `${t.key}:${t.effect}`).sort(),
    ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
  assert.match(await kubectlOk(cluster(), ['get', 'node', 'machine-a', '--no-headers']), /machine-a\s+Ready/);

  // the taint evicts db-0: it is marked for deletion, and stays, because no kubelet confirms its containers stopped
  const evicted = await eventually(async () => {
    const p = JSON.parse(await kubectlOk(cluster(), ['get', 'pod', 'db-0', '-o', 'json']));
    return p.metadata.deletionTimestamp ? p : undefined;
  }, 30_000, 250);
  assert.equal(evicted.metadata.uid, first.metadata.uid);
  await new Promise((r) => setTimeout(r, 5_000));
  const still = JSON.parse(await kubectlOk(cluster(), ['get', 'pods', '-l', 'app=db', '-o', 'json'])).items;
  assert.deepEqual(still.map((p: { metadata: { uid: string } }) => p.metadata.uid), [first.metadata.uid], 'at most one db-0');

  // once the pod object is deleted (the machine is known to be gone), the StatefulSet controller replaces it
  await kubectlOk(cluster(), ['delete', 'pod', 'db-0', '--force', '--grace-period=0']);
  const replaced = await eventually(async () => {
    const p = JSON.parse((await kubectl(cluster(), ['get', 'pod', 'db-0', '-o', 'json'])).stdout || 'null');
    return p && p.metadata.uid !== first.metadata.uid && p.status?.phase === 'Running' ? p : undefined;
  }, 60_000, 250);
  assert.equal(replaced.spec.nodeName, 'machine-a');
});
