// The garbage collector and the namespace controller against an in-process Berth without controllers (they run
// anyway: both are part of the API's contract), driven only through the API as a user would.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ApiError } from '../../../src/apimachinery/errors.js';
import type { KubeObject, OwnerReference } from '../../../src/apimachinery/types.js';
import { KubeClient } from '../../../src/client/client.js';
import { builtin, type ResourceDescriptor } from '../../../src/client/resources.js';
import { MetadataClient } from '../../../src/controllers/garbagecollector/metadata-client.js';
import { discoverResources } from '../../../src/controllers/garbagecollector/discovery.js';
import { Berth, startBerth } from '../../../src/host/berth.js';

const widgets: ResourceDescriptor = { group: 'gc.example.com', version: 'v1', resource: 'widgets', namespaced: true, kind: 'Widget' };

let dataDir: string;
let berth: Berth;
let client: KubeClient;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-gc-'));
  berth = await startBerth({ dataDir, port: 0, runtime: { controllers: false } });
  client = KubeClient.fromKubeconfig({ path: berth.kubeconfigPath }, { fieldManager: 'gc-test' });
  await client.create(builtin.customResourceDefinitions, {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.gc.example.com' },
    spec: {
      group: 'gc.example.com', scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  } as KubeObject);
  await eventually('the Widget CRD is served', async () => {
    await client.list(widgets, { namespace: 'default' });
    return true;
  });
});

after(async () => {
  await client?.close();
  await berth?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function eventually<T>(what: string, probe: () => Promise<T | false | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== false && v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function exists(res: ResourceDescriptor, name: string, namespace?: string): Promise<KubeObject | undefined> {
  try {
    return await client.get(res, name, { namespace });
  } catch (e) {
    if (e instanceof ApiError && e.code === 404) return undefined;
    throw e;
  }
}

const gone = (res: ResourceDescriptor, name: string, namespace?: string) =>
  eventually(`${res.resource} ${name} to be gone`, async () => !(await exists(res, name, namespace)));

async function namespace(name: string): Promise<string> {
  await client.create(builtin.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

function refTo(owner: KubeObject, extra: Partial<OwnerReference> = {}): OwnerReference {
  return { apiVersion: owner.apiVersion ?? 'v1', kind: owner.kind ?? 'ConfigMap', name: owner.metadata.name!, uid: owner.metadata.uid!, ...extra };
}

const configMap = (ns: string, name: string, metadata: Partial<KubeObject['metadata']> = {}) =>
  client.create(builtin.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, ...metadata }, data: { k: name } });

test('background: a dependent whose owner is deleted goes too', async () => {
  const ns = await namespace('gc-background');
  const owner = await configMap(ns, 'owner');
  await configMap(ns, 'dep', { ownerReferences: [refTo(owner)] });
  await client.create(builtin.secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'dep-secret', namespace: ns, ownerReferences: [refTo(owner)] } });
  await client.delete(builtin.configMaps, 'owner', { namespace: ns });
  await gone(builtin.configMaps, 'dep', ns);
  await gone(builtin.secrets, 'dep-secret', ns);
});

test('foreground: the owner waits for dependents that block it', async () => {
  const ns = await namespace('gc-foreground');
  const owner = await configMap(ns, 'owner');
  await configMap(ns, 'blocker', { ownerReferences: [refTo(owner, { blockOwnerDeletion: true })], finalizers: ['test.berth.dev/hold'] });
  await configMap(ns, 'plain', { ownerReferences: [refTo(owner)] });
  await client.delete(builtin.configMaps, 'owner', { namespace: ns, propagationPolicy: 'Foreground' });

  const blocker = await eventually('the blocking dependent to be deleted', async () => {
    const b = await exists(builtin.configMaps, 'blocker', ns);
    return b?.metadata.deletionTimestamp ? b : undefined;
  });
  await gone(builtin.configMaps, 'plain', ns);
  await new Promise((r) => setTimeout(r, 300));
  const waiting = await exists(builtin.configMaps, 'owner', ns);
  assert.ok(waiting?.metadata.deletionTimestamp, 'the owner is still there while a dependent blocks it');
  assert.deepEqual(waiting.metadata.finalizers, ['foregroundDeletion']);

  await client.patch(builtin.configMaps, 'blocker', { metadata: { finalizers: null, resourceVersion: blocker.metadata.resourceVersion } }, 'merge', { namespace: ns });
  await gone(builtin.configMaps, 'blocker', ns);
  await gone(builtin.configMaps, 'owner', ns);
});

test('orphan: dependents stay and lose the reference to the deleted owner', async () => {
  const ns = await namespace('gc-orphan');
  const owner = await configMap(ns, 'owner');
  const other = await configMap(ns, 'other-owner');
  await configMap(ns, 'dep', { ownerReferences: [refTo(owner), refTo(other)] });
  await configMap(ns, 'dep2', { ownerReferences: [refTo(owner, { controller: true })] });
  await client.delete(builtin.configMaps, 'owner', { namespace: ns, propagationPolicy: 'Orphan' });
  await gone(builtin.configMaps, 'owner', ns);
  const dep = await exists(builtin.configMaps, 'dep', ns);
  assert.deepEqual(dep?.metadata.ownerReferences?.map((r) => r.name), ['other-owner']);
  const dep2 = await exists(builtin.configMaps, 'dep2', ns);
  assert.ok(dep2, 'an orphaned dependent is not deleted');
  assert.equal(dep2.metadata.ownerReferences, undefined);
});

test('dangling owners: all gone deletes the dependent, some gone drops those references', async () => {
  const ns = await namespace('gc-dangling');
  const live = await configMap(ns, 'live');
  const ghost: OwnerReference = { apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost', uid: '00000000-0000-0000-0000-00000000dead' };
  // Same name as a live object, another uid: still dangling.
  const impostor: OwnerReference = { ...refTo(live), uid: '00000000-0000-0000-0000-00000000beef' };
  await configMap(ns, 'all-dangling', { ownerReferences: [ghost, impostor] });
  await configMap(ns, 'partly', { ownerReferences: [ghost, refTo(live)] });
  await gone(builtin.configMaps, 'all-dangling', ns);
  const partly = await eventually('the dangling reference to be dropped', async () => {
    const p = await exists(builtin.configMaps, 'partly', ns);
    return p?.metadata.ownerReferences?.length === 1 ? p : undefined;
  });
  assert.equal(partly.metadata.ownerReferences![0].uid, live.metadata.uid);
});

test('custom resources are collected: a Widget owned by a ConfigMap', async () => {
  const ns = await namespace('gc-crd');
  const owner = await configMap(ns, 'owner');
  await client.create(widgets, { apiVersion: 'gc.example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: ns, ownerReferences: [refTo(owner)] }, spec: { size: 1 } });
  // And the other way round: a ConfigMap owned by a Widget.
  const w2 = await client.create(widgets, { apiVersion: 'gc.example.com/v1', kind: 'Widget', metadata: { name: 'w2', namespace: ns } });
  await configMap(ns, 'owned-by-widget', { ownerReferences: [refTo(w2)] });
  await client.delete(builtin.configMaps, 'owner', { namespace: ns });
  await client.delete(widgets, 'w2', { namespace: ns });
  await gone(widgets, 'w', ns);
  await gone(builtin.configMaps, 'owned-by-widget', ns);
});

test('namespace deletion removes all content, waits for finalizers, then the namespace goes', async () => {
  const ns = await namespace('ns-delete');
  await configMap(ns, 'plain');
  await configMap(ns, 'held', { finalizers: ['test.berth.dev/hold'] });
  await client.create(builtin.secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: ns } });
  await client.create(builtin.serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa', namespace: ns } });
  await client.create(widgets, { apiVersion: 'gc.example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: ns } });
  await client.delete(builtin.namespaces, ns);

  await gone(builtin.configMaps, 'plain', ns);
  await gone(builtin.secrets, 's', ns);
  await gone(builtin.serviceAccounts, 'sa', ns);
  await gone(widgets, 'w', ns);
  const terminating = await eventually('the namespace to report the finalizer it waits for', async () => {
    const n = await exists(builtin.namespaces, ns);
    const conds = (n?.status as { conditions?: { type: string; status: string; message: string }[] } | undefined)?.conditions ?? [];
    const fin = conds.find((c) => c.type === 'NamespaceFinalizersRemaining');
    return fin?.status === 'True' ? { n, conds } : undefined;
  });
  assert.equal((terminating.n!.status as { phase?: string }).phase, 'Terminating');
  assert.equal(terminating.conds.find((c) => c.type === 'NamespaceFinalizersRemaining')!.message, 'Some finalizers are remaining: test.berth.dev/hold in 1 resource instances');
  assert.equal(terminating.conds.find((c) => c.type === 'NamespaceContentRemaining')!.message, 'Some resources are remaining: configmaps. has 1 resource instances');
  const held = await exists(builtin.configMaps, 'held', ns);
  assert.ok(held?.metadata.deletionTimestamp, 'the held object is being deleted');

  await client.patch(builtin.configMaps, 'held', { metadata: { finalizers: null } }, 'merge', { namespace: ns });
  await gone(builtin.namespaces, ns);
});

test('an empty namespace goes at once', async () => {
  const ns = await namespace('ns-empty');
  const started = Date.now();
  await client.delete(builtin.namespaces, ns);
  await gone(builtin.namespaces, ns);
  assert.ok(Date.now() - started < 5000);
});

test('the metadata client sees PartialObjectMetadata only; discovery finds CRD-served kinds', async () => {
  await configMap('default', 'meta-probe');
  const meta = new MetadataClient(client, 'gc-test');
  const list = await meta.list(builtin.configMaps, 'default');
  const item = list.items.find((o) => o.metadata.name === 'meta-probe');
  assert.equal(item?.kind, 'PartialObjectMetadata');
  assert.equal((item as { data?: unknown }).data, undefined);
  const one = await meta.get(builtin.configMaps, 'meta-probe', 'default');
  assert.deepEqual([one.kind, one.apiVersion, (one as { data?: unknown }).data], ['PartialObjectMetadata', 'meta.k8s.io/v1', undefined]);

  const found = await discoverResources(client);
  assert.equal(found.forKind('gc.example.com/v1', 'Widget')?.resource, 'widgets');
  assert.equal(found.forKind('apps/v1beta1', 'Deployment')?.version, 'v1', 'another version of a known group resolves to a served one');
  assert.ok(found.supporting('list', 'watch', 'delete').some((r) => r.group === '' && r.resource === 'pods'));
  assert.ok(!found.preferred.some((r) => r.resource.includes('/')), 'subresources are not resources');
});
