// Builds core/v1 ResourceDefs with the fields every core kind shares.
import type { KubeObject } from '../../apimachinery/types.js';
import type { ResourceDef, Strategy } from '../types.js';
import { builtinResource } from '../resource-def.js';
import { isObj, Obj } from './helpers.js';

export interface CoreDefInput {
  kind: string;
  resource: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: string[];
  subresources?: ResourceDef['subresources'];
  strategy: Strategy;
}

export function coreDef(d: CoreDefInput): ResourceDef {
  // No core/v1 kind bumps metadata.generation in 1.33 (pods only with an alpha gate).
  return builtinResource({ ...d, group: '', schemaPackage: 'core.v1', tracksGeneration: false });
}

/** The object as a loose JSON record. */
export const o = (obj: KubeObject): Obj => obj as unknown as Obj;
export const specOf = (obj: KubeObject): Obj => {
  const x = o(obj);
  if (!isObj(x.spec)) x.spec = {};
  return x.spec;
};

import type { FieldError } from '../../apimachinery/field-errors.js';
import { FieldPath } from '../../apimachinery/field-errors.js';
import type { ObjectMeta } from '../../apimachinery/types.js';
import type { ValidateNameFunc } from '../../apimachinery/validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../apimachinery/validation/objectmeta.js';
import { validateKubeFinalizers } from './pod-validation.js';

const metaPath = FieldPath.root('metadata');

/** core's ValidateObjectMeta: the generic checks plus the legacy finalizer-name rule. */
export function validateCoreMeta(meta: ObjectMeta, namespaced: boolean, nameFn: ValidateNameFunc): FieldError[] {
  return [...validateObjectMeta(meta, namespaced, nameFn, metaPath), ...validateKubeFinalizers(meta.finalizers, metaPath.child('finalizers'))];
}

export function validateCoreMetaUpdate(meta: ObjectMeta, old: ObjectMeta): FieldError[] {
  return [...validateObjectMetaUpdate(meta, old, metaPath), ...validateKubeFinalizers(meta.finalizers, metaPath.child('finalizers'))];
}
