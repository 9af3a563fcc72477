// Struct definitions of io.k8s.api.autoscaling.v1, from the upstream v1.33 Go types (json tags, protobuf field numbers,
// list/map/patch markers). Generated once from the type sources; edit by hand with care.
import type { StructDef } from '../types.js';

export const autoscalingV1Structs: StructDef[] = [
  {
    name: "io.k8s.api.autoscaling.v1.Scale",
    gvk: [{"group": "autoscaling", "version": "v1", "kind": "Scale"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "spec", "type": {"kind": "ref", "name": "io.k8s.api.autoscaling.v1.ScaleSpec"}, "proto": 2},
      {"name": "status", "type": {"kind": "ref", "name": "io.k8s.api.autoscaling.v1.ScaleStatus"}, "proto": 3},
    ],
  },
  {
    name: "io.k8s.api.autoscaling.v1.ScaleSpec",
    fields: [
      {"name": "replicas", "type": {"kind": "integer", "format": "int32"}, "proto": 1},
    ],
  },
  {
    name: "io.k8s.api.autoscaling.v1.ScaleStatus",
    fields: [
      {"name": "replicas", "type": {"kind": "integer", "format": "int32"}, "proto": 1, "required": true},
      {"name": "selector", "type": {"kind": "string"}, "proto": 2},
    ],
  },
  {
    name: "io.k8s.api.autoscaling.v1.CrossVersionObjectReference",
    fields: [
      {"name": "kind", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "name", "type": {"kind": "string"}, "proto": 2, "required": true},
      {"name": "apiVersion", "type": {"kind": "string"}, "proto": 3},
    ],
  },
  {
    name: "io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler",
    gvk: [{"group": "autoscaling", "version": "v1", "kind": "HorizontalPodAutoscaler"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "spec", "type": {"kind": "ref", "name": "io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec"}, "proto": 2},
      {"name": "status", "type": {"kind": "ref", "name": "io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerStatus"}, "proto": 3},
    ],
  },
  {
    name: "io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerList",
    gvk: [{"group": "autoscaling", "version": "v1", "kind": "HorizontalPodAutoscalerList"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}, "proto": 1},
      {"name": "items", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler"}}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec",
    fields: [
      {"name": "scaleTargetRef", "type": {"kind": "ref", "name": "io.k8s.api.autoscaling.v1.CrossVersionObjectReference"}, "proto": 1, "required": true},
      {"name": "minReplicas", "type": {"kind": "integer", "format": "int32"}, "proto": 2, "optional": true},
      {"name": "maxReplicas", "type": {"kind": "integer", "format": "int32"}, "proto": 3, "required": true},
      {"name": "targetCPUUtilizationPercentage", "type": {"kind": "integer", "format": "int32"}, "proto": 4, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerStatus",
    fields: [
      {"name": "observedGeneration", "type": {"kind": "integer", "format": "int64"}, "proto": 1, "optional": true},
      {"name": "lastScaleTime", "type": {"kind": "time"}, "proto": 2, "optional": true},
      {"name": "currentReplicas", "type": {"kind": "integer", "format": "int32"}, "proto": 3, "required": true},
      {"name": "desiredReplicas", "type": {"kind": "integer", "format": "int32"}, "proto": 4, "required": true},
      {"name": "currentCPUUtilizationPercentage", "type": {"kind": "integer", "format": "int32"}, "proto": 5, "optional": true},
    ],
  },
];
