import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CidrSet } from '../../../src/controllers/nodeipam/range-allocator.js';

test('node IPAM: /24s of the cluster CIDR in order, skipping occupied ones, reusing released ones', () => {
  const set = new CidrSet('10.244.0.0/22', 24);
  set.occupy('10.244.1.0/24'); // a node that brought its own
  assert.equal(set.allocateNext(), '10.244.0.0/24');
  assert.equal(set.allocateNext(), '10.244.2.0/24');
  assert.equal(set.allocateNext(), '10.244.3.0/24');
  assert.equal(set.allocateNext(), undefined, 'full');
  set.release('10.244.2.0/24');
  assert.equal(set.allocateNext(), '10.244.2.0/24');
  set.occupy('192.168.0.0/24'); // outside the range: ignored
  set.release('10.244.0.0/23');
  assert.equal(set.allocateNext(), '10.244.0.0/24', 'the search wraps around');
  assert.equal(set.allocateNext(), '10.244.1.0/24');
});

test('node IPAM: a mask size that does not fit the cluster CIDR is refused', () => {
  assert.throws(() => new CidrSet('10.244.0.0/16', 8), /does not fit/);
  assert.throws(() => new CidrSet('nonsense', 24), /invalid cluster CIDR/);
});
