// The two checks of token discovery: the bootstrap signer's detached JWS (the vector of upstream's
// cluster-bootstrap/token/jws tests) and kubeadm's public key pin of the CA.
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { computeDetachedSignature, detachedSignatureIsValid } from '../../../src/authentication/bootstrap-jws.js';
import { ensurePki } from '../../../src/pki/index.js';
import { signingToken } from '../../../src/controllers/bootstrap/bootstrap-signer.js';
import { parsePin, publicKeyPin } from '../../../src/pki/pubkey-pin.js';

const content = 'Hello from the other side. I must have called a thousand times.';

test('the detached JWS is upstream\'s: HS256, kid = token id, payload left out', () => {
  const sig = computeDetachedSignature(content, 'joshua', 'my voice is my passcode');
  assert.equal(sig, 'eyJhbGciOiJIUzI1NiIsImtpZCI6Impvc2h1YSJ9..VShe2taLd-YTrmWuRkcL_8QTNDHYxQIEBsAYYiIj1_8');
  assert.ok(detachedSignatureIsValid(sig, content, 'joshua', 'my voice is my passcode'));
  assert.ok(!detachedSignatureIsValid(sig, `${content} `, 'joshua', 'my voice is my passcode'), 'other content');
  assert.ok(!detachedSignatureIsValid(sig, content, 'joshua', 'another passcode'), 'other secret');
  assert.ok(!detachedSignatureIsValid(sig, content, 'joshub', 'my voice is my passcode'), 'other token id');
});

test('the pin is sha256 of the CA certificate\'s SubjectPublicKeyInfo; pins given on the command line are checked', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-pin-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ca = { certPem: (await ensurePki(dir, { hosts: [] })).caCertPem };
  const spki = new X509Certificate(ca.certPem).publicKey.export({ type: 'spki', format: 'der' });
  assert.equal(publicKeyPin(ca.certPem), `sha256:${createHash('sha256').update(spki).digest('hex')}`);
  assert.equal(parsePin(publicKeyPin(ca.certPem).toUpperCase().replace('SHA256', 'sha256')), publicKeyPin(ca.certPem));
  assert.throws(() => parsePin('md5:abcd'), /invalid hash "md5:abcd", expected format "sha256:<64 hex characters>"/);
  assert.throws(() => parsePin(`sha256:${'0'.repeat(63)}`), /invalid hash/);
});

test('only tokens that may sign are used: the bootstrap token type, usage-bootstrap-signing, not expired, named for their id', () => {
  const b64 = (v: string) => Buffer.from(v).toString('base64');
  const secret = (data: Record<string, string>, over: Record<string, unknown> = {}) => ({
    metadata: { name: 'bootstrap-token-abcdef', namespace: 'kube-system' }, type: 'bootstrap.kubernetes.io/token',
    data: Object.fromEntries(Object.entries({ 'token-id': 'abcdef', 'token-secret': '0123456789abcdef', 'usage-bootstrap-signing': 'true', ...data }).map(([k, v]) => [k, b64(v)])),
    ...over,
  });
  const now = Date.parse('2026-12-07T00:00:00Z');
  assert.deepEqual(signingToken(secret({}), now), { id: 'abcdef', secret: '0123456789abcdef' });
  assert.deepEqual(signingToken(secret({ expiration: '2026-12-08T00:00:00Z' }), now), { id: 'abcdef', secret: '0123456789abcdef' });
  assert.equal(signingToken(secret({ expiration: '2026-12-06T00:00:00Z' }), now), undefined, 'expired');
  assert.equal(signingToken(secret({ 'usage-bootstrap-signing': 'false' }), now), undefined, 'not for signing');
  assert.equal(signingToken(secret({}, { type: 'Opaque' }), now), undefined, 'not a bootstrap token');
  assert.equal(signingToken(secret({}, { metadata: { name: 'bootstrap-token-zzzzzz', namespace: 'kube-system' } }), now), undefined, 'named for another id');
  assert.equal(signingToken(secret({ 'token-secret': 'short' }), now), undefined, 'malformed secret');
});
