// Kubeconfig loading as clientcmd does it for the common cases: the current context picks a cluster (server + CA)
// and a user (client certificate/key or bearer token). Data fields win over file fields; relative file paths
// resolve against the kubeconfig's own directory.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';

/** Everything the HTTP layer needs to reach and authenticate to one API server. */
export interface ClusterConnection {
  server: string;
  /** PEM of the CA bundle to trust; undefined means the system roots. */
  ca?: string;
  cert?: string;
  key?: string;
  token?: string;
  insecureSkipTlsVerify?: boolean;
  tlsServerName?: string;
  /** Default namespace of the context, 'default' when unset. */
  namespace: string;
  contextName?: string;
}

interface NamedEntry<T> { name: string; [k: string]: unknown; cluster?: T; user?: T; context?: T }
type Fields = Record<string, unknown>;

export interface LoadKubeconfigOptions {
  /** Explicit kubeconfig path; otherwise $KUBECONFIG (first file that has the entry) then ~/.kube/config. */
  path?: string;
  /** Use this context instead of current-context. */
  context?: string;
  env?: NodeJS.ProcessEnv;
}

export function defaultKubeconfigPaths(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.KUBECONFIG) return env.KUBECONFIG.split(delimiter).filter((p) => p !== '');
  return [join(env.HOME ?? homedir(), '.kube', 'config')];
}

export function loadKubeconfig(opts: LoadKubeconfigOptions = {}): ClusterConnection {
  const paths = opts.path ? [opts.path] : defaultKubeconfigPaths(opts.env);
  const docs = paths.flatMap((p) => {
    try {
      return [{ dir: dirname(resolve(p)), doc: (parse(readFileSync(p, 'utf8')) ?? {}) as Fields }];
    } catch (e) {
      // Missing files in a $KUBECONFIG list are skipped (as kubectl does); an explicit path must exist.
      if (opts.path || (e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      return [];
    }
  });
  if (docs.length === 0) throw new Error(`no kubeconfig found (looked in ${paths.join(', ')})`);
  return connectionFromKubeconfig(docs, opts.context);
}

/** Parses kubeconfig YAML text (one file); `baseDir` resolves relative file references. */
export function parseKubeconfig(text: string, baseDir = process.cwd(), context?: string): ClusterConnection {
  return connectionFromKubeconfig([{ dir: baseDir, doc: (parse(text) ?? {}) as Fields }], context);
}

// With several files the first one that defines a name wins, as in clientcmd's merge rules.
function connectionFromKubeconfig(docs: { dir: string; doc: Fields }[], contextOverride?: string): ClusterConnection {
  const currentContext = contextOverride ?? docs.map((d) => d.doc['current-context'] as string | undefined).find((c) => !!c);
  if (!currentContext) throw new Error('kubeconfig has no current-context');
  const find = (list: 'contexts' | 'clusters' | 'users', field: 'context' | 'cluster' | 'user', name: string) => {
    for (const { dir, doc } of docs) {
      const hit = ((doc[list] ?? []) as NamedEntry<Fields>[]).find((e) => e.name === name);
      if (hit) return { dir, fields: (hit[field] ?? {}) as Fields };
    }
    return undefined;
  };
  const ctx = find('contexts', 'context', currentContext);
  if (!ctx) throw new Error(`context "${currentContext}" does not exist in the kubeconfig`);
  const clusterName = ctx.fields.cluster as string;
  const cluster = find('clusters', 'cluster', clusterName);
  if (!cluster) throw new Error(`cluster "${clusterName}" does not exist in the kubeconfig`);
  const userName = ctx.fields.user as string | undefined;
  const user = userName ? find('users', 'user', userName) : undefined;
  const server = cluster.fields.server as string | undefined;
  if (!server) throw new Error(`cluster "${clusterName}" has no server`);

  const conn: ClusterConnection = { server, namespace: (ctx.fields.namespace as string | undefined) || 'default', contextName: currentContext };
  const ca = dataOrFile(cluster.fields, 'certificate-authority-data', 'certificate-authority', cluster.dir);
  if (ca) conn.ca = ca;
  if (cluster.fields['insecure-skip-tls-verify'] === true) conn.insecureSkipTlsVerify = true;
  if (typeof cluster.fields['tls-server-name'] === 'string') conn.tlsServerName = cluster.fields['tls-server-name'];
  if (user) {
    const cert = dataOrFile(user.fields, 'client-certificate-data', 'client-certificate', user.dir);
    const key = dataOrFile(user.fields, 'client-key-data', 'client-key', user.dir);
    if (cert) conn.cert = cert;
    if (key) conn.key = key;
    const token = (user.fields.token as string | undefined) ?? fileText(user.fields.tokenFile as string | undefined, user.dir)?.trim();
    if (token) conn.token = token;
  }
  return conn;
}

function dataOrFile(fields: Fields, dataField: string, fileField: string, dir: string): string | undefined {
  const data = fields[dataField];
  if (typeof data === 'string' && data !== '') return Buffer.from(data, 'base64').toString('utf8');
  return fileText(fields[fileField] as string | undefined, dir);
}

function fileText(path: string | undefined, dir: string): string | undefined {
  if (!path) return undefined;
  return readFileSync(isAbsolute(path) ? path : join(dir, path), 'utf8');
}
