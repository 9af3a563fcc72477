// Watch lines sent over HTTP: the stored JSON text of an event object stands in for serialising it again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import type { StoreEvent } from '../../../src/storage/interface.js';
import { storedJsonText } from '../../../src/storage/event-ring.js';
import { watchLine } from '../../../src/server/watch.js';
import { pod, tempStore } from '../storage/fixtures/temp-store.js';

test('a stored event object is sent as its stored text, byte for byte what JSON.stringify gives', async (t) => {
  const { store } = tempStore(t);
  const events: StoreEvent[] = [];
  store.watch('/registry/pods/', store.currentRevision(), (ev) => events.push(ev));
  const tricky = { spec: { note: 'quote " backslash \\ tab \t snowman ☃ emoji 😀 nul \u0000', n: [0, -1.5, 1e21, 123456789012345680000], empty: {}, list: [] } };
  await store.create('/registry/pods/default/a', pod('a', 'default', tricky));
  await store.update('/registry/pods/default/a', pod('a', 'default', { ...tricky, metadata: { labels: { x: 'y' } } }));
  await store.delete('/registry/pods/default/a');
  assert.equal(events.length, 3);
  for (const ev of events) {
    assert.notEqual(storedJsonText(ev.object), undefined, `${ev.type} carries its text`);
    assert.equal(watchLine(ev.type, ev.object), JSON.stringify({ type: ev.type, object: ev.object }) + '\n');
  }
});

test('objects storage did not parse are serialised', () => {
  const obj: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } };
  assert.equal(storedJsonText(obj), undefined);
  assert.equal(watchLine('BOOKMARK', obj), '{"type":"BOOKMARK","object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}}\n');
});
