// Pod spec validation (kubernetes pkg/apis/core/validation/validation.go: ValidatePodSpec and friends).
import { FieldError, FieldPath } from '../../apimachinery/field-errors.js';
import type { ObjectMeta } from '../../apimachinery/types.js';

export type Obj = Record<string, any>;

export function validatePodSpec(spec: Obj | undefined, meta: ObjectMeta | undefined, path: FieldPath): FieldError[] {
  void spec; void meta; void path;
  return [];
}

export function validatePodTemplateSpec(tpl: Obj | undefined, path: FieldPath): FieldError[] {
  void tpl; void path;
  return [];
}
