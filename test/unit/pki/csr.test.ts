import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeletClientCsrError } from '../../../src/controllers/certificates/kubelet-csr.js';
import { createCsr, parseCsr, signCsr } from '../../../src/pki/csr.js';
import { ensurePki } from '../../../src/pki/pki.js';
import { csrDer } from '../../../src/registry/certificates/index.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

test('a kubelet bootstrap CSR carries the node subject, a valid self-signature and no SANs', async () => {
  const { csrPem, keyPem } = await createCsr({ commonName: 'system:node:m1', organizations: ['system:nodes'] });
  assert.match(keyPem, /BEGIN PRIVATE KEY/);
  const { der, error } = csrDer(b64(csrPem));
  assert.equal(error, undefined);
  const parsed = await parseCsr(der!);
  assert.deepEqual(parsed, { commonName: 'system:node:m1', organizations: ['system:nodes'], dnsNames: [], ipAddresses: [], emailAddresses: [], uris: [], signatureValid: true });
  assert.equal(kubeletClientCsrError(parsed, ['digital signature', 'client auth']), undefined);
  assert.equal(kubeletClientCsrError(parsed, ['client auth', 'key encipherment', 'digital signature']), undefined);
  assert.match(kubeletClientCsrError(parsed, ['client auth'])!, /usages did not match/);
  assert.equal(kubeletClientCsrError({ ...parsed, organizations: ['system:masters'] }, ['digital signature', 'client auth']), 'subject organization is not system:nodes');
  assert.equal(kubeletClientCsrError({ ...parsed, commonName: 'admin' }, ['digital signature', 'client auth']), 'subject common name does not begin with system:node:');
  assert.equal(kubeletClientCsrError({ ...parsed, dnsNames: ['x'] }, ['digital signature', 'client auth']), 'DNS subjectAltNames are not allowed');
});

test('request validation: only a CERTIFICATE REQUEST PEM block', () => {
  assert.equal(csrDer(b64('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')).error, 'PEM block type must be CERTIFICATE REQUEST');
  assert.equal(csrDer(b64('not pem')).error, 'PEM block type must be CERTIFICATE REQUEST');
});

test('the CA signs the request: subject from it, usages as asked, lifetime capped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-csr-'));
  try {
    const pki = await ensurePki(dir, { hosts: [] });
    const { csrPem } = await createCsr({ commonName: 'system:node:m1', organizations: ['system:nodes'] });
    const pem = await signCsr({ certPem: pki.caCertPem, keyPem: pki.caKeyPem }, csrDer(b64(csrPem)).der!, ['digital signature', 'client auth'], 3600_000);
    const cert = new X509Certificate(pem);
    assert.equal(cert.subject, 'O=system:nodes\nCN=system:node:m1');
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    assert.ok(cert.verify(new X509Certificate(pki.caCertPem).publicKey));
    const lifetime = Date.parse(cert.validTo) - Date.parse(cert.validFrom);
    assert.ok(lifetime >= 3600_000 && lifetime <= 3600_000 + 5 * 60_000 + 1000, String(lifetime));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
