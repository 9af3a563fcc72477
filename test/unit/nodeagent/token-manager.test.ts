// The kubelet's token manager: a cached token until 80% of its lifetime (minus jitter) has passed, then a new
// TokenRequest; a failed refresh keeps a token that has not expired.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenManager } from '../../../src/nodeagent/kubelet/token-manager.js';

test('tokens are reused until 80% of their lifetime, then requested anew', async () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  let issued = 0;
  let fail = false;
  const m = new TokenManager(async (r) => {
    if (fail) throw new Error('API down');
    issued++;
    return { token: `t${issued}`, expirationTimestamp: new Date(now + (r.expirationSeconds ?? 3600) * 1000).toISOString() };
  }, () => now);
  const req = { namespace: 'ns', serviceAccountName: 'default', audiences: [], expirationSeconds: 3600, boundPod: { name: 'p', uid: 'u1' } };
  assert.equal(await m.get(req), 't1');
  now += 60 * 60 * 1000 * 0.7;
  assert.equal(await m.get(req), 't1');
  now += 60 * 60 * 1000 * 0.11;
  assert.equal(await m.get(req), 't2');
  assert.equal(await m.get({ ...req, boundPod: { name: 'q', uid: 'u2' } }), 't3', 'another pod has its own token');
  now += 60 * 60 * 1000 * 0.85;
  fail = true;
  assert.equal(await m.get(req), 't2', 'not expired yet: kept when the refresh fails');
  now += 60 * 60 * 1000 * 0.2;
  await assert.rejects(m.get(req), /API down/);
  m.forgetPod('u1');
  fail = false;
  assert.equal(await m.get(req), 't4');
});
