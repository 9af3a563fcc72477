// kube-controller-manager's nodeipam controller (--allocate-node-cidrs with --cluster-cidr and
// --node-cidr-mask-size 24): every Node gets a podCIDR.
import type { Component } from '../../component/contract.js';
import { controllerIdentity } from '../../authentication/component-users.js';
import { NodeIpamController } from './range-allocator.js';

export const nodeIpamComponent: Component = {
  name: 'node-ipam-controller', controller: true,
  async start(ctx) {
    const controller = new NodeIpamController(ctx.clientAs(controllerIdentity('node-controller')), ctx.informers, { clusterCidr: ctx.options.clusterCidr });
    ctx.informers.start();
    void controller.run();
    return { stop: () => controller.stop() };
  },
};
