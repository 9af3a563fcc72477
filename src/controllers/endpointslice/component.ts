// `berth up` component running the EndpointSlice and Endpoints controllers on one client and informer factory.
import { KubeClient } from '../../client/client.js';
import { SharedInformerFactory } from '../../client/informer.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import type { Component } from '../../server/components.js';
import { EndpointsController } from '../endpoints/controller.js';
import { EndpointSliceController } from './controller.js';

export const endpointControllersComponent: Component = {
  name: 'endpoint-controllers', controller: true,
  async start(ctx) {
    const client = new KubeClient({
      connection: loadKubeconfig({ path: ctx.kubeconfigPath }),
      userAgent: 'kube-controller-manager/v1.33.0 (linux/amd64) kubernetes/berth',
      fieldManager: 'kube-controller-manager',
    });
    const factory = new SharedInformerFactory(client);
    const slices = new EndpointSliceController(client, factory);
    const endpoints = new EndpointsController(client, factory);
    factory.start();
    const running = [slices.run(), endpoints.run()];
    return {
      async stop() {
        await Promise.all([slices.stop(), endpoints.stop()]);
        await Promise.allSettled(running);
        await factory.stop();
        await client.close();
      },
    };
  },
};
