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
];
