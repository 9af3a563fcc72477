// apps/v1 DaemonSet: SetDefaults_DaemonSet, ValidateDaemonSet* and pkg/registry/apps/daemonset/strategy.go. The
// internal spec.templateGeneration lives in apps/v1 as the `deprecated.daemonset.template.generation` annotation.
import { FieldError, forbidden, notSupported, required } from '../../apimachinery/field-errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { nameIsDNSSubdomain } from '../../apimachinery/validation/names.js';
import { validateLabelSelector } from '../../apimachinery/validation/objectmeta.js';
import { validateCoreMeta, validateCoreMetaUpdate } from '../core/def.js';
import { setDefaultsPodTemplateSpec } from '../core/pod-defaults.js';
import { validatePodTemplateSpec } from '../core/pod-validation.js';
import type { ResourceDef, Strategy } from '../types.js';
import { appsWorkloadResource } from './workload-def.js';
import {
  defaultNil, defaultRollingStrategy, ensureObj, fp, goIntOrString, goLabelSelector, goPtr, goStringMap, GoValueFieldError, intOrPercentValue, invalidGo, isNotMoreThan100Percent, isObj,
  nonNegative, Obj, selectorHasNoTerms, semanticEqual, specOf, statusOf, str, toSelector, validatePositiveIntOrPercent,
} from './shared.js';
import { validateCollisionCountUpdate } from './status.js';

export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

export function setDefaultsDaemonSet(obj: KubeObject): void {
  const spec = ensureObj(obj, 'spec');
  defaultRollingStrategy(spec, 'updateStrategy', { maxUnavailable: 1, maxSurge: 0 });
  defaultNil(spec, { revisionHistoryLimit: 10 });
  setDefaultsPodTemplateSpec(ensureObj(spec, 'template'));
}

function validateUpdateStrategy(strategy: Obj): FieldError[] {
  const path = fp('spec', 'updateStrategy');
  const ru = strategy.rollingUpdate;
  switch (str(strategy.type)) {
    case 'OnDelete':
      return [];
    case 'RollingUpdate': {
      if (!isObj(ru)) return [required(path.child('rollingUpdate').toString())];
      const ruPath = path.child('rollingUpdate');
      const errs = [
        ...validatePositiveIntOrPercent(ru.maxUnavailable, ruPath.child('maxUnavailable')),
        ...validatePositiveIntOrPercent(ru.maxSurge, ruPath.child('maxSurge')),
        ...isNotMoreThan100Percent(ru.maxUnavailable, ruPath.child('maxUnavailable')),
        ...isNotMoreThan100Percent(ru.maxSurge, ruPath.child('maxSurge')),
      ];
      const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
      if (hasUnavailable && hasSurge) {
        errs.push(invalidGo(ruPath.child('maxSurge'), goIntOrString(ru.maxSurge), 'may not be set when maxUnavailable is non-zero'));
      } else if (!hasUnavailable && !hasSurge) {
        errs.push(required(ruPath.child('maxUnavailable').toString(), 'cannot be 0 when maxSurge is 0'));
      }
      return errs;
    }
    default:
      return [new GoValueFieldError('FieldValueNotSupported', path.toString(),
        `apps.DaemonSetUpdateStrategy{Type:${JSON.stringify(str(strategy.type))}, RollingUpdate:${goPtr('apps.RollingUpdateDaemonSet', ru)}}`,
        'supported values: "RollingUpdate", "OnDelete"')];
  }
}

function templateGeneration(obj: KubeObject): number {
  const v = obj.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  const n = v === undefined ? 0 : parseInt(v, 10);
  return Number.isFinite(n) ? n : 0;
}

function setTemplateGeneration(obj: KubeObject, gen: number): void {
  obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [TEMPLATE_GENERATION_ANNOTATION]: String(gen) };
}

export function validateDaemonSetSpec(spec: Obj, templateGen: number): FieldError[] {
  const path = fp('spec');
  const errs = validateLabelSelector(spec.selector, { allowInvalidLabelValueInSelector: false }, path.child('selector'));
  const tpl = isObj(spec.template) ? spec.template : {};
  const labels = isObj(tpl.metadata) ? tpl.metadata.labels : undefined;
  const selector = toSelector(spec.selector);
  if (selector && !selector.matches(labels ?? undefined)) {
    errs.push(invalidGo(path.child('template').child('metadata').child('labels'), goStringMap(labels), '`selector` does not match template `labels`'));
  }
  if (isObj(spec.selector) && selectorHasNoTerms(spec.selector)) {
    errs.push(invalidGo(path.child('selector'), goLabelSelector(spec.selector), 'empty selector is invalid for daemonset'));
  }
  errs.push(...validatePodTemplateSpec(tpl, path.child('template')));
  const podSpec = isObj(tpl.spec) ? tpl.spec : {};
  if (podSpec.restartPolicy !== 'Always') {
    errs.push(notSupported(path.child('template').child('spec').child('restartPolicy').toString(), str(podSpec.restartPolicy), ['Always']));
  }
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    errs.push(forbidden(path.child('template').child('spec').child('activeDeadlineSeconds').toString(), 'activeDeadlineSeconds in DaemonSet is not Supported'));
  }
  errs.push(...nonNegative(spec.minReadySeconds, path.child('minReadySeconds')));
  errs.push(...nonNegative(templateGen, path.child('templateGeneration')));
  errs.push(...validateUpdateStrategy(isObj(spec.updateStrategy) ? spec.updateStrategy : {}));
  if (spec.revisionHistoryLimit !== undefined && spec.revisionHistoryLimit !== null) errs.push(...nonNegative(spec.revisionHistoryLimit, path.child('revisionHistoryLimit')));
  return errs;
}

export const validateDaemonSet = (obj: KubeObject): FieldError[] => [
  ...validateCoreMeta(obj.metadata, true, nameIsDNSSubdomain),
  ...validateDaemonSetSpec(specOf(obj), templateGeneration(obj)),
];

export const validateDaemonSetUpdate = (obj: KubeObject, old: KubeObject): FieldError[] => [
  ...validateCoreMetaUpdate(obj.metadata, old.metadata),
  ...validateDaemonSetSpec(specOf(obj), templateGeneration(obj)),
  // apps/v1 freezes the selector.
  ...(semanticEqual(specOf(obj).selector, specOf(old).selector) ? [] : [invalidGo('spec.selector', goLabelSelector(specOf(obj).selector), 'field is immutable')]),
];

export function validateDaemonSetStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateCoreMetaUpdate(obj.metadata, old.metadata);
  const s = statusOf(obj);
  for (const k of ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable']) {
    errs.push(...nonNegative(s[k], fp('status', k)));
  }
  if (s.collisionCount !== undefined && s.collisionCount !== null) errs.push(...nonNegative(s.collisionCount, fp('status', 'collisionCount')));
  errs.push(...validateCollisionCountUpdate(s, statusOf(old)));
  return errs;
}

export const daemonSetStrategy: Strategy = {
  defaults: setDefaultsDaemonSet,
  prepareForCreate(obj) {
    obj.status = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
    setTemplateGeneration(obj, 1);
  },
  prepareForUpdate(obj, old) {
    // Users cannot set the template generation; it advances only when the template changes.
    const oldGen = templateGeneration(old);
    setTemplateGeneration(obj, semanticEqual(specOf(obj).template, specOf(old).template) ? oldGen : oldGen + 1);
  },
  validate: validateDaemonSet,
  validateUpdate: validateDaemonSetUpdate,
  validateStatusUpdate: validateDaemonSetStatusUpdate,
};

export const daemonSetResource: ResourceDef = appsWorkloadResource({ kind: 'DaemonSet', resource: 'daemonsets', shortName: 'ds', strategy: daemonSetStrategy, scale: false });
