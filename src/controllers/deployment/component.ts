// The Deployment and ReplicaSet controllers as one Berth component: an API client of their own (kubeconfig) and a
// shared informer factory, so both controllers watch pods and ReplicaSets through the same caches.
import { KubeClient } from '../../client/client.js';
import { SharedInformerFactory } from '../../client/informer.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import type { Component } from '../../server/components.js';
import { ReplicaSetController } from '../replicaset/controller.js';
import { DeploymentController } from './controller.js';

export interface WorkloadControllers {
  client: KubeClient;
  informers: SharedInformerFactory;
  replicaSets: ReplicaSetController;
  deployments: DeploymentController;
  waitForSync(): Promise<boolean>;
  stop(): Promise<void>;
}

export interface StartWorkloadControllersOptions {
  kubeconfigPath: string;
  workers?: number;
  onError?: (controller: string, key: string, err: unknown) => void;
}

export async function startDeploymentControllers(opts: StartWorkloadControllersOptions): Promise<WorkloadControllers> {
  const client = new KubeClient({
    connection: loadKubeconfig({ path: opts.kubeconfigPath }),
    userAgent: 'kube-controller-manager/v1.33.0 (linux/amd64) kubernetes/berth',
    fieldManager: 'kube-controller-manager',
  });
  const informers = new SharedInformerFactory(client);
  const report = (name: string) => (opts.onError ? (key: string, err: unknown) => opts.onError!(name, key, err) : undefined);
  const replicaSets = new ReplicaSetController(client, informers, { workers: opts.workers, onError: report('replicaset-controller') });
  const deployments = new DeploymentController(client, informers, { workers: opts.workers, onError: report('deployment-controller') });
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
        await informers.stop();
        await client.close();
      })()),
  };
}

export const deploymentControllersComponent: Component = {
  name: 'deployment-controllers',
  controller: true,
  async start(ctx) {
    return startDeploymentControllers({ kubeconfigPath: ctx.kubeconfigPath });
  },
};
