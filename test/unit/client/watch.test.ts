import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../../../src/apimachinery/errors.js';
import { RestClient } from '../../../src/client/http.js';
import { builtin } from '../../../src/client/resources.js';
import { WatchEvent, WatchInactivityError, WatchLineDecoder, watchResource } from '../../../src/client/watch.js';
import { FakeServer } from './fake-server.js';

const enc = new TextEncoder();

test('decoder handles events split across chunks and several in one chunk', () => {
  const d = new WatchLineDecoder();
  const a = JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } });
  const b = JSON.stringify({ type: 'MODIFIED', object: { metadata: { name: 'b' } } });
  assert.deepEqual(d.push(a.slice(0, 7)), []);
  assert.deepEqual(d.push(a.slice(7) + '\n' + b.slice(0, 3)), [{ type: 'ADDED', object: { metadata: { name: 'a' } } }]);
  const both = d.push(b.slice(3) + '\n' + a + '\n\n');
  assert.deepEqual(both.map((e) => e.type), ['MODIFIED', 'ADDED']);
  assert.deepEqual(d.end(), []);
});

test('decoder keeps multi-byte UTF-8 characters split between chunks intact, and flushes a final unterminated line', () => {
  const d = new WatchLineDecoder();
  const bytes = enc.encode(JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'x' }, data: { k: 'héllo ✓' } } }));
  const cut = bytes.indexOf(0xe2) + 1; // inside the check mark
  assert.deepEqual(d.push(bytes.slice(0, cut)), []);
  assert.deepEqual(d.push(bytes.slice(cut)), []);
  const [ev] = d.end();
  assert.equal((ev.object as unknown as { data: { k: string } }).data.k, 'héllo ✓');
  assert.throws(() => new WatchLineDecoder().push('{"nope":1}\n'), /malformed watch event/);
});

test('watch stream yields events byte-split over the wire and throws the ERROR Status as ApiError', async () => {
  const fake = new FakeServer();
  fake.splitBytes = 5;
  const rest = new RestClient({ transport: fake });
  fake.put('a', { k: '1' });
  const seen: WatchEvent[] = [];
  const it = watchResource(rest, builtin.configMaps, { namespace: 'default', resourceVersion: '100' });
  for await (const ev of it) {
    seen.push(ev);
    if (seen.length === 1) fake.put('a', { k: '2' });
    if (seen.length === 2) break;
  }
  assert.deepEqual(seen.map((e) => [e.type, e.object.metadata.resourceVersion]), [['ADDED', '101'], ['MODIFIED', '102']]);
  const q = new URL(fake.requests[0].path, 'https://x').searchParams;
  assert.equal(q.get('watch'), 'true');
  assert.equal(q.get('allowWatchBookmarks'), 'true');
  assert.equal(fake.openWatches, 0, 'breaking out of the loop closes the stream');

  fake.compact();
  await assert.rejects(async () => {
    for await (const _ of watchResource(rest, builtin.configMaps, { resourceVersion: '50' })) { /* none */ }
  }, (e: unknown) => e instanceof ApiError && e.code === 410 && e.reason === 'Expired' && /too old resource version/.test(e.message));
});

test('inactivity timeout aborts a silent stream; a bookmark keeps it alive', async () => {
  const fake = new FakeServer();
  const rest = new RestClient({ transport: fake });
  const keepAlive = setInterval(() => fake.bookmark(), 20);
  const started = Date.now();
  let bookmarks = 0;
  await assert.rejects(async () => {
    for await (const ev of watchResource(rest, builtin.configMaps, { inactivityTimeoutMs: 60 })) {
      if (ev.type === 'BOOKMARK' && ++bookmarks === 5) clearInterval(keepAlive);
    }
  }, WatchInactivityError);
  clearInterval(keepAlive);
  assert.equal(bookmarks, 5);
  assert.ok(Date.now() - started >= 100);
  assert.equal(fake.openWatches, 0);
});

test('aborting the signal ends iteration quietly', async () => {
  const fake = new FakeServer();
  const rest = new RestClient({ transport: fake });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 20);
  const events = [];
  for await (const ev of watchResource(rest, builtin.configMaps, { signal: ac.signal })) events.push(ev);
  assert.equal(events.length, 0);
  assert.equal(fake.openWatches, 0);
});
