// StorageObjectInUseProtection admission (plugin/pkg/admission/storage/storageobjectinuseprotection): every new
// claim and volume carries a finalizer, so deleting one still in use only marks it; the pvc/pv protection
// controllers remove the finalizer once no pod uses the claim / the volume is no longer bound.
// Also PersistentVolumeClaimResize (plugin/pkg/admission/storage/persistentvolume/resize): a bound claim may grow
// only when its class allows volume expansion.
import { errForbidden } from '../apimachinery/errors.js';
import { tryParseQuantity } from '../apimachinery/quantity.js';
import type { GenericStore } from '../registry/generic-store.js';
import type { ResourceRegistry } from '../registry/registry.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../registry/types.js';
import { claimClass } from '../volume/helpers.js';
import { PV_PROTECTION_FINALIZER, PVC_PROTECTION_FINALIZER, type PersistentVolumeClaim, type StorageClass } from '../volume/types.js';

export function storageObjectInUseProtection(): AdmissionPlugin {
  return {
    name: 'StorageObjectInUseProtection',
    admit(a: AdmissionAttributes) {
      if (a.operation !== 'CREATE' || a.subresource || a.def.group !== '' || !a.object) return;
      const finalizer = a.def.resource === 'persistentvolumeclaims' ? PVC_PROTECTION_FINALIZER : a.def.resource === 'persistentvolumes' ? PV_PROTECTION_FINALIZER : undefined;
      if (!finalizer) return;
      const meta = a.object.metadata;
      if (!meta.finalizers?.includes(finalizer)) meta.finalizers = [...(meta.finalizers ?? []), finalizer];
    },
  };
}

export function persistentVolumeClaimResize(objects: GenericStore, registry: ResourceRegistry): AdmissionPlugin {
  return {
    name: 'PersistentVolumeClaimResize',
    async validate(a: AdmissionAttributes) {
      if (a.operation !== 'UPDATE' || a.subresource || a.def.group !== '' || a.def.resource !== 'persistentvolumeclaims') return;
      const claim = a.object as PersistentVolumeClaim | undefined, old = a.oldObject as PersistentVolumeClaim | undefined;
      if (!claim || !old) return;
      const want = tryParseQuantity(claim.spec?.resources?.requests?.storage);
      const had = tryParseQuantity(old.spec?.resources?.requests?.storage);
      if (!want || !had || want.cmp(had) <= 0) return;
      const gr = { group: '', resource: 'persistentvolumeclaims' };
      if (old.status?.phase !== 'Bound') throw errForbidden(gr, a.name, 'Only bound persistent volume claims can be expanded');
      const scDef = registry.lookup('storage.k8s.io', 'v1', 'storageclasses');
      let allowed = false;
      const className = claimClass(old);
      if (scDef && className) {
        try {
          allowed = ((await objects.get(scDef, '', className)) as StorageClass).allowVolumeExpansion === true;
        } catch {
          allowed = false;
        }
      }
      if (!allowed) throw errForbidden(gr, a.name, 'only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize');
    },
  };
}
