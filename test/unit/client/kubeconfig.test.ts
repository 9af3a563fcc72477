import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { kubeconfigYaml } from '../../../src/pki/kubeconfig.js';
import { loadKubeconfig, parseKubeconfig } from '../../../src/client/kubeconfig.js';

test('reads embedded data written by the Berth kubeconfig writer', () => {
  const text = kubeconfigYaml({ server: 'https://127.0.0.1:6443', caPem: 'CA', clientCertPem: 'CERT', clientKeyPem: 'KEY', namespace: 'apps' });
  assert.deepEqual(parseKubeconfig(text), { server: 'https://127.0.0.1:6443', ca: 'CA', cert: 'CERT', key: 'KEY', namespace: 'apps', contextName: 'berth' });
});

test('file references resolve relative to the kubeconfig; KUBECONFIG lists merge first-wins; token users', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kc-'));
  writeFileSync(join(dir, 'ca.crt'), 'FILE-CA');
  writeFileSync(join(dir, 'a.yaml'), `
apiVersion: v1
kind: Config
current-context: dev
contexts:
- name: dev
  context: {cluster: c1, user: u1}
clusters:
- name: c1
  cluster: {server: "https://a:1", certificate-authority: ca.crt}
`);
  writeFileSync(join(dir, 'b.yaml'), `
current-context: other
users:
- name: u1
  user: {token: abc}
contexts:
- name: other
  context: {cluster: c1, user: u1, namespace: ns2}
`);
  const conn = loadKubeconfig({ env: { KUBECONFIG: `${join(dir, 'missing.yaml')}:${join(dir, 'a.yaml')}:${join(dir, 'b.yaml')}` } });
  assert.deepEqual(conn, { server: 'https://a:1', ca: 'FILE-CA', token: 'abc', namespace: 'default', contextName: 'dev' });
  const other = loadKubeconfig({ env: { KUBECONFIG: `${join(dir, 'a.yaml')}:${join(dir, 'b.yaml')}` }, context: 'other' });
  assert.deepEqual([other.contextName, other.namespace], ['other', 'ns2']);
  assert.throws(() => loadKubeconfig({ path: join(dir, 'b.yaml') }), /cluster "c1" does not exist/);
  assert.throws(() => loadKubeconfig({ path: join(dir, 'nope.yaml') }), /ENOENT/);
});
