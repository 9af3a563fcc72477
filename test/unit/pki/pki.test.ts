import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { errUnauthorized } from '../../../src/apimachinery/errors.js';
import { authenticateRequest, ensurePki, writeKubeconfig, type Pki } from '../../../src/pki/index.js';
import type { UserInfo } from '../../../src/api/identity.js';

const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';
const run = promisify(execFile);
const mode = (path: string) => statSync(path).mode & 0o777;

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-pki-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A server like the real one: answers `ok` on /healthz to authenticated callers, 401 Status otherwise. */
async function startServer(t: { after(fn: () => void): void }, pki: Pki, seen: (UserInfo | undefined)[] = []): Promise<number> {
  const server = https.createServer({ key: pki.servingKeyPem, cert: pki.servingCertPem, ca: pki.caCertPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const user = authenticateRequest(req, pki);
    seen.push(user);
    if (!user) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(errUnauthorized().toStatus()));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  return (server.address() as AddressInfo).port;
}

function request(port: number, options: https.RequestOptions): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path: '/healthz', ...options }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('ensurePki creates the material with private files 0600, and reuses it on restart', async (t) => {
  const dataDir = tempDir(t);
  const pki = await ensurePki(dataDir, { hosts: ['berth.example.com', '10.1.2.3'] });

  for (const f of ['ca.key', 'apiserver.key', 'admin.key', 'admin.token']) assert.equal(mode(join(pki.dir, f)), 0o600, f);
  assert.equal(pki.dir, join(dataDir, 'pki'));
  assert.match(pki.adminToken, /^[A-Za-z0-9_-]{40,}$/);

  const ca = new X509Certificate(pki.caCertPem);
  assert.equal(ca.ca, true);
  assert.ok(Date.parse(ca.validTo) - Date.now() > 9.9 * 365 * 86400_000, 'CA valid for 10 years');

  const serving = new X509Certificate(pki.servingCertPem);
  assert.ok(serving.checkIssued(ca) && serving.verify(ca.publicKey));
  for (const name of ['DNS:localhost', 'DNS:berth.example.com', 'IP Address:127.0.0.1', 'IP Address:10.1.2.3', 'IP Address:0:0:0:0:0:0:0:1']) {
    assert.ok(serving.subjectAltName?.includes(name), `SAN ${name} in ${serving.subjectAltName}`);
  }
  const admin = new X509Certificate(pki.adminCertPem);
  assert.ok(admin.checkIssued(ca) && admin.verify(ca.publicKey));
  assert.match(admin.subject, /CN=berth-admin/);
  assert.match(admin.subject, /O=system:masters/);

  const again = await ensurePki(dataDir, { hosts: ['berth.example.com', '10.1.2.3'] });
  assert.deepEqual(again, pki);

  // A new host re-issues the serving certificate only; the CA and admin credentials stay.
  const widened = await ensurePki(dataDir, { hosts: ['berth.example.com', '10.1.2.3', 'other.example.com'] });
  assert.notEqual(widened.servingCertPem, pki.servingCertPem);
  assert.ok(new X509Certificate(widened.servingCertPem).subjectAltName?.includes('DNS:other.example.com'));
  assert.equal(widened.caCertPem, pki.caCertPem);
  assert.equal(widened.adminCertPem, pki.adminCertPem);
  assert.equal(widened.adminToken, pki.adminToken);
});

test('writeKubeconfig writes embedded credentials with mode 0600, fixing an existing file', async (t) => {
  const dir = tempDir(t);
  const pki = await ensurePki(dir, { hosts: [] });
  const path = join(dir, 'kubeconfig');
  writeFileSync(path, 'old');
  chmodSync(path, 0o644);
  writeKubeconfig(path, { server: 'https://127.0.0.1:6443', caPem: pki.caCertPem, clientCertPem: pki.adminCertPem, clientKeyPem: pki.adminKeyPem, contextName: 'berth', user: 'berth-admin' });
  assert.equal(mode(path), 0o600);
  const config = parse(readFileSync(path, 'utf8'));
  assert.equal(config['current-context'], 'berth');
  assert.deepEqual(config.contexts, [{ name: 'berth', context: { cluster: 'berth', user: 'berth-admin' } }]);
  assert.equal(config.clusters[0].cluster.server, 'https://127.0.0.1:6443');
  assert.equal(Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64').toString(), pki.caCertPem);
  assert.equal(Buffer.from(config.users[0].user['client-key-data'], 'base64').toString(), pki.adminKeyPem);
  assert.equal(Buffer.from(config.users[0].user['client-certificate-data'], 'base64').toString(), pki.adminCertPem);
});

test('client certificates from the cluster CA and the admin token authenticate; others get 401', async (t) => {
  const dir = tempDir(t);
  const pki = await ensurePki(dir, { hosts: [] });
  const foreign = await ensurePki(join(dir, 'foreign'), { hosts: [] });
  const seen: (UserInfo | undefined)[] = [];
  const port = await startServer(t, pki, seen);
  const tls = { ca: pki.caCertPem };

  assert.deepEqual(await request(port, { ...tls, cert: pki.adminCertPem, key: pki.adminKeyPem }), { status: 200, body: 'ok' });
  assert.deepEqual(seen.pop(), { username: 'berth-admin', groups: ['system:masters', 'system:authenticated'] });

  assert.deepEqual(await request(port, { ...tls, headers: { authorization: `Bearer ${pki.adminToken}` } }), { status: 200, body: 'ok' });
  assert.deepEqual(seen.pop(), { username: 'berth-admin', groups: ['system:masters', 'system:authenticated'] });

  const unauthorized = { status: 401, body: '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}' };
  assert.deepEqual(await request(port, tls), unauthorized);
  assert.deepEqual(await request(port, { ...tls, headers: { authorization: `Bearer ${pki.adminToken}x` } }), unauthorized);
  assert.deepEqual(await request(port, { ...tls, headers: { authorization: `Basic ${pki.adminToken}` } }), unauthorized);
  // A certificate with the admin's name from another CA is not the admin.
  assert.deepEqual(await request(port, { ...tls, cert: foreign.adminCertPem, key: foreign.adminKeyPem }), unauthorized);
});

test('real kubectl talks to the server with the generated kubeconfig (client certificate and token)', { skip: !existsSync(KUBECTL) && 'kubectl 1.33 not installed' }, async (t) => {
  const dir = tempDir(t);
  const pki = await ensurePki(dir, { hosts: [] });
  const seen: (UserInfo | undefined)[] = [];
  const port = await startServer(t, pki, seen);

  for (const server of [`https://127.0.0.1:${port}`, `https://localhost:${port}`]) {
    const certConfig = join(dir, 'cert.kubeconfig');
    writeKubeconfig(certConfig, { server, caPem: pki.caCertPem, clientCertPem: pki.adminCertPem, clientKeyPem: pki.adminKeyPem, contextName: 'berth', user: 'berth-admin' });
    assert.equal(mode(certConfig), 0o600);
    const viaCert = await run(KUBECTL, ['--kubeconfig', certConfig, 'get', '--raw', '/healthz']);
    assert.equal(viaCert.stdout, 'ok');
    assert.deepEqual(seen.pop(), { username: 'berth-admin', groups: ['system:masters', 'system:authenticated'] });
  }

  const tokenConfig = join(dir, 'token.kubeconfig');
  writeKubeconfig(tokenConfig, { server: `https://127.0.0.1:${port}`, caPem: pki.caCertPem, token: pki.adminToken, contextName: 'berth', user: 'berth-admin' });
  const viaToken = await run(KUBECTL, ['--kubeconfig', tokenConfig, 'get', '--raw', '/healthz']);
  assert.equal(viaToken.stdout, 'ok');

  // Without credentials kubectl sees upstream's 401 message.
  const anonymousConfig = join(dir, 'anon.kubeconfig');
  writeKubeconfig(anonymousConfig, { server: `https://127.0.0.1:${port}`, caPem: pki.caCertPem, token: 'not-the-token' });
  await assert.rejects(run(KUBECTL, ['--kubeconfig', anonymousConfig, 'get', '--raw', '/healthz']), (e: { stderr: string }) => {
    assert.match(e.stderr, /You must be logged in to the server \(Unauthorized\)/);
    return true;
  });
});

test('curl without credentials gets the 401 Status', { skip: !existsSync('/usr/bin/curl') && 'no curl' }, async (t) => {
  const dir = tempDir(t);
  const pki = await ensurePki(dir, { hosts: [] });
  const port = await startServer(t, pki);
  const caFile = join(dir, 'ca.crt');
  writeFileSync(caFile, pki.caCertPem);
  const { stdout } = await run('curl', ['-sS', '--cacert', caFile, '-w', '\n%{http_code}', `https://localhost:${port}/healthz`]);
  const [body, code] = stdout.split('\n');
  assert.equal(code, '401');
  assert.equal(JSON.parse(body).reason, 'Unauthorized');
});
