// autoscaling/v1 HorizontalPodAutoscaler ↔ the stored autoscaling/v2 form (pkg/apis/autoscaling/v1/conversion.go):
// v1 has only targetCPUUtilizationPercentage, so every other metric, the current metrics and the conditions ride in
// `autoscaling.alpha.kubernetes.io/*` annotations in the older metric shape, and come back from them on the way in.
import type { KubeObject } from '../../apimachinery/types.js';
import { isObj, type Obj } from '../apps/shared.js';
import { defaultCpuMetric, DEFAULT_CPU_UTILIZATION } from './hpa-validation.js';

export const METRIC_SPECS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const METRIC_STATUSES_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';

/** Drops undefined fields so converted objects serialize as Go's omitempty would. */
function compact(o: Obj): Obj {
  for (const k of Object.keys(o)) if (o[k] === undefined || o[k] === null) delete o[k];
  return o;
}

const objOf = (v: unknown): Obj => (isObj(v) ? v : {});
const ref = (r: unknown): Obj => { const x = objOf(r); return compact({ kind: x.kind, name: x.name, apiVersion: x.apiVersion }); };

// ---- metric specs --------------------------------------------------------------------------------------------------

function metricSpecToV1(m: Obj): Obj {
  const out: Obj = { type: m.type };
  const o = objOf(m.object), p = objOf(m.pods), r = objOf(m.resource), c = objOf(m.containerResource), e = objOf(m.external);
  if (isObj(m.object)) {
    const t = objOf(o.target);
    out.object = compact({ target: ref(o.describedObject), metricName: objOf(o.metric).name, targetValue: t.value ?? '0', selector: objOf(o.metric).selector, averageValue: t.averageValue });
  }
  if (isObj(m.pods)) out.pods = compact({ metricName: objOf(p.metric).name, targetAverageValue: objOf(p.target).averageValue ?? '0', selector: objOf(p.metric).selector });
  if (isObj(m.resource)) out.resource = compact({ name: r.name, targetAverageUtilization: objOf(r.target).averageUtilization, targetAverageValue: objOf(r.target).averageValue });
  if (isObj(m.containerResource)) {
    out.containerResource = compact({ name: c.name, container: c.container, targetAverageUtilization: objOf(c.target).averageUtilization, targetAverageValue: objOf(c.target).averageValue });
  }
  if (isObj(m.external)) {
    out.external = compact({ metricName: objOf(e.metric).name, metricSelector: objOf(e.metric).selector, targetValue: objOf(e.target).value, targetAverageValue: objOf(e.target).averageValue });
  }
  return out;
}

function metricSpecFromV1(m: Obj): Obj {
  const out: Obj = { type: m.type };
  const o = objOf(m.object), p = objOf(m.pods), r = objOf(m.resource), c = objOf(m.containerResource), e = objOf(m.external);
  if (isObj(m.object)) {
    out.object = {
      describedObject: ref(o.target), metric: compact({ name: o.metricName, selector: o.selector }),
      target: compact({ type: o.averageValue === undefined ? 'Value' : 'AverageValue', value: o.targetValue ?? '0', averageValue: o.averageValue }),
    };
  }
  if (isObj(m.pods)) out.pods = { metric: compact({ name: p.metricName, selector: p.selector }), target: { type: 'AverageValue', averageValue: p.targetAverageValue ?? '0' } };
  const resourceTarget = (x: Obj) => compact({
    type: x.targetAverageUtilization === undefined ? 'AverageValue' : 'Utilization', averageUtilization: x.targetAverageUtilization, averageValue: x.targetAverageValue,
  });
  if (isObj(m.resource)) out.resource = { name: r.name, target: resourceTarget(r) };
  if (isObj(m.containerResource)) out.containerResource = { name: c.name, container: c.container, target: resourceTarget(c) };
  if (isObj(m.external)) {
    out.external = {
      metric: compact({ name: e.metricName, selector: e.metricSelector }),
      target: compact({ type: e.targetValue === undefined ? 'AverageValue' : 'Value', value: e.targetValue, averageValue: e.targetAverageValue }),
    };
  }
  return out;
}

// ---- metric statuses -----------------------------------------------------------------------------------------------

function metricStatusToV1(m: Obj): Obj {
  const out: Obj = { type: m.type };
  const o = objOf(m.object), p = objOf(m.pods), r = objOf(m.resource), c = objOf(m.containerResource), e = objOf(m.external);
  if (isObj(m.object)) {
    out.object = compact({ target: ref(o.describedObject), metricName: objOf(o.metric).name, selector: objOf(o.metric).selector, currentValue: objOf(o.current).value ?? '0', averageValue: objOf(o.current).averageValue });
  }
  if (isObj(m.pods)) out.pods = compact({ metricName: objOf(p.metric).name, selector: objOf(p.metric).selector, currentAverageValue: objOf(p.current).averageValue ?? '0' });
  if (isObj(m.resource)) out.resource = compact({ name: r.name, currentAverageUtilization: objOf(r.current).averageUtilization, currentAverageValue: objOf(r.current).averageValue ?? '0' });
  if (isObj(m.containerResource)) {
    out.containerResource = compact({ name: c.name, container: c.container, currentAverageUtilization: objOf(c.current).averageUtilization, currentAverageValue: objOf(c.current).averageValue ?? '0' });
  }
  if (isObj(m.external)) {
    out.external = compact({ metricName: objOf(e.metric).name, metricSelector: objOf(e.metric).selector, currentValue: objOf(e.current).value ?? '0', currentAverageValue: objOf(e.current).averageValue });
  }
  return out;
}

function metricStatusFromV1(m: Obj): Obj {
  const out: Obj = { type: m.type };
  const o = objOf(m.object), p = objOf(m.pods), r = objOf(m.resource), c = objOf(m.containerResource), e = objOf(m.external);
  if (isObj(m.object)) out.object = { describedObject: ref(o.target), metric: compact({ name: o.metricName, selector: o.selector }), current: compact({ value: o.currentValue, averageValue: o.averageValue }) };
  if (isObj(m.pods)) out.pods = { metric: compact({ name: p.metricName, selector: p.selector }), current: compact({ averageValue: p.currentAverageValue }) };
  if (isObj(m.resource)) out.resource = { name: r.name, current: compact({ averageUtilization: r.currentAverageUtilization, averageValue: r.currentAverageValue }) };
  if (isObj(m.containerResource)) {
    out.containerResource = { name: c.name, container: c.container, current: compact({ averageUtilization: c.currentAverageUtilization, averageValue: c.currentAverageValue }) };
  }
  if (isObj(m.external)) out.external = { metric: compact({ name: e.metricName, selector: e.metricSelector }), current: compact({ value: e.currentValue, averageValue: e.currentAverageValue }) };
  return out;
}

// ---- the object ----------------------------------------------------------------------------------------------------

const isCpuUtilization = (m: Obj) => m.type === 'Resource' && objOf(m.resource).name === 'cpu';

function parseList(text: string | undefined): Obj[] {
  if (!text) return [];
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v.filter(isObj) : [];
  } catch {
    return [];
  }
}

/** Stored (v2) → autoscaling/v1. */
export function hpaToV1(obj: KubeObject): KubeObject {
  const spec = objOf(obj.spec);
  const status = objOf(obj.status);
  const metrics = (Array.isArray(spec.metrics) ? spec.metrics : []).filter(isObj);
  const cpu = metrics.find(isCpuUtilization);
  const otherMetrics = metrics.filter((m) => !(isCpuUtilization(m) && objOf(objOf(m.resource).target).averageUtilization !== undefined));
  const currentMetrics = (Array.isArray(status.currentMetrics) ? status.currentMetrics : []).filter(isObj);
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  const annotations: Record<string, string> = { ...(obj.metadata.annotations ?? {}) };
  if (otherMetrics.length) annotations[METRIC_SPECS_ANNOTATION] = JSON.stringify(otherMetrics.map(metricSpecToV1));
  if (currentMetrics.length) annotations[METRIC_STATUSES_ANNOTATION] = JSON.stringify(currentMetrics.map(metricStatusToV1));
  if (conditions.length) annotations[CONDITIONS_ANNOTATION] = JSON.stringify(conditions);
  const metadata = { ...obj.metadata };
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  const cpuStatus = currentMetrics.find((m) => m.type === 'Resource' && objOf(m.resource).name === 'cpu');
  const out: Obj = {
    apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata,
    spec: compact({
      scaleTargetRef: spec.scaleTargetRef, minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas,
      targetCPUUtilizationPercentage: cpu ? objOf(objOf(cpu.resource).target).averageUtilization : undefined,
    }),
    status: compact({
      observedGeneration: status.observedGeneration, lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas ?? 0, desiredReplicas: status.desiredReplicas ?? 0,
      currentCPUUtilizationPercentage: cpuStatus ? objOf(objOf(cpuStatus.resource).current).averageUtilization : undefined,
    }),
  };
  return out as KubeObject;
}

/** autoscaling/v1 → stored (v2). */
export function hpaFromV1(obj: KubeObject): KubeObject {
  const spec = objOf(obj.spec);
  const status = objOf(obj.status);
  const annotations: Record<string, string> = { ...(obj.metadata.annotations ?? {}) };
  const metrics = parseList(annotations[METRIC_SPECS_ANNOTATION]).map(metricSpecFromV1);
  if (spec.targetCPUUtilizationPercentage !== undefined && spec.targetCPUUtilizationPercentage !== null) {
    metrics.push(defaultCpuMetric(spec.targetCPUUtilizationPercentage as number));
  }
  // v1 had an implicit CPU target in the controller; the stored form states it.
  if (metrics.length === 0) metrics.push(defaultCpuMetric(DEFAULT_CPU_UTILIZATION));
  let currentMetrics: Obj[] | undefined;
  if (annotations[METRIC_STATUSES_ANNOTATION] !== undefined) currentMetrics = parseList(annotations[METRIC_STATUSES_ANNOTATION]).map(metricStatusFromV1);
  else if (status.currentCPUUtilizationPercentage !== undefined) {
    currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } }];
  }
  const conditions = annotations[CONDITIONS_ANNOTATION] !== undefined ? parseList(annotations[CONDITIONS_ANNOTATION]) : undefined;
  for (const k of [METRIC_SPECS_ANNOTATION, METRIC_STATUSES_ANNOTATION, CONDITIONS_ANNOTATION]) delete annotations[k];
  const metadata = { ...obj.metadata };
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  else delete metadata.annotations;
  const out: Obj = {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata,
    spec: compact({ scaleTargetRef: spec.scaleTargetRef, minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas, metrics }),
    status: compact({
      observedGeneration: status.observedGeneration, lastScaleTime: status.lastScaleTime, currentReplicas: status.currentReplicas || undefined,
      desiredReplicas: status.desiredReplicas ?? 0, currentMetrics, conditions,
    }),
  };
  return out as KubeObject;
}
