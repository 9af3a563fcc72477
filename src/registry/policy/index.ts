// policy/v1 PodDisruptionBudget: ValidatePodDisruptionBudget* (pkg/apis/policy/validation) and its strategy.
import { FieldError, invalid, notSupported } from '../../apimachinery/field-errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { nameIsDNSSubdomain } from '../../apimachinery/validation/names.js';
import { validateLabelSelector } from '../../apimachinery/validation/objectmeta.js';
import { validateCoreMeta, validateCoreMetaUpdate } from '../core/def.js';
import { builtinResource } from '../resource-def.js';
import { fp, isNotMoreThan100Percent, nonNegative, specOf, statusOf, validatePositiveIntOrPercent } from '../apps/shared.js';
import type { ResourceDef } from '../types.js';

const isSet = (v: unknown): boolean => v !== undefined && v !== null;

export function validatePodDisruptionBudget(obj: KubeObject): FieldError[] {
  const errs = validateCoreMeta(obj.metadata, true, nameIsDNSSubdomain);
  const spec = specOf(obj);
  if (isSet(spec.minAvailable) && isSet(spec.maxUnavailable)) errs.push(invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  for (const k of ['minAvailable', 'maxUnavailable']) {
    if (!isSet(spec[k])) continue;
    errs.push(...validatePositiveIntOrPercent(spec[k], fp('spec', k)), ...isNotMoreThan100Percent(spec[k], fp('spec', k)));
  }
  errs.push(...validateLabelSelector(spec.selector, {}, fp('spec', 'selector')));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (isSet(policy) && policy !== 'IfHealthyBudget' && policy !== 'AlwaysAllow') {
    errs.push(notSupported('spec.unhealthyPodEvictionPolicy', policy, ['AlwaysAllow', 'IfHealthyBudget']));
  }
  return errs;
}

export function validatePodDisruptionBudgetStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const s = statusOf(obj);
  const errs = validateCoreMetaUpdate(obj.metadata, old.metadata);
  for (const k of ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods']) errs.push(...nonNegative(s[k], fp('status', k)));
  return errs;
}

export function policyResources(): ResourceDef[] {
  return [
    builtinResource({
      group: 'policy', kind: 'PodDisruptionBudget', resource: 'poddisruptionbudgets', namespaced: true, shortNames: ['pdb'], status: true,
      tracksGeneration: true, schemaPackage: 'policy.v1',
      strategy: {
        prepareForCreate(obj) {
          obj.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
        },
        validate: validatePodDisruptionBudget,
        validateUpdate: (obj, old) => [...validatePodDisruptionBudget(obj), ...validateCoreMetaUpdate(obj.metadata, old.metadata)],
        validateStatusUpdate: validatePodDisruptionBudgetStatusUpdate,
      },
    }),
  ];
}
