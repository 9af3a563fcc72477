// Running the operator as a program: out of cluster from a kubeconfig, in cluster from the pod's ServiceAccount,
// or inside `berth up`. Installs the CRD if missing, then reconciles until stopped; /healthz and /readyz on an
// optional port for the Deployment's probes.
import { readFileSync } from 'node:fs';
import { KubeClient } from '../../client/client.js';
import type { ClusterConnection } from '../../client/kubeconfig.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { ensureEtcdClusterCRD } from './install.js';
import { EtcdOperator, EtcdOperatorOptions } from './operator.js';

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** User agent and field manager of the operator's writes. */
export const ETCD_OPERATOR_IDENTITY = { userAgent: 'etcd-operator/berth', fieldManager: 'etcd-operator' } as const;

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
  /** A client to use instead of connecting (inside `berth up`, over the connections all components share); the caller closes it. */
  client?: KubeClient;
  kubeconfigPath?: string;
  inCluster?: boolean;
  /** Serve /healthz, /readyz and /metrics here (0 picks a port; undefined serves nothing). */
  healthPort?: number;
  /** Campaign for a Lease (`<namespace>/etcd-operator`) and reconcile only while holding it. */
  leaderElection?: { namespace: string; name?: string; identity?: string; leaseDurationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number };
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
  const client = opts.client ?? new KubeClient({
    connection: opts.inCluster ? inClusterConnection() : loadKubeconfig({ path: opts.kubeconfigPath }),
    userAgent: ETCD_OPERATOR_IDENTITY.userAgent, fieldManager: ETCD_OPERATOR_IDENTITY.fieldManager,
  });
  const closeClient = () => (opts.client ? Promise.resolve() : client.close());
  const log = opts.log ?? (() => {});
  try {
    if (!opts.skipCrdInstall) {
      const crd = await ensureEtcdClusterCRD(client);
      log(`crd: etcdclusters.etcd.database.coreos.com ${crd}`);
    }
    // In a pod the kubelet probes the pod's IP, so the endpoints listen on every address there (loopback otherwise).
    const endpoint = opts.healthPort !== undefined ? { port: opts.healthPort, ...(opts.inCluster ? { host: '0.0.0.0' } : {}) } : false;
    const operator = new EtcdOperator(client, {
      ...opts,
      health: endpoint, metrics: endpoint,
      leaderElection: opts.leaderElection ? { name: 'etcd-operator', ...opts.leaderElection } : false,
      logger: { info: log, error: (m, e) => (opts.log ?? console.warn)(e === undefined ? m : `${m}: ${e instanceof Error ? e.message : String(e)}`) },
    });
    await operator.start();
    log(`etcd-operator: watching ${opts.namespace ? `namespace ${opts.namespace}` : 'all namespaces'}${opts.leaderElection ? ' (leader election on)' : ''}`);
    let stopping: Promise<void> | undefined;
    return {
      operator, client, healthPort: operator.manager.healthPort,
      stop: () => (stopping ??= (async () => {
        await operator.stop();
        await closeClient();
      })()),
    };
  } catch (e) {
    await closeClient();
    throw e;
  }
}
