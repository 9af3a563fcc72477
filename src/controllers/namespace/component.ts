// The namespace controller as a Berth component, on the shared client and informers. Namespace deletion is part
// of the API's contract, so it runs even without controllers.
import type { Component } from '../../component/contract.js';
import { controllerIdentity } from '../../authentication/component-users.js';
import { NamespaceController } from './namespace-controller.js';

export const namespaceControllerComponent: Component = {
  name: 'namespace-controller',
  controller: false,
  async start(ctx) {
    const controller = new NamespaceController(ctx.clientAs(controllerIdentity('namespace-controller')), ctx.informers);
    ctx.informers.start();
    void controller.run(); // in the background, once the namespace informer has listed
    return controller;
  },
};
