// kube-controller-manager's role, and the one place every built-in controller is started: one client and one shared
// informer factory for all of them, each controller acting as its kube-system ServiceAccount (clientFor), the same
// whether it runs inside `berth up` or as `berth controller-manager`. `controllers` picks some by upstream's
// --controllers names (default: all). Outside it: namespace deletion and the garbage collector (the API's contract,
// which runs even with --no-controllers) and the local provisioner (an external provisioner, not kube-controller-manager's).
import { KubeClient } from '../client/client.js';
import { SharedInformerFactory } from '../client/informer.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { CsrApprovingController } from './certificates/approver.js';
import { CsrSigningController } from './certificates/signer.js';
import { CronJobController } from './cronjob/cronjob-controller.js';
import { DaemonSetsController } from './daemon/daemon-controller.js';
import { DeploymentController } from './deployment/controller.js';
import { DisruptionController } from './disruption/disruption.js';
import { EndpointsController } from './endpoints/controller.js';
import { EndpointSliceController } from './endpointslice/controller.js';
import { JobController } from './job/job-controller.js';
import { NodeIpamController } from './nodeipam/range-allocator.js';
import { NodeLifecycleController } from './nodelifecycle/node-lifecycle.js';
import { ResourceQuotaController } from './resourcequota/resource-quota-controller.js';
import { RootCACertPublisher } from './rootcacertpublisher/publisher.js';
import { BootstrapSigner } from './bootstrap/bootstrap-signer.js';
import { TokenCleaner } from './bootstrap/token-cleaner.js';
import { ServiceAccountsController } from './serviceaccount/serviceaccounts-controller.js';
import { ReplicaSetController } from './replicaset/controller.js';
import { newReplicationManager } from './replication/replication-controller.js';
import { StatefulSetController } from './statefulset/controller.js';
import type { FeatureGates } from './statefulset/types.js';
import { TTLAfterFinishedController } from './ttlafterfinished/ttl-after-finished.js';
import { PersistentVolumeController } from './volume/pv-controller.js';
import { StorageProtectionController } from './volume/protection-controller.js';
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
  /** The cluster CA's files the csrsigning controller signs kubelet certificates with; not started when absent. */
  csrSigning?: { certFile: string; keyFile: string };
  /** --cluster-cidr: the nodeipam controller gives every Node a podCIDR from it; not started when absent. */
  clusterCidr?: string;
  /** --node-monitor-grace-period and --node-monitor-period of the node lifecycle controller. */
  nodeMonitor?: { gracePeriodMs?: number; monitorPeriodMs?: number };
  /** Upstream's --controllers: the names of the controllers to start; default every one (CONTROLLER_NAMES). */
  controllers?: readonly string[];
}

/** kube-controller-manager's --controllers names of the controllers started here. */
export const CONTROLLER_NAMES = [
  'statefulset', 'job', 'cronjob', 'ttl-after-finished', 'replicationcontroller', 'daemonset', 'disruption', 'resourcequota',
  'serviceaccount', 'root-ca-certificate-publisher', 'deployment', 'replicaset', 'endpoint', 'endpointslice', 'csrapproving',
  'csrsigning', 'nodeipam', 'node-lifecycle', 'persistentvolume-binder', 'persistentvolume-protection', 'bootstrapsigner',
  'tokencleaner',
] as const;

/** What every controller here offers its manager. */
interface RunnableController {
  run(): Promise<void>;
  stop(): Promise<void>;
}

export interface ControllerManager {
  client: KubeClient;
  informers: SharedInformerFactory;
  // each one only when started (`controllers`, and the settings it needs)
  statefulSets?: StatefulSetController;
  jobs?: JobController;
  cronJobs?: CronJobController;
  ttlAfterFinished?: TTLAfterFinishedController;
  replicationControllers?: ReplicaSetController;
  daemonSets?: DaemonSetsController;
  disruption?: DisruptionController;
  resourceQuotas?: ResourceQuotaController;
  serviceAccounts?: ServiceAccountsController;
  rootCACertPublisher?: RootCACertPublisher;
  bootstrapSigner?: BootstrapSigner;
  tokenCleaner?: TokenCleaner;
  deployments?: DeploymentController;
  replicaSets?: ReplicaSetController;
  endpoints?: EndpointsController;
  endpointSlices?: EndpointSliceController;
  csrApproving?: CsrApprovingController;
  csrSigning?: CsrSigningController;
  nodeIpam?: NodeIpamController;
  nodeLifecycle?: NodeLifecycleController;
  persistentVolumes?: PersistentVolumeController;
  storageProtection?: StorageProtectionController;
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
  // the controllers that used to start from components of their own keep their own default error reporting
  const ownDefault = (name: string) => (opts.onError ? report(name) : undefined);
  const wanted = new Set<string>(opts.controllers ?? CONTROLLER_NAMES);
  const controllers: RunnableController[] = [];
  /** Starts `name` when wanted; each runs as its kube-system ServiceAccount. */
  const start = <C extends RunnableController>(name: (typeof CONTROLLER_NAMES)[number], make: () => C): C | undefined => {
    if (!wanted.has(name)) return undefined;
    const c = make();
    controllers.push(c);
    return c;
  };

  const m: Omit<ControllerManager, 'client' | 'informers' | 'waitForSync' | 'stop'> = {
    statefulSets: start('statefulset', () => new StatefulSetController(as('statefulset-controller'), informers, { workers: opts.workers, features: opts.features, onError: report('statefulset-controller') })),
    jobs: start('job', () => new JobController(as('job-controller'), informers, common('job-controller'))),
    cronJobs: start('cronjob', () => new CronJobController(as('cronjob-controller'), informers, common('cronjob-controller'))),
    ttlAfterFinished: start('ttl-after-finished', () => new TTLAfterFinishedController(as('ttl-after-finished-controller'), informers, common('ttl-after-finished-controller'))),
    replicationControllers: start('replicationcontroller', () => newReplicationManager(as('replication-controller'), informers, { workers: opts.workers, onError: report('replication-controller') })),
    daemonSets: start('daemonset', () => new DaemonSetsController(as('daemon-set-controller'), informers, common('daemonset-controller'))),
    disruption: start('disruption', () => new DisruptionController(as('disruption-controller'), informers, common('disruption-controller'))),
    resourceQuotas: start('resourcequota', () => new ResourceQuotaController(as('resourcequota-controller'), informers, common('resourcequota-controller'))),
    serviceAccounts: start('serviceaccount', () => new ServiceAccountsController(as('service-account-controller'), informers, { onError: report('serviceaccount-controller') })),
    rootCACertPublisher: !opts.rootCA ? undefined
      : start('root-ca-certificate-publisher', () => new RootCACertPublisher(as('root-ca-cert-publisher'), informers, opts.rootCA!, { onError: report('root-ca-cert-publisher') })),
    replicaSets: start('replicaset', () => new ReplicaSetController(as('replicaset-controller'), informers, { workers: opts.workers, onError: ownDefault('replicaset-controller') })),
    deployments: start('deployment', () => new DeploymentController(as('deployment-controller'), informers, { workers: opts.workers, onError: ownDefault('deployment-controller') })),
    endpointSlices: start('endpointslice', () => new EndpointSliceController(as('endpointslice-controller'), informers, { onError: ownDefault('endpointslice-controller') })),
    endpoints: start('endpoint', () => new EndpointsController(as('endpoint-controller'), informers, { onError: ownDefault('endpoint-controller') })),
    // csrapproving and csrsigning both run as upstream's certificate-controller ServiceAccount
    csrApproving: start('csrapproving', () => new CsrApprovingController(as('certificate-controller'), informers)),
    csrSigning: opts.csrSigning === undefined ? undefined
      : start('csrsigning', () => new CsrSigningController(as('certificate-controller'), informers, opts.csrSigning!)),
    nodeIpam: opts.clusterCidr === undefined ? undefined
      : start('nodeipam', () => new NodeIpamController(as('node-controller'), informers, { clusterCidr: opts.clusterCidr! })),
    nodeLifecycle: start('node-lifecycle', () => new NodeLifecycleController(as('node-controller'), informers, opts.nodeMonitor ?? {})),
    persistentVolumes: start('persistentvolume-binder', () => new PersistentVolumeController(as('persistent-volume-binder'), informers)),
    // these two are off by default upstream; kubeadm turns them on (--controllers=*,bootstrapsigner,tokencleaner), as Berth does
    bootstrapSigner: start('bootstrapsigner', () => new BootstrapSigner(as('bootstrap-signer'), informers, { onError: report('bootstrap-signer') })),
    tokenCleaner: start('tokencleaner', () => new TokenCleaner(as('token-cleaner'), informers, { onError: report('token-cleaner'), now: opts.now })),
    storageProtection: start('persistentvolume-protection', () => new StorageProtectionController({ claims: as('pvc-protection-controller'), volumes: as('pv-protection-controller') }, informers)),
  };
  informers.start();
  const running = controllers.map((c) => c.run());

  let stopped: Promise<void> | undefined;
  return {
    client,
    informers,
    ...m,
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
