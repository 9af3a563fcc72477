// managedFields tracking and server-side apply for the REST layer, on the structured-merge-diff port in
// apimachinery/managedfields. The main resource never gives ownership of status when status is a subresource,
// and the status subresource never of spec, as upstream's GetResetFields say.
import { apply, fieldSetFromPaths, updateManagedFields, type FieldManagerScope } from '../apimachinery/managedfields/fieldmanager.js';
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
  // A kind's scope per endpoint never changes: built once (field sets are never modified in place).
  const scopes = new WeakMap<ResourceDef, Map<string, FieldManagerScope>>();
  const scope = (def: ResourceDef, subresource: string): FieldManagerScope => {
    let byEndpoint = scopes.get(def);
    if (!byEndpoint) scopes.set(def, (byEndpoint = new Map()));
    let s = byEndpoint.get(subresource);
    if (!s) {
      s = {
        schema: schemaOf(def),
        apiVersion: apiVersionOf(def.group, def.version),
        kind: def.kind,
        subresource: subresource || undefined,
        resetFields: def.subresources.status
          ? (subresource === 'status' ? fieldSetFromPaths('spec', 'metadata') : fieldSetFromPaths('status'))
          : undefined,
      };
      byEndpoint.set(subresource, s);
    }
    return s;
  };
  return {
    update(def, oldObj, newObj, manager, subresource) {
      return updateManagedFields({ ...scope(def, subresource), live: oldObj, object: newObj, manager });
    },
    apply(def, live, applied, manager, force) {
      return apply({ ...scope(def, ''), live, applied: applied as Record<string, unknown>, manager, force }).object as KubeObject;
    },
  };
}
