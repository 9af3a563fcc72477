// Reads at an earlier revision (etcd's range read at a revision): after a random history of creates, updates and
// deletes, every retained revision reads back exactly the state recorded when it was current, whole and in pages;
// a compacted revision is Expired; the same holds after a restart, when the window is read back from disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StorageError } from '../../../src/storage/interface.js';
import type { SqliteStore } from '../../../src/storage/sqlite.js';
import { pod, tempStore } from './fixtures/temp-store.js';

const PREFIX = '/registry/core/pods/snap/';
const OTHER = '/registry/core/pods/other/';

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

async function randomHistory(store: SqliteStore, steps: number, seed: number): Promise<Map<number, State>> {
  const rand = rng(seed);
  const states = new Map<number, State>();
  const live: State = new Map();
  states.set(store.currentRevision(), new Map(live));
  for (let i = 0; i < steps; i++) {
    const prefix = rand() < 0.2 ? OTHER : PREFIX;
    const key = `${prefix}p-${Math.floor(rand() * 12)}`;
    const exists = (await store.get(key)) !== undefined;
    const op = !exists ? 'create' : rand() < 0.6 ? 'update' : 'delete';
    const obj = pod(key.slice(prefix.length));
    if (op === 'create') await store.create(key, obj);
    else if (op === 'update') await store.update(key, { ...obj, spec: { step: i } });
    else await store.delete(key);
    if (prefix === PREFIX) {
      if (op === 'delete') live.delete(key);
      else live.set(key, String(store.currentRevision()));
    }
    states.set(store.currentRevision(), new Map(live));
  }
  return states;
}

async function readAll(store: SqliteStore, revision: number, limit: number): Promise<{ state: State; remaining: number[] }> {
  const state: State = new Map();
  const remaining: number[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.list(PREFIX, { revision, limit, continueAfter: after });
    assert.equal(page.revision, Math.min(revision, store.currentRevision()));
    for (const item of page.items) {
      assert.equal(item.value.metadata.resourceVersion, String(item.modRevision));
      state.set(item.key, item.value.metadata.resourceVersion!);
    }
    if (!page.continueAfter) return { state, remaining };
    remaining.push(page.remaining!);
    after = page.continueAfter;
  }
}

async function checkEveryRevision(store: SqliteStore, states: Map<number, State>) {
  for (const [revision, want] of states) {
    if (revision < store.compactedRevision()) continue;
    for (const limit of [0, 1, 3]) {
      const { state, remaining } = await readAll(store, revision, limit);
      assert.deepEqual([...state].sort(), [...want].sort(), `revision ${revision}, limit ${limit}`);
      // remaining counts what the next pages hold, as of the snapshot
      remaining.forEach((r, i) => assert.equal(r, want.size - (i + 1) * limit, `remaining after page ${i + 1} at ${revision}`));
    }
  }
}

test('every retained revision reads back its own state, whole and in pages, also after a restart', async (t) => {
  const { store, reopen } = tempStore(t, { historyLimit: 400 });
  const states = await randomHistory(store, 160, 7);
  await checkEveryRevision(store, states);
  const again = await reopen(store);
  await checkEveryRevision(again, states);
});

test('a compacted revision is Expired; the current one and later read the current state', async (t) => {
  const { store } = tempStore(t, { historyLimit: 30 });
  const states = await randomHistory(store, 80, 11);
  const compacted = store.compactedRevision();
  assert.ok(compacted > 2);
  await assert.rejects(store.list(PREFIX, { revision: compacted - 1 }), (e: unknown) => e instanceof StorageError && e.code === 'Expired');
  const oldest = await store.list(PREFIX, { revision: compacted });
  assert.deepEqual(oldest.items.map((i) => [i.key, i.value.metadata.resourceVersion]).sort(), [...states.get(compacted)!].sort());
  const current = await store.list(PREFIX, { revision: store.currentRevision() + 5 });
  assert.equal(current.revision, store.currentRevision());
});
