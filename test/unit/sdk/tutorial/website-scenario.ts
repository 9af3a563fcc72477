// Tutorial step 4 (docs/sdk.md): what the operator's tests check, shared by the node:test and vitest versions.
import assert from 'node:assert/strict';
import { builtin, isConditionTrue, type KubeClient, type KubeObject } from '../../../../src/sdk/index.js';
import { pageName } from './website-controller.js';
import { Website } from './website-kind.js';

/** Polls until `fn` returns something truthy (a test's "eventually"). */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const page = (client: KubeClient, ns: string, site: string) =>
  client.get(builtin.configMaps, pageName({ metadata: { name: site } }), { namespace: ns });

export async function publishesAndUpdatesThePage(client: KubeClient, ns = 'default'): Promise<void> {
  await client.create(Website.resource, Website.create({ name: 'hello', namespace: ns }, { message: 'Hello, Berth', theme: 'dark' }));
  const cm = await eventually(() => page(client, ns, 'hello'));
  assert.match((cm.data as Record<string, string>)['index.html'], /Hello, Berth/);
  assert.equal(cm.metadata.ownerReferences?.[0].kind, 'Website');

  const ready = await eventually(async () => {
    const site = await client.get<Website>(Website.resource, 'hello', { namespace: ns });
    return isConditionTrue(site.status?.conditions as never, 'Ready') && site;
  });
  assert.deepEqual(ready.metadata.finalizers, ['tutorial.berth.dev/unpublish']);

  await client.patch(Website.resource, 'hello', { spec: { message: 'Updated' } }, 'merge', { namespace: ns });
  await eventually(async () => /Updated/.test(((await page(client, ns, 'hello')).data as Record<string, string>)['index.html']));
}

export async function recreatesADeletedPage(client: KubeClient, ns = 'default'): Promise<void> {
  await client.create(Website.resource, Website.create({ name: 'again', namespace: ns }, { message: 'x', theme: 'light' }));
  const first = await eventually(() => page(client, ns, 'again'));
  await client.delete(builtin.configMaps, first.metadata.name!, { namespace: ns });
  await eventually(async () => (await page(client, ns, 'again')).metadata.uid !== first.metadata.uid);
}

export async function cleansUpOnDelete(client: KubeClient, ns = 'default'): Promise<void> {
  await client.create(Website.resource, Website.create({ name: 'bye', namespace: ns }, { message: 'x', theme: 'light' }));
  await eventually(() => page(client, ns, 'bye'));
  await client.delete(Website.resource, 'bye', { namespace: ns });
  await eventually(async () => {
    const gone = await client.get<KubeObject>(Website.resource, 'bye', { namespace: ns }).then(() => false, () => true);
    const pageGone = await page(client, ns, 'bye').then(() => false, () => true);
    return gone && pageGone;
  });
}
