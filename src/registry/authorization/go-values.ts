// Go's `%#v` rendering of the few values authorization validation puts into its errors (upstream passes structs
// such as *NonResourceAttributes and the whole ObjectMeta as the bad value, and field.Error prints structs with
// %#v). Pointers inside ObjectMeta print as addresses in Go; those cannot be reproduced and print as 0xc000000000.
import { FieldError, OMIT_VALUE } from '../../apimachinery/field-errors.js';
import { goStringMap, goStringSlice } from '../../apimachinery/go-syntax.js';

/**
 * field.Invalid with a struct as the bad value: `<field>: Invalid value: <Go syntax>: <detail>`. FieldError would
 * quote a string value, so the Go text travels in the detail with the value omitted (the printed text is the same).
 */
export function invalidGoValue(field: string, goText: string, detail: string): FieldError {
  return new FieldError('FieldValueInvalid', field, OMIT_VALUE, `${goText}: ${detail}`);
}

const quote = (s: unknown) => JSON.stringify(typeof s === 'string' ? s : '');
const int = (n: unknown) => (typeof n === 'number' ? String(n) : '0');
const ADDRESS = '0xc000000000';

/** `authorization.NonResourceAttributes{Path:"/x", Verb:"get"}`. */
export function goNonResourceAttributes(attrs: { path?: unknown; verb?: unknown }): string {
  return `authorization.NonResourceAttributes{Path:${quote(attrs.path)}, Verb:${quote(attrs.verb)}}`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** metav1.Time's GoString (time.Time's): `time.Date(2024, time.May, 1, 10, 0, 0, 0, time.Local)`; zero is year 1 UTC. */
export function goTime(value: unknown): string {
  const d = typeof value === 'string' && value ? new Date(value) : undefined;
  if (!d || Number.isNaN(d.getTime())) return 'time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)';
  // Decoded metav1.Time values are in the server's local zone in Go; Berth runs in UTC-agnostic Node, so print UTC parts.
  return `time.Date(${d.getUTCFullYear()}, time.${MONTHS[d.getUTCMonth()]}, ${d.getUTCDate()}, ${d.getUTCHours()}, ${d.getUTCMinutes()}, ${d.getUTCSeconds()}, ${d.getUTCMilliseconds() * 1e6}, time.Local)`;
}


function goOwnerReference(r: Record<string, unknown>): string {
  const ptr = (v: unknown, t: string) => (v === undefined || v === null ? `(*${t})(nil)` : `(*${t})(${ADDRESS})`);
  return `v1.OwnerReference{APIVersion:${quote(r.apiVersion)}, Kind:${quote(r.kind)}, Name:${quote(r.name)}, UID:${quote(r.uid)}, `
    + `Controller:${ptr(r.controller, 'bool')}, BlockOwnerDeletion:${ptr(r.blockOwnerDeletion, 'bool')}}`;
}

function goManagedFieldsEntry(e: Record<string, unknown>): string {
  return `v1.ManagedFieldsEntry{Manager:${quote(e.manager)}, Operation:${quote(e.operation)}, APIVersion:${quote(e.apiVersion)}, `
    + `Time:${e.time ? `time.Date(${goTime(e.time).slice('time.Date('.length)}` : '<nil>'}, FieldsType:${quote(e.fieldsType)}, `
    + `FieldsV1:${e.fieldsV1 ? `(*v1.FieldsV1)(${ADDRESS})` : '(*v1.FieldsV1)(nil)'}, Subresource:${quote(e.subresource)}}`;
}

function goList(list: unknown, type: string, item: (x: Record<string, unknown>) => string): string {
  if (!Array.isArray(list)) return `[]${type}(nil)`;
  return `[]${type}{${list.map((x) => item((x ?? {}) as Record<string, unknown>)).join(', ')}}`;
}

/** `v1.ObjectMeta{Name:"x", GenerateName:"", …}` as Go prints an ObjectMeta value with %#v. */
export function goObjectMeta(meta: Record<string, unknown>): string {
  const deletion = meta.deletionTimestamp ? `time.Date(${goTime(meta.deletionTimestamp).slice('time.Date('.length)}` : '<nil>';
  const grace = typeof meta.deletionGracePeriodSeconds === 'number' ? `(*int64)(${ADDRESS})` : '(*int64)(nil)';
  return 'v1.ObjectMeta{'
    + `Name:${quote(meta.name)}, GenerateName:${quote(meta.generateName)}, Namespace:${quote(meta.namespace)}, SelfLink:${quote(meta.selfLink)}, `
    + `UID:${quote(meta.uid)}, ResourceVersion:${quote(meta.resourceVersion)}, Generation:${int(meta.generation)}, `
    + `CreationTimestamp:${goTime(meta.creationTimestamp)}, DeletionTimestamp:${deletion}, DeletionGracePeriodSeconds:${grace}, `
    + `Labels:${goStringMap(meta.labels)}, Annotations:${goStringMap(meta.annotations)}, `
    + `OwnerReferences:${goList(meta.ownerReferences, 'v1.OwnerReference', goOwnerReference)}, Finalizers:${goStringSlice(meta.finalizers)}, `
    + `ManagedFields:${goList(meta.managedFields, 'v1.ManagedFieldsEntry', goManagedFieldsEntry)}}`;
}
