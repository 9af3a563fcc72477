// Validation of the access review kinds, as upstream's pkg/apis/authorization/validation: exactly one of
// resourceAttributes / nonResourceAttributes, a user or group for SubjectAccessReview, selector attributes that
// are either raw or structured, and metadata that is empty (LocalSubjectAccessReview: except its namespace).
import { FieldError, FieldPath, forbidden, invalid, required } from '../../apimachinery/field-errors.js';
import { validateLabelSelectorRequirement } from '../../apimachinery/validation/objectmeta.js';
import { goNonResourceAttributes, goObjectMeta, invalidGoValue } from './go-values.js';
import type { ResourceAttributes } from '../../api/generated/authorization-v1.js';
export type { ResourceAttributes };

export interface SelectorRequirement { key?: string; operator?: string; values?: string[] }
export interface SelectorAttributes { rawSelector?: string; requirements?: SelectorRequirement[] }

export interface NonResourceAttributes { path?: string; verb?: string }

export interface AccessReviewSpec {
  resourceAttributes?: ResourceAttributes | null;
  nonResourceAttributes?: NonResourceAttributes | null;
  user?: string;
  groups?: string[] | null;
  extra?: Record<string, string[]> | null;
  uid?: string;
}

type Meta = Record<string, unknown>;

/** The checks SelfSubjectAccessReviewSpec and SubjectAccessReviewSpec share. */
function validateAttributesChoice(spec: AccessReviewSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const res = spec.resourceAttributes ?? undefined;
  const nonRes = spec.nonResourceAttributes ?? undefined;
  if (res && nonRes) {
    errs.push(invalidGoValue(`${path}.nonResourceAttributes`, goNonResourceAttributes(nonRes), 'cannot be specified in combination with resourceAttributes'));
  }
  // Upstream passes the (nil) nonResourceAttributes pointer here, which prints as the string "null".
  if (!res && !nonRes) {
    errs.push(invalid(`${path}.resourceAttributes`, 'null', 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  }
  return errs;
}

export function validateSubjectAccessReviewSpec(spec: AccessReviewSpec, path = 'spec'): FieldError[] {
  const errs = validateAttributesChoice(spec, path);
  if (!spec.user && !(spec.groups ?? []).length) {
    errs.push(invalid(`${path}.user`, spec.user ?? '', 'at least one of user or group must be specified'));
  }
  errs.push(...validateResourceAttributes(spec.resourceAttributes ?? undefined));
  return errs;
}

export function validateSelfSubjectAccessReviewSpec(spec: AccessReviewSpec, path = 'spec'): FieldError[] {
  return [...validateAttributesChoice(spec, path), ...validateResourceAttributes(spec.resourceAttributes ?? undefined)];
}

export function validateSubjectAccessReview(meta: Meta, spec: AccessReviewSpec): FieldError[] {
  const errs = validateSubjectAccessReviewSpec(spec);
  if (!metaIsEmpty(meta)) errs.push(invalidGoValue('metadata', goObjectMeta(meta), 'must be empty'));
  return errs;
}

export function validateSelfSubjectAccessReview(meta: Meta, spec: AccessReviewSpec): FieldError[] {
  const errs = validateSelfSubjectAccessReviewSpec(spec);
  if (!metaIsEmpty(meta)) errs.push(invalidGoValue('metadata', goObjectMeta(meta), 'must be empty'));
  return errs;
}

export function validateLocalSubjectAccessReview(meta: Meta, spec: AccessReviewSpec): FieldError[] {
  const errs = validateSubjectAccessReviewSpec(spec);
  if (!metaIsEmpty(meta, ['namespace'])) errs.push(invalidGoValue('metadata', goObjectMeta(meta), 'must be empty except for namespace'));
  const res = spec.resourceAttributes;
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : '';
  if (res && (res.namespace ?? '') !== namespace) {
    errs.push(invalid('spec.resourceAttributes.namespace', res.namespace ?? '', 'must match metadata.namespace'));
  }
  if (spec.nonResourceAttributes) {
    errs.push(invalidGoValue('spec.nonResourceAttributes', goNonResourceAttributes(spec.nonResourceAttributes), 'disallowed on this kind of request'));
  }
  return errs;
}

function validateResourceAttributes(attrs: ResourceAttributes | undefined): FieldError[] {
  if (!attrs) return [];
  const path = FieldPath.root('spec.resourceAttributes');
  return [
    ...validateSelectorAttributes(attrs.fieldSelector ?? undefined, path.child('fieldSelector'), validateFieldSelectorRequirement),
    ...validateSelectorAttributes(attrs.labelSelector ?? undefined, path.child('labelSelector'),
      (req, p) => validateLabelSelectorRequirement({ key: req.key ?? '', operator: req.operator ?? '', values: req.values }, { allowUnknownOperatorInRequirement: true }, p)),
  ];
}

function validateSelectorAttributes(
  selector: SelectorAttributes | undefined, path: FieldPath, requirement: (r: SelectorRequirement, p: FieldPath) => FieldError[],
): FieldError[] {
  if (!selector) return [];
  const errs: FieldError[] = [];
  const raw = selector.rawSelector ?? '';
  const reqs = selector.requirements ?? [];
  if (raw && reqs.length) errs.push(invalid(path.child('rawSelector').toString(), raw, 'may not specified at the same time as requirements'));
  if (!raw && !reqs.length) errs.push(required(path.child('requirements').toString(), `when ${path} is specified, requirements or rawSelector is required`));
  reqs.forEach((r, i) => errs.push(...requirement(r ?? {}, path.child('requirements').index(i))));
  return errs;
}

/** metav1validation.ValidateFieldSelectorRequirement with unknown operators allowed. */
function validateFieldSelectorRequirement(req: SelectorRequirement, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const values = req.values ?? [];
  if (!req.key) errs.push(required(path.child('key').toString(), 'must be specified'));
  if ((req.operator === 'In' || req.operator === 'NotIn') && !values.length) {
    errs.push(required(path.child('values').toString(), "must be specified when `operator` is 'In' or 'NotIn'"));
  }
  if ((req.operator === 'Exists' || req.operator === 'DoesNotExist') && values.length) {
    errs.push(forbidden(path.child('values').toString(), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
  }
  return errs;
}

/** Semantic equality with a zero ObjectMeta, ignoring managedFields (and `except`): empty strings, maps and lists count as unset. */
export function metaIsEmpty(meta: Meta, except: string[] = []): boolean {
  for (const [key, value] of Object.entries(meta)) {
    if (key === 'managedFields' || except.includes(key)) continue;
    if (value === undefined || value === null || value === '' || value === 0 || value === false) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0) continue;
    return false;
  }
  return true;
}
