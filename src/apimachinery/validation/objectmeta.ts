// ObjectMeta, label and label-selector validation (apimachinery pkg/api/validation/objectmeta.go and
// pkg/apis/meta/v1/validation). Paths and messages follow upstream.
import { FieldError, FieldPath, forbidden, invalid, required, tooLong } from '../field-errors.js';
import type { LabelSelector, LabelSelectorRequirement } from '../labels.js';
import type { ObjectMeta, OwnerReference } from '../types.js';
import { parseApiVersion } from '../types.js';
import { isQualifiedName, isValidLabelValue, validateNamespaceName, ValidateNameFunc } from './names.js';

export const FIELD_IMMUTABLE_ERROR_MSG = 'field is immutable';
export const IS_NEGATIVE_ERROR_MSG = 'must be greater than or equal to 0';
export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * 1024;

const p = (x: FieldPath | string) => x.toString();

/** Semantic equality of JSON values (objects compared by keys, missing == undefined). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ao = a as Record<string, unknown>, bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!deepEqual(ao[k], bo[k])) return false;
  return true;
}

export function validateNonnegativeField(value: number, path: FieldPath | string): FieldError[] {
  return value < 0 ? [invalid(p(path), value, IS_NEGATIVE_ERROR_MSG)] : [];
}

export function validateImmutableField(newVal: unknown, oldVal: unknown, path: FieldPath | string): FieldError[] {
  return deepEqual(newVal, oldVal) ? [] : [invalid(p(path), newVal, FIELD_IMMUTABLE_ERROR_MSG)];
}

export function validateLabelName(name: string, path: FieldPath | string): FieldError[] {
  return isQualifiedName(name).map((m) => invalid(p(path), name, m));
}

export function validateLabels(labels: Record<string, string> | undefined, path: FieldPath | string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(k, path));
    for (const m of isValidLabelValue(v)) errs.push(invalid(p(path), v, m));
  }
  return errs;
}

export function validateAnnotations(annotations: Record<string, string> | undefined, path: FieldPath | string): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalid(p(path), k, m));
    total += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_B) errs.push(tooLong(p(path), TOTAL_ANNOTATION_SIZE_LIMIT_B));
  return errs;
}

function validateOwnerReference(ref: OwnerReference, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const { group, version } = parseApiVersion(ref.apiVersion ?? '');
  if (!version) errs.push(invalid(p(path.child('apiVersion')), ref.apiVersion ?? '', 'version must not be empty'));
  if (!ref.kind) errs.push(invalid(p(path.child('kind')), ref.kind ?? '', 'kind must not be empty'));
  if (!ref.name) errs.push(invalid(p(path.child('name')), ref.name ?? '', 'name must not be empty'));
  if (!ref.uid) errs.push(invalid(p(path.child('uid')), ref.uid ?? '', 'uid must not be empty'));
  if (group === '' && version === 'v1' && ref.kind === 'Event') {
    errs.push(invalid(p(path), ref, '/v1, Kind=Event is disallowed from being an owner'));
  }
  return errs;
}

export function validateOwnerReferences(refs: OwnerReference[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs ?? []) {
    errs.push(...validateOwnerReference(ref, path));
    if (ref.controller) {
      const cur = `${ref.kind}/${ref.name}`;
      if (firstController) {
        errs.push(invalid(p(path), refs, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`));
      } else {
        firstController = cur;
      }
    }
  }
  return errs;
}

export function validateFinalizerName(name: string, path: FieldPath | string): FieldError[] {
  return isQualifiedName(name).map((m) => invalid(p(path), name, m));
}

export function validateFinalizers(finalizers: string[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const list = finalizers ?? [];
  for (const f of list) errs.push(...validateFinalizerName(f, path));
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    errs.push(invalid(p(path), list, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

export function validateNoNewFinalizers(newF: string[] | undefined, oldF: string[] | undefined, path: FieldPath): FieldError[] {
  const old = new Set(oldF ?? []);
  const extra = [...new Set((newF ?? []).filter((f) => !old.has(f)))].sort();
  if (!extra.length) return [];
  // Go prints the slice with %#v: []string{"a", "b"}
  const shown = `[]string{${extra.map((e) => JSON.stringify(e)).join(', ')}}`;
  return [forbidden(p(path), `no new finalizers can be added if the object is being deleted, found new finalizers ${shown}`)];
}

function validateManagedFields(entries: ObjectMeta['managedFields'], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (entries ?? []).forEach((e, i) => {
    const fp = path.index(i);
    if (e.operation !== 'Apply' && e.operation !== 'Update') {
      errs.push(invalid(p(fp.child('operation')), e.operation ?? '', 'must be `Apply` or `Update`'));
    }
    if (e.fieldsType && e.fieldsType !== 'FieldsV1') {
      errs.push(invalid(p(fp.child('fieldsType')), e.fieldsType, 'must be `FieldsV1`'));
    }
    if ((e.subresource?.length ?? 0) > 256) errs.push(tooLong(p(fp.child('subresource')), 256));
  });
  return errs;
}

/** ValidateObjectMeta: `namespaced` says whether the kind requires a namespace (else it is forbidden). */
export function validateObjectMeta(meta: ObjectMeta, namespaced: boolean, nameFn: ValidateNameFunc, path: FieldPath = FieldPath.root('metadata')): FieldError[] {
  const errs: FieldError[] = [];
  if (meta.generateName) {
    for (const m of nameFn(meta.generateName, true)) errs.push(invalid(p(path.child('generateName')), meta.generateName, m));
  }
  if (!meta.name) {
    errs.push(required(p(path.child('name')), 'name or generateName is required'));
  } else {
    for (const m of nameFn(meta.name, false)) errs.push(invalid(p(path.child('name')), meta.name, m));
  }
  if (namespaced) {
    if (!meta.namespace) errs.push(required(p(path.child('namespace'))));
    else for (const m of validateNamespaceName(meta.namespace, false)) errs.push(invalid(p(path.child('namespace')), meta.namespace, m));
  } else if (meta.namespace) {
    errs.push(forbidden(p(path.child('namespace')), 'not allowed on this type'));
  }
  errs.push(...validateNonnegativeField(meta.generation ?? 0, path.child('generation')));
  errs.push(...validateLabels(meta.labels, path.child('labels')));
  errs.push(...validateAnnotations(meta.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(meta.ownerReferences, path.child('ownerReferences')));
  errs.push(...validateFinalizers(meta.finalizers, path.child('finalizers')));
  errs.push(...validateManagedFields(meta.managedFields, path.child('managedFields')));
  return errs;
}

export function validateObjectMetaUpdate(newMeta: ObjectMeta, oldMeta: ObjectMeta, path: FieldPath = FieldPath.root('metadata')): FieldError[] {
  const errs: FieldError[] = [];
  if (oldMeta.deletionTimestamp) errs.push(...validateNoNewFinalizers(newMeta.finalizers, oldMeta.finalizers, path.child('finalizers')));
  if (!newMeta.resourceVersion) errs.push(invalid(p(path.child('resourceVersion')), newMeta.resourceVersion ?? '', 'must be specified for an update'));
  if ((newMeta.generation ?? 0) < (oldMeta.generation ?? 0)) errs.push(invalid(p(path.child('generation')), newMeta.generation ?? 0, 'must not be decremented'));
  errs.push(...validateImmutableField(newMeta.name ?? '', oldMeta.name ?? '', path.child('name')));
  errs.push(...validateImmutableField(newMeta.namespace ?? '', oldMeta.namespace ?? '', path.child('namespace')));
  errs.push(...validateImmutableField(newMeta.uid ?? '', oldMeta.uid ?? '', path.child('uid')));
  errs.push(...validateImmutableField(newMeta.creationTimestamp ?? null, oldMeta.creationTimestamp ?? null, path.child('creationTimestamp')));
  errs.push(...validateImmutableField(newMeta.deletionTimestamp ?? null, oldMeta.deletionTimestamp ?? null, path.child('deletionTimestamp')));
  errs.push(...validateImmutableField(newMeta.deletionGracePeriodSeconds ?? null, oldMeta.deletionGracePeriodSeconds ?? null, path.child('deletionGracePeriodSeconds')));
  errs.push(...validateLabels(newMeta.labels, path.child('labels')));
  errs.push(...validateAnnotations(newMeta.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(newMeta.ownerReferences, path.child('ownerReferences')));
  errs.push(...validateManagedFields(newMeta.managedFields, path.child('managedFields')));
  return errs;
}

export type { LabelSelector, LabelSelectorRequirement } from '../labels.js';

export interface LabelSelectorValidationOptions {
  allowInvalidLabelValueInSelector?: boolean;
  allowUnknownOperatorInRequirement?: boolean;
}

export function validateLabelSelectorRequirement(sr: LabelSelectorRequirement, opts: LabelSelectorValidationOptions, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const values = sr.values ?? [];
  switch (sr.operator) {
    case 'In':
    case 'NotIn':
      if (!values.length) errs.push(required(p(path.child('values')), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length) errs.push(forbidden(p(path.child('values')), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    default:
      if (!opts.allowUnknownOperatorInRequirement) errs.push(invalid(p(path.child('operator')), sr.operator ?? '', 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(sr.key ?? '', path.child('key')));
  if (!opts.allowInvalidLabelValueInSelector) {
    values.forEach((v, i) => {
      for (const m of isValidLabelValue(v)) errs.push(invalid(p(path.child('values').index(i)), v, m));
    });
  }
  return errs;
}

export function validateLabelSelector(sel: LabelSelector | null | undefined, opts: LabelSelectorValidationOptions, path: FieldPath): FieldError[] {
  if (!sel) return [];
  const errs = validateLabels(sel.matchLabels, path.child('matchLabels'));
  (sel.matchExpressions ?? []).forEach((e, i) => errs.push(...validateLabelSelectorRequirement(e, opts, path.child('matchExpressions').index(i))));
  return errs;
}
