// Struct definitions of io.k8s.api.networking.v1, from the upstream v1.33 Go types (json tags, protobuf field numbers,
// list/map/patch markers). Generated once from the type sources; edit by hand with care.
import type { StructDef } from '../types.js';

export const networkingV1Structs: StructDef[] = [
  {
    name: "io.k8s.api.networking.v1.HTTPIngressPath",
    fields: [
      {"name": "path", "type": {"kind": "string"}, "proto": 1},
      {"name": "pathType", "type": {"kind": "string"}, "proto": 3, "required": true},
      {"name": "backend", "type": {"kind": "ref", "name": "io.k8s.api.networking.v1.IngressBackend"}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.api.networking.v1.HTTPIngressRuleValue",
    fields: [
      {"name": "paths", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.networking.v1.HTTPIngressPath"}}, "proto": 1, "required": true, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.api.networking.v1.Ingress",
    gvk: [{"group": "networking.k8s.io", "version": "v1", "kind": "Ingress"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "spec", "type": {"kind": "ref", "name": "io.k8s.api.networking.v1.IngressSpec"}, "proto": 2},
      {"name": "status", "type": {"kind": "ref", "name": "io.k8s.api.networking.v1.IngressStatus"}, "proto": 3},
    ],
  },
  {
    name: "io.k8s.api.networking.v1.IngressBackend",
    fields: [
      {"name": "service", "type": {"kind": "ref", "name": "io.k8s.api.networking.v1.IngressServiceBackend"}, "proto": 4, "optional": true},
      {"name": "resource", "type": {"kind": "ref", "name": "io.k8s.api.core.v1.TypedLocalObjectReference"}, "proto": 3, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.networking.v1.IngressClass",
    gvk: [{"group": "networking.k8s.io", "version": "v1", "kind": "IngressClass"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "spec", "type": {"kind": "ref", "name": "io.k8s.api.networking.v1.IngressClassSpec"}, "proto": 2},
    ],
  },
  {
    name: "io.k8s.api.networking.v1.IngressClassList",
    gvk: [{"group": "networking.k8s.io", "version": "v1", "kind": "IngressClassList"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}, "proto": 1},
      {"name": "items", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.networking.v1.IngressClass"}}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.api.networking.v1.IngressClassParametersReference",
    fields: [
      {"name": "apiGroup", "type": {"kind": "string"}, "proto": 1, "optional": true},
      {"name": "kind", "type": {"kind": "string"}, "proto": 2, "required": true},
      {"name": "name", "type": {"kind": "string"}, "proto": 3, "required": true},
      {"name": "scope", "type": {"kind": "string"}, "proto": 4, "optional": true},
      {"name": "namespace", "type": {"kind": "string"}, "proto": 5, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.networking.v1.IngressClassSpec",
    fields: [
      {"name": "controller", "type": {"kind": "string"}, "proto": 1},
      {"name": "parameters", "type": {"kind": "ref", "name": "io.k8s.api.networking.v1.IngressClassParametersReference"}, "proto": 2, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.networking.v1.IngressList",
    gvk: [{"group": "networking.k8s.io", "version": "v1", "kind": "IngressList"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}, "proto": 1},
      {"name": "items", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.networking.v1.Ingress"}}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.api.networking.v1.IngressLoadBalancerIngress",
    fields: [
      {"name": "ip", "type": {"kind": "string"}, "proto": 1},
      {"name": "hostname", "type": {"kind": "string"}, "proto": 2},
      {"name": "ports", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.networking.v1.IngressPortStatus"}}, "proto": 4, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.api.networking.v1.IngressLoadBalancerStatus",
    fields: [
      {"name": "ingress", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.networking.v1.IngressLoadBalancerIngress"}}, "proto": 1, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.api.networking.v1.IngressPortStatus",
    fields: [
      {"name": "port", "type": {"kind": "integer", "format": "int32"}, "proto": 1, "required": true},
      {"name": "protocol", "type": {"kind": "string", "enum": ["SCTP", "TCP", "UDP"]}, "proto": 2, "required": true},
      {"name": "error", "type": {"kind": "string"}, "proto": 3, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.networking.v1.IngressRule",
    inlined: [{"proto": 2, "struct": "io.k8s.api.networking.v1.IngressRuleValue"}],
    fields: [
      {"name": "host", "type": {"kind": "string"}, "proto": 1},
      {"name": "http", "type": {"kind": "ref", "name": "io.k8s.api.networking.v1.HTTPIngressRuleValue"}, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.networking.v1.IngressRuleValue",
    fields: [
      {"name": "http", "type": {"kind": "ref", "name": "io.k8s.api.networking.v1.HTTPIngressRuleValue"}, "proto": 1, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.networking.v1.IngressServiceBackend",
    fields: [
      {"name": "name", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "port", "type": {"kind": "ref", "name": "io.k8s.api.networking.v1.ServiceBackendPort"}, "proto": 2},
    ],
  },
  {
    name: "io.k8s.api.networking.v1.IngressSpec",
    fields: [
      {"name": "ingressClassName", "type": {"kind": "string"}, "proto": 4, "optional": true},
      {"name": "defaultBackend", "type": {"kind": "ref", "name": "io.k8s.api.networking.v1.IngressBackend"}, "proto": 1, "optional": true},
      {"name": "tls", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.networking.v1.IngressTLS"}}, "proto": 2, "listType": "atomic"},
      {"name": "rules", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.networking.v1.IngressRule"}}, "proto": 3, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.api.networking.v1.IngressStatus",
    fields: [
      {"name": "loadBalancer", "type": {"kind": "ref", "name": "io.k8s.api.networking.v1.IngressLoadBalancerStatus"}, "proto": 1},
    ],
  },
  {
    name: "io.k8s.api.networking.v1.IngressTLS",
    fields: [
      {"name": "hosts", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 1, "listType": "atomic"},
      {"name": "secretName", "type": {"kind": "string"}, "proto": 2},
    ],
  },
  {
    name: "io.k8s.api.networking.v1.ServiceBackendPort",
    structType: "atomic",
    fields: [
      {"name": "name", "type": {"kind": "string"}, "proto": 1},
      {"name": "number", "type": {"kind": "integer", "format": "int32"}, "proto": 2},
    ],
  },
];
