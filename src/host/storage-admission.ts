// The storage admission plugins `berth up` runs beside the API (always, even with --no-controllers): a module of
// its own so the volume controllers load only when they start.
import { defaultStorageClass } from '../admission/default-storage-class.js';
import { persistentVolumeClaimResize, storageObjectInUseProtection } from '../admission/storage-protection.js';
import type { HostComponent } from './host-context.js';

export const storageAdmissionComponent: HostComponent = {
  name: 'storage-admission', controller: false,
  async start(ctx) {
    ctx.objects.useAdmission(defaultStorageClass(ctx.objects, ctx.registry));
    ctx.objects.useAdmission(storageObjectInUseProtection());
    ctx.objects.useAdmission(persistentVolumeClaimResize(ctx.objects, ctx.registry));
    return { stop() {} };
  },
};
