// Kubelet TLS bootstrap (pkg/kubelet/certificate/bootstrap): a node that has only a bootstrap token makes a key,
// asks for a client certificate through a CertificateSigningRequest (signer kubernetes.io/kube-apiserver-client-
// kubelet, subject CN=system:node:<name>, O=system:nodes), waits until the csrapproving controller approved it and
// the csrsigning controller issued it, and writes a kubeconfig with that certificate. With a kubeconfig whose
// certificate is still valid it does nothing (a restart).
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import type { KubeObject } from '../apimachinery/types.js';
import { KubeClient } from '../client/client.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { builtin } from '../client/resources.js';
import { createCsr } from '../pki/csr.js';
import { writeKubeconfig } from '../pki/kubeconfig.js';
import { KUBE_APISERVER_CLIENT_KUBELET_SIGNER } from '../registry/certificates/index.js';

export interface TlsBootstrapOptions {
  server: string;
  caPem: string;
  token: string;
  nodeName: string;
  /** Where kubelet.conf is written (mode 0600, the key inside). */
  dataDir: string;
  userAgent: string;
  timeoutMs?: number;
  log?: (line: string) => void;
}

interface Csr extends KubeObject {
  status?: { certificate?: string; conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

export const kubeletKubeconfigPath = (dataDir: string) => join(dataDir, 'kubelet.conf');

/** A kubeconfig for system:node:<nodeName>, from an earlier bootstrap or a new one. */
export async function tlsBootstrap(opts: TlsBootstrapOptions): Promise<string> {
  const path = kubeletKubeconfigPath(opts.dataDir);
  if (existsSync(path) && stillValid(path, opts.nodeName)) return path;
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const client = new KubeClient({ connection: { server: opts.server, ca: opts.caPem, token: opts.token, namespace: 'default' }, userAgent: opts.userAgent });
  try {
    const { csrPem, keyPem } = await createCsr({ commonName: `system:node:${opts.nodeName}`, organizations: ['system:nodes'] });
    const created = await client.create<Csr>(builtin.certificateSigningRequests, {
      apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { generateName: 'node-csr-' },
      spec: { request: Buffer.from(csrPem).toString('base64'), signerName: KUBE_APISERVER_CLIENT_KUBELET_SIGNER, usages: ['digital signature', 'client auth'] },
    });
    const name = created.metadata.name!;
    opts.log?.(`certificatesigningrequest ${name} created; waiting for it to be approved and issued`);
    const deadline = Date.now() + (opts.timeoutMs ?? 300_000);
    for (;;) {
      const csr = await client.get<Csr>(builtin.certificateSigningRequests, name);
      const bad = csr.status?.conditions?.find((c) => (c.type === 'Denied' || c.type === 'Failed') && c.status === 'True');
      if (bad) throw new Error(`certificate signing request ${name} ${bad.type === 'Denied' ? 'was denied' : 'failed'}, reason: ${bad.reason ?? ''}, message: ${bad.message ?? ''}`);
      if (csr.status?.certificate) {
        const certPem = Buffer.from(csr.status.certificate, 'base64').toString('utf8');
        writeKubeconfig(path, { server: opts.server, caPem: opts.caPem, clientCertPem: certPem, clientKeyPem: keyPem, user: 'default-auth', contextName: 'default' });
        opts.log?.(`certificatesigningrequest ${name} issued: ${new X509Certificate(certPem).subject.replace(/\n/g, ', ')}`);
        return path;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for certificatesigningrequest ${name} to be approved and issued`);
      await sleep(500);
    }
  } finally {
    await client.close();
  }
}

/** Whether the kubeconfig's certificate is this node's and valid for at least another hour. */
function stillValid(path: string, nodeName: string): boolean {
  try {
    const conn = loadKubeconfig({ path });
    const cert = new X509Certificate(conn.cert ?? '');
    return cert.subject.includes(`CN=system:node:${nodeName}`) && Date.parse(cert.validTo) - Date.now() > 3600_000;
  } catch {
    return false;
  }
}

/** The CA a joining node trusts: a file, read as is. */
export function readCa(file: string): string {
  return readFileSync(file, 'utf8');
}
