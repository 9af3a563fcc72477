// kube-controller-manager's certificate controllers: csrapproving and csrsigning (the latter signs with the cluster
// CA of the data dir, <data-dir>/pki/ca.crt and ca.key).
import { join } from 'node:path';
import type { Component } from '../../component/contract.js';
import { controllerIdentity } from '../../authentication/component-users.js';
import { CsrApprovingController } from './approver.js';
import { CsrSigningController } from './signer.js';

export const certificateControllersComponent: Component = {
  name: 'certificate-controllers', controller: true,
  async start(ctx) {
    const pki = join(ctx.dataDir, 'pki');
    // both run as upstream's certificate-controller ServiceAccount (system:controller:certificate-controller)
    const client = ctx.clientAs(controllerIdentity('certificate-controller'));
    const controllers = [
      new CsrApprovingController(client, ctx.informers),
      new CsrSigningController(client, ctx.informers, { certFile: join(pki, 'ca.crt'), keyFile: join(pki, 'ca.key') }),
    ];
    ctx.informers.start();
    for (const c of controllers) void c.run();
    return { async stop() { await Promise.all(controllers.map((c) => c.stop())); } };
  },
};
