// The objects every cluster has, against an in-process API server: the `default` ServiceAccount in every active
// namespace (serviceaccounts_controller.go), `kube-root-ca.crt` with the cluster CA (rootcacertpublisher), both put
// back when deleted or edited, nothing made in a terminating namespace; and kubeadm's kube-public/cluster-info.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { builtin } from '../../../src/client/resources.js';
import { CLUSTER_INFO_NAME, CLUSTER_INFO_NAMESPACE, ensureClusterInfo } from '../../../src/controllers/clusterinfo/cluster-info.js';
import { DESCRIPTION, RootCACertPublisher, ROOT_CA_CONFIG_MAP } from '../../../src/controllers/rootcacertpublisher/publisher.js';
import { ServiceAccountsController } from '../../../src/controllers/serviceaccount/serviceaccounts-controller.js';
import { caCertPath } from '../../../src/pki/index.js';
import { ControllerEnv, startControllerEnv } from '../../support/controller-env.js';
import { eventually } from '../../e2e/harness.js';

let env: ControllerEnv;
let ca: string;
type ConfigMap = KubeObject & { data?: Record<string, string> };

before(async () => {
  env = await startControllerEnv();
  ca = readFileSync(caCertPath(env.dataDir), 'utf8');
  await env.start(new ServiceAccountsController(env.client, env.informers, { onError: () => {} }));
  await env.start(new RootCACertPublisher(env.client, env.informers, ca, { onError: () => {} }));
});

after(async () => {
  await env?.close();
});

const getOrUndefined = async <T extends KubeObject>(p: Promise<T>): Promise<T | undefined> => p.catch(() => undefined);
const defaultSA = (ns: string) => getOrUndefined(env.client.get(builtin.serviceAccounts, 'default', { namespace: ns }));
const rootCA = (ns: string) => getOrUndefined(env.client.get<ConfigMap>(builtin.configMaps, ROOT_CA_CONFIG_MAP, { namespace: ns }));

test('the system namespaces and a new one get the default ServiceAccount and kube-root-ca.crt', async () => {
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    await eventually(() => defaultSA(ns), 10_000);
    await eventually(() => rootCA(ns), 10_000);
  }
  const ns = await env.namespace('fresh');
  await eventually(() => defaultSA(ns), 10_000);
  const cm = await eventually(() => rootCA(ns), 10_000);
  assert.deepEqual(cm.data, { 'ca.crt': ca });
  assert.equal(cm.metadata.annotations?.['kubernetes.io/description'], DESCRIPTION);
  assert.match(ca, /^-----BEGIN CERTIFICATE-----/);
});

test('deleted or edited, they are put back', async () => {
  const ns = await env.namespace('heal');
  await eventually(() => defaultSA(ns), 10_000);
  const cm = await eventually(() => rootCA(ns), 10_000);

  await env.client.delete(builtin.serviceAccounts, 'default', { namespace: ns });
  await env.client.delete(builtin.configMaps, ROOT_CA_CONFIG_MAP, { namespace: ns });
  const sa = await eventually(() => defaultSA(ns), 10_000);
  assert.equal(sa.metadata.name, 'default');
  const again = await eventually(async () => { const c = await rootCA(ns); return c && c.metadata.uid !== cm.metadata.uid ? c : undefined; }, 10_000);
  assert.deepEqual(again.data, { 'ca.crt': ca });

  await env.client.update(builtin.configMaps, { ...again, data: { 'ca.crt': 'tampered', extra: 'x' }, metadata: { ...again.metadata, annotations: {} } });
  const restored = await eventually(async () => { const c = await rootCA(ns); return c?.data?.['ca.crt'] === ca ? c : undefined; }, 10_000);
  assert.deepEqual(restored.data, { 'ca.crt': ca });
  assert.equal(restored.metadata.annotations?.['kubernetes.io/description'], DESCRIPTION);
});

test('a namespace being deleted goes away: nothing is recreated in it while it terminates', async () => {
  const ns = await env.namespace('leaving');
  await eventually(() => defaultSA(ns), 10_000);
  await eventually(() => rootCA(ns), 10_000);
  await env.client.delete(builtin.namespaces, ns);
  // the namespace controller deletes the account and the ConfigMap; recreating them would keep the namespace forever
  await eventually(async () => (await getOrUndefined(env.client.get(builtin.namespaces, ns))) === undefined, 20_000);
  assert.equal(await defaultSA(ns), undefined);
  assert.equal(await rootCA(ns), undefined);
});

test('kube-public/cluster-info holds a kubeconfig with the CA and the server, rewritten when the server moves', async () => {
  await ensureClusterInfo(env.client, { server: 'https://127.0.0.1:6443', caPem: ca });
  const cm = await env.client.get<ConfigMap>(builtin.configMaps, CLUSTER_INFO_NAME, { namespace: CLUSTER_INFO_NAMESPACE });
  const text = cm.data?.kubeconfig ?? '';
  assert.match(text, /^apiVersion: v1\nclusters:\n- cluster:\n {4}certificate-authority-data: \S+\n {4}server: https:\/\/127\.0\.0\.1:6443\n {2}name: ""\ncontexts: null\ncurrent-context: ""\nkind: Config\npreferences: \{\}\nusers: null\n$/);
  const config = parse(text);
  assert.equal(Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64').toString(), ca);

  await ensureClusterInfo(env.client, { server: 'https://127.0.0.1:6444', caPem: ca });
  const moved = await env.client.get<ConfigMap>(builtin.configMaps, CLUSTER_INFO_NAME, { namespace: CLUSTER_INFO_NAMESPACE });
  assert.equal(parse(moved.data?.kubeconfig ?? '').clusters[0].cluster.server, 'https://127.0.0.1:6444');
  // unchanged: no write
  await ensureClusterInfo(env.client, { server: 'https://127.0.0.1:6444', caPem: ca });
  const same = await env.client.get<ConfigMap>(builtin.configMaps, CLUSTER_INFO_NAME, { namespace: CLUSTER_INFO_NAMESPACE });
  assert.equal(same.metadata.resourceVersion, moved.metadata.resourceVersion);
});
