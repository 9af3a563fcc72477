// Running the operator as a program: out of cluster from a kubeconfig, in cluster from the pod's ServiceAccount,
// or inside `berth up`. Installs the CRD if missing, then reconciles until stopped; /healthz and /readyz on an
// optional port for the Deployment's probes.
import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeClient } from '../../client/client.js';
import type { ClusterConnection } from '../../client/kubeconfig.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { ensureEtcdClusterCRD } from './install.js';
import { EtcdOperator, EtcdOperatorOptions } from './operator.js';

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The connection a pod gets: KUBERNETES_SERVICE_HOST/PORT, the mounted token and CA. */
export function inClusterConnection(env: NodeJS.ProcessEnv = process.env, dir = SA_DIR): ClusterConnection {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) throw new Error('unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined');
  const h = host.includes(':') ? `[${host}]` : host;
  return {
    server: `https://${h}:${port}`,
    token: readFileSync(`${dir}/token`, 'utf8').trim(),
    ca: readFileSync(`${dir}/ca.crt`, 'utf8'),
    namespace: (() => { try { return readFileSync(`${dir}/namespace`, 'utf8').trim(); } catch { return 'default'; } })(),
  };
}

export interface RunEtcdOperatorOptions extends EtcdOperatorOptions {
  kubeconfigPath?: string;
  inCluster?: boolean;
  /** Serve /healthz and /readyz here (0 picks a port; undefined serves nothing). */
  healthPort?: number;
  /** Do not create the CRD (it is installed by a manifest). */
  skipCrdInstall?: boolean;
  log?: (line: string) => void;
}

export interface RunningEtcdOperator {
  operator: EtcdOperator;
  client: KubeClient;
  healthPort?: number;
  stop(): Promise<void>;
}

export async function runEtcdOperator(opts: RunEtcdOperatorOptions = {}): Promise<RunningEtcdOperator> {
  const connection = opts.inCluster ? inClusterConnection() : loadKubeconfig({ path: opts.kubeconfigPath });
  const client = new KubeClient({ connection, userAgent: 'etcd-operator/berth', fieldManager: 'etcd-operator' });
  const log = opts.log ?? (() => {});
  try {
    if (!opts.skipCrdInstall) {
      const crd = await ensureEtcdClusterCRD(client);
      log(`crd: etcdclusters.etcd.database.coreos.com ${crd}`);
    }
    const operator = new EtcdOperator(client, opts);
    let ready = false;
    let server: Server | undefined;
    if (opts.healthPort !== undefined) {
      server = createServer((req, res) => {
        const ok = req.url === '/healthz' || (req.url === '/readyz' && ready);
        res.writeHead(ok ? 200 : req.url === '/readyz' ? 503 : 404, { 'content-type': 'text/plain' }).end(ok ? 'ok' : 'not ready');
      });
      await new Promise<void>((r) => server!.listen(opts.healthPort, () => r()));
    }
    await operator.start();
    ready = true;
    log(`etcd-operator: watching ${opts.namespace ? `namespace ${opts.namespace}` : 'all namespaces'}`);
    let stopping: Promise<void> | undefined;
    return {
      operator, client, healthPort: server ? (server.address() as AddressInfo).port : undefined,
      stop: () => (stopping ??= (async () => {
        ready = false;
        await operator.stop();
        if (server) await new Promise<void>((r) => server!.close(() => r()));
        await client.close();
      })()),
    };
  } catch (e) {
    await client.close();
    throw e;
  }
}
