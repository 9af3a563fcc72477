// Server-side apply and managedFields tracking (upstream k8s.io/apimachinery/pkg/util/managedfields on top of
// sigs.k8s.io/structured-merge-diff).
export { apply, updateManagedFields, fieldSetFromPaths, prefixFromUserAgent, managerOrUserAgent, LAST_APPLIED_ANNOTATION } from './fieldmanager.js';
export type { ApplyOptions, ApplyResult, UpdateOptions, FieldManagerScope } from './fieldmanager.js';
export { FieldSet } from './fieldset.js';
export { modelType, jsonSchemaType, deducedType, scalarType } from './schema.js';
export type { TypeSchema, Atom, ListAtom, MapAtom, FieldSchema } from './schema.js';
export { toFieldSet, compare, merge, removeItems } from './typed.js';
export { decodeManagedFields, encodeManagedFields, managerIdentity } from './managers.js';
export { conflictError, conflictMessage } from './conflict.js';
export { pathString, fieldElement, keyElement, valueElement, indexElement } from './path.js';
export type { Path, PathElement } from './path.js';
export { scaleManagedFields, parentManagedFieldsFromScale } from './scale.js';
export type { ReplicasPathMappings } from './scale.js';
