// The Store contract, once, for every implementation (SQLite, etcd, the watch cache in front of etcd): each test
// file calls storeConformance() with a way to open a fresh, empty store. Revisions are asserted relative to where
// a store starts (etcd's revision is global to the cluster), and live events are awaited (etcd delivers them after
// the write resolves; SQLite's synchronous delivery is asserted in its own tests).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/apimachinery/types.js';
import { guaranteedUpdate, keyFor } from '../../../../src/storage/helpers.js';
import { StorageError, type Store, type StoreEvent } from '../../../../src/storage/interface.js';

export interface OpenedStore {
  store: Store;
  /** Closes `current` and opens a store on the same data again (a server restart). */
  reopen(current: Store): Promise<Store>;
}

export interface Implementation {
  name: string;
  /** A fresh, empty store for one test; closed by the implementation after the test. */
  open(t: TestContext): Promise<OpenedStore>;
  /** Why the suite cannot run here (e.g. no etcd binary); the tests skip with this message. */
  unavailable?: string;
  /** A store that watches from its own memory starts its window when it opens (upstream's cacher), not earlier. */
  windowStartsAtOpen?: boolean;
}

const key = (ns: string, name: string) => keyFor('', 'pods', ns, name);
const PODS = '/registry/pods/';
const brief = (ev: StoreEvent) => `${ev.type} ${ev.object.metadata.namespace}/${ev.object.metadata.name}@${ev.revision}`;

export function pod(name: string, namespace = 'default', extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: { containers: [{ name: 'c', image: 'nginx' }] }, ...extra };
}

/** Polls `cond` (at most ~5 s): events and revisions of stores over a network arrive after the write resolves. */
export async function eventually(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** Waits until the store has caught up with `revision` (a watch cache learns of writes through its watch). */
export const caughtUp = (store: Store, revision: number) => eventually(() => store.currentRevision() >= revision, `revision ${revision}`);

async function rejectsWith(p: Promise<unknown>, code: StorageError['code']): Promise<StorageError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof StorageError, `expected StorageError, got ${String(err)}`);
    assert.equal(err.code, code);
    return err;
  }
  assert.fail(`expected ${code}`);
}

function expectExpired(fn: () => unknown): void {
  assert.throws(fn, (err: unknown) => err instanceof StorageError && err.code === 'Expired' && /^too old resource version: \d+ \(\d+\)$/.test(err.message));
}

export function storeConformance(impl: Implementation): void {
  const it = (name: string, fn: (t: TestContext, opened: OpenedStore) => Promise<void>) =>
    test(`${impl.name}: ${name}`, { skip: impl.unavailable }, async (t) => fn(t, await impl.open(t)));

  // ---- create, get, update, delete ----------------------------------------------------------------------------

  it('create, get, update and delete stamp revisions and keep the input untouched', async (_t, { store }) => {
    const input = pod('web-0');
    const created = await store.create(key('default', 'web-0'), input);
    assert.equal(input.metadata.resourceVersion, undefined, 'caller object must not be modified');
    assert.equal(created.modRevision, created.createRevision);
    assert.equal(created.value.metadata.resourceVersion, String(created.modRevision));
    await caughtUp(store, created.modRevision);

    const got = await store.get(key('default', 'web-0'));
    assert.deepEqual(got, { ...created, ...(got?.text === undefined ? {} : { text: got.text }) });
    got!.value.metadata.name = 'mutated';
    assert.equal((await store.get(key('default', 'web-0')))!.value.metadata.name, 'web-0', 'get returns a private copy');

    const updated = await store.update(key('default', 'web-0'), { ...input, spec: { nodeName: 'n1' } }, created.modRevision);
    assert.equal(updated.createRevision, created.createRevision);
    assert.equal(updated.modRevision, created.modRevision + 1);
    assert.equal(updated.value.metadata.resourceVersion, String(updated.modRevision));
    assert.deepEqual((await store.get(key('default', 'web-0')))!.value.spec, { nodeName: 'n1' });

    const deleted = await store.delete(key('default', 'web-0'), updated.modRevision);
    assert.equal(deleted.modRevision, updated.modRevision + 1);
    assert.equal(deleted.createRevision, created.createRevision);
    assert.equal(deleted.value.metadata.resourceVersion, String(deleted.modRevision), 'deleted object carries the deletion revision');
    assert.deepEqual(deleted.value.spec, { nodeName: 'n1' });
    assert.equal(await store.get(key('default', 'web-0')), undefined);
    await caughtUp(store, deleted.modRevision);
  });

  it('create on an existing key, and update/delete of a missing key, fail without taking a revision', async (_t, { store }) => {
    const a = await store.create(key('default', 'a'), pod('a'));
    await rejectsWith(store.create(key('default', 'a'), pod('a')), 'KeyExists');
    await rejectsWith(store.update(key('default', 'missing'), pod('missing')), 'KeyNotFound');
    await rejectsWith(store.delete(key('default', 'missing')), 'KeyNotFound');
    await rejectsWith(store.update(key('default', 'missing'), pod('missing'), a.modRevision), 'KeyNotFound');
    assert.equal((await store.create(key('default', 'b'), pod('b'))).modRevision, a.modRevision + 1, 'failed writes left nothing behind');
  });

  it('compare-and-swap: a stale expected revision is a Conflict carrying the current object', async (_t, { store }) => {
    const v1 = await store.create(key('default', 'a'), pod('a'));
    const v2 = await store.update(key('default', 'a'), pod('a', 'default', { spec: { x: 2 } }), v1.modRevision);
    const conflict = await rejectsWith(store.update(key('default', 'a'), pod('a', 'default', { spec: { x: 3 } }), v1.modRevision), 'Conflict');
    assert.deepEqual(conflict.current?.value, v2.value);
    assert.equal(conflict.current?.modRevision, v2.modRevision);
    const delConflict = await rejectsWith(store.delete(key('default', 'a'), v1.modRevision), 'Conflict');
    assert.equal(delConflict.current!.modRevision, v2.modRevision);
    assert.deepEqual((await store.get(key('default', 'a')))!.value.spec, { x: 2 });
    // Unconditional writes ignore the revision.
    await store.update(key('default', 'a'), pod('a'));
    await store.delete(key('default', 'a'));
  });

  it('the revision never goes backwards across a restart, even when the newest writes were deletes', async (_t, { store, reopen }) => {
    for (let i = 0; i < 5; i++) await store.create(key('default', `p${i}`), pod(`p${i}`));
    let last = 0;
    for (let i = 0; i < 5; i++) last = (await store.delete(key('default', `p${i}`))).modRevision;
    await caughtUp(store, last);
    const again = await reopen(store);
    assert.ok(again.currentRevision() >= last, `${again.currentRevision()} >= ${last}`);
    assert.equal((await again.list('/registry/')).items.length, 0);
    assert.equal((await again.create(key('default', 'p0'), pod('p0'))).createRevision, last + 1);
  });

  // ---- lists --------------------------------------------------------------------------------------------------

  it('lists are prefix range scans: all namespaces, one namespace, no bleeding into similar names', async (_t, { store }) => {
    for (const [ns, name] of [['default', 'a'], ['default', 'b'], ['default-2', 'a'], ['kube-system', 'dns'], ['default', 'c']]) {
      await store.create(key(ns!, name!), pod(name!, ns));
    }
    await store.create(keyFor('', 'namespaces', undefined, 'default'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    await store.create(keyFor('', 'podtemplates', 'default', 'a'), { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 'a' } });
    const last = await store.create(keyFor('apps', 'statefulsets', 'default', 'web'), { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web' } });

    const keys = async (prefix: string) => (await store.list(prefix)).items.map((i) => i.key);
    // Byte order of whole keys, as etcd: '-' sorts before '/'.
    assert.deepEqual(await keys(PODS), [key('default-2', 'a'), key('default', 'a'), key('default', 'b'), key('default', 'c'), key('kube-system', 'dns')]);
    assert.deepEqual(await keys('/registry/pods/default/'), [key('default', 'a'), key('default', 'b'), key('default', 'c')]);
    assert.deepEqual(await keys('/registry/pods/default-2/'), [key('default-2', 'a')]);
    assert.deepEqual(await keys('/registry/namespaces/'), ['/registry/namespaces/default']);
    assert.deepEqual(await keys('/registry/statefulsets/'), ['/registry/statefulsets/default/web']);
    assert.equal((await store.list('')).items.length, 8);

    const listed = await store.list('/registry/pods/default/');
    assert.ok(listed.revision >= last.modRevision, 'a list reads the state after every acknowledged write');
    assert.equal(listed.continueAfter, undefined);
    assert.equal(listed.remaining, undefined);
    assert.equal(listed.items[0]!.value.metadata.resourceVersion, String(listed.items[0]!.modRevision));
  });

  it('list paging with limit, continueAfter and remaining walks every key exactly once', async (_t, { store }) => {
    const names = Array.from({ length: 23 }, (_, i) => `p${String(i).padStart(2, '0')}`);
    for (const n of names) await store.create(key('default', n), pod(n));
    await store.create(key('zzz', 'other'), pod('other', 'zzz'));

    const seen: string[] = [];
    let continueAfter: string | undefined;
    const remainings: (number | undefined)[] = [];
    do {
      const page = await store.list('/registry/pods/default/', { limit: 5, continueAfter });
      assert.ok(page.items.length <= 5);
      seen.push(...page.items.map((i) => i.value.metadata.name!));
      remainings.push(page.remaining);
      continueAfter = page.continueAfter;
      if (continueAfter) assert.equal(continueAfter, page.items.at(-1)!.key);
    } while (continueAfter);
    assert.deepEqual(seen, names);
    assert.deepEqual(remainings, [18, 13, 8, 3, undefined]);

    // An exact fit is complete: no continue token.
    assert.equal((await store.list('/registry/pods/default/', { limit: 23 })).continueAfter, undefined);
    // A continue key from before the prefix starts at the beginning; one past it gives nothing.
    assert.equal((await store.list('/registry/pods/default/', { limit: 1, continueAfter: '/a' })).items[0]!.key, key('default', 'p00'));
    assert.equal((await store.list('/registry/pods/default/', { continueAfter: '/registry/pods/default0' })).items.length, 0);
    // limit 0 means unlimited.
    assert.equal((await store.list(PODS, { limit: 0 })).items.length, 24);
  });

  it('every retained revision reads back its own state, whole and in pages (etcd\'s range read at a revision), also after a restart', async (_t, { store, reopen }) => {
    const states = await randomHistory(store, 120, 7);
    const current = Math.max(...states.keys());
    await caughtUp(store, current);
    const check = async (s: Store) => {
      for (const [revision, want] of states) {
        for (const limit of [0, 1, 3]) {
          const { state, remaining } = await readAll(s, revision, limit);
          assert.deepEqual([...state].sort(), [...want].sort(), `revision ${revision}, limit ${limit}`);
          remaining.forEach((r, i) => assert.equal(r, want.size - (i + 1) * limit, `remaining after page ${i + 1} at ${revision}`));
        }
      }
    };
    await check(store);
    await check(await reopen(store));
  });

  it('a compacted revision is Expired for lists and watches; the compacted revision itself is fine', async (_t, { store }) => {
    const first = await store.create(key('default', 'p0'), pod('p0'));
    let last = first;
    for (let i = 1; i < 10; i++) last = await store.create(key('default', `p${i}`), pod(`p${i}`));
    await caughtUp(store, last.modRevision);
    const cut = first.modRevision + 5;
    await store.compact(cut);
    assert.ok(store.compactedRevision() >= cut);
    await assert.rejects(store.list(PODS, { revision: cut - 1 }), (e: unknown) => e instanceof StorageError && e.code === 'Expired');
    expectExpired(() => store.watch(PODS, cut - 1, () => {}));
    const oldest = await store.list(PODS, { revision: cut });
    assert.equal(oldest.items.length, 6);
    const seen: number[] = [];
    const w = store.watch(PODS, cut, (ev) => seen.push(ev.revision));
    await eventually(() => seen.length === 4, 'the events after the compacted revision');
    assert.deepEqual(seen, [cut + 1, cut + 2, cut + 3, cut + 4]);
    w.stop();
    await store.compact(cut - 3); // going backwards is a no-op
    assert.ok(store.compactedRevision() >= cut);
    const later = await store.list(PODS, { revision: store.currentRevision() + 5 });
    assert.equal(later.items.length, 10, 'a revision past the current one reads the current state');
  });

  // ---- watches ------------------------------------------------------------------------------------------------

  it('live events arrive in order, filtered by prefix, with previous objects', async (_t, { store }) => {
    const all: StoreEvent[] = [];
    const onlyDefault: string[] = [];
    const w1 = store.watch(PODS, store.currentRevision(), (ev) => all.push(ev));
    const w2 = store.watch('/registry/pods/default/', store.currentRevision(), (ev) => onlyDefault.push(brief(ev)));

    const a = await store.create(key('default', 'a'), pod('a'));
    await store.create(key('default-2', 'a'), pod('a', 'default-2'));
    await store.create(keyFor('', 'podtemplates', 'default', 'x'), pod('x'));
    const a2 = await store.update(key('default', 'a'), pod('a', 'default', { spec: { v: 2 } }));
    const gone = await store.delete(key('default', 'a'));
    await eventually(() => all.length === 4 && onlyDefault.length === 3, 'four events');

    const r = a.modRevision;
    assert.deepEqual(all.map(brief), [`ADDED default/a@${r}`, `ADDED default-2/a@${r + 1}`, `MODIFIED default/a@${r + 3}`, `DELETED default/a@${r + 4}`]);
    assert.deepEqual(onlyDefault, [`ADDED default/a@${r}`, `MODIFIED default/a@${r + 3}`, `DELETED default/a@${r + 4}`]);

    const [added, , modified, deleted] = all;
    assert.equal(added!.prevObject, undefined);
    assert.equal(added!.object.metadata.resourceVersion, String(r));
    assert.equal(modified!.prevObject!.metadata.resourceVersion, String(a.modRevision));
    assert.deepEqual(modified!.object, a2.value);
    assert.equal(deleted!.object.metadata.resourceVersion, String(gone.modRevision), 'DELETED carries the deletion revision');
    assert.deepEqual(deleted!.object.spec, { v: 2 });
    assert.equal(deleted!.prevObject!.metadata.resourceVersion, String(a2.modRevision));
    w1.stop();
    w2.stop();
  });

  it('a watch replays history after fromRevision, then continues live without gaps or duplicates, and stops', async (_t, { store }) => {
    const first = await store.create(key('default', 'p0'), pod('p0'));
    let last = first;
    for (let i = 1; i < 5; i++) last = await store.create(key('default', `p${i}`), pod(`p${i}`));
    await caughtUp(store, last.modRevision);
    const seen: number[] = [];
    const w = store.watch(PODS, first.modRevision + 1, (ev) => seen.push(ev.revision));
    await eventually(() => seen.length === 3, 'the replay');
    assert.deepEqual(seen, [first.modRevision + 2, first.modRevision + 3, first.modRevision + 4]);
    await store.create(key('default', 'p5'), pod('p5'));
    await eventually(() => seen.length === 4, 'the live event');
    assert.equal(seen.at(-1), first.modRevision + 5);
    w.stop();
    const p6 = await store.create(key('default', 'p6'), pod('p6'));
    // A watch opened after it sees p6: by then the stopped one would have seen it too.
    const probe: number[] = [];
    const w2 = store.watch(PODS, p6.modRevision - 1, (ev) => probe.push(ev.revision));
    await eventually(() => probe.length === 1, 'p6');
    w2.stop();
    assert.equal(seen.length, 4, 'no events after stop');
  });

  it('a watch from a revision not reached yet delivers exactly the events after it', async (_t, { store }) => {
    const base = await store.create(key('default', 'base'), pod('base'));
    const seen: number[] = [];
    const w = store.watch(PODS, base.modRevision + 2, (ev) => seen.push(ev.revision));
    for (let i = 0; i < 4; i++) await store.create(key('default', `f${i}`), pod(`f${i}`));
    await eventually(() => seen.length === 2, 'two events');
    assert.deepEqual(seen, [base.modRevision + 3, base.modRevision + 4]);
    w.stop();
  });

  it('callbacks that write or start watches keep every watcher in order and free of duplicates', async (_t, { store }) => {
    const outer: string[] = [];
    const inner: string[] = [];
    let started = false;
    let echo: Promise<unknown> | undefined;
    const watchers = [store.watch(PODS, store.currentRevision(), (ev) => {
      outer.push(brief(ev));
      if (ev.type === 'ADDED' && ev.object.metadata.name === 'trigger') {
        // Written from inside a callback: must be delivered after the current event, to everyone.
        echo = store.create(key('default', 'echo'), pod('echo'));
        if (!started) {
          started = true;
          watchers.push(store.watch(PODS, ev.revision - 1, (e) => inner.push(brief(e))));
        }
      }
    })];
    const later: string[] = [];
    watchers.push(store.watch(PODS, store.currentRevision(), (ev) => later.push(brief(ev))));
    const trig = await store.create(key('default', 'trigger'), pod('trigger'));
    await eventually(() => echo !== undefined, 'the trigger event');
    await echo;
    await eventually(() => outer.length === 2 && later.length === 2 && inner.length === 2, 'both events everywhere');
    const r = trig.modRevision;
    assert.deepEqual(outer, [`ADDED default/trigger@${r}`, `ADDED default/echo@${r + 1}`]);
    assert.deepEqual(later, outer, 'a watcher registered after the writer sees the same order');
    assert.deepEqual(inner, outer, 'a watch started mid-dispatch sees each event once');
    for (const w of watchers) w.stop();
  });

  it('after a restart a client resumes its watch from a revision it saw before (a watch cache: 410, it starts at open)', async (_t, { store, reopen }) => {
    const seenBefore: number[] = [];
    store.watch(PODS, store.currentRevision(), (ev) => seenBefore.push(ev.revision));
    for (let i = 0; i < 6; i++) await store.create(key('default', `p${i}`), pod(`p${i}`));
    await store.update(key('default', 'p0'), pod('p0', 'default', { spec: { v: 2 } }));
    await eventually(() => seenBefore.length === 7, 'seven events');
    const bookmark = seenBefore[2]!;

    const again = await reopen(store);
    const resumed: StoreEvent[] = [];
    if (impl.windowStartsAtOpen) {
      // upstream's cacher: its window starts when it opens, so an older revision is 410 and the client re-lists
      assert.throws(() => again.watch(PODS, bookmark, (ev) => resumed.push(ev)), (e: unknown) => e instanceof StorageError && e.code === 'Expired');
      return;
    }
    again.watch(PODS, bookmark, (ev) => resumed.push(ev));
    await eventually(() => resumed.length === 4, 'the events after the bookmark');
    assert.deepEqual(resumed.map((e) => e.revision), seenBefore.slice(3));
    assert.equal(resumed.at(-1)!.type, 'MODIFIED');
    assert.equal(resumed.at(-1)!.prevObject!.metadata.name, 'p0');
    await again.delete(key('default', 'p1'));
    await eventually(() => resumed.length === 5, 'the deletion');
    assert.equal(resumed.at(-1)!.type, 'DELETED');
  });

  // ---- GuaranteedUpdate ---------------------------------------------------------------------------------------

  it('guaranteedUpdate retries on a conflicting concurrent write and applies the change to the newer object', async (_t, { store }) => {
    const k = key('default', 'a');
    await store.create(k, pod('a', 'default', { status: { restarts: 0 }, spec: {} }));
    let calls = 0;
    const result = await guaranteedUpdate(store, k, async (cur) => {
      calls++;
      if (calls === 1) await store.update(k, { ...cur.value, spec: { nodeName: 'n1' } }); // someone else writes between
      const status = cur.value.status as { restarts: number };
      return { ...cur.value, status: { restarts: status.restarts + 1 } };
    });
    assert.equal(calls, 2);
    assert.deepEqual(result.value.spec, { nodeName: 'n1' }, 'the concurrent write is kept');
    assert.deepEqual(result.value.status, { restarts: 1 });
  });

  it('guaranteedUpdate skips the write when nothing changed, and re-reads a stale cached object', async (_t, { store }) => {
    const k = key('default', 'a');
    const created = await store.create(k, pod('a'));
    const same = await guaranteedUpdate(store, k, (cur) => cur.value);
    assert.equal(same.modRevision, created.modRevision);
    const changed = await guaranteedUpdate(store, k, (cur) => {
      cur.value.metadata.labels = { app: 'web' };
      return cur.value;
    });
    assert.equal(changed.modRevision, created.modRevision + 1);
    const seen: unknown[] = [];
    const result = await guaranteedUpdate(store, k, (cur) => {
      seen.push(cur.value.metadata.labels);
      return cur.value;
    }, { current: created });
    assert.deepEqual(seen, [undefined, { app: 'web' }]);
    assert.equal(result.modRevision, changed.modRevision);
  });
}

// ---- random histories ---------------------------------------------------------------------------------------------

const SNAP = '/registry/pods/snap/';
const OTHER = '/registry/pods/other/';

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type State = Map<string, string>; // key -> resourceVersion

/** Random creates, updates and deletes; the state of SNAP after each, by revision. */
async function randomHistory(store: Store, steps: number, seed: number): Promise<Map<number, State>> {
  const rand = rng(seed);
  const states = new Map<number, State>();
  const live: State = new Map();
  const first = await store.create(`${OTHER}start`, pod('start', 'other'));
  states.set(first.modRevision, new Map(live));
  const exists = new Set<string>();
  for (let i = 0; i < steps; i++) {
    const prefix = rand() < 0.2 ? OTHER : SNAP;
    const k = `${prefix}p-${Math.floor(rand() * 12)}`;
    const op = !exists.has(k) ? 'create' : rand() < 0.6 ? 'update' : 'delete';
    const obj = pod(k.slice(prefix.length));
    const done = op === 'create' ? await store.create(k, obj) : op === 'update' ? await store.update(k, { ...obj, spec: { step: i } }) : await store.delete(k);
    if (op === 'delete') exists.delete(k);
    else exists.add(k);
    if (prefix === SNAP) {
      if (op === 'delete') live.delete(k);
      else live.set(k, String(done.modRevision));
    }
    states.set(done.modRevision, new Map(live));
  }
  return states;
}

async function readAll(store: Store, revision: number, limit: number): Promise<{ state: State; remaining: number[] }> {
  const state: State = new Map();
  const remaining: number[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.list(SNAP, { revision, limit, continueAfter: after });
    assert.equal(page.revision, revision);
    for (const item of page.items) {
      assert.equal(item.value.metadata.resourceVersion, String(item.modRevision));
      state.set(item.key, item.value.metadata.resourceVersion!);
    }
    if (!page.continueAfter) return { state, remaining };
    remaining.push(page.remaining!);
    after = page.continueAfter;
  }
}
