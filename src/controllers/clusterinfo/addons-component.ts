// What kubeadm (and an addon manager) leaves in a cluster it sets up, made with the setup's admin credentials — the
// loopback user inside the API server's process — rather than by a controller, whose role upstream does not allow
// it: kube-public/cluster-info, and the default StorageClass `standard` of the local provisioner, offered once (a
// user who deleted it does not get it back on restart) and only where volumes are provisioned (controllers run, or
// this API server is one of a cluster whose controller manager runs apart: `berth apiserver`).
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '../../apimachinery/errors.js';
import { ADDON_MANAGER_IDENTITY } from '../../authentication/component-users.js';
import { builtin } from '../../client/resources.js';
import { caCertPath } from '../../pki/index.js';
import { defaultStorageClassObject } from '../../provisioner/local-provisioner.js';
import type { Component } from '../../component/contract.js';
import { ensureClusterInfo } from './cluster-info.js';

/** Marker that the default class was offered once (where the provisioner kept it before it moved here). */
const DEFAULT_CLASS_MARKER = join('volumes', '.default-storage-class-created');

export const kubeadmAddonsComponent: Component = {
  name: 'kubeadm-addons', controller: false,
  async start(ctx) {
    return {
      async ready() {
        const client = ctx.clientAs(ADDON_MANAGER_IDENTITY);
        await ensureClusterInfo(client, { server: ctx.url, caPem: readFileSync(caCertPath(ctx.pkiDataDir ?? ctx.dataDir), 'utf8') });
        const marker = join(ctx.dataDir, DEFAULT_CLASS_MARKER);
        if (!(ctx.options.defaultStorageClass ?? ctx.options.controllers) || existsSync(marker)) return;
        try {
          await client.create(builtin.storageClasses, defaultStorageClassObject());
        } catch (e) {
          if (!(e instanceof ApiError && e.code === 409)) throw e;
        }
        await mkdir(join(ctx.dataDir, 'volumes'), { recursive: true });
        await writeFile(marker, 'standard\n');
      },
      stop() {},
    };
  },
};
