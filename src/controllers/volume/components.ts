// How `berth up` runs the built-in local provisioner, as its own ServiceAccount (skipped with --no-controllers, like an
// envtest API server; the default StorageClass is kubeadm-addons'). The PV binder and protection controllers are
// kube-controller-manager's (controllers/manager.ts).
// The admission plugins beside the API are in admission-component.ts.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Component } from '../../component/contract.js';
import { PROVISIONER_IDENTITY } from '../../authentication/component-users.js';
import { LocalProvisioner } from '../../provisioner/local-provisioner.js';

export const localProvisionerComponent: Component = {
  name: 'local-provisioner', controller: true,
  async start(ctx) {
    const client = ctx.clientAs(PROVISIONER_IDENTITY);
    await mkdir(join(ctx.dataDir, 'volumes'), { recursive: true });
    const provisioner = new LocalProvisioner(client, ctx.informers, { dataDir: ctx.dataDir });
    ctx.informers.start();
    const running = provisioner.run();
    return {
      async stop() {
        await provisioner.stop();
        await running.catch(() => {});
      },
    };
  },
};
