// HorizontalPodAutoscaler columns and cells (pkg/printers/internalversion printHorizontalPodAutoscaler and
// formatHPAMetrics), on the autoscaling/v2 form.
import type { KubeObject } from '../apimachinery/types.js';
import { AGE, NAME, printed, printerOf, quantityString } from './helpers.js';
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

const specOf = (hpa: KubeObject): Obj => objOf(hpa.spec);
const statusOf = (hpa: KubeObject): Obj => objOf(hpa.status);
const listOf = (v: unknown): Obj[] => (Array.isArray(v) ? v : []).map(objOf);

export const horizontalPodAutoscalerPrinter = printerOf<KubeObject>([
  NAME,
  printed('Reference', 'string', 'The workload the autoscaler scales.', (hpa) => {
    const ref = objOf(specOf(hpa).scaleTargetRef);
    return `${ref.kind ?? ''}/${ref.name ?? ''}`;
  }),
  printed('Targets', 'string', 'Current and target values of its metrics.', (hpa) => formatHPAMetrics(listOf(specOf(hpa).metrics), listOf(statusOf(hpa).currentMetrics))),
  printed('MinPods', 'string', 'Lower limit for the number of pods.', (hpa) => {
    const min = specOf(hpa).minReplicas;
    return min === undefined || min === null ? '<unset>' : String(min);
  }),
  printed('MaxPods', 'integer', 'Upper limit for the number of pods.', (hpa) => specOf(hpa).maxReplicas ?? 0),
  printed('Replicas', 'integer', 'Current number of replicas.', (hpa) => statusOf(hpa).currentReplicas ?? 0),
  AGE,
]);
