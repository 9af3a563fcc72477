// The HTTPS port's TLS hardening against one in-process Berth: AEAD-only TLS 1.2 suites (no CBC-SHA1).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import tls from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBerth, type Berth } from '../../../src/host/berth.js';
import { credentials } from '../../e2e/harness.js';

let berth: Berth;
let dataDir: string;
const c = () => ({ kubeconfig: berth.kubeconfigPath });

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-tls-'));
  berth = await startBerth({ dataDir, port: 0, runtime: { controllers: false } });
});

after(async () => {
  await berth?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The cipher a TLS 1.2 handshake offering only `ciphers` agrees on, or the handshake's error. */
function handshake(ciphers: string): Promise<string> {
  const cred = credentials(c());
  const url = new URL(cred.server);
  return new Promise((resolve) => {
    const s = tls.connect({ host: url.hostname, port: Number(url.port), ca: cred.ca, servername: 'localhost', maxVersion: 'TLSv1.2', ciphers, checkServerIdentity: () => undefined });
    s.once('secureConnect', () => { resolve(s.getCipher().name); s.destroy(); });
    s.once('error', (e) => resolve(`error: ${e.message}`));
  });
}

test('TLS 1.2 offers no CBC-SHA1 suite: a client offering only those fails the handshake', async () => {
  for (const cbc of ['ECDHE-RSA-AES128-SHA', 'ECDHE-RSA-AES256-SHA', 'ECDHE-ECDSA-AES128-SHA', 'AES128-SHA', 'AES256-SHA']) {
    assert.match(await handshake(cbc), /^error: /, cbc);
  }
});

test('TLS 1.2 with an AEAD suite works', async () => {
  const chosen = await handshake('ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-CHACHA20-POLY1305');
  assert.match(chosen, /GCM|CHACHA20/);
});
