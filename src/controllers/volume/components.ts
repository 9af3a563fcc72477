// How `berth up` runs the storage controllers: the PV binder with the protection controllers (kube-controller-
// manager's share) and the built-in local provisioner with the default StorageClass (skipped with --no-controllers,
// like an envtest API server). The admission plugins beside the API are in admission-component.ts.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isAlreadyExistsOrConflict } from '../../apimachinery/errors.js';
import { builtin } from '../../client/resources.js';
import { defaultStorageClassObject, LocalProvisioner } from '../../provisioner/local-provisioner.js';
import type { Component, ComponentContext } from '../../component/contract.js';
import { PersistentVolumeController } from './pv-controller.js';
import { StorageProtectionController } from './protection-controller.js';
import { KUBE_VERSION } from '../../apimachinery/version.js';

/** A client over the connections all components share, speaking as `agent`. */
const clientFor = (ctx: ComponentContext, agent: string) =>
  ctx.clientAs({ userAgent: `${agent}/${KUBE_VERSION} (linux/amd64) kubernetes/berth`, fieldManager: agent });

export const volumeControllersComponent: Component = {
  name: 'persistentvolume-controllers', controller: true,
  async start(ctx) {
    const binder = new PersistentVolumeController(ctx.client, ctx.informers);
    const protection = new StorageProtectionController(ctx.client, ctx.informers);
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

/** Marker that the default class was offered once: a user who deleted it does not get it back on restart. */
const DEFAULT_CLASS_MARKER = '.default-storage-class-created';

export const localProvisionerComponent: Component = {
  name: 'local-provisioner', controller: true,
  async start(ctx) {
    const client = clientFor(ctx, 'berth-local-provisioner');
    await mkdir(join(ctx.dataDir, 'volumes'), { recursive: true });
    const wantDefault = (ctx.options as { defaultStorageClass?: boolean }).defaultStorageClass !== false;
    const marker = join(ctx.dataDir, 'volumes', DEFAULT_CLASS_MARKER);
    if (wantDefault && !existsSync(marker)) {
      try {
        await client.create(builtin.storageClasses, defaultStorageClassObject());
      } catch (e) {
        if (!isAlreadyExistsOrConflict(e)) throw e;
      }
      await writeFile(marker, 'standard\n');
    }
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
