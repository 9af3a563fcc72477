// The Deployment and ReplicaSet controllers as one Berth component: on the client and informer factory all
// components share inside `berth up`, or on their own (kubeconfig) when started alone.
import { KubeClient } from '../../client/client.js';
import { SharedInformerFactory } from '../../client/informer.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import type { Component } from '../../component/contract.js';
import { controllerIdentity } from '../../authentication/component-users.js';
import { ReplicaSetController } from '../replicaset/controller.js';
import { DeploymentController } from './controller.js';
import { KUBE_VERSION } from '../../apimachinery/version.js';

export interface WorkloadControllers {
  client: KubeClient;
  informers: SharedInformerFactory;
  replicaSets: ReplicaSetController;
  deployments: DeploymentController;
  waitForSync(): Promise<boolean>;
  stop(): Promise<void>;
}

export interface StartWorkloadControllersOptions {
  /** Where to connect when no `client` is given. */
  kubeconfigPath?: string;
  /** A client to use (inside `berth up`, the one all components share); the caller closes it. */
  client?: KubeClient;
  /** An informer factory to register on (shared with other components); the caller stops it. */
  informers?: SharedInformerFactory;
  /** Each controller's client (its ServiceAccount's, inside `berth up`); `client` when absent. */
  clientFor?: (serviceAccount: string) => KubeClient;
  workers?: number;
  onError?: (controller: string, key: string, err: unknown) => void;
}

export async function startDeploymentControllers(opts: StartWorkloadControllersOptions): Promise<WorkloadControllers> {
  const client = opts.client ?? new KubeClient({
    connection: loadKubeconfig({ path: opts.kubeconfigPath }),
    userAgent: `kube-controller-manager/${KUBE_VERSION} (linux/amd64) kubernetes/berth`,
    fieldManager: 'kube-controller-manager',
  });
  const informers = opts.informers ?? new SharedInformerFactory(client);
  const report = (name: string) => (opts.onError ? (key: string, err: unknown) => opts.onError!(name, key, err) : undefined);
  const as = (serviceAccount: string) => opts.clientFor?.(serviceAccount) ?? client;
  const replicaSets = new ReplicaSetController(as('replicaset-controller'), informers, { workers: opts.workers, onError: report('replicaset-controller') });
  const deployments = new DeploymentController(as('deployment-controller'), informers, { workers: opts.workers, onError: report('deployment-controller') });
  informers.start();
  const running = [replicaSets.run(), deployments.run()];
  let stopped: Promise<void> | undefined;
  return {
    client, informers, replicaSets, deployments,
    waitForSync: () => informers.waitForCacheSync(),
    stop: () =>
      (stopped ??= (async () => {
        await Promise.all([deployments.stop(), replicaSets.stop()]);
        await Promise.allSettled(running);
        if (!opts.informers) await informers.stop();
        if (!opts.client) await client.close();
      })()),
  };
}

export const deploymentControllersComponent: Component = {
  name: 'deployment-controllers',
  controller: true,
  async start(ctx) {
    return startDeploymentControllers({
      client: ctx.client, informers: ctx.informers, clientFor: (serviceAccount) => ctx.clientAs(controllerIdentity(serviceAccount)),
    });
  },
};
