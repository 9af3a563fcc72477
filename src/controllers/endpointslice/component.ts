// `berth up` component running the EndpointSlice and Endpoints controllers on the client and informer factory all
// components share (kube-controller-manager's).
import type { Component } from '../../component/contract.js';
import { controllerIdentity } from '../../authentication/component-users.js';
import { EndpointsController } from '../endpoints/controller.js';
import { EndpointSliceController } from './controller.js';

export const endpointControllersComponent: Component = {
  name: 'endpoint-controllers', controller: true,
  async start(ctx) {
    const slices = new EndpointSliceController(ctx.clientAs(controllerIdentity('endpointslice-controller')), ctx.informers);
    const endpoints = new EndpointsController(ctx.clientAs(controllerIdentity('endpoint-controller')), ctx.informers);
    ctx.informers.start();
    const running = [slices.run(), endpoints.run()];
    return {
      async stop() {
        await Promise.all([slices.stop(), endpoints.stop()]);
        await Promise.allSettled(running);
      },
    };
  },
};
