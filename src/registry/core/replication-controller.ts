// core/v1 ReplicationController: SetDefaults_ReplicationController, ValidateReplicationController* and
// pkg/registry/core/replicationcontroller/strategy.go. Its selector is a plain label map (a set selector).
import { FieldError, FieldPath, forbidden, notSupported, required } from '../../apimachinery/field-errors.js';
import { selectorFromSet } from '../../apimachinery/labels.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { nameIsDNSSubdomain } from '../../apimachinery/validation/names.js';
import { fp, goStringMap, invalidGo, nonNegative, statusOf } from '../apps/shared.js';
import { validateReplicaStatus } from '../apps/status.js';
import type { ResourceDef } from '../types.js';
import { coreDef, o, specOf, validateCoreMeta, validateCoreMetaUpdate } from './def.js';
import { isObj, type Obj, str } from './helpers.js';
import { setDefaultsPodTemplateSpec } from './pod-defaults.js';
import { validatePodTemplateSpec } from './pod-validation.js';

export function setDefaultsReplicationController(obj: KubeObject): void {
  const spec = specOf(obj);
  const labels = isObj(spec.template) && isObj(spec.template.metadata) ? spec.template.metadata.labels : undefined;
  if (isObj(labels)) {
    if (!isObj(spec.selector) || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
    if (Object.keys(obj.metadata.labels ?? {}).length === 0) obj.metadata.labels = { ...labels };
  }
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  if (isObj(spec.template)) setDefaultsPodTemplateSpec(spec.template);
}

/** ValidatePodTemplateSpecForRC. */
function validatePodTemplateSpecForRC(template: unknown, selectorMap: Obj | undefined, path: FieldPath): FieldError[] {
  if (!isObj(template)) return [required(path.toString(), '')];
  const errs: FieldError[] = [];
  const selector = selectorFromSet(selectorMap as Record<string, string> | undefined);
  const labels = isObj(template.metadata) ? template.metadata.labels : undefined;
  if (!selector.empty() && !selector.matches(labels ?? undefined)) {
    errs.push(invalidGo(path.child('metadata').child('labels'), goStringMap(labels), '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(template, path));
  const podSpec = isObj(template.spec) ? template.spec : {};
  if (podSpec.restartPolicy !== 'Always') errs.push(notSupported(path.child('spec').child('restartPolicy').toString(), str(podSpec.restartPolicy), ['Always']));
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    errs.push(forbidden(path.child('spec').child('activeDeadlineSeconds').toString(), 'activeDeadlineSeconds in ReplicationController is not Supported'));
  }
  return errs;
}

function validateReplicationControllerSpec(spec: Obj): FieldError[] {
  const path = fp('spec');
  const errs = nonNegative(spec.minReadySeconds, path.child('minReadySeconds'));
  // ValidateNonEmptySelector
  if (!isObj(spec.selector) || Object.keys(spec.selector).length === 0) errs.push(required(path.child('selector').toString(), ''));
  errs.push(...nonNegative(spec.replicas, path.child('replicas')));
  errs.push(...validatePodTemplateSpecForRC(spec.template, isObj(spec.selector) ? spec.selector : undefined, path.child('template')));
  return errs;
}

export const validateReplicationController = (obj: KubeObject): FieldError[] => [
  ...validateCoreMeta(obj.metadata, true, nameIsDNSSubdomain),
  ...validateReplicationControllerSpec(specOf(obj)),
];

export const replicationControllerResource: ResourceDef = {
  ...coreDef({
    kind: 'ReplicationController',
    resource: 'replicationcontrollers',
    namespaced: true,
    shortNames: ['rc'],
    categories: ['all'],
    subresources: {
      status: true,
      scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', selectorFromSpecMap: true },
    },
    strategy: {
      defaults: setDefaultsReplicationController,
      prepareForCreate(obj) {
        o(obj).status = { replicas: 0 };
      },
      validate: validateReplicationController,
      validateUpdate: (obj, old) => [...validateCoreMetaUpdate(obj.metadata, old.metadata), ...validateReplicationControllerSpec(specOf(obj))],
      validateStatusUpdate: (obj, old) => [
        ...validateCoreMetaUpdate(obj.metadata, old.metadata),
        ...validateReplicaStatus(statusOf(obj), {
          counters: ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'],
          bounded: ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'],
          availableVsReady: 'cannot be greater than readyReplicas',
        }),
      ],
    },
  }),
  // the replication controller manager bumps observedGeneration: RC spec changes count
  tracksGeneration: true,
  statusMetadata: { labels: true, annotations: true },
};
