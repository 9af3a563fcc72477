// Struct definitions of io.k8s.api.discovery.v1, from the upstream v1.33 Go types (json tags, protobuf field numbers,
// list/map/patch markers). Generated once from the type sources; edit by hand with care.
import type { StructDef } from '../types.js';

export const discoveryV1Structs: StructDef[] = [
  {
    name: "io.k8s.api.discovery.v1.Endpoint",
    fields: [
      {"name": "addresses", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 1, "required": true, "listType": "set"},
      {"name": "conditions", "type": {"kind": "ref", "name": "io.k8s.api.discovery.v1.EndpointConditions"}, "proto": 2},
      {"name": "hostname", "type": {"kind": "string"}, "proto": 3, "optional": true},
      {"name": "targetRef", "type": {"kind": "ref", "name": "io.k8s.api.core.v1.ObjectReference"}, "proto": 4, "optional": true},
      {"name": "deprecatedTopology", "type": {"kind": "map", "values": {"kind": "string"}}, "proto": 5},
      {"name": "nodeName", "type": {"kind": "string"}, "proto": 6, "optional": true},
      {"name": "zone", "type": {"kind": "string"}, "proto": 7, "optional": true},
      {"name": "hints", "type": {"kind": "ref", "name": "io.k8s.api.discovery.v1.EndpointHints"}, "proto": 8, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.discovery.v1.EndpointConditions",
    fields: [
      {"name": "ready", "type": {"kind": "boolean"}, "proto": 1, "optional": true},
      {"name": "serving", "type": {"kind": "boolean"}, "proto": 2, "optional": true},
      {"name": "terminating", "type": {"kind": "boolean"}, "proto": 3, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.discovery.v1.EndpointHints",
    fields: [
      {"name": "forZones", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.discovery.v1.ForZone"}}, "proto": 1, "listType": "atomic"},
      {"name": "forNodes", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.discovery.v1.ForNode"}}, "proto": 2, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.api.discovery.v1.EndpointPort",
    structType: "atomic",
    fields: [
      {"name": "name", "type": {"kind": "string"}, "proto": 1, "optional": true},
      {"name": "protocol", "type": {"kind": "string", "enum": ["SCTP", "TCP", "UDP"]}, "proto": 2, "optional": true},
      {"name": "port", "type": {"kind": "integer", "format": "int32"}, "proto": 3, "optional": true},
      {"name": "appProtocol", "type": {"kind": "string"}, "proto": 4, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.discovery.v1.EndpointSlice",
    gvk: [{"group": "discovery.k8s.io", "version": "v1", "kind": "EndpointSlice"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "addressType", "type": {"kind": "string"}, "proto": 4, "required": true},
      {"name": "endpoints", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.discovery.v1.Endpoint"}}, "proto": 2, "required": true, "listType": "atomic"},
      {"name": "ports", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.discovery.v1.EndpointPort"}}, "proto": 3, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.api.discovery.v1.EndpointSliceList",
    gvk: [{"group": "discovery.k8s.io", "version": "v1", "kind": "EndpointSliceList"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}, "proto": 1},
      {"name": "items", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.discovery.v1.EndpointSlice"}}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.api.discovery.v1.ForNode",
    fields: [
      {"name": "name", "type": {"kind": "string"}, "proto": 1, "required": true},
    ],
  },
  {
    name: "io.k8s.api.discovery.v1.ForZone",
    fields: [
      {"name": "name", "type": {"kind": "string"}, "proto": 1, "required": true},
    ],
  },
];
