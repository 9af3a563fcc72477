// managedFields tracking and server-side apply for the REST layer, on the structured-merge-diff port in
// apimachinery/managedfields. The main resource never gives ownership of status when status is a subresource,
// and the status subresource never of spec, as upstream's GetResetFields say.
import { apply, fieldSetFromPaths, updateManagedFields } from '../apimachinery/managedfields/fieldmanager.js';
import { deducedType, modelType, type TypeSchema } from '../apimachinery/managedfields/schema.js';
import type { TypeModel } from '../apimachinery/schema/types.js';
import { apiVersionOf, type KubeObject } from '../apimachinery/types.js';
import type { FieldManager } from '../registry/generic-store.js';
import type { ResourceDef } from '../registry/types.js';

export function createFieldManager(model: TypeModel): FieldManager {
  const schemas = new WeakMap<ResourceDef, TypeSchema>();
  const schemaOf = (def: ResourceDef): TypeSchema => {
    let s = schemas.get(def);
    if (!s) {
      s = def.schemaName ? modelType(model, def.schemaName) : (def.customSchema?.managedFields as TypeSchema | undefined) ?? deducedType;
      schemas.set(def, s);
    }
    return s;
  };
  const scope = (def: ResourceDef, subresource: string) => ({
    schema: schemaOf(def),
    apiVersion: apiVersionOf(def.group, def.version),
    kind: def.kind,
    subresource: subresource || undefined,
    resetFields: def.subresources.status
      ? (subresource === 'status' ? fieldSetFromPaths('spec', 'metadata') : fieldSetFromPaths('status'))
      : undefined,
  });
  return {
    update(def, oldObj, newObj, manager, subresource) {
      return updateManagedFields({ ...scope(def, subresource), live: oldObj, object: newObj, manager });
    },
    apply(def, live, applied, manager, force) {
      return apply({ ...scope(def, ''), live, applied: applied as Record<string, unknown>, manager, force }).object as KubeObject;
    },
  };
}
