// Several "machines" on this one host, for the multi-machine tests: each a network namespace with its own address on
// a test bridge (the host keeps .254 of it, where the control plane listens), joined as a node with `berth node join`
// and real pods. Names carry a random tag and the ranges are picked free, so parallel test files do not collide;
// `tearDown` removes namespaces, veths and the bridge whatever state they are in. Traffic stays on the bridge and in
// the namespaces. Also seed 003's Redis across the machines, on volumes of the machines' own disks.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { instanceNames } from '../../../src/networking/instance.js';
import { startBerthCommand, type BerthProcess } from '../../support/berth-process.js';
import { eventually, kubectl, kubectlOk, kubectlVersion, type Cluster, type KubectlResult } from '../harness.js';
import { waitReady } from './harness.js';

type KubectlTarget = Pick<Cluster, 'kubeconfig' | 'home'>;

export interface Machine { name: string; ns: string; ip: string; hostVeth: string }

export interface TestNetwork {
  bridge: string;
  /** The host's address on the bridge: where the control plane listens for the machines. */
  hostIP: string;
  machines: Machine[];
  /** Pod range (a /24 per node from it) and Service range of the cluster, free on this host. */
  clusterCidr: string;
  serviceCidr: string;
  /** Removes the namespaces, veths and bridge (each step tolerates what is already gone). */
  tearDown(): void;
}

export const sh = (file: string, args: string[]) => execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const quiet = (file: string, args: string[]) => { try { sh(file, args); } catch { /* already gone */ } };
export const inNs = (ns: string, args: string[]) => sh('ip', ['netns', 'exec', ns, ...args]);

/** A second octet no address or route of this host uses yet (another test file's ranges). */
function freeOctet(prefix: string, lo: number, hi: number): number {
  const used = sh('ip', ['-4', 'addr']) + sh('ip', ['-4', 'route']);
  for (let i = 0; i < 50; i++) {
    const n = randomInt(lo, hi);
    if (!used.includes(`${prefix}.${n}.`)) return n;
  }
  throw new Error(`no free ${prefix}.x range`);
}

/** A bridge with the host on .254 and one namespace per name on .1, .2, …, each a router for its pods (host-gw). */
export function createTestNetwork(names: string[]): TestNetwork {
  const tag = randomBytes(2).toString('hex');
  const net = freeOctet('172.30', 16, 250);
  const k = freeOctet('10', 200, 250); // pods 10.<k>.0.0/17, Services 10.<k>.128.0/17
  const bridge = `bjbr${tag}`;
  const machines = names.map((name, i) => ({ name, ns: `bj${tag}${i}`, ip: `172.30.${net}.${i + 1}`, hostVeth: `bj${tag}${i}h` }));
  const network: TestNetwork = {
    bridge, hostIP: `172.30.${net}.254`, machines, clusterCidr: `10.${k}.0.0/17`, serviceCidr: `10.${k}.128.0/17`,
    tearDown() {
      for (const m of machines) {
        quiet('ip', ['netns', 'del', m.ns]);
        quiet('ip', ['link', 'del', m.hostVeth]);
      }
      quiet('ip', ['link', 'del', bridge]);
    },
  };
  try {
    sh('ip', ['link', 'add', bridge, 'type', 'bridge']);
    sh('ip', ['addr', 'add', `${network.hostIP}/24`, 'dev', bridge]);
    sh('ip', ['link', 'set', bridge, 'up']);
    for (const m of machines) {
      sh('ip', ['netns', 'add', m.ns]);
      sh('ip', ['link', 'add', m.hostVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', m.ns]);
      sh('ip', ['link', 'set', m.hostVeth, 'master', bridge, 'up']);
      inNs(m.ns, ['ip', 'addr', 'add', `${m.ip}/24`, 'dev', 'eth0']);
      inNs(m.ns, ['ip', 'link', 'set', 'eth0', 'up']);
      inNs(m.ns, ['ip', 'link', 'set', 'lo', 'up']);
      // a router between its pods and the network, as flannel's host-gw needs
      inNs(m.ns, ['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
    }
  } catch (e) {
    network.tearDown();
    throw e;
  }
  return network;
}

/** A bootstrap token from `berth token create` (kubeadm's token Secret). */
export async function createJoinToken(shared: string, kubeconfig: string): Promise<string> {
  const p = await startBerthCommand(['token', 'create', '--data-dir', shared, '--kubeconfig', kubeconfig], /^[a-z0-9]{6}\.[a-z0-9]{16}$/m);
  await p.stop();
  return p.out().trim();
}

/** `berth node join` with real pods inside the machine's namespace, its data in `<dir>/<machine>`. */
export function joinMachine(network: TestNetwork, m: Machine, opts: { server: string; token: string; shared: string; dir: string }): Promise<BerthProcess> {
  // nsenter rather than `ip netns exec`, which mounts a sysfs of the namespace over /sys and so hides the cgroup tree
  return startBerthCommand(['node', 'join', '--server', opts.server, '--token', opts.token, '--certificate-authority', join(opts.shared, 'pki', 'ca.crt'),
    '--data-dir', join(opts.dir, m.name), '--node-name', m.name, '--node-ip', m.ip, '--runtime', 'process',
    '--cluster-cidr', network.clusterCidr, '--service-cidr', network.serviceCidr],
  /joined/, { timeoutMs: 90_000, prefix: ['nsenter', `--net=/run/netns/${m.ns}`, '--'] });
}

/** Stops a node agent cleanly (it removes its bridge, table and cgroups), kill -9 if it does not exit in time. */
export async function stopAgent(agent: BerthProcess, timeoutMs = 30_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([agent.stop(), new Promise((r) => { timer = setTimeout(r, timeoutMs); })]);
  clearTimeout(timer);
  await agent.kill();
}

/** What a stopped agent left in its machine (links, routes, nftables table, cgroups): empty when clean. */
export function agentLeftovers(m: Machine, dataDir: string): string[] {
  const id = instanceNames(dataDir).id;
  const left: string[] = [];
  const links = inNs(m.ns, ['ip', '-o', 'link']);
  if (links.includes(`berth${id}`) || links.includes(`bv${id}`)) left.push(`links: ${links}`);
  const routes = inNs(m.ns, ['ip', '-4', 'route']);
  if (/via 172\.30\.|unreachable/.test(routes)) left.push(`routes: ${routes}`);
  if (new RegExp(`berth-${id}`).test(inNs(m.ns, ['nft', 'list', 'tables']))) left.push(`nftables table berth-${id}`);
  for (const ctl of ['', 'memory/', 'cpu/', 'pids/']) if (existsSync(`/sys/fs/cgroup/${ctl}berth-${id}`)) left.push(`cgroup ${ctl}berth-${id}`);
  return left;
}

/** What the network left on the host after tearDown: its namespaces and links (empty when clean). */
export function networkLeftovers(network: TestNetwork): string[] {
  const namespaces = sh('ip', ['netns', 'list']);
  const left = network.machines.filter((m) => namespaces.includes(m.ns)).map((m) => `netns ${m.ns}`);
  const tag = network.bridge.slice('bjbr'.length);
  left.push(...sh('ip', ['-o', 'link']).split('\n').filter((l) => l.includes(`bj${tag}`) || l.includes(network.bridge)));
  return left;
}

const kube33 = (c: KubectlTarget, args: string[], timeoutMs = 30_000): Promise<KubectlResult> => kubectl(c, args, { bin: kubectlVersion(33), timeoutMs });

/** `redis-cli` in a Redis pod through kubectl exec, once the server answers (not while it loads its append-only file). */
export function redisCli(c: KubectlTarget, pod: string, ...args: string[]): Promise<string> {
  return eventually(async () => {
    const r = await kube33(c, ['exec', pod, '--', 'redis-cli', ...args]);
    return r.code === 0 && !/LOADING/.test(r.stdout) ? r.stdout : undefined;
  }, 30_000, 250);
}

/**
 * Seed 003's Redis StatefulSet (examples/redis) with two replicas, one per machine (pod anti-affinity), on volumes of
 * the machines' own disks: a `WaitForFirstConsumer` class of `berth.dev/local`, as upstream local PVs, bound when the
 * pod is scheduled and then pinned to that node by the PV's nodeAffinity. Returns the node of redis-0.
 */
export async function startRedisAcrossMachines(c: KubectlTarget): Promise<string> {
  await kubectlOk(c, ['create', '-f', '-'], { input: JSON.stringify({
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'machine-local' }, provisioner: 'berth.dev/local', volumeBindingMode: 'WaitForFirstConsumer',
  }) });
  const example = (f: string) => readFileSync(new URL(`../../../../examples/redis/${f}`, import.meta.url), 'utf8');
  await kubectlOk(c, ['apply', '-f', '-'], { input: example('redis-headless.yaml') });
  const sts = example('redis-statefulset.yaml')
    .replace('replicas: 3', 'replicas: 2')
    .replace('      containers:\n', '      affinity:\n        podAntiAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n'
      + '          - labelSelector: {matchLabels: {app: redis}}\n            topologyKey: kubernetes.io/hostname\n      containers:\n')
    .replace('      accessModes: [ "ReadWriteOnce" ]', '      storageClassName: machine-local\n      accessModes: [ "ReadWriteOnce" ]');
  assert.match(sts, /storageClassName: machine-local/);
  await kubectlOk(c, ['apply', '-f', '-'], { input: sts });
  for (const p of ['redis-0', 'redis-1']) await waitReady(c, 'default', p, 120_000);
  const home = await redisNode(c, 'redis-0');
  assert.notEqual(home, await redisNode(c, 'redis-1'), 'the two replicas run on different machines');
  const pv = await kubectlOk(c, ['get', 'pvc', 'redis-data-redis-0', '-o', 'jsonpath={.spec.volumeName}']);
  assert.equal(await kubectlOk(c, ['get', 'pv', pv, '-o', 'jsonpath={.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0]}']), home);
  return home;
}

export const redisNode = (c: KubectlTarget, pod: string) => kubectlOk(c, ['get', 'pod', pod, '-o', 'jsonpath={.spec.nodeName}']);

/**
 * Drains the machine of redis-0 with kubectl drain: the replacement cannot follow its data to the other machine, so
 * it waits (Pending, "volume node affinity conflict") until the machine is uncordoned, then runs there again.
 */
export async function drainRedisMachine(c: KubectlTarget, home: string): Promise<void> {
  const uid = await kubectlOk(c, ['get', 'pod', 'redis-0', '-o', 'jsonpath={.metadata.uid}']);
  const drained = await kube33(c, ['drain', home, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=90s'], 120_000);
  assert.equal(drained.code, 0, drained.stderr);
  const message = await eventually(async () => {
    const p = JSON.parse(await kubectlOk(c, ['get', 'pod', 'redis-0', '-o', 'json']));
    const cond = (p.status.conditions ?? []).find((x: { type: string }) => x.type === 'PodScheduled');
    return p.metadata.uid !== uid && !p.spec.nodeName && cond?.reason === 'Unschedulable' ? cond.message as string : undefined;
  }, 60_000, 250);
  assert.match(message, /node\(s\) had volume node affinity conflict/);
  assert.match(message, /node\(s\) were unschedulable/);
  await kubectlOk(c, ['uncordon', home]);
  await waitReady(c, 'default', 'redis-0', 120_000);
  assert.equal(await redisNode(c, 'redis-0'), home);
}
