// apps/v1 StatefulSet: SetDefaults_StatefulSet (pkg/apis/apps/v1/defaults.go), ValidateStatefulSet* (pkg/apis/apps/
// validation) and the registry strategy (pkg/registry/apps/statefulset/strategy.go).
import { FieldError, forbidden, invalid, notSupported, required } from '../../apimachinery/field-errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { nameIsDNSLabel } from '../../apimachinery/validation/names.js';
import { validateAnnotations, validateLabels } from '../../apimachinery/validation/objectmeta.js';
import { validateCoreMeta, validateCoreMetaUpdate } from '../core/def.js';
import { setDefaultsPodTemplateSpec } from '../core/pod-defaults.js';
import type { ResourceDef, Strategy } from '../types.js';
import { appsWorkloadResource } from './workload-def.js';
import {
  defaultNil, ensureObj, fp, goIntOrString, goLabelSelector, goPtr, goStringMap, intOrPercentValue, invalidGo, isNotMoreThan100Percent, isObj,
  nonNegative, Obj, semanticEqual, specOf, statusOf, str, toSelector, validatePositiveIntOrPercent, validateRequiredSelector,
} from './shared.js';
import { validateCollisionCountUpdate, validateReplicaStatus } from './status.js';

/** SetDefaults_PersistentVolumeClaim + SetDefaults_PersistentVolumeClaimSpec, as applied to volumeClaimTemplates. */
export function setDefaultsClaimTemplate(pvc: Obj): void {
  const spec = ensureObj(pvc, 'spec');
  defaultNil(spec, { volumeMode: 'Filesystem' });
  const status = ensureObj(pvc, 'status');
  if (!status.phase) status.phase = 'Pending';
}

export function setDefaultsStatefulSet(obj: KubeObject): void {
  const spec = ensureObj(obj, 'spec');
  if (!spec.podManagementPolicy) spec.podManagementPolicy = 'OrderedReady';
  const strategy = ensureObj(spec, 'updateStrategy');
  if (!strategy.type) {
    strategy.type = 'RollingUpdate';
    // Only a strategy that was left empty gets a rollingUpdate block; an explicit RollingUpdate keeps its shape.
    if (!isObj(strategy.rollingUpdate)) strategy.rollingUpdate = {};
  }
  if (strategy.type === 'RollingUpdate' && isObj(strategy.rollingUpdate) && (strategy.rollingUpdate.partition === undefined || strategy.rollingUpdate.partition === null)) {
    strategy.rollingUpdate.partition = 0;
  }
  const retention = ensureObj(spec, 'persistentVolumeClaimRetentionPolicy');
  if (!retention.whenDeleted) retention.whenDeleted = 'Retain';
  if (!retention.whenScaled) retention.whenScaled = 'Retain';
  defaultNil(spec, { replicas: 1, revisionHistoryLimit: 10 });
  setDefaultsPodTemplateSpec(ensureObj(spec, 'template'));
  if (Array.isArray(spec.volumeClaimTemplates)) for (const pvc of spec.volumeClaimTemplates) if (isObj(pvc)) setDefaultsClaimTemplate(pvc);
}

function validateRollingUpdate(ru: Obj): FieldError[] {
  const path = fp('spec', 'updateStrategy', 'rollingUpdate');
  const errs = nonNegative(ru.partition, path.child('partition'));
  const mu = ru.maxUnavailable;
  if (mu !== undefined && mu !== null) {
    const muPath = path.child('maxUnavailable');
    errs.push(...validatePositiveIntOrPercent(mu, muPath));
    if (intOrPercentValue(mu) === 0) errs.push(invalidGo(muPath, goIntOrString(mu), 'cannot be 0'));
    errs.push(...isNotMoreThan100Percent(mu, muPath));
  }
  return errs;
}

const goRollingUpdate = (ru: Obj) =>
  `apps.RollingUpdateStatefulSetStrategy{Partition:${Number(ru.partition ?? 0)}, MaxUnavailable:${goPtr('intstr.IntOrString', ru.maxUnavailable)}}`;

function validateRetentionPolicy(policy: unknown): FieldError[] {
  if (!isObj(policy)) return [];
  const errs: FieldError[] = [];
  for (const k of ['whenDeleted', 'whenScaled']) {
    const v = str(policy[k]);
    if (v !== 'Retain' && v !== 'Delete') errs.push(notSupported(fp('spec', 'persistentVolumeClaimRetentionPolicy', k).toString(), v, ['Retain', 'Delete']));
  }
  return errs;
}

/** ValidatePodTemplateSpecForStatefulSet: selector match, template labels and annotations (the pod spec itself is not validated here, as upstream). */
function validateTemplateForStatefulSet(tpl: Obj, selector: ReturnType<typeof toSelector>): FieldError[] {
  const errs: FieldError[] = [];
  const path = fp('spec', 'template');
  const meta = isObj(tpl.metadata) ? tpl.metadata : {};
  if (selector && !selector.empty() && !selector.matches(meta.labels ?? undefined)) {
    errs.push(invalidGo(path.child('metadata').child('labels'), goStringMap(meta.labels), '`selector` does not match template `labels`'));
  }
  errs.push(...validateLabels(meta.labels, path.child('labels')));
  errs.push(...validateAnnotations(meta.annotations, path.child('annotations')));
  return errs;
}

export function validateStatefulSetSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const path = fp('spec');
  const policy = str(spec.podManagementPolicy);
  if (policy === '') errs.push(required(path.child('podManagementPolicy').toString()));
  else if (policy !== 'OrderedReady' && policy !== 'Parallel') errs.push(invalid(path.child('podManagementPolicy').toString(), policy, "must be 'OrderedReady' or 'Parallel'"));

  const strategy = isObj(spec.updateStrategy) ? spec.updateStrategy : {};
  const ru = strategy.rollingUpdate;
  switch (str(strategy.type)) {
    case '':
      errs.push(required(path.child('updateStrategy').toString()));
      break;
    case 'OnDelete':
      if (isObj(ru)) errs.push(invalidGo(path.child('updateStrategy').child('rollingUpdate'), goRollingUpdate(ru), "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case 'RollingUpdate':
      if (isObj(ru)) errs.push(...validateRollingUpdate(ru));
      break;
    default:
      errs.push(invalidGo(path.child('updateStrategy'),
        `apps.StatefulSetUpdateStrategy{Type:${JSON.stringify(str(strategy.type))}, RollingUpdate:${goPtr('apps.RollingUpdateStatefulSetStrategy', ru)}}`,
        "must be 'RollingUpdate' or 'OnDelete'"));
  }

  errs.push(...validateRetentionPolicy(spec.persistentVolumeClaimRetentionPolicy));
  errs.push(...nonNegative(spec.replicas, path.child('replicas')));
  errs.push(...nonNegative(spec.minReadySeconds, path.child('minReadySeconds')));
  // Upstream names this path with a dot inside one segment: `spec.ordinals.start`.
  if (isObj(spec.ordinals)) errs.push(...nonNegative(spec.ordinals.start, path.child('ordinals.start')));

  errs.push(...validateRequiredSelector(spec.selector, path.child('selector'), 'statefulset'));
  const selector = toSelector(spec.selector);
  const tpl = isObj(spec.template) ? spec.template : {};
  if (!selector) errs.push(invalidGo(path.child('selector'), goLabelSelector(spec.selector), ''));
  else errs.push(...validateTemplateForStatefulSet(tpl, selector));

  const podSpec = isObj(tpl.spec) ? tpl.spec : {};
  if (podSpec.restartPolicy !== 'Always') {
    errs.push(notSupported(path.child('template').child('spec').child('restartPolicy').toString(), str(podSpec.restartPolicy), ['Always']));
  }
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    errs.push(forbidden(path.child('template').child('spec').child('activeDeadlineSeconds').toString(), 'activeDeadlineSeconds in StatefulSet is not Supported'));
  }
  return errs;
}

export function validateStatefulSet(obj: KubeObject): FieldError[] {
  return [...validateCoreMeta(obj.metadata, true, nameIsDNSLabel), ...validateStatefulSetSpec(specOf(obj))];
}

/** Fields an update may change; everything else in spec is frozen. */
const MUTABLE_SPEC_FIELDS = ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'persistentVolumeClaimRetentionPolicy'];

export function validateStatefulSetUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  // The name is not re-validated on update (older servers accepted DNS subdomains), only the spec.
  const errs = [...validateCoreMetaUpdate(obj.metadata, old.metadata), ...validateStatefulSetSpec(specOf(obj))];
  const frozen = (s: Obj) => Object.fromEntries(Object.entries(s).filter(([k]) => !MUTABLE_SPEC_FIELDS.includes(k)));
  if (!semanticEqual(frozen(specOf(obj)), frozen(specOf(old)))) {
    errs.push(forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
  }
  return errs;
}

export function validateStatefulSetStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const status = statusOf(obj);
  const errs = validateReplicaStatus(status, {
    counters: ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas'],
    optional: ['observedGeneration', 'collisionCount'],
    bounded: ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas'],
    availableVsReady: 'cannot be greater than status.readyReplicas',
  });
  errs.push(...validateCoreMetaUpdate(obj.metadata, old.metadata));
  errs.push(...validateCollisionCountUpdate(status, statusOf(old)));
  return errs;
}

export const statefulSetStrategy: Strategy = {
  defaults: setDefaultsStatefulSet,
  prepareForCreate(obj) {
    obj.status = { replicas: 0, availableReplicas: 0 };
  },
  validate: validateStatefulSet,
  validateUpdate: validateStatefulSetUpdate,
  validateStatusUpdate: validateStatefulSetStatusUpdate,
};

export const statefulSetResource: ResourceDef = appsWorkloadResource({ kind: 'StatefulSet', resource: 'statefulsets', shortName: 'sts', strategy: statefulSetStrategy, scale: true });
