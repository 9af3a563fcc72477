// Several machines on this one machine (issue 21): each "machine" a network namespace with its own address on a
// test bridge, running `berth node join` with real pods (the process runtime) on the podCIDR the node IPAM gave it;
// the control plane (`berth apiserver` on SQLite, `berth controller-manager`, `berth scheduler`) listens on the
// bridge's host address. A pod on machine A reaches a pod on machine B by IP through host-gw routes; a machine whose
// link goes down turns NotReady after the grace period; stopping the agents and removing the namespaces leaves
// nothing behind. Traffic stays on the test's bridge and inside its namespaces. Needs root; skips otherwise.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import https from 'node:https';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBerthCommand, type BerthProcess } from '../../support/berth-process.js';
import { ensurePki, issueClientCertificate } from '../../../src/pki/index.js';
import { eventually, kubectl, kubectlOk, kubectlVersion } from '../harness.js';
import { needsPrograms, realPodsUnavailable } from './harness.js';
import {
  agentLeftovers, createJoinToken, createTestNetwork, drainRedisMachine, inNs, joinMachine, networkLeftovers, redisCli, sh, startRedisAcrossMachines, stopAgent,
  type TestNetwork,
} from './machines.js';

const why = realPodsUnavailable();
const skip = why ?? false;

let dir: string;
let kubeconfig: string;
let network: TestNetwork;
let clusterCidr: string;
let serviceCidr: string;
let machines: TestNetwork['machines'];
const procs: BerthProcess[] = [];
const agents = new Map<string, BerthProcess>();
const cluster = () => ({ kubeconfig, home: join(dir, 'home') });

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'berth-netns-'));
  mkdirSync(join(dir, 'home'), { recursive: true });
  network = createTestNetwork(['machine-a', 'machine-b']);
  ({ machines, clusterCidr, serviceCidr } = network);
  const shared = join(dir, 'cluster');
  const api = await startBerthCommand(['apiserver', '--data-dir', join(dir, 'api'), '--pki-from', shared, '--host', network.hostIP, '--port', '0', '--service-cidr', serviceCidr], /^server: /m);
  procs.push(api);
  const server = /^server: (\S+)/m.exec(api.out())![1]!;
  kubeconfig = join(dir, 'api', 'kubeconfig');
  const common = ['--data-dir', shared, '--kubeconfig', kubeconfig, '--no-leader-elect'];
  procs.push(await startBerthCommand(['controller-manager', ...common, '--cluster-cidr', clusterCidr, '--node-monitor-grace-period', '20s', '--node-monitor-period', '1s'], /running/));
  procs.push(await startBerthCommand(['scheduler', ...common], /running/));
  const token = await createJoinToken(shared, kubeconfig);
  for (const m of machines) agents.set(m.name, await joinMachine(network, m, { server, token, shared, dir }));
});

after(async () => {
  if (skip) return;
  for (const a of agents.values()) await stopAgent(a);
  for (const p of procs.reverse()) await p.kill();
  network?.tearDown();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The client's container log (read on machine-a's disk: joined nodes serve no logs yet), routes and nftables. */
function diagnosis(serverIP: string): string {
  const logs = (() => {
    try {
      return sh('sh', ['-c', `cat ${join(dir, 'machine-a', 'logs', 'pods')}/default_client_*/main/*.log`]);
    } catch (e) {
      return String(e);
    }
  })();
  const a = machines[0]!;
  return [`client log: ${logs}`, `machine-a route get ${serverIP}: ${inNs(a.ns, ['ip', 'route', 'get', serverIP])}`,
    ...machines.map((m) => `${m.name} routes:\n${inNs(m.ns, ['ip', '-4', 'route'])}\nnft:\n${inNs(m.ns, ['nft', 'list', 'ruleset'])}`)].join('\n');
}

const podCidrOf = async (node: string) => kubectlOk(cluster(), ['get', 'node', node, '-o', 'jsonpath={.spec.podCIDR}']);

test('kubectl get nodes shows the two machines Ready at their own addresses; each routes the other\'s podCIDR via it', { skip }, async () => {
  for (const m of machines) {
    await eventually(async () => /\bReady\b/.test(await kubectlOk(cluster(), ['get', 'node', m.name, '--no-headers'])), 30_000, 250);
    assert.equal(await kubectlOk(cluster(), ['get', 'node', m.name, '-o', 'jsonpath={.status.addresses[?(@.type=="InternalIP")].address}']), m.ip);
  }
  const [a, b] = machines as [typeof machines[0], typeof machines[0]];
  const [cidrA, cidrB] = [await podCidrOf(a.name), await podCidrOf(b.name)];
  assert.notEqual(cidrA, cidrB);
  await eventually(() => inNs(a.ns, ['ip', '-4', 'route']).includes(`${cidrB} via ${b.ip}`), 20_000, 250);
  await eventually(() => inNs(b.ns, ['ip', '-4', 'route']).includes(`${cidrA} via ${a.ip}`), 20_000, 250);
  // the rest of the pod and Service ranges stays on the machine
  for (const m of machines) {
    const unreachable = inNs(m.ns, ['ip', '-4', 'route', 'show', 'type', 'unreachable']);
    assert.match(unreachable, new RegExp(`unreachable ${clusterCidr.replace(/\./g, '\\.')}`));
    assert.match(unreachable, new RegExp(`unreachable ${serviceCidr.replace(/\./g, '\\.')}`));
  }
});

test('a pod on machine A reaches a pod on machine B by IP', { skip, timeout: 180_000 }, async () => {
  const pod = (name: string, node: string, command: string[], restartPolicy = 'Always') => JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: name } },
    spec: { nodeName: node, restartPolicy, automountServiceAccountToken: false, containers: [{ name: 'main', image: 'busybox', command }] },
  });
  await kubectlOk(cluster(), ['create', '-f', '-'], { input: pod('server', 'machine-b', ['sh', '-c', 'mkdir -p /tmp/www && echo hello-from-b > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www']) });
  const ip = await eventually(async () => {
    const out = JSON.parse(await kubectlOk(cluster(), ['get', 'pod', 'server', '-o', 'json']));
    return out.status.phase === 'Running' && out.status.podIP ? out.status.podIP as string : undefined;
  }, 60_000, 250);
  const cidrB = await podCidrOf('machine-b');
  assert.ok(ip.startsWith(cidrB.split('.').slice(0, 3).join('.') + '.'), `${ip} in ${cidrB}`);
  await kubectlOk(cluster(), ['create', '-f', '-'], { input: pod('client', 'machine-a', ['sh', '-c', `ping -c 2 -W 2 ${ip} && printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 ${ip} 8080 | grep hello-from-b`], 'Never') });
  const phase = await eventually(async () => {
    const p = await kubectlOk(cluster(), ['get', 'pod', 'client', '-o', 'jsonpath={.status.phase}']);
    return p === 'Succeeded' || p === 'Failed' ? p : undefined;
  }, 60_000, 250);
  assert.equal(phase, 'Succeeded', `machine-a's pod pinged and fetched the page served on machine-b\n${diagnosis(ip)}`);
  const clientIP = await kubectlOk(cluster(), ['get', 'pod', 'client', '-o', 'jsonpath={.status.podIP}']);
  assert.ok(clientIP.startsWith((await podCidrOf('machine-a')).split('.').slice(0, 3).join('.') + '.'));
});

/** kubectl of a given minor against the cluster: 1.27 speaks SPDY, 1.33 WebSocket v5 and the port-forward tunnel. */
const KUBECTLS = [27, 33] as const;
const kube = (v: number, args: string[], timeoutMs = 30_000) => kubectl(cluster(), args, { bin: kubectlVersion(v), timeoutMs });

test('a pod on a joined machine: kubectl exec, logs (-f ends with the container), port-forward and attach through its kubelet server', { skip, timeout: 240_000 }, async () => {
  const pod = (name: string, command: string[], restartPolicy = 'Always') => JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name },
    spec: { nodeName: 'machine-b', restartPolicy, automountServiceAccountToken: false, containers: [{ name: 'main', image: 'busybox', command }] },
  });
  await kubectlOk(cluster(), ['create', '-f', '-'], { input: pod('talker', ['sh', '-c', 'echo talker-started; mkdir -p /tmp/www && echo served-on-b > /tmp/www/index.html && exec httpd -f -p 127.0.0.1:8081 -h /tmp/www']) });
  await eventually(async () => (await kubectlOk(cluster(), ['get', 'pod', 'talker', '-o', 'jsonpath={.status.phase}'])) === 'Running', 60_000, 250);
  // the Node publishes where its kubelet server listens
  assert.equal(await kubectlOk(cluster(), ['get', 'node', 'machine-b', '-o', 'jsonpath={.status.daemonEndpoints.kubeletEndpoint.Port}']), '10250');
  for (const v of KUBECTLS) {
    const exec = await kube(v, ['exec', 'talker', '--', 'hostname']);
    assert.deepEqual([exec.code, exec.stdout, exec.stderr], [0, 'talker\n', ''], `kubectl 1.${v} exec`);
    const stdin = await kubectl(cluster(), ['exec', '-i', 'talker', '--', 'sh', '-c', 'cat; exit 3'], { bin: kubectlVersion(v), input: 'through-stdin\n' });
    assert.equal(stdin.stdout, 'through-stdin\n', `kubectl 1.${v} exec -i`);
    assert.match(stdin.stderr, /command terminated with exit code 3/);
    const logs = await kube(v, ['logs', 'talker']);
    assert.deepEqual([logs.code, logs.stdout], [0, 'talker-started\n'], `kubectl 1.${v} logs: ${logs.stderr}`);
    // the kubelet's refusal reaches kubectl as a Status with its words
    const previous = await kube(v, ['logs', 'talker', '--previous']);
    assert.match(previous.stderr, /Error from server \(BadRequest\): previous terminated container "main" in pod "talker" not found/);
  }
  for (const v of KUBECTLS) {
    const child = spawn(kubectlVersion(v), ['port-forward', 'pod/talker', ':8081'], { env: { HOME: cluster().home, KUBECONFIG: kubeconfig, PATH: process.env.PATH! } });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    try {
      const port = await eventually(() => Number(/127\.0\.0\.1:(\d+) -> 8081/.exec(out)?.[1]) || undefined, 20_000, 50);
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/index.html`, { signal: AbortSignal.timeout(10_000) });
        assert.equal(res.status, 200);
        assert.equal(await res.text(), 'served-on-b\n', `kubectl 1.${v} port-forward: ${out}`);
      }
    } finally {
      child.kill('SIGINT');
    }
  }
  // logs -f follows a running container and ends when it exits
  await kubectlOk(cluster(), ['create', '-f', '-'], { input: pod('ticker', ['sh', '-c', 'echo tick-1; sleep 3; echo tick-2; sleep 1; echo tick-end'], 'Never') });
  await eventually(async () => (await kubectlOk(cluster(), ['get', 'pod', 'ticker', '-o', 'jsonpath={.status.phase}'])) === 'Running', 60_000, 100);
  const followed = await kube(33, ['logs', '-f', 'ticker'], 60_000);
  assert.deepEqual([followed.code, followed.stdout], [0, 'tick-1\ntick-2\ntick-end\n'], followed.stderr);
  // attach joins the running container's output until it exits
  await kubectlOk(cluster(), ['create', '-f', '-'], { input: pod('chatter', ['sh', '-c', 'sleep 2; for i in 1 2 3; do echo chat-$i; sleep 1; done'], 'Never') });
  await eventually(async () => (await kubectlOk(cluster(), ['get', 'pod', 'chatter', '-o', 'jsonpath={.status.phase}'])) === 'Running', 60_000, 100);
  const attached = await kube(33, ['attach', 'chatter'], 60_000);
  assert.equal(attached.code, 0, attached.stderr);
  assert.match(attached.stdout, /chat-3\n$/);
  await kubectlOk(cluster(), ['delete', 'pod', 'talker', 'ticker', 'chatter', '--grace-period=1', '--wait=false']);
});

test('the kubelet server refuses a client without a certificate or with a foreign one (401), and a CA-signed user without nodes/proxy (403)', { skip, timeout: 60_000 }, async () => {
  const b = machines[1]!;
  const call = (tls: { cert?: string; key?: string }) => new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = https.request({ host: b.ip, port: 10250, method: 'GET', path: '/containerLogs/default/talker/main', rejectUnauthorized: false, ...tls, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
  assert.deepEqual(await call({}), { status: 401, body: 'Unauthorized' });
  const foreign = await ensurePki(join(dir, 'foreign'), { hosts: [] });
  assert.deepEqual(await call({ cert: foreign.adminCertPem, key: foreign.adminKeyPem }), { status: 401, body: 'Unauthorized' });
  const pki = join(dir, 'cluster', 'pki');
  const jane = await issueClientCertificate({ caCertPem: readFileSync(join(pki, 'ca.crt'), 'utf8'), caKeyPem: readFileSync(join(pki, 'ca.key'), 'utf8') }, 'jane', ['developers']);
  assert.deepEqual(await call({ cert: jane.certPem, key: jane.keyPem }), { status: 403, body: 'Forbidden (user=jane, verb=get, resource=nodes, subresource=proxy)' });
  // the same user once RBAC grants nodes/proxy gets through (the pod is gone by now: the kubelet's 404)
  await kubectlOk(cluster(), ['create', 'clusterrolebinding', 'jane-kubelet-api', '--clusterrole=system:kubelet-api-admin', '--user=jane']);
  const other = await issueClientCertificate({ caCertPem: readFileSync(join(pki, 'ca.crt'), 'utf8'), caKeyPem: readFileSync(join(pki, 'ca.key'), 'utf8') }, 'jane', []);
  const allowed = await call({ cert: other.certPem, key: other.keyPem });
  assert.notEqual(allowed.status, 401);
  assert.notEqual(allowed.status, 403, allowed.body);
});

test('seed 003 Redis over the two machines: set on redis-0, drain its machine; its local volume pins it there (Pending, volume node affinity conflict) until uncordon, then get returns the value', { skip, timeout: 300_000 }, async (t) => {
  if (!needsPrograms(t, 'redis-server', 'redis-cli')) return;
  const home = await startRedisAcrossMachines(cluster());
  assert.equal(await redisCli(cluster(), 'redis-0', 'set', 'foo', 'bar'), 'OK\n');
  await drainRedisMachine(cluster(), home);
  assert.equal(await redisCli(cluster(), 'redis-0', 'get', 'foo'), 'bar\n');
  await kubectlOk(cluster(), ['delete', 'statefulset', 'redis', '--cascade=foreground', '--timeout=60s']);
  await kubectlOk(cluster(), ['delete', 'pvc', 'redis-data-redis-0', 'redis-data-redis-1', '--timeout=60s']);
});

test('a machine whose link goes down turns NotReady after the grace period', { skip, timeout: 120_000 }, async () => {
  inNs(machines[1]!.ns, ['ip', 'link', 'set', 'eth0', 'down']);
  const row = await eventually(async () => {
    const r = await kubectlOk(cluster(), ['get', 'node', 'machine-b', '--no-headers']);
    return /\bNotReady\b/.test(r) ? r : undefined;
  }, 60_000, 500);
  assert.match(row, /machine-b\s+NotReady/);
  assert.match(await kubectlOk(cluster(), ['get', 'node', 'machine-a', '--no-headers']), /machine-a\s+Ready/);
  inNs(machines[1]!.ns, ['ip', 'link', 'set', 'eth0', 'up']);
});

test('stopping the agents and removing the machines leaves no netns, link, route, nftables table or cgroup', { skip, timeout: 120_000 }, async () => {
  for (const a of agents.values()) await stopAgent(a);
  for (const m of machines) assert.deepEqual(agentLeftovers(m, join(dir, m.name)), [], m.name);
  agents.clear();
  network.tearDown();
  assert.deepEqual(networkLeftovers(network), []);
});
