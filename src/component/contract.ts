// The contract between Berth's host (src/host/: what `berth up` and `berth controller-manager` start) and what it
// starts: controllers, the node agent, the scheduler, DNS, admission plugins. Each is a Component started once the
// server listens and the kubeconfig exists (controllers are API clients and can use it), and stopped before the
// server closes, in reverse order. Types only, so that every component depends on this file and not on the host.
import type { TypeModel } from '../apimachinery/schema/types.js';
import type { KubeClient } from '../client/client.js';
import type { SharedInformerFactory } from '../client/informer.js';
import type { UserInfo } from '../api/identity.js';
import type { KubeletApi } from './kubelet-api.js';

/** Who a component is to the API server: `User-Agent` and the field manager its writes default to. */
export interface ClientIdentity {
  userAgent: string;
  fieldManager?: string;
  /**
   * Who the component is to the authorizer in-process (upstream's identity for it, e.g. system:kube-scheduler);
   * the loopback user (system:apiserver, system:masters) when absent. Over a kubeconfig, its credentials decide.
   */
  user?: UserInfo;
  /**
   * The ServiceAccount `user` is. Over a kubeconfig the component then speaks with a token the kubeconfig's user
   * requests for that account (kube-controller-manager's --use-service-account-credentials).
   */
  serviceAccount?: { namespace: string; name: string };
}

export interface BerthRuntimeOptions {
  /** Nodes the node agent registers (berth-node-1..N). */
  nodes: number;
  /** How pods run: as processes on this machine, or simulated; `auto` picks process when root on Linux. */
  runtime: 'auto' | 'process' | 'sim';
  /** Pod IP range (one /24 per node), as kube-controller-manager's --cluster-cidr. */
  clusterCidr: string;
  /** Service ClusterIP range, as kube-apiserver's --service-cluster-ip-range (kube's --service-cidr). */
  serviceCidr: string;
  /** How long a simulated container takes to start (ms). */
  simStartDelayMs: number;
  /** Port of the cluster DNS server on 127.0.0.1 (0 picks one). */
  dnsPort: number;
  /** Feature gates, e.g. { MaxUnavailableStatefulSet: true }. */
  featureGates: Record<string, boolean>;
  /** Start controllers, node agent, scheduler and DNS (false: API server only, like envtest). */
  controllers: boolean;
  /** Operators to run in-process, e.g. ['etcd'] (`berth up --operator etcd`). */
  operators?: string[];
  /** kube-controller-manager's --node-monitor-grace-period (ms; default 50 s) and --node-monitor-period (5 s). */
  nodeMonitorGracePeriodMs?: number;
  nodeMonitorPeriodMs?: number;
  /**
   * Offer the default StorageClass `standard` on first start: false never (a bare cluster), true always (`berth
   * apiserver`, whose controllers run apart), unset when controllers run here.
   */
  defaultStorageClass?: boolean;
}

export interface ComponentContext {
  dataDir: string;
  /** The data dir whose pki/ holds the cluster's CA (`berth apiserver --pki-from`); dataDir when unset. */
  pkiDataDir?: string;
  url: string;
  kubeconfigPath: string;
  model: TypeModel;
  options: BerthRuntimeOptions;
  /** The kubelets the API server streams exec, attach, port-forward and logs to, by node name (a node agent adds its nodes). */
  kubelets: Map<string, KubeletApi>;
  /** Lines printed by `berth up` after start (e.g. `dns: 127.0.0.1:N`). */
  announce(line: string): void;
  /**
   * The API client all components share (one connection pool), as kube-controller-manager (user agent and default
   * field manager). Available once /readyz is ok (see RunningComponent.ready); closed by Berth after every component
   * has stopped — never close it.
   */
  readonly client: KubeClient;
  /**
   * One informer per resource and scope for all components, on `client`. As in kube-controller-manager: register
   * informers (informerFor), then `start()` (idempotent; later informers start at once), then wait for your own
   * informers' sync. Berth stops it after every component has stopped — never stop it.
   */
  readonly informers: SharedInformerFactory;
  /** A client over the shared connections that speaks as someone else (scheduler, kubelet, …). Never close it. */
  clientAs(identity: ClientIdentity): KubeClient;
}

export interface RunningComponent {
  /**
   * Called once /readyz is ok, before the afterReady components and controllers start: the part of an API-side
   * component that is an API client (informers, workers). `client`, `informers` and `clientAs` work from here on.
   */
  ready?(): Promise<void> | void;
  stop(): Promise<void> | void;
}

/**
 * A part Berth starts. `C` is what it needs of its host: API clients and options (ComponentContext) for a
 * controller or agent; the API-side parts in src/host/ ask for more (HostContext: the registry and the server).
 */
export interface Component<C extends ComponentContext = ComponentContext> {
  name: string;
  /** Components that are controllers are skipped when options.controllers is false. */
  controller: boolean;
  /**
   * Part of the API's contract but not needed to serve it (namespace deletion, garbage collection): started right
   * after /readyz turns ok, even with --no-controllers.
   */
  afterReady?: boolean;
  start(ctx: C): Promise<RunningComponent>;
}
