// Struct definitions of io.k8s.api.scheduling.v1, from the upstream v1.33 Go types (json tags, protobuf field numbers,
// list/map/patch markers). Generated once from the type sources; edit by hand with care.
import type { StructDef } from '../types.js';

export const schedulingV1Structs: StructDef[] = [
  {
    name: "io.k8s.api.scheduling.v1.PriorityClass",
    gvk: [{"group": "scheduling.k8s.io", "version": "v1", "kind": "PriorityClass"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "value", "type": {"kind": "integer", "format": "int32"}, "proto": 2, "required": true},
      {"name": "globalDefault", "type": {"kind": "boolean"}, "proto": 3},
      {"name": "description", "type": {"kind": "string"}, "proto": 4},
      {"name": "preemptionPolicy", "type": {"kind": "string", "enum": ["Never", "PreemptLowerPriority"]}, "proto": 5, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.scheduling.v1.PriorityClassList",
    gvk: [{"group": "scheduling.k8s.io", "version": "v1", "kind": "PriorityClassList"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}, "proto": 1},
      {"name": "items", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.scheduling.v1.PriorityClass"}}, "proto": 2, "required": true},
    ],
  },
];
