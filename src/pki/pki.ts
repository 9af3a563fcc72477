// The cluster's PKI, created on first start and reused afterwards: a CA, the API server's serving certificate, an
// admin client certificate (CN berth-admin, O system:masters, as kubeadm's admin.conf) and an admin bearer token.
// ECDSA P-256 keys: fast to generate, and accepted by both Node's TLS and kubectl (Go's crypto/tls).
import type * as X509Lib from '@peculiar/x509';
import { randomBytes, webcrypto, X509Certificate as NodeX509 } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';

// @peculiar/x509 is loaded only when something must be issued: a restart with valid certificates never pays for it.
let x509: typeof X509Lib;
export async function loadX509(): Promise<typeof X509Lib> {
  if (x509) return x509;
  await import('./reflect-metadata.js');
  x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  return x509;
}

export const ADMIN_USER = 'berth-admin';
export const ADMIN_GROUP = 'system:masters';

export interface Pki {
  /** `<dataDir>/pki` */
  dir: string;
  caCertPem: string;
  caKeyPem: string;
  servingCertPem: string;
  servingKeyPem: string;
  adminCertPem: string;
  adminKeyPem: string;
  adminToken: string;
}

export interface EnsurePkiOptions {
  /** Extra DNS names or IP addresses for the serving certificate (127.0.0.1, ::1 and localhost are always there). */
  hosts: string[];
}

const FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  servingCert: 'apiserver.crt',
  servingKey: 'apiserver.key',
  adminCert: 'admin.crt',
  adminKey: 'admin.key',
  adminToken: 'admin.token',
} as const;

/** Where the cluster CA certificate is kept (published in kube-root-ca.crt and cluster-info). */
export const caCertPath = (dataDir: string): string => join(dataDir, 'pki', FILES.caCert);

const DAY_MS = 24 * 60 * 60 * 1000;
const CA_VALIDITY_DAYS = 3650;
const LEAF_VALIDITY_DAYS = 365;
/** Leaf certificates are renewed on start when they expire within this many days. */
const RENEW_BEFORE_DAYS = 30;
/** Certificates start an hour in the past to tolerate clock skew between machines. */
const BACKDATE_MS = 60 * 60 * 1000;

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;

type KeyPair = webcrypto.CryptoKeyPair;
type X509KeyPair = Parameters<typeof X509Lib.X509CertificateGenerator.createSelfSigned>[0]['keys'];
type X509Key = X509KeyPair['privateKey'];

/** Loads the PKI under `<dataDir>/pki`, creating whatever is missing, expiring, or lacks a requested host. */
export async function ensurePki(dataDir: string, options: EnsurePkiOptions): Promise<Pki> {
  const dir = join(dataDir, 'pki');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = (name: string) => join(dir, name);
  const read = (name: string) => (existsSync(file(name)) ? readFileSync(file(name), 'utf8') : undefined);

  let caCertPem = read(FILES.caCert);
  let caKeyPem = read(FILES.caKey);
  let caChanged = false;
  const sans = servingNames(options.hosts);
  const servingOk = (pem: string | undefined) => !!pem && !expiresSoon(pem) && coversNames(pem, sans);
  const needsIssuing = !caCertPem || !caKeyPem || expiresSoon(caCertPem) || !servingOk(read(FILES.servingCert)) || !read(FILES.servingKey)
    || !read(FILES.adminCert) || !read(FILES.adminKey) || expiresSoon(read(FILES.adminCert)!);
  if (needsIssuing) await loadX509();
  if (!caCertPem || !caKeyPem || expiresSoon(caCertPem)) {
    ({ certPem: caCertPem, keyPem: caKeyPem } = await createCa());
    writeSecret(file(FILES.caKey), caKeyPem);
    writePublic(file(FILES.caCert), caCertPem);
    caChanged = true;
  }
  const ca = { certPem: caCertPem, keyPem: caKeyPem };

  let servingCertPem = read(FILES.servingCert);
  let servingKeyPem = read(FILES.servingKey);
  if (caChanged || !servingCertPem || !servingKeyPem || expiresSoon(servingCertPem) || !coversNames(servingCertPem, sans)) {
    ({ certPem: servingCertPem, keyPem: servingKeyPem } = await createLeaf(ca, {
      subject: 'CN=berth-apiserver',
      sans,
      usage: x509.ExtendedKeyUsage.serverAuth,
    }));
    writeSecret(file(FILES.servingKey), servingKeyPem);
    writePublic(file(FILES.servingCert), servingCertPem);
  }

  let adminCertPem = read(FILES.adminCert);
  let adminKeyPem = read(FILES.adminKey);
  if (caChanged || !adminCertPem || !adminKeyPem || expiresSoon(adminCertPem)) {
    ({ certPem: adminCertPem, keyPem: adminKeyPem } = await createLeaf(ca, {
      subject: `O=${ADMIN_GROUP}, CN=${ADMIN_USER}`,
      usage: x509.ExtendedKeyUsage.clientAuth,
    }));
    writeSecret(file(FILES.adminKey), adminKeyPem);
    writePublic(file(FILES.adminCert), adminCertPem);
  }

  let adminToken = read(FILES.adminToken)?.trim();
  if (!adminToken) {
    adminToken = randomBytes(32).toString('base64url');
    writeSecret(file(FILES.adminToken), `${adminToken}\n`);
  }

  return { dir, caCertPem, caKeyPem, servingCertPem, servingKeyPem, adminCertPem, adminKeyPem, adminToken };
}

/**
 * A client certificate for `user` in `groups`, signed by the cluster CA (what `kubeadm kubeconfig user` hands out):
 * authentication reads the user from CN and the groups from O.
 */
export async function issueClientCertificate(pki: Pick<Pki, 'caCertPem' | 'caKeyPem'>, user: string, groups: string[] = []): Promise<{ certPem: string; keyPem: string }> {
  await loadX509();
  const escapeDn = (v: string) => v.replace(/([,+"\\<>;=])/g, '\\$1');
  const subject = [...groups.map((g) => `O=${escapeDn(g)}`), `CN=${escapeDn(user)}`].join(', ');
  return createLeaf({ certPem: pki.caCertPem, keyPem: pki.caKeyPem }, { subject, usage: x509.ExtendedKeyUsage.clientAuth });
}

/** Key files and tokens: owner read/write only, also when the file already existed with looser bits. */
function writeSecret(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
}

function writePublic(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o644 });
}

function servingNames(hosts: string[]): string[] {
  return [...new Set(['127.0.0.1', '::1', 'localhost', ...hosts.map((h) => h.trim()).filter(Boolean)])];
}

function expiresSoon(certPem: string): boolean {
  try {
    return Date.parse(new NodeX509(certPem).validTo) - Date.now() < RENEW_BEFORE_DAYS * DAY_MS;
  } catch {
    return true; // unreadable: regenerate
  }
}

/** Whether the certificate's SANs include every wanted DNS name and IP address. */
function coversNames(certPem: string, wanted: string[]): boolean {
  let present: Set<string>;
  try {
    // Node prints SANs as "DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1".
    const san = new NodeX509(certPem).subjectAltName ?? '';
    present = new Set(san.split(', ').map((entry) => entry.replace(/^(DNS|IP Address):/, '')).map(canonicalHost));
  } catch {
    return false;
  }
  return wanted.every((h) => present.has(canonicalHost(h)));
}

/** IPv6 addresses in one spelling, so "::1" matches Node's "0:0:0:0:0:0:0:1". */
function canonicalHost(host: string): string {
  if (isIP(host) !== 6) return host.toLowerCase();
  return new URL(`http://[${host}]/`).hostname;
}

export function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f; // positive, as Go's x509 parser requires
  bytes[0] |= 0x01; // and without a leading zero byte
  return bytes.toString('hex');
}

function validity(days: number): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - BACKDATE_MS), notAfter: new Date(now + days * DAY_MS) };
}

export async function generateKeys(): Promise<KeyPair> {
  return webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
}

export async function exportPrivateKey(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

export async function importPrivateKey(pem: string): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(pem), KEY_ALGORITHM, true, ['sign']);
}

async function createCa(): Promise<{ certPem: string; keyPem: string }> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: 'CN=berth-ca',
    ...validity(CA_VALIDITY_DAYS),
    keys: keys as unknown as X509KeyPair,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as unknown as X509Key),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await exportPrivateKey(keys.privateKey) };
}

interface LeafSpec {
  subject: string;
  sans?: string[];
  usage: string;
}

async function createLeaf(ca: { certPem: string; keyPem: string }, spec: LeafSpec): Promise<{ certPem: string; keyPem: string }> {
  const caKey = await importPrivateKey(ca.keyPem);
  const keys = await generateKeys();
  const caCert = new x509.X509Certificate(ca.certPem);
  const extensions: X509Lib.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([spec.usage], false),
    await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
  ];
  if (spec.sans?.length) {
    extensions.push(new x509.SubjectAlternativeNameExtension(spec.sans.map((h) => ({ type: isIP(h) ? 'ip' : 'dns', value: h }))));
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: spec.subject,
    issuer: caCert.subject,
    ...validity(LEAF_VALIDITY_DAYS),
    publicKey: keys.publicKey as unknown as X509Key,
    signingKey: caKey as unknown as X509Key,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions,
  });
  return { certPem: cert.toString('pem'), keyPem: await exportPrivateKey(keys.privateKey) };
}
