// DefaultStorageClass admission (plugin/pkg/admission/storage/storageclass/setdefault): a claim created without
// any class (no spec.storageClassName, no beta annotation) gets the name of the default StorageClass, if any.
// An explicit "" means "no class" and is left alone.
import type { GenericStore } from '../registry/generic-store.js';
import type { ResourceRegistry } from '../registry/registry.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../registry/types.js';
import { claimHasClass, pickDefaultClass } from '../volume/helpers.js';
import type { PersistentVolumeClaim, StorageClass } from '../volume/types.js';

export function defaultStorageClass(objects: GenericStore, registry: ResourceRegistry): AdmissionPlugin {
  return {
    name: 'DefaultStorageClass',
    async admit(a: AdmissionAttributes) {
      if (a.operation !== 'CREATE' || a.subresource || a.def.group !== '' || a.def.resource !== 'persistentvolumeclaims' || !a.object) return;
      const claim = a.object as PersistentVolumeClaim;
      claim.spec ??= {};
      if (claimHasClass(claim)) return;
      const scDef = registry.lookup('storage.k8s.io', 'v1', 'storageclasses');
      if (!scDef) return;
      const classes = (await objects.list(scDef, '')).items as StorageClass[];
      const def = pickDefaultClass(classes);
      if (def) claim.spec.storageClassName = def.metadata.name;
    },
  };
}
