// `berth up --operator etcd`: the EtcdCluster operator inside Berth, an API client like any other controller.
import type { Component } from '../../component/contract.js';
import { ETCD_OPERATOR_IDENTITY, runEtcdOperator } from './run.js';

export const etcdOperatorComponent: Component = {
  name: 'etcd-operator',
  controller: true,
  async start(ctx) {
    if (!ctx.options.operators?.includes('etcd')) return { stop() {} };
    // The shared connections; its informers stay the SDK manager's own (their metrics and resync are per manager).
    const running = await runEtcdOperator({ client: ctx.clientAs(ETCD_OPERATOR_IDENTITY) });
    ctx.announce('operator: etcd');
    return running;
  },
};
