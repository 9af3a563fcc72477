// apps/v1 ReplicaSet: SetDefaults_ReplicaSet, ValidateReplicaSet* and pkg/registry/apps/replicaset/strategy.go. Also
// the template check shared with Deployment (ValidatePodTemplateSpecForReplicaSet).
import { FieldError, FieldPath, forbidden, notSupported, required } from '../../apimachinery/field-errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { nameIsDNSSubdomain } from '../../apimachinery/validation/names.js';
import { validateImmutableField } from '../../apimachinery/validation/objectmeta.js';
import { validateCoreMeta, validateCoreMetaUpdate } from '../core/def.js';
import type { Selector } from '../../apimachinery/labels.js';
import { setDefaultsPodTemplateSpec } from '../core/pod-defaults.js';
import { validatePodTemplateSpec } from '../core/pod-validation.js';
import type { ResourceDef, Strategy } from '../types.js';
import { appsWorkloadResource } from './workload-def.js';
import { validateReplicaStatus } from './status.js';
import { defaultNil, ensureObj, fp, goLabelSelector, goStringMap, invalidGo, isObj, nonNegative, Obj, specOf, statusOf, str, toSelector, validateRequiredSelector } from './shared.js';

/** ValidatePodTemplateSpecForReplicaSet: selector must match, full pod template validation, restartPolicy Always. */
export function validatePodTemplateForReplicaSet(template: unknown, selector: Selector, path: FieldPath): FieldError[] {
  if (!isObj(template)) return [required(path.toString())];
  const errs: FieldError[] = [];
  const meta = isObj(template.metadata) ? template.metadata : {};
  if (!selector.empty() && !selector.matches(meta.labels ?? undefined)) {
    errs.push(invalidGo(path.child('metadata').child('labels'), goStringMap(meta.labels), '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(template, path));
  const podSpec = isObj(template.spec) ? template.spec : {};
  if (podSpec.restartPolicy !== 'Always') {
    errs.push(notSupported(path.child('spec').child('restartPolicy').toString(), str(podSpec.restartPolicy), ['Always']));
  }
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    errs.push(forbidden(path.child('spec').child('activeDeadlineSeconds').toString(), 'activeDeadlineSeconds in ReplicaSet is not Supported'));
  }
  return errs;
}

/**
 * The selector block common to ReplicaSet and Deployment specs: required, strictly valid, non-empty, convertible, and
 * matching the template.
 */
export function validateSelectorAndTemplate(spec: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  // Upstream says "for deployment" for ReplicaSets too.
  errs.push(...validateRequiredSelector(spec.selector, path.child('selector'), 'deployment'));
  const selector = toSelector(spec.selector);
  if (!selector) errs.push(invalidGo(path.child('selector'), goLabelSelector(spec.selector), 'invalid label selector'));
  else errs.push(...validatePodTemplateForReplicaSet(spec.template, selector, path.child('template')));
  return errs;
}

/** apps/v1 and later refuse selector changes (only extensions/v1beta1 allowed them). */
export function validateSelectorImmutable(obj: KubeObject, old: KubeObject): FieldError[] {
  const sel = specOf(obj).selector, oldSel = specOf(old).selector;
  if (validateImmutableField(sel ?? null, oldSel ?? null, 'spec.selector').length === 0) return [];
  return [invalidGo('spec.selector', goLabelSelector(sel), 'field is immutable')];
}

export function setDefaultsReplicaSet(obj: KubeObject): void {
  const spec = ensureObj(obj, 'spec');
  defaultNil(spec, { replicas: 1 });
  setDefaultsPodTemplateSpec(ensureObj(spec, 'template'));
}

function validateReplicaSetSpec(spec: Obj): FieldError[] {
  const path = fp('spec');
  return [
    ...nonNegative(spec.replicas, path.child('replicas')),
    ...nonNegative(spec.minReadySeconds, path.child('minReadySeconds')),
    ...validateSelectorAndTemplate(spec, path),
  ];
}

/**
 * ValidateReplicaSet / ValidateDeployment and their Update forms: object meta (a DNS subdomain name) and the spec;
 * an update also freezes the selector. The status update rules are each kind's own.
 */
export function replicatedWorkloadValidation(
  validateSpec: (spec: Obj) => FieldError[],
  validateStatusUpdate: (obj: KubeObject, old: KubeObject) => FieldError[],
): Required<Pick<Strategy, 'validate' | 'validateUpdate' | 'validateStatusUpdate'>> {
  return {
    validateStatusUpdate,
    validate: (obj) => [...validateCoreMeta(obj.metadata, true, nameIsDNSSubdomain), ...validateSpec(specOf(obj))],
    validateUpdate: (obj, old) => [
      ...validateCoreMetaUpdate(obj.metadata, old.metadata),
      ...validateSpec(specOf(obj)),
      ...validateSelectorImmutable(obj, old),
    ],
  };
}

export function validateReplicaSetStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateCoreMetaUpdate(obj.metadata, old.metadata);
  errs.push(...validateReplicaStatus(statusOf(obj), {
    counters: ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'],
    bounded: ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'],
    availableVsReady: 'cannot be greater than readyReplicas',
  }));
  return errs;
}

export const replicaSetStrategy: Strategy = {
  defaults: setDefaultsReplicaSet,
  prepareForCreate(obj) {
    obj.status = { replicas: 0 };
  },
  ...replicatedWorkloadValidation(validateReplicaSetSpec, validateReplicaSetStatusUpdate),
};

export const replicaSetResource: ResourceDef = appsWorkloadResource({ kind: 'ReplicaSet', resource: 'replicasets', shortName: 'rs', strategy: replicaSetStrategy, scale: true });
