// scheduling.k8s.io/v1 PriorityClass: SetDefaults_PriorityClass and ValidatePriorityClass* (pkg/apis/scheduling).
import { FieldError, forbidden, notSupported } from '../../apimachinery/field-errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { nameIsDNSSubdomain } from '../../apimachinery/validation/names.js';
import { validateImmutableField } from '../../apimachinery/validation/objectmeta.js';
import { validateCoreMeta, validateCoreMetaUpdate } from '../core/def.js';
import { builtinResource } from '../resource-def.js';
import type { ResourceDef } from '../types.js';

export const HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000;
/** The two classes the API server creates itself; only they may use the `system-` prefix and higher values. */
export const SYSTEM_PRIORITY_CLASSES: Record<string, number> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
};

export function validatePriorityClass(obj: KubeObject): FieldError[] {
  const errs = validateCoreMeta(obj.metadata, false, nameIsDNSSubdomain);
  const name = obj.metadata.name ?? '';
  const value = typeof obj.value === 'number' ? obj.value : 0;
  if (name in SYSTEM_PRIORITY_CLASSES) {
    if (SYSTEM_PRIORITY_CLASSES[name] !== value) errs.push(forbidden('metadata.name', `${name} is a system critical priority class and must have value ${SYSTEM_PRIORITY_CLASSES[name]}`));
  } else if (name.startsWith('system-')) {
    errs.push(forbidden('metadata.name', "priority class names with 'system-' prefix are reserved"));
  } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  const policy = obj.preemptionPolicy;
  if (policy !== undefined && policy !== null && policy !== 'PreemptLowerPriority' && policy !== 'Never') {
    errs.push(notSupported('preemptionPolicy', policy, ['Never', 'PreemptLowerPriority']));
  }
  return errs;
}

export function validatePriorityClassUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateCoreMetaUpdate(obj.metadata, old.metadata);
  if ((obj.value ?? 0) !== (old.value ?? 0)) errs.push(forbidden('value', 'may not be changed in an update.'));
  errs.push(...validateImmutableField(obj.preemptionPolicy ?? null, old.preemptionPolicy ?? null, 'preemptionPolicy'));
  return errs;
}

export function schedulingResources(): ResourceDef[] {
  return [
    builtinResource({
      group: 'scheduling.k8s.io', kind: 'PriorityClass', resource: 'priorityclasses', namespaced: false, shortNames: ['pc'], schemaPackage: 'scheduling.v1',
      strategy: {
        defaults(obj) {
          if (!obj.preemptionPolicy) obj.preemptionPolicy = 'PreemptLowerPriority';
        },
        validate: validatePriorityClass,
        validateUpdate: validatePriorityClassUpdate,
      },
    }),
  ];
}
