// Several API servers on one etcd (issue 21): two `berth apiserver` processes sharing a CA behind a TCP balancer,
// two `berth controller-manager` and two `berth scheduler` processes leader-elected on Leases in kube-system. The
// real kubectl keeps working while an API server is killed; an informer's watch resumes on the other server
// without a relist, a lost or a duplicated event; acknowledged writes survive kill -9; a killed leader's standby
// takes over. Everything on loopback, etcd started by the test.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../../src/apimachinery/errors.js';
import type { KubeObject } from '../../src/apimachinery/types.js';
import { KubeClient } from '../../src/client/client.js';
import { SharedInformer } from '../../src/client/informer.js';
import { builtin } from '../../src/client/resources.js';
import { etcdUnavailable, freePort, startEtcd, type EtcdCluster } from '../support/etcd.js';
import { kubeconfigFor, startBerthCommand, type BerthProcess } from '../support/berth-process.js';
import { startTcpBalancer, type TcpBalancer } from '../support/tcp-balancer.js';
import { eventually, kubectlOk } from './harness.js';

const skip = etcdUnavailable();

type Proc = BerthProcess;
const berth = (args: string[], ready: RegExp, timeoutMs = 30_000) => startBerthCommand(args, ready, { timeoutMs });

let etcd: EtcdCluster;
let dir: string;
let shared: string;
let kubeconfig: string;
let balancer: TcpBalancer;
const apiPorts: number[] = [];
const apiservers: Proc[] = [];
const managers: Proc[] = [];
const schedulers: Proc[] = [];
const cluster = () => ({ kubeconfig, home: join(dir, 'home') });
// Short enough that takeovers fit the test, long enough that a leader on a busy 2-core machine still renews in time.
const LEADER_FLAGS = ['--leader-elect-lease-duration', '8s', '--leader-elect-renew-deadline', '6s', '--leader-elect-retry-period', '1s'];

const apiserverArgs = (i: number) => ['apiserver', '--data-dir', join(dir, `api-${i}`), '--pki-from', shared, '--port', String(apiPorts[i]),
  '--etcd-servers', etcd.servers, '--etcd-compaction-interval', '30s'];

before(async () => {
  if (skip) return;
  etcd = await startEtcd();
  dir = mkdtempSync(join(tmpdir(), 'berth-ha-'));
  shared = join(dir, 'cluster');
  mkdirSync(join(dir, 'home'), { recursive: true });
  for (let i = 0; i < 2; i++) apiPorts.push(await freePort());
  // The first creates the shared PKI; the second finds it.
  for (let i = 0; i < 2; i++) apiservers.push(await berth(apiserverArgs(i), /^server: /m));
  balancer = await startTcpBalancer(apiPorts.map((port) => ({ host: '127.0.0.1', port })));
  kubeconfig = join(dir, 'kubeconfig');
  kubeconfigFor(join(dir, 'api-0', 'kubeconfig'), kubeconfig, `https://127.0.0.1:${balancer.port}`);
  // The controller managers and schedulers use the kubeconfigs the API servers wrote beside the shared pki, as
  // kubeadm's controller-manager.conf and scheduler.conf (their own users, not the admin), pointed at the balancer.
  const throughBalancer = (file: string) => kubeconfigFor(join(shared, file), join(dir, file), `https://127.0.0.1:${balancer.port}`);
  const common = ['--data-dir', shared, ...LEADER_FLAGS];
  const managerConf = throughBalancer('controller-manager.conf');
  const schedulerConf = throughBalancer('scheduler.conf');
  for (let i = 0; i < 2; i++) managers.push(await berth(['controller-manager', ...common, '--kubeconfig', managerConf], /campaigning/));
  for (let i = 0; i < 2; i++) schedulers.push(await berth(['scheduler', ...common, '--kubeconfig', schedulerConf], /campaigning/));
});

after(async () => {
  for (const p of [...schedulers, ...managers, ...apiservers]) await p.kill();
  await balancer?.close();
  await etcd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The one process of `procs` that says it leads, once exactly one does and the Lease names it. */
async function leaderOf(procs: Proc[], lease: string): Promise<Proc> {
  try {
    return await eventually(async () => {
      const leading = procs.filter((p) => p.proc.exitCode === null && p.proc.signalCode === null && /leading as /.test(p.out()));
      if (leading.length !== 1) return undefined;
      const identity = /leading as (\S+)/.exec(leading[0]!.out())![1];
      const holder = await kubectlOk(cluster(), ['get', 'lease', lease, '-n', 'kube-system', '-o', 'jsonpath={.spec.holderIdentity}']);
      return holder === identity ? leading[0] : undefined;
    }, 30_000, 250);
  } catch (e) {
    // Say what each candidate did (a leader that missed its renew deadline exits, as upstream's do).
    const state = procs.map((p, i) => `candidate ${i}: ${p.proc.exitCode ?? p.proc.signalCode ?? 'running'}\n${p.out().slice(-600)}${p.err().slice(-600)}`);
    throw new Error(`no single leader of ${lease}: ${(e as Error).message}\n${state.join('\n')}`);
  }
}

async function restartApiserver(i: number): Promise<void> {
  await apiservers[i]!.kill();
  apiservers[i] = await berth(apiserverArgs(i), /^server: /m);
}

test('one controller manager and one scheduler act; when their leaders are killed the standbys take over', { skip, timeout: 180_000 }, async () => {
  const node = (name: string) => ({
    apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    status: { conditions: [{ type: 'Ready', status: 'True' }], allocatable: { cpu: '8', memory: '16Gi', pods: '110' }, capacity: { cpu: '8', memory: '16Gi', pods: '110' } },
  });
  for (const n of ['ha-node-1', 'ha-node-2']) {
    await kubectlOk(cluster(), ['create', '-f', '-'], { input: JSON.stringify(node(n)) });
    await kubectlOk(cluster(), ['patch', 'node', n, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: node(n).status })]);
  }
  const cm = await leaderOf(managers, 'kube-controller-manager');
  const sched = await leaderOf(schedulers, 'kube-scheduler');
  await kubectlOk(cluster(), ['create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
  const scheduled = async (n: number) => eventually(async () => {
    const nodes = (await kubectlOk(cluster(), ['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].spec.nodeName}'])).split(' ').filter(Boolean);
    return nodes.length === n && nodes.every((x) => x.startsWith('ha-node-'));
  }, 30_000, 250);
  await scheduled(2);

  await cm.kill();
  await sched.kill();
  const cm2 = await leaderOf(managers, 'kube-controller-manager');
  const sched2 = await leaderOf(schedulers, 'kube-scheduler');
  assert.notEqual(cm2, cm);
  assert.notEqual(sched2, sched);
  await kubectlOk(cluster(), ['scale', 'deployment', 'web', '--replicas=3']);
  await scheduled(3);
  // The standbys said who led before they took over, and never both led at once.
  assert.match(cm2.out(), /controller-manager: \S+ leads\n[\s\S]*leading as /);
  // The controllers acted as their ServiceAccounts, with tokens the manager requested (--use-service-account-credentials).
  const accounts = (await kubectlOk(cluster(), ['get', 'serviceaccounts', '-n', 'kube-system', '-o', 'name'])).split('\n');
  for (const a of ['deployment-controller', 'replicaset-controller']) assert.ok(accounts.includes(`serviceaccount/${a}`), accounts.join(' '));
  assert.equal(cm2.err().match(/forbidden/gi), null, cm2.err().slice(-2000));
  assert.equal(sched2.err().match(/forbidden/gi), null, sched2.err().slice(-2000));
});

test('kubectl keeps working while an API server is killed; an informer resumes on the other without relist, loss or duplicates; acknowledged writes survive', { skip, timeout: 180_000 }, async (t) => {
  const client = KubeClient.fromKubeconfig({ path: kubeconfig });
  // Also when an assertion fails: a running informer would keep this file's process alive.
  t.after(() => client.close());
  await kubectlOk(cluster(), ['create', 'namespace', 'ha']);
  const restarts: string[] = [];
  const events: { type: string; name: string; rv: string }[] = [];
  const informer = SharedInformer.forResource<KubeObject>(client, builtin.configMaps, {
    namespace: 'ha', onWatchRestart: (_i, cause) => restarts.push(cause), onError: () => {}, backoff: { initialMs: 50, maxMs: 500 },
  });
  const record = (type: string) => (o: KubeObject) => events.push({ type, name: o.metadata.name!, rv: o.metadata.resourceVersion! });
  informer.addEventHandler({ onAdd: record('ADDED'), onUpdate: (_old, o) => record('MODIFIED')(o), onDelete: record('DELETED') });
  informer.run();
  t.after(() => informer.stop());
  assert.ok(await informer.waitForSync());

  const acked = new Map<string, string>(); // name -> resourceVersion of the last acknowledged write (or 'deleted')
  let op = 0;
  const write = async () => {
    const i = op++;
    const name = `cm-${i % 12}`;
    for (let attempt = 0; ; attempt++) {
      try {
        if (acked.has(name) && acked.get(name) !== 'deleted' && i % 5 === 4) {
          await client.delete(builtin.configMaps, name, { namespace: 'ha' });
          acked.set(name, 'deleted');
        } else if (acked.has(name) && acked.get(name) !== 'deleted') {
          const done = await client.update<KubeObject>(builtin.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ha' }, data: { step: String(i) } });
          acked.set(name, done.metadata.resourceVersion!);
        } else {
          const done = await client.create<KubeObject>(builtin.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ha' }, data: { step: String(i) } });
          acked.set(name, done.metadata.resourceVersion!);
        }
        return;
      } catch (e) {
        // A write whose connection died with its server has an unknown outcome: read back what is there.
        if (attempt > 20) throw e;
        if (e instanceof ApiError && (e.code === 409 || e.code === 404)) {
          const cur = await client.get<KubeObject>(builtin.configMaps, name, { namespace: 'ha' }).catch(() => undefined);
          acked.set(name, cur ? cur.metadata.resourceVersion! : 'deleted');
          return;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };

  for (let i = 0; i < 30; i++) await write();
  // Kill each API server in turn (under write load): the informer's watch is on one of them.
  for (const i of [0, 1]) {
    const dying = apiservers[i]!;
    const load = (async () => { for (let n = 0; n < 30; n++) await write(); })();
    await new Promise((r) => setTimeout(r, 150));
    await dying.kill();
    // kubectl through the balancer while that server is down.
    assert.match(await kubectlOk(cluster(), ['get', 'namespace', 'ha', '-o', 'name']), /^namespace\/ha$/m);
    const during = await kubectlOk(cluster(), ['create', 'configmap', `during-${i}`, '-n', 'ha', '--from-literal=a=b']).catch((e: Error) => {
      throw new Error(`${e.message}\nAPI servers' stderr:\n${apiservers.map((a) => a.err()).join('\n---\n')}`);
    });
    assert.equal(during, `configmap/during-${i} created\n`);
    await load;
    await restartApiserver(i);
    // A server just started keeps events from its start on, as upstream's watch cache (an older watch gets 410 and
    // the reflector relists): let the informer see a write made after the restart before the other server dies.
    const marker = await client.create<KubeObject>(builtin.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `restarted-${i}`, namespace: 'ha' } });
    await eventually(() => events.some((e) => Number(e.rv) >= Number(marker.metadata.resourceVersion)), 20_000, 50);
  }
  for (let i = 0; i < 20; i++) await write();

  // The informer's cache equals a LIST; every acknowledged write is there.
  const list = await client.list<KubeObject>(builtin.configMaps, { namespace: 'ha' });
  const listed = new Map(list.items.map((o) => [o.metadata.name!, o.metadata.resourceVersion!]));
  for (const [name, rv] of acked) {
    if (rv === 'deleted') assert.ok(!listed.has(name), `${name} was deleted`);
    else assert.ok(listed.has(name) && Number(listed.get(name)) >= Number(rv), `acknowledged write of ${name}@${rv} is kept`);
  }
  await eventually(() => {
    const cached = new Map(informer.store.list().map((o) => [o.metadata.name!, o.metadata.resourceVersion!]));
    return cached.size === listed.size && [...listed].every(([n, rv]) => cached.get(n) === rv);
  }, 20_000, 100);
  assert.ok(restarts.length > 0, 'the watch broke at least once');
  assert.ok(!restarts.includes('expired'), `resumed without a relist: ${restarts.join(',')}`);
  // No event twice, none out of order: per object, resourceVersions strictly increase.
  const last = new Map<string, number>();
  for (const e of events) {
    const rv = Number(e.rv);
    assert.ok(rv > (last.get(e.name) ?? 0), `${e.type} ${e.name}@${e.rv} after ${last.get(e.name)}`);
    last.set(e.name, rv);
  }
});
