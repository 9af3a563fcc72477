// How `berth up` runs the storage controllers: the PV binder with the protection controllers (kube-controller-
// manager's share, each as its ServiceAccount) and the built-in local provisioner as its own ServiceAccount (skipped
// with --no-controllers, like an envtest API server; the default StorageClass is kubeadm-addons').
// The admission plugins beside the API are in admission-component.ts.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Component } from '../../component/contract.js';
import { controllerIdentity, PROVISIONER_IDENTITY } from '../../authentication/component-users.js';
import { LocalProvisioner } from '../../provisioner/local-provisioner.js';
import { PersistentVolumeController } from './pv-controller.js';
import { StorageProtectionController } from './protection-controller.js';

export const volumeControllersComponent: Component = {
  name: 'persistentvolume-controllers', controller: true,
  async start(ctx) {
    const as = (serviceAccount: string) => ctx.clientAs(controllerIdentity(serviceAccount));
    const binder = new PersistentVolumeController(as('persistent-volume-binder'), ctx.informers);
    const protection = new StorageProtectionController({ claims: as('pvc-protection-controller'), volumes: as('pv-protection-controller') }, ctx.informers);
    ctx.informers.start();
    const running = [binder.run(), protection.run()];
    return {
      async stop() {
        await Promise.all([binder.stop(), protection.stop()]);
        await Promise.allSettled(running);
      },
    };
  },
};

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
