// pod-template-hash: FNV-32a (not the FNV-1 of ControllerRevisions), collision count mixed in as 8 little-endian
// bytes, safe-encoded; stable for equal templates regardless of key order or omitted zero values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeHash, fnv32a } from '../../../src/controllers/deployment/hash.js';
import { equalIgnoreHash } from '../../../src/controllers/deployment/util.js';

const template = (image = 'nginx') => ({
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'nginx', image, resources: {} }], restartPolicy: 'Always' },
});

test('fnv32a matches the published FNV-1a test vectors', () => {
  assert.equal(fnv32a(Buffer.from('')), 0x811c9dc5);
  assert.equal(fnv32a(Buffer.from('a')), 0xe40c292c);
  assert.equal(fnv32a(Buffer.from('foobar')), 0xbf9cf968);
  // hashing in two chunks equals hashing the concatenation
  assert.equal(fnv32a(Buffer.from('bar'), fnv32a(Buffer.from('foo'))), 0xbf9cf968);
});

test('computeHash: safe alphabet, deterministic, sensitive to the template and the collision count', () => {
  const h = computeHash(template());
  assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  assert.equal(computeHash(template()), h);
  const reordered = { spec: { restartPolicy: 'Always', containers: [{ image: 'nginx', resources: {}, name: 'nginx' }] }, metadata: { labels: { app: 'web' } } };
  assert.equal(computeHash(reordered), h, 'key order does not matter');
  assert.notEqual(computeHash(template('nginx:1.25')), h);
  assert.notEqual(computeHash(template(), 0), h, 'a collision count of 0 still changes the hash');
  assert.notEqual(computeHash(template(), 1), computeHash(template(), 0));
});

test('EqualIgnoreHash ignores the pod-template-hash label and Go zero values', () => {
  const a = template();
  const b = { ...template(), metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } } };
  assert.ok(equalIgnoreHash(a, b));
  const c = { metadata: { labels: { app: 'web' }, annotations: {} }, spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {}, args: [] }], restartPolicy: 'Always', hostNetwork: false } };
  assert.ok(equalIgnoreHash(a, c));
  assert.ok(!equalIgnoreHash(a, template('nginx:2')));
});
