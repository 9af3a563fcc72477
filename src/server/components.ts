// What runs beside the API server inside `berth up`: controllers, the node agent, the scheduler, DNS, admission
// plugins. Each is a Component started once the server listens and the kubeconfig exists (controllers are API
// clients and can use it), and stopped before the server closes, in reverse order.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TypeModel } from '../apimachinery/schema/types.js';
import type { KubeClient } from '../client/client.js';
import type { SharedInformerFactory } from '../client/informer.js';
import type { GenericStore } from '../registry/generic-store.js';
import type { ResourceRegistry } from '../registry/registry.js';
import type { UserInfo } from '../registry/types.js';
import type { Store } from '../storage/interface.js';
import type { ClientIdentity } from './component-client.js';
import type { ServerContext } from './context.js';
import type { RequestInfo } from './request-info.js';

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
  registry: ResourceRegistry;
  objects: GenericStore;
  store: Store;
  model: TypeModel;
  server: ServerContext;
  options: BerthRuntimeOptions;
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

export interface Component {
  name: string;
  /** Components that are controllers are skipped when options.controllers is false. */
  controller: boolean;
  /**
   * Part of the API's contract but not needed to serve it (namespace deletion, garbage collection): started right
   * after /readyz turns ok, even with --no-controllers.
   */
  afterReady?: boolean;
  start(ctx: ComponentContext): Promise<RunningComponent>;
}

/** A subresource served outside the generic REST store (pods/binding, pods/log, …). */
export type SubresourceHandler = (
  ctx: ServerContext, req: IncomingMessage, res: ServerResponse, info: RequestInfo, query: URLSearchParams, user: UserInfo,
) => Promise<void>;

/**
 * A subresource served over an upgraded connection (SPDY/3.1 or WebSocket), after authentication and authorization.
 * It owns `socket`: it answers with a Status (before the upgrade) or upgrades it.
 */
export type UpgradeHandler = (
  ctx: ServerContext, req: IncomingMessage, socket: Duplex, head: Buffer, info: RequestInfo, query: URLSearchParams, user: UserInfo,
) => Promise<void>;

/** Key for ServerContext.subresources: `<group>/<resource>/<subresource>`, e.g. `/pods/binding`. */
export const subresourceKey = (group: string, resource: string, subresource: string) => `${group}/${resource}/${subresource}`;

/** Stops started components, the last started first; a failure is logged and the others still stop. Empties the list. */
export async function stopInReverse(running: [string, RunningComponent][]): Promise<void> {
  for (const [name, c] of running.reverse()) {
    try {
      await c.stop();
    } catch (e) {
      console.error(`berth: stopping ${name}:`, e);
    }
  }
  running.length = 0;
}
