import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../../src/apimachinery/errors.js';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { GenericStore, RequestContext } from '../../../src/registry/generic-store.js';
import { ResourceRegistry } from '../../../src/registry/registry.js';
import { DEFAULT_VERBS, ResourceDef } from '../../../src/registry/types.js';
import { openSqliteStore } from '../../../src/storage/sqlite.js';

const widgets: ResourceDef = {
  group: 'example.com', version: 'v1', kind: 'Widget', listKind: 'WidgetList', resource: 'widgets', singular: 'widget',
  namespaced: true, shortNames: [], categories: [], verbs: DEFAULT_VERBS, subresources: { status: true }, tracksGeneration: true,
  strategy: {},
};

const ctx = (): RequestContext => ({ user: { username: 'u', groups: [] }, dryRun: false, fieldManager: 'test', warnings: [] });

function setup() {
  const store = openSqliteStore({ path: ':memory:' });
  const registry = new ResourceRegistry();
  registry.add(widgets);
  return { store, objects: new GenericStore({ store, registry }) };
}

const widget = (name: string, extra: Partial<KubeObject> = {}): KubeObject => ({ metadata: { name }, spec: { size: 1 }, ...extra });

test('create fills system fields, generateName, and rejects duplicates with AlreadyExists', async () => {
  const { objects } = setup();
  const w = await objects.create(widgets, 'ns', widget('a'), ctx());
  assert.equal(w.apiVersion, 'example.com/v1');
  assert.equal(w.metadata.namespace, 'ns');
  assert.equal(w.metadata.generation, 1);
  assert.match(w.metadata.uid!, /^[0-9a-f-]{36}$/);
  assert.match(w.metadata.creationTimestamp!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const g = await objects.create(widgets, 'ns', { metadata: { generateName: 'gen-' } }, ctx());
  assert.match(g.metadata.name!, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  await assert.rejects(objects.create(widgets, 'ns', widget('a'), ctx()), (e: ApiError) => e.code === 409 && e.message === 'widgets.example.com "a" already exists');
});

test('update: stale resourceVersion conflicts, spec changes bump generation, status is separate', async () => {
  const { objects } = setup();
  const w = await objects.create(widgets, 'ns', widget('a', { status: { ready: false } }), ctx());
  const stale = { ...w, spec: { size: 2 }, metadata: { ...w.metadata, resourceVersion: '1' } };
  await assert.rejects(objects.update(widgets, 'ns', 'a', stale, ctx()), (e: ApiError) =>
    e.code === 409 && e.message === 'Operation cannot be fulfilled on widgets.example.com "a": the object has been modified; please apply your changes to the latest version and try again');
  const u = await objects.update(widgets, 'ns', 'a', { ...w, spec: { size: 2 }, status: { ready: true } }, ctx());
  assert.equal(u.metadata.generation, 2);
  assert.deepEqual(u.status, { ready: false }, 'main resource update keeps the stored status');
  const s = await objects.update(widgets, 'ns', 'a', { ...u, spec: { size: 9 }, status: { ready: true } }, ctx(), 'status');
  assert.deepEqual(s.spec, { size: 2 }, 'status update keeps the stored spec');
  assert.deepEqual(s.status, { ready: true });
  assert.equal(s.metadata.generation, 2);
  const same = await objects.update(widgets, 'ns', 'a', s, ctx());
  assert.equal(same.metadata.resourceVersion, s.metadata.resourceVersion, 'a no-op update writes nothing');
});

test('delete with finalizers waits; removing the last finalizer completes it; orphan policy adds a finalizer', async () => {
  const { objects } = setup();
  await objects.create(widgets, 'ns', widget('f', { metadata: { name: 'f', finalizers: ['example.com/hold'] } }), ctx());
  const res = await objects.delete(widgets, 'ns', 'f', {}, ctx());
  assert.equal(res.deleted, false);
  assert.ok(res.object.metadata.deletionTimestamp);
  const cur = await objects.get(widgets, 'ns', 'f');
  await objects.update(widgets, 'ns', 'f', { ...cur, metadata: { ...cur.metadata, finalizers: [] } }, ctx());
  await assert.rejects(objects.get(widgets, 'ns', 'f'), (e: ApiError) => e.code === 404);

  await objects.create(widgets, 'ns', widget('o'), ctx());
  const orphan = await objects.delete(widgets, 'ns', 'o', { propagationPolicy: 'Orphan' }, ctx());
  assert.deepEqual(orphan.object.metadata.finalizers, ['orphan']);
  assert.equal(orphan.deleted, false);

  await objects.create(widgets, 'ns', widget('p'), ctx());
  await assert.rejects(objects.delete(widgets, 'ns', 'p', { preconditions: { uid: 'nope' } }, ctx()), (e: ApiError) => e.code === 409 && /Precondition failed: UID in precondition: nope/.test(e.message));
  assert.equal((await objects.delete(widgets, 'ns', 'p', {}, ctx())).deleted, true);
});

test('dry run writes nothing', async () => {
  const { objects } = setup();
  await objects.create(widgets, 'ns', widget('d'), { ...ctx(), dryRun: true });
  await assert.rejects(objects.get(widgets, 'ns', 'd'), (e: ApiError) => e.code === 404);
});

test('list pages with limit/continue and watch reports selector transitions', async () => {
  const { objects } = setup();
  for (const n of ['a', 'b', 'c', 'd', 'e']) await objects.create(widgets, 'ns', widget(n), ctx());
  const p1 = await objects.list(widgets, 'ns', { limit: 2 });
  assert.deepEqual(p1.items.map((i) => i.metadata.name), ['a', 'b']);
  assert.equal(p1.remainingItemCount, 3);
  const p2 = await objects.list(widgets, 'ns', { limit: 2, continue: p1.continue });
  assert.deepEqual(p2.items.map((i) => i.metadata.name), ['c', 'd']);
  const p3 = await objects.list(widgets, 'ns', { limit: 2, continue: p2.continue });
  assert.deepEqual(p3.items.map((i) => i.metadata.name), ['e']);
  assert.equal(p3.continue, undefined);

  const seen: string[] = [];
  const selector = { matches: (o: KubeObject) => o.metadata.labels?.x === 'y' };
  const w = await objects.watch(widgets, 'ns', { resourceVersion: p1.resourceVersion, selector }, (type, o) => seen.push(`${type} ${o.metadata.name}`));
  const a = await objects.get(widgets, 'ns', 'a');
  const la = await objects.update(widgets, 'ns', 'a', { ...a, metadata: { ...a.metadata, labels: { x: 'y' } } }, ctx());
  await objects.update(widgets, 'ns', 'a', { ...la, metadata: { ...la.metadata, labels: { x: 'z' } } }, ctx());
  w.stop();
  assert.deepEqual(seen, ['ADDED a', 'DELETED a']);
});

test('a kind served from another kind\'s storage is converted both ways (events.k8s.io/v1 ↔ core/v1 Event)', async () => {
  const { eventsResources } = await import('../../../src/registry/events/index.js');
  const store = openSqliteStore({ path: ':memory:' });
  const registry = new ResourceRegistry();
  const [ev] = eventsResources();
  registry.add(ev);
  const objects = new GenericStore({ store, registry });
  const created = await objects.create(ev, 'ns', {
    apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e1' }, eventTime: '2026-11-22T10:00:00.000000Z',
    note: 'hello', reason: 'Tested', type: 'Normal', action: 'Testing', reportingController: 'berth.dev/test', reportingInstance: 'i1',
    regarding: { kind: 'Pod', name: 'p', namespace: 'ns' },
  }, ctx());
  assert.equal(created.note, 'hello');
  const stored = (await store.get('/registry/events/ns/e1'))!.value;
  assert.equal(stored.apiVersion, 'v1');
  assert.equal(stored.message, 'hello');
  assert.deepEqual(stored.involvedObject, { kind: 'Pod', name: 'p', namespace: 'ns' });
  assert.equal(stored.reportingComponent, 'berth.dev/test');
  const listed = await objects.list(ev, 'ns');
  assert.equal(listed.items[0].apiVersion, 'events.k8s.io/v1');
  assert.equal(listed.items[0].note, 'hello');
  // The texts of a converted kind are its served form, not the stored one.
  const texts = await objects.listTexts(ev, 'ns');
  assert.deepEqual(texts.items, listed.items.map((o) => JSON.stringify(o)));
});

test('listTexts: the stored texts, exactly what the listed objects serialise to, also with a selector, pages and a snapshot', async () => {
  const { objects } = setup();
  for (let i = 0; i < 7; i++) await objects.create(widgets, 'ns', widget(`w${i}`, { metadata: { name: `w${i}`, labels: { odd: String(i % 2) } } }), ctx());
  const all = await objects.list(widgets, 'ns');
  const texts = await objects.listTexts(widgets, 'ns');
  assert.deepEqual(texts.items, all.items.map((o) => JSON.stringify(o)));
  assert.equal(texts.resourceVersion, all.resourceVersion);
  const selector = { matches: (o: KubeObject) => o.metadata.labels?.odd === '1' };
  assert.deepEqual((await objects.listTexts(widgets, 'ns', { selector })).items, (await objects.list(widgets, 'ns', { selector })).items.map((o) => JSON.stringify(o)));
  const page = await objects.listTexts(widgets, 'ns', { limit: 3 });
  assert.equal(page.items.length, 3);
  await objects.update(widgets, 'ns', 'w5', { ...all.items[5]!, spec: { size: 9 } }, ctx());
  const rest = await objects.listTexts(widgets, 'ns', { limit: 10, continue: page.continue });
  assert.deepEqual([...page.items, ...rest.items], texts.items, 'pages after a write still read the first page\'s snapshot');
});

test('listJoined: the texts joined, from the store\'s join at the current state, from the texts otherwise', async () => {
  const { objects } = setup();
  assert.equal(Buffer.concat((await objects.listJoined(widgets, 'ns')).items).length, 0);
  for (let i = 0; i < 7; i++) await objects.create(widgets, 'ns', widget(`w${i}`, { metadata: { name: `w${i}`, labels: { odd: String(i % 2) } } }), ctx());
  const joined = async (opts: Parameters<GenericStore['listJoined']>[2] = {}) => {
    const r = await objects.listJoined(widgets, 'ns', opts);
    return { ...r, items: Buffer.concat(r.items).toString('utf8') };
  };
  const texts = (await objects.listTexts(widgets, 'ns')).items;
  const all = await joined();
  assert.equal(all.items, texts.join(','));
  assert.equal(all.count, 7);
  assert.deepEqual(JSON.parse(`[${all.items}]`), (await objects.list(widgets, 'ns')).items);
  const selector = { matches: (o: KubeObject) => o.metadata.labels?.odd === '1' };
  assert.equal((await joined({ selector })).items, (await objects.listTexts(widgets, 'ns', { selector })).items.join(','));
  const first = await joined({ limit: 3 });
  assert.equal(first.items, texts.slice(0, 3).join(','));
  assert.equal(first.remainingItemCount, 4);
  const second = await joined({ limit: 3, continue: first.continue });
  assert.equal(second.items, texts.slice(3, 6).join(','));
  await objects.update(widgets, 'ns', 'w6', { ...(await objects.get(widgets, 'ns', 'w6')), spec: { size: 9 } }, ctx());
  const last = await joined({ limit: 3, continue: second.continue });
  assert.equal(last.items, texts[6], 'a page after a write reads the first page\'s snapshot');
  assert.equal(last.continue, undefined);
});

test('update without resourceVersion: unconditional where the kind allows it, upstream\'s 422 where it does not', async () => {
  const { objects } = setup();
  await objects.create(widgets, 'ns', widget('u'), ctx());
  const body = { metadata: { name: 'u' }, spec: { size: 5 } };
  await assert.rejects(objects.update(widgets, 'ns', 'u', structuredClone(body), ctx()), (e: ApiError) =>
    e.code === 422 && e.message === 'widgets.example.com "u" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update'
    && e.details?.kind === 'widgets' && e.details?.causes?.[0]?.field === 'metadata.resourceVersion');
  const allowing: ResourceDef = { ...widgets, unconditionalUpdate: true };
  const before = await objects.get(allowing, 'ns', 'u');
  const u = await objects.update(allowing, 'ns', 'u', structuredClone(body), ctx());
  assert.deepEqual(u.spec, { size: 5 });
  assert.equal(u.metadata.uid, before.metadata.uid);
  assert.ok(Number(u.metadata.resourceVersion) > Number(before.metadata.resourceVersion));
  await assert.rejects(objects.update(allowing, 'ns', 'missing', { metadata: { name: 'missing' } }, ctx()), (e: ApiError) => e.code === 404);
  // Unconditional updates racing each other all land (each is retried on a storage conflict, never answered 409).
  const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => objects.update(allowing, 'ns', 'u', { metadata: { name: 'u' }, spec: { size: n } }, ctx())));
  assert.equal(new Set(results.map((r) => r.metadata.resourceVersion)).size, 6);
});
