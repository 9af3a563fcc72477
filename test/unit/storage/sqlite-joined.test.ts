// joinedValues over more rows than one page: read a page at a time, yet one consistent state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pod, tempStore } from './fixtures/temp-store.js';

const key = (ns: string, name: string) => `/registry/pods/${ns}/${name}`;
const names = (chunks: Buffer[]) => (JSON.parse(`[${Buffer.concat(chunks).toString('utf8')}]`) as { metadata: { name: string } }[]).map((o) => o.metadata.name);

async function seed(store: Awaited<ReturnType<typeof tempStore>>['store'], ns: string, n: number) {
  await Promise.all(Array.from({ length: n }, (_, i) => store.create(key(ns, `p${String(i).padStart(5, '0')}`), pod(`p${String(i).padStart(5, '0')}`))));
}

test('a list of several pages joins every value once, in key order, with the limit and continuation as one read', async (t) => {
  const { store } = tempStore(t);
  await seed(store, 'big', 2500);
  await store.create(key('other', 'x'), pod('x'));
  const all = await store.joinedValues!('/registry/pods/big/');
  assert.equal(all.count, 2500);
  const listed = (await store.list('/registry/pods/big/')).items.map((o) => o.value.metadata.name);
  assert.deepEqual(names(all.chunks), listed);
  const first = await store.joinedValues!('/registry/pods/big/', { limit: 2200 });
  assert.equal(first.count, 2200);
  assert.equal(first.remaining, 300);
  const rest = await store.joinedValues!('/registry/pods/big/', { continueAfter: first.continueAfter });
  assert.deepEqual([...names(first.chunks), ...names(rest.chunks)], listed);
});

test('a write under the prefix while the pages are read: the answer is still one state of the store', async (t) => {
  const { store } = tempStore(t);
  await seed(store, 'big', 2500);
  const reading = store.joinedValues!('/registry/pods/big/');
  // Lands between two pages (the read yields to the event loop after each).
  const created = store.create(key('big', 'p00000a'), pod('p00000a'));
  const [joined] = await Promise.all([reading, created]);
  const state = (await store.list('/registry/pods/big/', { revision: joined.revision })).items.map((o) => o.value.metadata.name);
  assert.deepEqual(names(joined.chunks), state);
  assert.equal(joined.count, state.length);
  assert.ok(state.includes('p00000a'), 'the write committed before the answer is in it');
});
