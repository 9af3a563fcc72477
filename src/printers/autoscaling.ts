// HorizontalPodAutoscaler columns and cells (pkg/printers/internalversion printHorizontalPodAutoscaler and
// formatHPAMetrics), on the autoscaling/v2 form.
import type { KubeObject } from '../apimachinery/types.js';
import type { Printer } from './types.js';
import { age, ageColumn, column, nameColumn, nameOf, quantityString } from './helpers.js';
import { isJsonObject } from '../apimachinery/json.js';

type Obj = Record<string, any>;
const objOf = (v: unknown): Obj => (isJsonObject(v) ? (v as Obj) : {});

/** `current/target` for one metric, `(avg)` for per-pod targets, `<unknown>` until the controller reports it. */
function formatMetric(spec: Obj, status: Obj | undefined): string {
  const unknown = '<unknown>';
  switch (spec.type) {
    case 'External':
    case 'Object': {
      const field = spec.type === 'External' ? 'external' : 'object';
      const target = objOf(objOf(spec[field]).target);
      const current = objOf(objOf(status?.[field]).current);
      if (target.averageValue !== undefined) {
        const cur = status?.[field] && current.averageValue !== undefined ? quantityString(current.averageValue) : unknown;
        return `${cur}/${quantityString(target.averageValue)} (avg)`;
      }
      return `${status?.[field] ? quantityString(current.value) : unknown}/${quantityString(target.value)}`;
    }
    case 'Pods': {
      const cur = status?.pods ? quantityString(objOf(objOf(status.pods).current).averageValue) : unknown;
      return `${cur}/${quantityString(objOf(objOf(spec.pods).target).averageValue)}`;
    }
    case 'Resource':
    case 'ContainerResource': {
      const field = spec.type === 'Resource' ? 'resource' : 'containerResource';
      const source = objOf(spec[field]);
      const target = objOf(source.target);
      const current = objOf(objOf(status?.[field]).current);
      if (target.averageValue !== undefined) {
        const cur = status?.[field] ? quantityString(current.averageValue) : unknown;
        return `${source.name}: ${cur}/${quantityString(target.averageValue)}`;
      }
      const cur = status?.[field] && current.averageUtilization !== undefined ? `${current.averageUtilization}%` : unknown;
      const want = target.averageUtilization !== undefined ? `${target.averageUtilization}%` : '<auto>';
      return `${source.name}: ${cur}/${want}`;
    }
    default:
      return '<unknown type>';
  }
}

export function formatHPAMetrics(specs: Obj[], statuses: Obj[]): string {
  if (specs.length === 0) return '<none>';
  const list = specs.map((s, i) => formatMetric(s, statuses[i]));
  const maximum = 2;
  if (list.length <= maximum) return list.join(', ');
  return `${list.slice(0, maximum).join(', ')} + ${list.length - maximum} more...`;
}

export const horizontalPodAutoscalerPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Reference', 'string', 'The workload the autoscaler scales.'),
    column('Targets', 'string', 'Current and target values of its metrics.'),
    column('MinPods', 'string', 'Lower limit for the number of pods.'),
    column('MaxPods', 'integer', 'Upper limit for the number of pods.'),
    column('Replicas', 'integer', 'Current number of replicas.'),
    ageColumn(),
  ],
  cells(obj: KubeObject, now: Date) {
    const spec = objOf(obj.spec);
    const status = objOf(obj.status);
    const ref = objOf(spec.scaleTargetRef);
    const specs = (Array.isArray(spec.metrics) ? spec.metrics : []).map(objOf);
    const statuses = (Array.isArray(status.currentMetrics) ? status.currentMetrics : []).map(objOf);
    const minPods = spec.minReplicas === undefined || spec.minReplicas === null ? '<unset>' : String(spec.minReplicas);
    return [nameOf(obj), `${ref.kind ?? ''}/${ref.name ?? ''}`, formatHPAMetrics(specs, statuses), minPods, spec.maxReplicas ?? 0, status.currentReplicas ?? 0, age(obj, now)];
  },
};
