// managedFields across the /scale subresource (upstream ScaleHandler): the Scale object shows who owns its
// `.spec.replicas` (taken from the parent's owners of the replicas path), and after a scale write the parent's
// entries are rebuilt from the Scale's.
import type { ManagedFieldsEntry } from '../types.js';
import { FieldSet } from './fieldset.js';
import { decodeManagedFields, encodeManagedFields, type Managed } from './managers.js';
import { fieldElement, type Path } from './path.js';

const SCALE_API_VERSION = 'autoscaling/v1';
const REPLICAS_IN_SCALE: Path = [fieldElement('spec'), fieldElement('replicas')];

/** apiVersion of the parent → path of its replicas field (null: that version has none). */
export type ReplicasPathMappings = Record<string, string[] | null>;

const toPath = (p: string[] | null | undefined): Path | undefined => (p ? p.map(fieldElement) : undefined);

/** The managedFields to show on the Scale object built from `parentEntries`. */
export function scaleManagedFields(parentEntries: ManagedFieldsEntry[] | undefined, mappings: ReplicasPathMappings): ManagedFieldsEntry[] | undefined {
  const parent = decodeManagedFields(parentEntries);
  const out: Managed = { fields: new Map(), times: new Map() };
  for (const [identity, vs] of parent.fields) {
    const path = toPath(mappings[vs.apiVersion]);
    if (!path || !vs.set.has(path)) continue;
    out.fields.set(identity, { set: FieldSet.of(REPLICAS_IN_SCALE), apiVersion: SCALE_API_VERSION, applied: vs.applied });
    out.times.set(identity, parent.times.get(identity));
  }
  return encodeManagedFields(out);
}

/** The parent's managedFields after a write through /scale left the Scale with `scaleEntries`. */
export function parentManagedFieldsFromScale(
  parentEntries: ManagedFieldsEntry[] | undefined,
  scaleEntries: ManagedFieldsEntry[] | undefined,
  parentApiVersion: string,
  mappings: ReplicasPathMappings,
): ManagedFieldsEntry[] | undefined {
  const parent = decodeManagedFields(parentEntries);
  const scale = decodeManagedFields(scaleEntries).fields;
  const out: Managed = { fields: new Map(), times: new Map() };
  for (const [identity, vs] of parent.fields) {
    if (!(vs.apiVersion in mappings)) continue;
    const path = toPath(mappings[vs.apiVersion]);
    if (!path || !vs.set.has(path)) {
      out.fields.set(identity, vs);
      out.times.set(identity, parent.times.get(identity));
    } else if (!scale.has(identity)) {
      // This owner of replicas lost it through the scale write.
      const rest = vs.set.difference(FieldSet.of(path));
      if (!rest.isEmpty()) {
        out.fields.set(identity, { ...vs, set: rest });
        out.times.set(identity, parent.times.get(identity));
      }
    } else {
      out.fields.set(identity, vs);
      out.times.set(identity, parent.times.get(identity));
      scale.delete(identity);
    }
  }
  const parentPath = toPath(mappings[parentApiVersion]);
  for (const [identity, vs] of scale) {
    if (!vs.set.has(REPLICAS_IN_SCALE) || !parentPath) continue;
    out.fields.set(identity, { set: FieldSet.of(parentPath), apiVersion: parentApiVersion, applied: vs.applied });
    out.times.set(identity, parent.times.get(identity));
  }
  return encodeManagedFields(out);
}
