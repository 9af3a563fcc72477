// Struct definitions of io.k8s.api.autoscaling.v2 (HorizontalPodAutoscaler), from the upstream v1.33 Go types (json
// tags, protobuf field numbers, list/map/patch markers), written by hand from k8s.io/api/autoscaling/v2/types.go.
import type { StructDef } from '../types.js';

const ref = (name: string) => ({ kind: 'ref' as const, name: `io.k8s.api.autoscaling.v2.${name}` });
const int32 = { kind: 'integer' as const, format: 'int32' as const };
const str = { kind: 'string' as const };

export const autoscalingV2Structs: StructDef[] = [
  {
    name: 'io.k8s.api.autoscaling.v2.ContainerResourceMetricSource',
    fields: [
      { name: 'name', type: str, proto: 1, required: true },
      { name: 'target', type: ref('MetricTarget'), proto: 2, required: true },
      { name: 'container', type: str, proto: 3, required: true },
    ],
  },
  {
    name: 'io.k8s.api.autoscaling.v2.ContainerResourceMetricStatus',
    fields: [
      { name: 'name', type: str, proto: 1, required: true },
      { name: 'current', type: ref('MetricValueStatus'), proto: 2, required: true },
      { name: 'container', type: str, proto: 3, required: true },
    ],
  },
  {
    name: 'io.k8s.api.autoscaling.v2.CrossVersionObjectReference',
    fields: [
      { name: 'kind', type: str, proto: 1, required: true },
      { name: 'name', type: str, proto: 2, required: true },
      { name: 'apiVersion', type: str, proto: 3 },
    ],
  },
  {
    name: 'io.k8s.api.autoscaling.v2.ExternalMetricSource',
    fields: [
      { name: 'metric', type: ref('MetricIdentifier'), proto: 1, required: true },
      { name: 'target', type: ref('MetricTarget'), proto: 2, required: true },
    ],
  },
  {
    name: 'io.k8s.api.autoscaling.v2.ExternalMetricStatus',
    fields: [
      { name: 'metric', type: ref('MetricIdentifier'), proto: 1, required: true },
      { name: 'current', type: ref('MetricValueStatus'), proto: 2, required: true },
    ],
  },
  {
    name: 'io.k8s.api.autoscaling.v2.HPAScalingPolicy',
    fields: [
      { name: 'type', type: { kind: 'string', enum: ['Percent', 'Pods'] }, proto: 1, required: true },
      { name: 'value', type: int32, proto: 2, required: true },
      { name: 'periodSeconds', type: int32, proto: 3, required: true },
    ],
  },
  {
    name: 'io.k8s.api.autoscaling.v2.HPAScalingRules',
    fields: [
      { name: 'stabilizationWindowSeconds', type: int32, proto: 3, optional: true },
      { name: 'selectPolicy', type: { kind: 'string', enum: ['Disabled', 'Max', 'Min'] }, proto: 1, optional: true },
      { name: 'policies', type: { kind: 'array', items: ref('HPAScalingPolicy') }, proto: 2, listType: 'atomic' },
      { name: 'tolerance', type: { kind: 'quantity' }, proto: 4, optional: true },
    ],
  },
  {
    name: 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler',
    gvk: [{ group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler' }],
    fields: [
      { name: 'kind', type: str },
      { name: 'apiVersion', type: str },
      { name: 'metadata', type: { kind: 'ref', name: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }, proto: 1 },
      { name: 'spec', type: ref('HorizontalPodAutoscalerSpec'), proto: 2 },
      { name: 'status', type: ref('HorizontalPodAutoscalerStatus'), proto: 3 },
    ],
  },
  {
    name: 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerBehavior',
    fields: [
      { name: 'scaleUp', type: ref('HPAScalingRules'), proto: 1, optional: true },
      { name: 'scaleDown', type: ref('HPAScalingRules'), proto: 2, optional: true },
    ],
  },
  {
    name: 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerCondition',
    fields: [
      { name: 'type', type: str, proto: 1, required: true },
      { name: 'status', type: str, proto: 2, required: true },
      { name: 'lastTransitionTime', type: { kind: 'time' }, proto: 3 },
      { name: 'reason', type: str, proto: 4 },
      { name: 'message', type: str, proto: 5 },
    ],
  },
  {
    name: 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerList',
    gvk: [{ group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscalerList' }],
    fields: [
      { name: 'kind', type: str },
      { name: 'apiVersion', type: str },
      { name: 'metadata', type: { kind: 'ref', name: 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta' }, proto: 1 },
      { name: 'items', type: { kind: 'array', items: ref('HorizontalPodAutoscaler') }, proto: 2, required: true },
    ],
  },
  {
    name: 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec',
    fields: [
      { name: 'scaleTargetRef', type: ref('CrossVersionObjectReference'), proto: 1, required: true },
      { name: 'minReplicas', type: int32, proto: 2, optional: true },
      { name: 'maxReplicas', type: int32, proto: 3, required: true },
      { name: 'metrics', type: { kind: 'array', items: ref('MetricSpec') }, proto: 4, listType: 'atomic' },
      { name: 'behavior', type: ref('HorizontalPodAutoscalerBehavior'), proto: 5, optional: true },
    ],
  },
  {
    name: 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus',
    fields: [
      { name: 'observedGeneration', type: { kind: 'integer', format: 'int64' }, proto: 1, optional: true },
      { name: 'lastScaleTime', type: { kind: 'time' }, proto: 2, optional: true },
      { name: 'currentReplicas', type: int32, proto: 3 },
      { name: 'desiredReplicas', type: int32, proto: 4, required: true },
      { name: 'currentMetrics', type: { kind: 'array', items: ref('MetricStatus') }, proto: 5, listType: 'atomic' },
      { name: 'conditions', type: { kind: 'array', items: ref('HorizontalPodAutoscalerCondition') }, proto: 6, patchStrategy: 'merge', patchMergeKey: 'type', listType: 'map', listMapKeys: ['type'] },
    ],
  },
  {
    name: 'io.k8s.api.autoscaling.v2.MetricIdentifier',
    fields: [
      { name: 'name', type: str, proto: 1, required: true },
      { name: 'selector', type: { kind: 'ref', name: 'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector' }, proto: 2, optional: true },
    ],
  },
  {
    name: 'io.k8s.api.autoscaling.v2.MetricSpec',
    fields: [
      { name: 'type', type: { kind: 'string', enum: ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'] }, proto: 1, required: true },
      { name: 'object', type: ref('ObjectMetricSource'), proto: 2, optional: true },
      { name: 'pods', type: ref('PodsMetricSource'), proto: 3, optional: true },
      { name: 'resource', type: ref('ResourceMetricSource'), proto: 4, optional: true },
      { name: 'containerResource', type: ref('ContainerResourceMetricSource'), proto: 7, optional: true },
      { name: 'external', type: ref('ExternalMetricSource'), proto: 5, optional: true },
    ],
  },
  {
    name: 'io.k8s.api.autoscaling.v2.MetricStatus',
    fields: [
      { name: 'type', type: { kind: 'string', enum: ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'] }, proto: 1, required: true },
      { name: 'object', type: ref('ObjectMetricStatus'), proto: 2, optional: true },
      { name: 'pods', type: ref('PodsMetricStatus'), proto: 3, optional: true },
      { name: 'resource', type: ref('ResourceMetricStatus'), proto: 4, optional: true },
      { name: 'containerResource', type: ref('ContainerResourceMetricStatus'), proto: 7, optional: true },
      { name: 'external', type: ref('ExternalMetricStatus'), proto: 5, optional: true },
    ],
  },
  {
    name: 'io.k8s.api.autoscaling.v2.MetricTarget',
    fields: [
      { name: 'type', type: { kind: 'string', enum: ['AverageValue', 'Utilization', 'Value'] }, proto: 1, required: true },
      { name: 'value', type: { kind: 'quantity' }, proto: 2, optional: true },
      { name: 'averageValue', type: { kind: 'quantity' }, proto: 3, optional: true },
      { name: 'averageUtilization', type: int32, proto: 4, optional: true },
    ],
  },
  {
    name: 'io.k8s.api.autoscaling.v2.MetricValueStatus',
    fields: [
      { name: 'value', type: { kind: 'quantity' }, proto: 1, optional: true },
      { name: 'averageValue', type: { kind: 'quantity' }, proto: 2, optional: true },
      { name: 'averageUtilization', type: int32, proto: 3, optional: true },
    ],
  },
  {
    name: 'io.k8s.api.autoscaling.v2.ObjectMetricSource',
    fields: [
      { name: 'describedObject', type: ref('CrossVersionObjectReference'), proto: 1, required: true },
      { name: 'target', type: ref('MetricTarget'), proto: 2, required: true },
      { name: 'metric', type: ref('MetricIdentifier'), proto: 3, required: true },
    ],
  },
  {
    name: 'io.k8s.api.autoscaling.v2.ObjectMetricStatus',
    fields: [
      { name: 'metric', type: ref('MetricIdentifier'), proto: 1, required: true },
      { name: 'current', type: ref('MetricValueStatus'), proto: 2, required: true },
      { name: 'describedObject', type: ref('CrossVersionObjectReference'), proto: 3, required: true },
    ],
  },
  {
    name: 'io.k8s.api.autoscaling.v2.PodsMetricSource',
    fields: [
      { name: 'metric', type: ref('MetricIdentifier'), proto: 1, required: true },
      { name: 'target', type: ref('MetricTarget'), proto: 2, required: true },
    ],
  },
  {
    name: 'io.k8s.api.autoscaling.v2.PodsMetricStatus',
    fields: [
      { name: 'metric', type: ref('MetricIdentifier'), proto: 1, required: true },
      { name: 'current', type: ref('MetricValueStatus'), proto: 2, required: true },
    ],
  },
  {
    name: 'io.k8s.api.autoscaling.v2.ResourceMetricSource',
    fields: [
      { name: 'name', type: str, proto: 1, required: true },
      { name: 'target', type: ref('MetricTarget'), proto: 2, required: true },
    ],
  },
  {
    name: 'io.k8s.api.autoscaling.v2.ResourceMetricStatus',
    fields: [
      { name: 'name', type: str, proto: 1, required: true },
      { name: 'current', type: ref('MetricValueStatus'), proto: 2, required: true },
    ],
  },
];
