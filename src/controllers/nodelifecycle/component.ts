// kube-controller-manager's node lifecycle controller (--node-monitor-period, --node-monitor-grace-period).
import type { Component } from '../../component/contract.js';
import { controllerIdentity } from '../../authentication/component-users.js';
import { NodeLifecycleController } from './node-lifecycle.js';

export const nodeLifecycleComponent: Component = {
  name: 'node-lifecycle-controller', controller: true,
  async start(ctx) {
    const o = ctx.options;
    const controller = new NodeLifecycleController(ctx.clientAs(controllerIdentity('node-controller')), ctx.informers, { gracePeriodMs: o.nodeMonitorGracePeriodMs, monitorPeriodMs: o.nodeMonitorPeriodMs });
    ctx.informers.start();
    void controller.run();
    return { stop: () => controller.stop() };
  },
};
