// `berth up` on etcd over TLS with a client certificate and its own prefix, as a user starts it, with the real kubectl
// and etcdctl: the keys where users expect them and nothing outside the prefix; and etcd going away: /readyz names
// the etcd check, requests time out with 504, and everything works again when etcd is back, without a restart.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { etcdUnavailable, makeEtcdTls, startEtcd, type EtcdCluster, type EtcdTls } from '../support/etcd.js';
import { Cluster, eventually, kubectl, kubectlOk, startCluster } from './harness.js';

const run = promisify(execFile);
const skip = etcdUnavailable();
let tlsDir: string;
let tls: EtcdTls;
let etcd: EtcdCluster;
let c: Cluster;

before(async () => {
  if (skip) return;
  tlsDir = mkdtempSync(join(tmpdir(), 'berth-etcd-tls-'));
  tls = makeEtcdTls(tlsDir);
  etcd = await startEtcd({ tls });
  c = await startCluster({
    args: ['--no-controllers', '--etcd-servers', etcd.servers, '--etcd-cafile', tls.caFile, '--etcd-certfile', tls.clientCertFile,
      '--etcd-keyfile', tls.clientKeyFile, '--etcd-prefix', '/berth-e2e'],
  });
});

after(async () => {
  await c?.stop();
  c?.cleanup();
  await etcd?.stop();
  if (tlsDir) rmSync(tlsDir, { recursive: true, force: true });
});

const etcdctl = (...args: string[]) => run('etcdctl', ['--endpoints', etcd.servers, '--cacert', tls.caFile, '--cert', tls.clientCertFile, '--key', tls.clientKeyFile, ...args], { env: { ...process.env, ETCDCTL_API: '3' } });

test('objects are in etcd under --etcd-prefix, laid out as kube-apiserver lays them out', { skip }, async () => {
  assert.equal(await kubectlOk(c, ['create', 'configmap', 'settings', '--from-literal=a=b']), 'configmap/settings created\n');
  assert.equal(await kubectlOk(c, ['create', 'service', 'clusterip', 'web', '--tcp=80:8080']), 'service/web created\n');
  const keys = (await etcdctl('get', '--prefix', '/', '--keys-only')).stdout.split('\n').filter(Boolean);
  assert.ok(keys.includes('/berth-e2e/configmaps/default/settings'), keys.join('\n'));
  assert.ok(keys.includes('/berth-e2e/services/specs/default/web'));
  assert.ok(keys.includes('/berth-e2e/namespaces/kube-system'));
  assert.deepEqual(keys.filter((k) => !k.startsWith('/berth-e2e/')), [], 'nothing outside the prefix');
  const stored = JSON.parse((await etcdctl('get', '/berth-e2e/configmaps/default/settings', '--print-value-only')).stdout);
  assert.deepEqual(stored.data, { a: 'b' });
  const rv = await kubectlOk(c, ['get', 'configmap', 'settings', '-o', 'jsonpath={.metadata.resourceVersion}']);
  const modRevision = JSON.parse((await etcdctl('get', '/berth-e2e/configmaps/default/settings', '-w', 'json')).stdout).kvs[0].mod_revision;
  assert.equal(rv, String(modRevision), 'resourceVersion is the mod revision');
  assert.match(await kubectlOk(c, ['get', '--raw', '/readyz?verbose']), /\[\+\]etcd ok\n[\s\S]*readyz check passed/);
});

test('etcd unavailable: /readyz fails naming the etcd check, requests get 504, all is well again once etcd is back', { skip, timeout: 120_000 }, async () => {
  await etcd.members[0]!.kill();
  const readyz = await kubectl(c, ['get', '--raw', '/readyz?verbose']);
  assert.notEqual(readyz.code, 0);
  assert.match(readyz.stdout + readyz.stderr, /\[-\]etcd failed: reason withheld/);
  const get = await kubectl(c, ['get', 'configmap', 'settings'], { timeoutMs: 60_000 });
  assert.notEqual(get.code, 0);
  assert.match(get.stderr, /Error from server \(Timeout\): Timeout: request did not complete within requested timeout/);
  await etcd.members[0]!.restart();
  await eventually(async () => (await kubectl(c, ['get', '--raw', '/readyz'])).stdout === 'ok', 30_000, 250);
  assert.match(await kubectlOk(c, ['get', 'configmap', 'settings', '-o', 'name']), /^configmap\/settings$/m);
  assert.equal(await kubectlOk(c, ['create', 'configmap', 'after', '--from-literal=x=y']), 'configmap/after created\n');
  // The watch cache followed: a cached read (resourceVersion=0) sees the new object.
  await eventually(async () => (await kubectl(c, ['get', '--raw', '/api/v1/namespaces/default/configmaps/after?resourceVersion=0'])).code === 0, 10_000, 100);
});
