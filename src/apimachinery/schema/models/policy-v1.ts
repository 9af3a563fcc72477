// Struct definitions of io.k8s.api.policy.v1, from the upstream v1.33 Go types (json tags, protobuf field numbers,
// list/map/patch markers). Generated once from the type sources; edit by hand with care.
import type { StructDef } from '../types.js';

export const policyV1Structs: StructDef[] = [
  {
    name: "io.k8s.api.policy.v1.Eviction",
    gvk: [{"group": "policy", "version": "v1", "kind": "Eviction"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "deleteOptions", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"}, "proto": 2, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.policy.v1.PodDisruptionBudget",
    gvk: [{"group": "policy", "version": "v1", "kind": "PodDisruptionBudget"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "spec", "type": {"kind": "ref", "name": "io.k8s.api.policy.v1.PodDisruptionBudgetSpec"}, "proto": 2},
      {"name": "status", "type": {"kind": "ref", "name": "io.k8s.api.policy.v1.PodDisruptionBudgetStatus"}, "proto": 3},
    ],
  },
  {
    name: "io.k8s.api.policy.v1.PodDisruptionBudgetList",
    gvk: [{"group": "policy", "version": "v1", "kind": "PodDisruptionBudgetList"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}, "proto": 1},
      {"name": "items", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.policy.v1.PodDisruptionBudget"}}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.api.policy.v1.PodDisruptionBudgetSpec",
    fields: [
      {"name": "minAvailable", "type": {"kind": "intOrString"}, "proto": 1, "optional": true},
      {"name": "selector", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"}, "proto": 2, "patchStrategy": "replace", "optional": true},
      {"name": "maxUnavailable", "type": {"kind": "intOrString"}, "proto": 3, "optional": true},
      {"name": "unhealthyPodEvictionPolicy", "type": {"kind": "string", "enum": ["AlwaysAllow", "IfHealthyBudget"]}, "proto": 4, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.policy.v1.PodDisruptionBudgetStatus",
    fields: [
      {"name": "observedGeneration", "type": {"kind": "integer", "format": "int64"}, "proto": 1},
      {"name": "disruptedPods", "type": {"kind": "map", "values": {"kind": "time"}}, "proto": 2},
      {"name": "disruptionsAllowed", "type": {"kind": "integer", "format": "int32"}, "proto": 3, "required": true},
      {"name": "currentHealthy", "type": {"kind": "integer", "format": "int32"}, "proto": 4, "required": true},
      {"name": "desiredHealthy", "type": {"kind": "integer", "format": "int32"}, "proto": 5, "required": true},
      {"name": "expectedPods", "type": {"kind": "integer", "format": "int32"}, "proto": 6, "required": true},
      {"name": "conditions", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.Condition"}}, "proto": 7, "patchStrategy": "merge", "patchMergeKey": "type", "listType": "map", "listMapKeys": ["type"]},
    ],
  },
];
