// apps/v1 ControllerRevision: ValidateControllerRevision*. Only `data` is frozen; `revision` moves on rollbacks.
import { FieldError, required } from '../../apimachinery/field-errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { nameIsDNSSubdomain } from '../../apimachinery/validation/names.js';
import { validateImmutableField } from '../../apimachinery/validation/objectmeta.js';
import { validateCoreMeta, validateCoreMetaUpdate } from '../core/def.js';
import type { ResourceDef, Strategy } from '../types.js';
import { builtinResource } from '../resource-def.js';
import { nonNegative } from './shared.js';

export function validateControllerRevision(obj: KubeObject): FieldError[] {
  const errs = validateCoreMeta(obj.metadata, true, nameIsDNSSubdomain);
  if (obj.data === undefined || obj.data === null) errs.push(required('data', 'data is mandatory'));
  errs.push(...nonNegative(obj.revision, 'revision'));
  return errs;
}

export const validateControllerRevisionUpdate = (obj: KubeObject, old: KubeObject): FieldError[] => [
  ...validateCoreMetaUpdate(obj.metadata, old.metadata),
  ...validateControllerRevision(obj),
  ...validateImmutableField(obj.data ?? null, old.data ?? null, 'data'),
];

export const controllerRevisionStrategy: Strategy = {
  validate: validateControllerRevision,
  validateUpdate: validateControllerRevisionUpdate,
};

export const controllerRevisionResource: ResourceDef = builtinResource({
  group: 'apps',
  kind: 'ControllerRevision',
  resource: 'controllerrevisions',
  namespaced: true,
  strategy: controllerRevisionStrategy,
  schemaPackage: 'apps.v1',
});
