// What makes a CSR a kubelet client certificate request (pkg/apis/certificates/helpers: ValidateKubeletClientCSR):
// subject O=system:nodes, CN=system:node:<name>, no subject alternative names, and exactly the usages a client
// certificate needs (digital signature and client auth, optionally key encipherment).
import type { ParsedCsr } from '../../pki/csr.js';

export const NODES_GROUP = 'system:nodes';
export const NODE_USER_PREFIX = 'system:node:';

const REQUIRED = ['client auth', 'digital signature'];
const WITH_KEY_ENCIPHERMENT = ['client auth', 'digital signature', 'key encipherment'];

const sameSet = (a: string[], b: string[]) => {
  const s = new Set(a);
  return s.size === b.length && b.every((x) => s.has(x));
};

/** Why the request is not a kubelet client CSR, or undefined when it is. */
export function kubeletClientCsrError(csr: ParsedCsr, usages: string[]): string | undefined {
  if (csr.organizations.length !== 1 || csr.organizations[0] !== NODES_GROUP) return 'subject organization is not system:nodes';
  if (csr.dnsNames.length) return 'DNS subjectAltNames are not allowed';
  if (csr.emailAddresses.length) return 'Email subjectAltNames are not allowed';
  if (csr.ipAddresses.length) return 'IP subjectAltNames are not allowed';
  if (csr.uris.length) return 'URI subjectAltNames are not allowed';
  if (!csr.commonName.startsWith(NODE_USER_PREFIX)) return 'subject common name does not begin with system:node:';
  if (!sameSet(usages, REQUIRED) && !sameSet(usages, WITH_KEY_ENCIPHERMENT)) {
    return `usages did not match [${REQUIRED.join(' ')}] or [${WITH_KEY_ENCIPHERMENT.join(' ')}]`;
  }
  return undefined;
}
