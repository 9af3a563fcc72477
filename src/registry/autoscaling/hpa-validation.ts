// HorizontalPodAutoscaler defaults and validation on the autoscaling/v2 form, which is also the stored form:
// SetDefaults_HorizontalPodAutoscaler (pkg/apis/autoscaling/v2/defaults.go) and ValidateHorizontalPodAutoscaler*
// (pkg/apis/autoscaling/validation/validation.go), with upstream's field paths and texts.
import { FieldError, FieldPath, forbidden, invalid, notSupported, required } from '../../apimachinery/field-errors.js';
import { tryParseQuantity } from '../../apimachinery/quantity.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { isDNS1123Label, nameIsDNSSubdomain, validatePathSegmentName } from '../../apimachinery/validation/names.js';
import { validateCoreMeta, validateCoreMetaUpdate } from '../core/def.js';
import { validateContainerResourceName } from '../core/resources.js';
import { ensureObj, isObj, type Obj, nonNegative, specOf, statusOf, str } from '../apps/shared.js';

/** autoscaling.DefaultCPUUtilization: the target of an HPA that names no metric. */
export const DEFAULT_CPU_UTILIZATION = 80;
const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;

export const defaultCpuMetric = (utilization = DEFAULT_CPU_UTILIZATION): Obj => ({
  type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: utilization } },
});

const scaleUpDefaults = (): Obj => ({
  stabilizationWindowSeconds: 0, selectPolicy: 'Max',
  policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }],
});
// The scale-down stabilization window stays unset: the controller's --horizontal-pod-autoscaler-downscale-stabilization
// flag supplies it.
const scaleDownDefaults = (): Obj => ({ selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });

/** copyHPAScalingRules: the user's set fields over the defaults. */
function withRuleDefaults(rules: unknown, defaults: Obj): Obj {
  if (!isObj(rules)) return defaults;
  for (const k of ['selectPolicy', 'stabilizationWindowSeconds', 'policies', 'tolerance']) {
    if (rules[k] !== undefined && rules[k] !== null) defaults[k] = rules[k];
  }
  return defaults;
}

export function setHPADefaults(obj: KubeObject): void {
  const spec = ensureObj(obj as Obj, 'spec');
  if (spec.minReplicas === undefined || spec.minReplicas === null) spec.minReplicas = 1;
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) spec.metrics = [defaultCpuMetric()];
  if (isObj(spec.behavior)) {
    spec.behavior.scaleUp = withRuleDefaults(spec.behavior.scaleUp, scaleUpDefaults());
    spec.behavior.scaleDown = withRuleDefaults(spec.behavior.scaleDown, scaleDownDefaults());
  }
}

const pathSegmentErrors = (value: string, path: FieldPath): FieldError[] =>
  validatePathSegmentName(value, false).map((m) => invalid(path.toString(), value, m));

export function validateCrossVersionObjectReference(ref: unknown, path: FieldPath): FieldError[] {
  const r = isObj(ref) ? ref : {};
  const errs: FieldError[] = [];
  for (const k of ['kind', 'name']) {
    const v = str(r[k]);
    if (!v) errs.push(required(path.child(k).toString()));
    else errs.push(...pathSegmentErrors(v, path.child(k)));
  }
  return errs;
}

const isSet = (v: unknown) => v !== undefined && v !== null;
const quantitySign = (v: unknown) => tryParseQuantity(v)?.sign() ?? 0;

function validateMetricTarget(target: unknown, path: FieldPath): FieldError[] {
  const t = isObj(target) ? target : {};
  const errs: FieldError[] = [];
  if (!str(t.type)) errs.push(required(path.child('type').toString(), 'must specify a metric target type'));
  if (!['Utilization', 'Value', 'AverageValue'].includes(str(t.type))) {
    errs.push(invalid(path.child('type').toString(), str(t.type), 'must be either Utilization, Value, or AverageValue'));
  }
  if (isSet(t.value) && quantitySign(t.value) !== 1) errs.push(invalid(path.child('value').toString(), t.value, 'must be positive'));
  if (isSet(t.averageValue) && quantitySign(t.averageValue) !== 1) errs.push(invalid(path.child('averageValue').toString(), t.averageValue, 'must be positive'));
  if (isSet(t.averageUtilization) && Number(t.averageUtilization) < 1) {
    errs.push(invalid(path.child('averageUtilization').toString(), t.averageUtilization, 'must be greater than 0'));
  }
  return errs;
}

function validateMetricIdentifier(id: unknown, path: FieldPath): FieldError[] {
  const name = str(isObj(id) ? id.name : undefined);
  if (!name) return [required(path.child('name').toString(), 'must specify a metric name')];
  return pathSegmentErrors(name, path.child('name'));
}

const targetOf = (src: Obj): Obj => (isObj(src.target) ? src.target : {});

function validateObjectSource(src: Obj, path: FieldPath): FieldError[] {
  const errs = [...validateCrossVersionObjectReference(src.describedObject, path.child('describedObject')),
    ...validateMetricIdentifier(src.metric, path.child('metric')), ...validateMetricTarget(src.target, path.child('target'))];
  const t = targetOf(src);
  if (!isSet(t.value) && !isSet(t.averageValue)) errs.push(required(path.child('target').child('averageValue').toString(), 'must set either a target value or averageValue'));
  return errs;
}

function validateExternalSource(src: Obj, path: FieldPath): FieldError[] {
  const errs = [...validateMetricIdentifier(src.metric, path.child('metric')), ...validateMetricTarget(src.target, path.child('target'))];
  return [...errs, ...eitherTarget(src, path, { field: 'averageValue', other: 'value', what: 'a target value for metric', otherWhat: 'a per-pod target' })];
}

/**
 * A target that sets exactly one of two fields: `required` at `field` when neither is set, `forbidden` at `other`
 * when both are ("must set either <what> or <otherWhat>", "may not set both <what> and <otherWhat>").
 */
function eitherTarget(src: Obj, path: FieldPath, f: { field: string; other: string; what: string; otherWhat: string }): FieldError[] {
  const t = targetOf(src);
  const target = path.child('target');
  const [a, b] = [isSet(t[f.field]), isSet(t[f.other])];
  if (!a && !b) return [required(target.child(f.field).toString(), `must set either ${f.what} or ${f.otherWhat}`)];
  if (a && b) return [forbidden(target.child(f.other).toString(), `may not set both ${f.what} and ${f.otherWhat}`)];
  return [];
}

function validatePodsSource(src: Obj, path: FieldPath): FieldError[] {
  const errs = [...validateMetricIdentifier(src.metric, path.child('metric')), ...validateMetricTarget(src.target, path.child('target'))];
  if (!isSet(targetOf(src).averageValue)) errs.push(required(path.child('target').child('averageValue').toString(), 'must specify a positive target averageValue'));
  return errs;
}

/** Resource and ContainerResource sources: a utilization or a raw average value, not both. */
function validateResourceTarget(src: Obj, path: FieldPath): FieldError[] {
  return [
    ...validateMetricTarget(src.target, path.child('target')),
    ...eitherTarget(src, path, { field: 'averageUtilization', other: 'averageValue', what: 'a target raw value', otherWhat: 'a target utilization' }),
  ];
}

function validateResourceSource(src: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(src.name)) errs.push(required(path.child('name').toString(), 'must specify a resource name'));
  return [...errs, ...validateResourceTarget(src, path)];
}

function validateContainerResourceSource(src: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(src.name)) errs.push(required(path.child('name').toString(), 'must specify a resource name'));
  else errs.push(...validateContainerResourceName(str(src.name), path.child('name')));
  if (!str(src.container)) errs.push(required(path.child('container').toString(), 'must specify a container'));
  else errs.push(...isDNS1123Label(str(src.container)).map((m) => invalid(path.child('container').toString(), src.container, m)));
  return [...errs, ...validateResourceTarget(src, path)];
}

const METRIC_SOURCES: [string, string, (src: Obj, path: FieldPath) => FieldError[]][] = [
  ['Object', 'object', validateObjectSource],
  ['External', 'external', validateExternalSource],
  ['Pods', 'pods', validatePodsSource],
  ['Resource', 'resource', validateResourceSource],
  ['ContainerResource', 'containerResource', validateContainerResourceSource],
];
const METRIC_SOURCE_TYPES = METRIC_SOURCES.map(([t]) => t).sort();

function validateMetricSpec(metric: unknown, path: FieldPath): FieldError[] {
  const m = isObj(metric) ? metric : {};
  const type = str(m.type);
  const errs: FieldError[] = [];
  if (!type) errs.push(required(path.child('type').toString(), 'must specify a metric source type'));
  if (!METRIC_SOURCE_TYPES.includes(type)) errs.push(notSupported(path.child('type').toString(), type, METRIC_SOURCE_TYPES));
  // Only the first source present is validated in depth; any other is reported as forbidden below.
  const present = METRIC_SOURCES.filter(([, field]) => isObj(m[field]));
  if (present.length > 0) {
    const [, field, validate] = present[0];
    errs.push(...validate(m[field] as Obj, path.child(field)));
  }
  const expected = METRIC_SOURCES.find(([t]) => t === type);
  if (expected) {
    if (!isObj(m[expected[1]])) errs.push(required(path.child(expected[1]).toString(), 'must populate information for the given metric source'));
  } else {
    errs.push(notSupported(path.child('type').toString(), type, METRIC_SOURCE_TYPES));
  }
  if (present.length !== 1) {
    for (const [, field] of present) {
      if (field !== expected?.[1]) errs.push(forbidden(path.child(field).toString(), 'must populate the given metric source only'));
    }
  }
  return errs;
}

function validateScalingPolicy(policy: unknown, path: FieldPath): FieldError[] {
  const p = isObj(policy) ? policy : {};
  const errs: FieldError[] = [];
  if (p.type !== 'Pods' && p.type !== 'Percent') errs.push(notSupported(path.child('type').toString(), str(p.type), ['Percent', 'Pods']));
  const value = Number(p.value ?? 0);
  const period = Number(p.periodSeconds ?? 0);
  if (value <= 0) errs.push(invalid(path.child('value').toString(), value, 'must be greater than zero'));
  if (period <= 0) errs.push(invalid(path.child('periodSeconds').toString(), period, 'must be greater than zero'));
  if (period > MAX_PERIOD_SECONDS) errs.push(invalid(path.child('periodSeconds').toString(), period, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
  return errs;
}

function validateScalingRules(rules: unknown, path: FieldPath): FieldError[] {
  if (!isObj(rules)) return [];
  const errs: FieldError[] = [];
  const window = rules.stabilizationWindowSeconds;
  if (isSet(window) && Number(window) < 0) errs.push(invalid(path.child('stabilizationWindowSeconds').toString(), window, 'must be greater than or equal to zero'));
  if (isSet(window) && Number(window) > MAX_STABILIZATION_WINDOW_SECONDS) {
    errs.push(invalid(path.child('stabilizationWindowSeconds').toString(), window, `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`));
  }
  if (isSet(rules.selectPolicy) && !['Disabled', 'Max', 'Min'].includes(str(rules.selectPolicy))) {
    errs.push(notSupported(path.child('selectPolicy').toString(), rules.selectPolicy, ['Disabled', 'Max', 'Min']));
  }
  const policies = Array.isArray(rules.policies) ? rules.policies : [];
  if (policies.length === 0) errs.push(required(path.child('policies').toString(), 'must specify at least one Policy'));
  policies.forEach((p, i) => errs.push(...validateScalingPolicy(p, path.child('policies').index(i))));
  return errs;
}

function validateHPASpec(spec: Obj, minReplicasLowerBound: number): FieldError[] {
  const path = FieldPath.root('spec');
  const errs: FieldError[] = [];
  const min = spec.minReplicas;
  const max = Number(spec.maxReplicas ?? 0);
  if (isSet(min) && Number(min) < minReplicasLowerBound) {
    errs.push(invalid(path.child('minReplicas').toString(), min, `must be greater than or equal to ${minReplicasLowerBound}`));
  }
  if (max < 1) errs.push(invalid(path.child('maxReplicas').toString(), max, 'must be greater than 0'));
  if (isSet(min) && max < Number(min)) errs.push(invalid(path.child('maxReplicas').toString(), max, 'must be greater than or equal to `minReplicas`'));
  errs.push(...validateCrossVersionObjectReference(spec.scaleTargetRef, path.child('scaleTargetRef')));
  const metrics = Array.isArray(spec.metrics) ? spec.metrics : [];
  metrics.forEach((m, i) => errs.push(...validateMetricSpec(m, path.child('metrics').index(i))));
  if (isSet(min) && Number(min) === 0 && !metrics.some((m) => isObj(m) && (m.type === 'Object' || m.type === 'External'))) {
    errs.push(forbidden(path.child('metrics').toString(), 'must specify at least one Object or External metric to support scaling to zero replicas'));
  }
  if (isObj(spec.behavior)) {
    errs.push(...validateScalingRules(spec.behavior.scaleUp, path.child('behavior').child('scaleUp')));
    errs.push(...validateScalingRules(spec.behavior.scaleDown, path.child('behavior').child('scaleDown')));
  }
  return errs;
}

// HPAScaleToZero is alpha (off): minReplicas must be at least 1, unless an existing object already has 0.
export function validateHPA(obj: KubeObject): FieldError[] {
  return [...validateCoreMeta(obj.metadata, true, nameIsDNSSubdomain), ...validateHPASpec(specOf(obj), 1)];
}

export function validateHPAUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const lowerBound = specOf(old).minReplicas === 0 ? 0 : 1;
  return [...validateCoreMetaUpdate(obj.metadata, old.metadata), ...validateHPASpec(specOf(obj), lowerBound)];
}

export function validateHPAStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const s = statusOf(obj);
  return [...validateCoreMetaUpdate(obj.metadata, old.metadata), ...nonNegative(s.currentReplicas, 'status.currentReplicas'),
    ...nonNegative(s.desiredReplicas, 'status.desiredReplicas')];
}
