// Writes a kubeconfig for the admin user, in the standard clientcmd v1 layout with the CA and credentials embedded
// (certificate-authority-data / client-certificate-data / client-key-data), readable by the owner only.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

export interface KubeconfigOptions {
  server: string;
  caPem: string;
  /** Client certificate credentials; or use `token`. */
  clientCertPem?: string;
  clientKeyPem?: string;
  token?: string;
  /** Name of the cluster and context entries; 'berth' by default. */
  contextName?: string;
  /** Name of the user entry; 'berth-admin' by default. */
  user?: string;
  /** Default namespace of the context. */
  namespace?: string;
}

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

export function kubeconfigYaml(options: KubeconfigOptions): string {
  const name = options.contextName ?? 'berth';
  const userName = options.user ?? 'berth-admin';
  const user: Record<string, string> = {};
  if (options.clientCertPem && options.clientKeyPem) {
    user['client-certificate-data'] = base64(options.clientCertPem);
    user['client-key-data'] = base64(options.clientKeyPem);
  }
  if (options.token) user.token = options.token;
  if (Object.keys(user).length === 0) throw new Error('kubeconfig needs a client certificate and key, or a token');
  const context: Record<string, string> = { cluster: name, user: userName };
  if (options.namespace) context.namespace = options.namespace;
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: options.server, 'certificate-authority-data': base64(options.caPem) } }],
    contexts: [{ name, context }],
    'current-context': name,
    preferences: {},
    users: [{ name: userName, user }],
  };
  return stringify(config, { lineWidth: 0 });
}

/** Writes the kubeconfig with mode 0600, tightening the mode of an existing file too. */
export function writeKubeconfig(path: string, options: KubeconfigOptions): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, kubeconfigYaml(options), { mode: 0o600 });
  chmodSync(path, 0o600);
}
