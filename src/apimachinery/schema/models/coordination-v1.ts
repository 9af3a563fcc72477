// Struct definitions of io.k8s.api.coordination.v1, from the upstream v1.33 Go types (json tags, protobuf field numbers,
// list/map/patch markers). Generated once from the type sources; edit by hand with care.
import type { StructDef } from '../types.js';

export const coordinationV1Structs: StructDef[] = [
  {
    name: "io.k8s.api.coordination.v1.Lease",
    gvk: [{"group": "coordination.k8s.io", "version": "v1", "kind": "Lease"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "spec", "type": {"kind": "ref", "name": "io.k8s.api.coordination.v1.LeaseSpec"}, "proto": 2},
    ],
  },
  {
    name: "io.k8s.api.coordination.v1.LeaseList",
    gvk: [{"group": "coordination.k8s.io", "version": "v1", "kind": "LeaseList"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}, "proto": 1},
      {"name": "items", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.coordination.v1.Lease"}}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.api.coordination.v1.LeaseSpec",
    fields: [
      {"name": "holderIdentity", "type": {"kind": "string"}, "proto": 1, "optional": true},
      {"name": "leaseDurationSeconds", "type": {"kind": "integer", "format": "int32"}, "proto": 2, "optional": true},
      {"name": "acquireTime", "type": {"kind": "microTime"}, "proto": 3, "optional": true},
      {"name": "renewTime", "type": {"kind": "microTime"}, "proto": 4, "optional": true},
      {"name": "leaseTransitions", "type": {"kind": "integer", "format": "int32"}, "proto": 5, "optional": true},
      {"name": "strategy", "type": {"kind": "string"}, "proto": 6, "optional": true},
      {"name": "preferredHolder", "type": {"kind": "string"}, "proto": 7, "optional": true},
    ],
  },
];
