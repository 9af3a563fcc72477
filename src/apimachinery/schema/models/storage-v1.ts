// Struct definitions of io.k8s.api.storage.v1, from the upstream v1.33 Go types (json tags, protobuf field numbers,
// list/map/patch markers). Generated once from the type sources; edit by hand with care.
import type { StructDef } from '../types.js';

export const storageV1Structs: StructDef[] = [
  {
    name: "io.k8s.api.storage.v1.StorageClass",
    gvk: [{"group": "storage.k8s.io", "version": "v1", "kind": "StorageClass"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "provisioner", "type": {"kind": "string"}, "proto": 2, "required": true},
      {"name": "parameters", "type": {"kind": "map", "values": {"kind": "string"}}, "proto": 3},
      {"name": "reclaimPolicy", "type": {"kind": "string", "enum": ["Delete", "Recycle", "Retain"]}, "proto": 4, "optional": true},
      {"name": "mountOptions", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 5, "listType": "atomic"},
      {"name": "allowVolumeExpansion", "type": {"kind": "boolean"}, "proto": 6, "optional": true},
      {"name": "volumeBindingMode", "type": {"kind": "string", "enum": ["Immediate", "WaitForFirstConsumer"]}, "proto": 7, "optional": true},
      {"name": "allowedTopologies", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.core.v1.TopologySelectorTerm"}}, "proto": 8, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.api.storage.v1.StorageClassList",
    gvk: [{"group": "storage.k8s.io", "version": "v1", "kind": "StorageClassList"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}, "proto": 1},
      {"name": "items", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.storage.v1.StorageClass"}}, "proto": 2, "required": true},
    ],
  },
];
