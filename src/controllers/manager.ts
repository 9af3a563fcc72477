// kube-controller-manager's role: one client and one shared informer factory for every controller, all talking to
// the API server over HTTPS with a kubeconfig — the same whether it runs inside `berth up` or as its own process.
import { KubeClient } from '../client/client.js';
import { SharedInformerFactory } from '../client/informer.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { StatefulSetController } from './statefulset/controller.js';
import type { FeatureGates } from './statefulset/types.js';

export interface ControllerManagerOptions {
  /** Where to connect when no `client` is given. */
  kubeconfigPath?: string;
  /** A client to use (inside `berth up`, the one all components share); the caller closes it. */
  client?: KubeClient;
  /** An informer factory to register on (shared with other components); the caller stops it. */
  informers?: SharedInformerFactory;
  features?: FeatureGates;
  /** Concurrent syncs per controller (--concurrent-statefulset-syncs); default 5. */
  workers?: number;
  /** Where failed syncs are reported; default console.warn. */
  onError?: (controller: string, key: string, err: unknown) => void;
}

export interface ControllerManager {
  client: KubeClient;
  informers: SharedInformerFactory;
  statefulSets: StatefulSetController;
  /** Resolves true once every informer has listed (false when stopped first). */
  waitForSync(): Promise<boolean>;
  /** Stops the controllers (in-flight syncs finish), then the informers and connections it made itself. */
  stop(): Promise<void>;
}

export const CONTROLLER_MANAGER_USER_AGENT = 'kube-controller-manager/v1.33.0 (linux/amd64) kubernetes/berth';

export async function startControllerManager(opts: ControllerManagerOptions): Promise<ControllerManager> {
  const client = opts.client ?? new KubeClient({
    connection: loadKubeconfig({ path: opts.kubeconfigPath }),
    userAgent: CONTROLLER_MANAGER_USER_AGENT,
    fieldManager: 'kube-controller-manager',
  });
  const informers = opts.informers ?? new SharedInformerFactory(client);
  const report = (controller: string) => (key: string, err: unknown) => {
    if (opts.onError) opts.onError(controller, key, err);
    else console.warn(`${controller}: error syncing ${key}, requeuing: ${err instanceof Error ? err.message : String(err)}`);
  };

  const statefulSets = new StatefulSetController(client, informers, { workers: opts.workers, features: opts.features, onError: report('statefulset-controller') });
  informers.start();
  const running = [statefulSets.run()];

  let stopped: Promise<void> | undefined;
  return {
    client,
    informers,
    statefulSets,
    waitForSync: () => informers.waitForCacheSync(),
    stop: () =>
      (stopped ??= (async () => {
        await statefulSets.stop();
        await Promise.allSettled(running);
        if (!opts.informers) await informers.stop();
        if (!opts.client) await client.close();
      })()),
  };
}
