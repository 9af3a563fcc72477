// The kubeconfigs kubeadm writes for the control-plane components beside admin.conf: controller-manager.conf
// (CN=system:kube-controller-manager) and scheduler.conf (CN=system:kube-scheduler), so that `berth controller-manager`
// and `berth scheduler` run as the users the bootstrap policy grants, not as the admin. Rewritten only when the
// server, the CA or the certificate's remaining life calls for it (issuing costs a key pair).
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { writeKubeconfig } from './kubeconfig.js';
import { issueClientCertificate, type Pki } from './pki.js';

export const CONTROLLER_MANAGER_KUBECONFIG = 'controller-manager.conf';
export const SCHEDULER_KUBECONFIG = 'scheduler.conf';

const COMPONENTS = [
  { file: CONTROLLER_MANAGER_KUBECONFIG, user: 'system:kube-controller-manager' },
  { file: SCHEDULER_KUBECONFIG, user: 'system:kube-scheduler' },
];

/** Renewed when less than this is left (the admin certificate's rule). */
const RENEW_BEFORE_MS = 30 * 24 * 3600_000;

export async function writeComponentKubeconfigs(dir: string, server: string, pki: Pick<Pki, 'caCertPem' | 'caKeyPem'>): Promise<void> {
  for (const { file, user } of COMPONENTS) {
    const path = join(dir, file);
    if (current(path, server, pki.caCertPem)) continue;
    const { certPem, keyPem } = await issueClientCertificate(pki, user);
    writeKubeconfig(path, { server, caPem: pki.caCertPem, clientCertPem: certPem, clientKeyPem: keyPem, contextName: `${user}@berth`, user });
  }
}

function current(path: string, server: string, caPem: string): boolean {
  if (!existsSync(path)) return false;
  try {
    const conn = loadKubeconfig({ path });
    if (conn.server !== server || conn.ca?.trim() !== caPem.trim() || !conn.cert) return false;
    const cert = new X509Certificate(conn.cert);
    return Date.parse(cert.validTo) - Date.now() > RENEW_BEFORE_MS && cert.checkIssued(new X509Certificate(caPem));
  } catch {
    return false;
  }
}
