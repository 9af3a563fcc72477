// kube-controller-manager's role: one client and one shared informer factory for every controller, all talking to
// the API server over HTTPS with a kubeconfig — the same whether it runs inside `berth up` or as its own process.
// The Deployment/ReplicaSet and volume controllers still start from their own components.
import { KubeClient } from '../client/client.js';
import { SharedInformerFactory } from '../client/informer.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { CronJobController } from './cronjob/cronjob-controller.js';
import { DaemonSetsController } from './daemon/daemon-controller.js';
import { DisruptionController } from './disruption/disruption.js';
import { JobController } from './job/job-controller.js';
import { ResourceQuotaController } from './resourcequota/resource-quota-controller.js';
import { RootCACertPublisher } from './rootcacertpublisher/publisher.js';
import { ServiceAccountsController } from './serviceaccount/serviceaccounts-controller.js';
import type { ReplicaSetController } from './replicaset/controller.js';
import { newReplicationManager } from './replication/replication-controller.js';
import { StatefulSetController } from './statefulset/controller.js';
import type { FeatureGates } from './statefulset/types.js';
import { TTLAfterFinishedController } from './ttlafterfinished/ttl-after-finished.js';
import { KUBE_VERSION } from '../apimachinery/version.js';
import { warnSyncError } from './common/sync-errors.js';

export interface ControllerManagerOptions {
  /** Where to connect when no `client` is given. */
  kubeconfigPath?: string;
  /** A client to use (inside `berth up`, the one all components share); the caller closes it. */
  client?: KubeClient;
  /** An informer factory to register on (shared with other components); the caller stops it. */
  informers?: SharedInformerFactory;
  /**
   * Each controller's client, by its ServiceAccount in kube-system (--use-service-account-credentials: inside
   * `berth up` and `berth controller-manager`); `client` for every controller when absent.
   */
  clientFor?: (serviceAccount: string) => KubeClient;
  features?: FeatureGates;
  /** Concurrent syncs per controller (--concurrent-statefulset-syncs and friends); default 5. */
  workers?: number;
  /** Where failed syncs are reported; default console.warn. */
  onError?: (controller: string, key: string, err: unknown) => void;
  /** The clock of the time-driven controllers (CronJob, Job deadlines and back-off, TTL); default Date.now. */
  now?: () => number;
  /** The cluster CA (PEM) the root CA publisher puts in every namespace's kube-root-ca.crt; not published when absent. */
  rootCA?: string;
}

/** What every controller here offers its manager. */
interface RunnableController {
  run(): Promise<void>;
  stop(): Promise<void>;
}

export interface ControllerManager {
  client: KubeClient;
  informers: SharedInformerFactory;
  statefulSets: StatefulSetController;
  jobs: JobController;
  cronJobs: CronJobController;
  ttlAfterFinished: TTLAfterFinishedController;
  replicationControllers: ReplicaSetController;
  daemonSets: DaemonSetsController;
  disruption: DisruptionController;
  resourceQuotas: ResourceQuotaController;
  serviceAccounts: ServiceAccountsController;
  rootCACertPublisher?: RootCACertPublisher;
  /** Resolves true once every informer has listed (false when stopped first). */
  waitForSync(): Promise<boolean>;
  /** Stops the controllers (in-flight syncs finish), then the informers and connections it made itself. */
  stop(): Promise<void>;
}

export const CONTROLLER_MANAGER_USER_AGENT = `kube-controller-manager/${KUBE_VERSION} (linux/amd64) kubernetes/berth`;

export async function startControllerManager(opts: ControllerManagerOptions): Promise<ControllerManager> {
  const client = opts.client ?? new KubeClient({
    connection: loadKubeconfig({ path: opts.kubeconfigPath }),
    userAgent: CONTROLLER_MANAGER_USER_AGENT,
    fieldManager: 'kube-controller-manager',
  });
  const informers = opts.informers ?? new SharedInformerFactory(client);
  const report = (controller: string) => (key: string, err: unknown) => {
    if (opts.onError) opts.onError(controller, key, err);
    else warnSyncError(err, `${controller}: error syncing ${key}, requeuing: ${err instanceof Error ? err.message : String(err)}`);
  };
  const as = (serviceAccount: string) => opts.clientFor?.(serviceAccount) ?? client;
  const common = (name: string) => ({ workers: opts.workers, onError: report(name), now: opts.now });

  const statefulSets = new StatefulSetController(as('statefulset-controller'), informers, { workers: opts.workers, features: opts.features, onError: report('statefulset-controller') });
  const jobs = new JobController(as('job-controller'), informers, common('job-controller'));
  const cronJobs = new CronJobController(as('cronjob-controller'), informers, common('cronjob-controller'));
  const ttlAfterFinished = new TTLAfterFinishedController(as('ttl-after-finished-controller'), informers, common('ttl-after-finished-controller'));
  const replicationControllers = newReplicationManager(as('replication-controller'), informers, { workers: opts.workers, onError: report('replication-controller') });
  const daemonSets = new DaemonSetsController(as('daemon-set-controller'), informers, common('daemonset-controller'));
  const disruption = new DisruptionController(as('disruption-controller'), informers, common('disruption-controller'));
  const resourceQuotas = new ResourceQuotaController(as('resourcequota-controller'), informers, common('resourcequota-controller'));
  const serviceAccounts = new ServiceAccountsController(as('service-account-controller'), informers, { onError: report('serviceaccount-controller') });
  const rootCACertPublisher = opts.rootCA ? new RootCACertPublisher(as('root-ca-cert-publisher'), informers, opts.rootCA, { onError: report('root-ca-cert-publisher') }) : undefined;
  const controllers: RunnableController[] = [
    statefulSets, jobs, cronJobs, ttlAfterFinished, replicationControllers, daemonSets, disruption, resourceQuotas, serviceAccounts,
    ...(rootCACertPublisher ? [rootCACertPublisher] : []),
  ];
  informers.start();
  const running = controllers.map((c) => c.run());

  let stopped: Promise<void> | undefined;
  return {
    client,
    informers,
    statefulSets,
    jobs,
    cronJobs,
    ttlAfterFinished,
    replicationControllers,
    daemonSets,
    disruption,
    resourceQuotas,
    serviceAccounts,
    rootCACertPublisher,
    waitForSync: () => informers.waitForCacheSync(),
    stop: () =>
      (stopped ??= (async () => {
        await Promise.all(controllers.map((c) => c.stop()));
        await Promise.allSettled(running);
        if (!opts.informers) await informers.stop();
        if (!opts.client) await client.close();
      })()),
  };
}
