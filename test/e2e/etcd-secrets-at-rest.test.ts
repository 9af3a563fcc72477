// Secrets at rest on etcd, checked from etcd's side with the real etcdctl: `berth up --etcd-servers` with an
// EncryptionConfiguration whose first provider is secretbox stores each Secret as upstream's
// `k8s:enc:secretbox:v1:<key>:` + nonce + XSalsa20-Poly1305, with neither the value nor its base64 in what
// `etcdctl get` prints, while kubectl reads it back as written.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { etcdUnavailable, startEtcd, type EtcdCluster } from '../support/etcd.js';
import { Cluster, kubectlOk, startCluster } from './harness.js';

const run = promisify(execFile);
const skip = etcdUnavailable();
let dir: string;
let etcd: EtcdCluster;
let c: Cluster;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'berth-etcd-enc-'));
  const config = join(dir, 'encryption.yaml');
  writeFileSync(config, [
    'apiVersion: apiserver.config.k8s.io/v1', 'kind: EncryptionConfiguration', 'resources:', '  - resources: [secrets]', '    providers:',
    '      - secretbox:', '          keys:', '            - name: box1', `              secret: ${Buffer.alloc(32, 0x5a).toString('base64')}`,
    '      - identity: {}', '',
  ].join('\n'), { mode: 0o600 });
  etcd = await startEtcd();
  c = await startCluster({ args: ['--no-controllers', '--etcd-servers', etcd.servers, '--etcd-prefix', '/enc-e2e', '--encryption-provider-config', config] });
});

after(async () => {
  await c?.stop();
  c?.cleanup();
  await etcd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const etcdctl = async (...args: string[]) => (await run('etcdctl', ['--endpoints', etcd.servers, ...args], { env: { ...process.env, ETCDCTL_API: '3' }, encoding: 'latin1', maxBuffer: 64 * 1024 * 1024 })).stdout;

test('a Secret is not readable with etcdctl get: secretbox ciphertext under upstream\'s prefix', { skip }, async () => {
  const value = 'etcd-canary-4d1e8b';
  await kubectlOk(c, ['create', 'secret', 'generic', 'canary', `--from-literal=password=${value}`]);
  await kubectlOk(c, ['create', 'configmap', 'plain', `--from-literal=note=${value}`]);
  const stored = await etcdctl('get', '/enc-e2e/secrets/default/canary', '--print-value-only');
  assert.ok(stored.startsWith('k8s:enc:secretbox:v1:box1:'), stored.slice(0, 40));
  const everything = await etcdctl('get', '--prefix', '/enc-e2e/secrets/');
  assert.ok(!everything.includes(value), 'the value is not in etcd');
  assert.ok(!everything.includes(Buffer.from(value).toString('base64')), 'nor its base64');
  assert.ok(!everything.includes('"kind":"Secret"'), 'nor the object\'s JSON');
  // what the configuration does not name stays plaintext, as upstream
  assert.ok((await etcdctl('get', '/enc-e2e/configmaps/default/plain', '--print-value-only')).includes(value));
  const read = await kubectlOk(c, ['get', 'secret', 'canary', '-o', 'jsonpath={.data.password}']);
  assert.equal(Buffer.from(read, 'base64').toString(), value);
});
