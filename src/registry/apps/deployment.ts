// apps/v1 Deployment: SetDefaults_Deployment, ValidateDeployment* and pkg/registry/apps/deployment/strategy.go.
import { FieldError, forbidden, invalid, required } from '../../apimachinery/field-errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { validateCoreMetaUpdate } from '../core/def.js';
import { setDefaultsPodTemplateSpec } from '../core/pod-defaults.js';
import type { ResourceDef, Strategy } from '../types.js';
import { appsWorkloadResource } from './workload-def.js';
import { replicatedWorkloadValidation, validateSelectorAndTemplate } from './replicaset.js';
import {
  defaultNil, defaultRollingStrategy, ensureObj, fp, goIntOrString, goPtr, GoValueFieldError, intOrPercentValue, invalidGo, isNotMoreThan100Percent, isObj, nonNegative, Obj,
  semanticEqual, statusOf, str, validatePositiveIntOrPercent,
} from './shared.js';
import { validateCollisionCountUpdate, validateReplicaStatus } from './status.js';

export function setDefaultsDeployment(obj: KubeObject): void {
  const spec = ensureObj(obj, 'spec');
  defaultNil(spec, { replicas: 1 });
  defaultRollingStrategy(spec, 'strategy', { maxUnavailable: '25%', maxSurge: '25%' });
  defaultNil(spec, { revisionHistoryLimit: 10, progressDeadlineSeconds: 600 });
  setDefaultsPodTemplateSpec(ensureObj(spec, 'template'));
}

function validateStrategy(strategy: Obj): FieldError[] {
  const path = fp('spec', 'strategy');
  const ru = strategy.rollingUpdate;
  switch (str(strategy.type)) {
    case 'Recreate':
      return isObj(ru) ? [forbidden(path.child('rollingUpdate').toString(), "may not be specified when strategy `type` is 'Recreate'")] : [];
    case 'RollingUpdate': {
      if (!isObj(ru)) return [required(path.child('rollingUpdate').toString(), 'this should be defaulted and never be nil')];
      const ruPath = path.child('rollingUpdate');
      const errs = [
        ...validatePositiveIntOrPercent(ru.maxUnavailable, ruPath.child('maxUnavailable')),
        ...validatePositiveIntOrPercent(ru.maxSurge, ruPath.child('maxSurge')),
      ];
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(invalidGo(ruPath.child('maxUnavailable'), goIntOrString(ru.maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
      }
      errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, ruPath.child('maxUnavailable')));
      return errs;
    }
    default:
      return [new GoValueFieldError('FieldValueNotSupported', path.toString(),
        `apps.DeploymentStrategy{Type:${JSON.stringify(str(strategy.type))}, RollingUpdate:${goPtr('apps.RollingUpdateDeployment', ru)}}`,
        'supported values: "Recreate", "RollingUpdate"')];
  }
}

export function validateDeploymentSpec(spec: Obj): FieldError[] {
  const path = fp('spec');
  const errs = [
    ...nonNegative(spec.replicas, path.child('replicas')),
    ...validateSelectorAndTemplate(spec, path),
    ...validateStrategy(isObj(spec.strategy) ? spec.strategy : {}),
    ...nonNegative(spec.minReadySeconds, path.child('minReadySeconds')),
  ];
  if (spec.revisionHistoryLimit !== undefined && spec.revisionHistoryLimit !== null) errs.push(...nonNegative(spec.revisionHistoryLimit, path.child('revisionHistoryLimit')));
  const pds = spec.progressDeadlineSeconds;
  if (pds !== undefined && pds !== null) {
    errs.push(...nonNegative(pds, path.child('progressDeadlineSeconds')));
    if (pds <= (spec.minReadySeconds ?? 0)) errs.push(invalid(path.child('progressDeadlineSeconds').toString(), pds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

export function validateDeploymentStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateCoreMetaUpdate(obj.metadata, old.metadata);
  const s = statusOf(obj);
  errs.push(...validateReplicaStatus(s, {
    counters: ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'],
    optional: ['collisionCount'],
    bounded: ['updatedReplicas', 'readyReplicas', 'availableReplicas'],
    availableVsReady: 'cannot be greater than readyReplicas',
  }));
  errs.push(...validateCollisionCountUpdate(s, statusOf(old)));
  return errs;
}

export const deploymentStrategy: Strategy = {
  defaults: setDefaultsDeployment,
  prepareForCreate(obj) {
    obj.status = {};
  },
  prepareForUpdate(obj, old) {
    // Annotation edits (e.g. kubernetes.io/change-cause) also count as a new generation for Deployments.
    if (semanticEqual(obj.spec, old.spec) && !semanticEqual(obj.metadata.annotations, old.metadata.annotations)) {
      obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
    }
  },
  ...replicatedWorkloadValidation(validateDeploymentSpec, validateDeploymentStatusUpdate),
};

export const deploymentResource: ResourceDef = appsWorkloadResource({ kind: 'Deployment', resource: 'deployments', shortName: 'deploy', strategy: deploymentStrategy, scale: true });
