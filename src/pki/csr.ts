// Certificate signing requests (PKCS#10) for the certificates.k8s.io API: what a joining node asks for (kubelet TLS
// bootstrap: a new key and a CSR for CN=system:node:<name>, O=system:nodes), what the csrsigning controller reads
// from one (subject, SANs, a valid self-signature), and the certificate it issues with the cluster CA as upstream's
// local signer does (pkg/controller/certificates/authority: subject and SANs from the request, key usages from
// spec.usages, backdated 5 minutes, never past the CA's own expiry).
import type * as X509Lib from '@peculiar/x509';
import { X509Certificate as NodeX509 } from 'node:crypto';
import { exportPrivateKey, generateKeys, importPrivateKey, loadX509, serialNumber, SIGNING_ALGORITHM } from './pki.js';

export interface ParsedCsr {
  commonName: string;
  organizations: string[];
  dnsNames: string[];
  ipAddresses: string[];
  emailAddresses: string[];
  uris: string[];
  /** Whether the request is signed by the key it carries. */
  signatureValid: boolean;
}

/** A new ECDSA P-256 key and a CSR for it (PEM), as the kubelet's bootstrap makes. */
export async function createCsr(subject: { commonName: string; organizations?: string[] }): Promise<{ csrPem: string; keyPem: string }> {
  const x509 = await loadX509();
  const keys = await generateKeys();
  const escapeDn = (v: string) => v.replace(/([,+"\\<>;=])/g, '\\$1');
  const name = [...(subject.organizations ?? []).map((o) => `O=${escapeDn(o)}`), `CN=${escapeDn(subject.commonName)}`].join(', ');
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name, keys: keys as never, signingAlgorithm: SIGNING_ALGORITHM });
  return { csrPem: csr.toString('pem'), keyPem: await exportPrivateKey(keys.privateKey) };
}

export async function parseCsr(der: Buffer): Promise<ParsedCsr> {
  const x509 = await loadX509();
  const csr = new x509.Pkcs10CertificateRequest(new Uint8Array(der));
  const raw = csr.getExtension(SAN_OID);
  const names = raw ? new x509.SubjectAlternativeNameExtension(raw.rawData).names.toJSON() : [];
  const of = (type: string) => names.filter((n) => n.type === type).map((n) => n.value);
  return {
    commonName: csr.subjectName.getField('CN')[0] ?? '',
    organizations: csr.subjectName.getField('O'),
    dnsNames: of('dns'), ipAddresses: of('ip'), emailAddresses: of('email'), uris: of('url'),
    signatureValid: await csr.verify(),
  };
}

const KEY_USAGE_BITS: Record<string, number> = {
  'signing': 1, 'digital signature': 1, 'content commitment': 2, 'key encipherment': 4, 'key agreement': 16,
  'data encipherment': 8, 'cert sign': 32, 'crl sign': 64, 'encipher only': 128, 'decipher only': 256,
};
const EXT_KEY_USAGES: Record<string, string> = {
  'any': '2.5.29.37.0', 'server auth': '1.3.6.1.5.5.7.3.1', 'client auth': '1.3.6.1.5.5.7.3.2', 'code signing': '1.3.6.1.5.5.7.3.3',
  'email protection': '1.3.6.1.5.5.7.3.4', 's/mime': '1.3.6.1.5.5.7.3.4', 'ipsec end system': '1.3.6.1.5.5.7.3.5',
  'ipsec tunnel': '1.3.6.1.5.5.7.3.6', 'ipsec user': '1.3.6.1.5.5.7.3.7', 'timestamping': '1.3.6.1.5.5.7.3.8',
  'ocsp signing': '1.3.6.1.5.5.7.3.9', 'microsoft sgc': '1.3.6.1.4.1.311.10.3.3', 'netscape sgc': '2.16.840.1.113730.4.1',
};
const SAN_OID = '2.5.29.17';
/** authority.go: certificates start this far in the past, for clocks that run behind. */
const BACKDATE_MS = 5 * 60 * 1000;

/** Issues the certificate a CSR asks for, signed by the CA, valid for `durationMs` (cut at the CA's expiry). */
export async function signCsr(ca: { certPem: string; keyPem: string }, der: Buffer, usages: string[], durationMs: number): Promise<string> {
  const x509 = await loadX509();
  const csr = new x509.Pkcs10CertificateRequest(new Uint8Array(der));
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await importPrivateKey(ca.keyPem);
  const now = Date.now();
  const caNotAfter = Date.parse(new NodeX509(ca.certPem).validTo);
  const bits = usages.reduce((b, u) => b | (KEY_USAGE_BITS[u] ?? 0), 0);
  const ekus = [...new Set(usages.map((u) => EXT_KEY_USAGES[u]).filter((u): u is string => !!u))];
  const extensions: X509Lib.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    ...(bits ? [new x509.KeyUsagesExtension(bits, true)] : []),
    ...(ekus.length ? [new x509.ExtendedKeyUsageExtension(ekus, false)] : []),
    await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
  ];
  const san = csr.getExtension(SAN_OID);
  if (san) extensions.push(san);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: csr.subjectName,
    issuer: caCert.subject,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(Math.min(now + durationMs, caNotAfter)),
    publicKey: csr.publicKey,
    signingKey: caKey as never,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions,
  });
  return cert.toString('pem');
}

