// `berth up --operator etcd`: the EtcdCluster operator inside Berth, an API client like any other controller.
import type { Component } from '../../server/components.js';
import { runEtcdOperator } from './run.js';

export const etcdOperatorComponent: Component = {
  name: 'etcd-operator',
  controller: true,
  async start(ctx) {
    if (!ctx.options.operators?.includes('etcd')) return { stop() {} };
    const running = await runEtcdOperator({ kubeconfigPath: ctx.kubeconfigPath });
    ctx.announce('operator: etcd');
    return running;
  },
};
