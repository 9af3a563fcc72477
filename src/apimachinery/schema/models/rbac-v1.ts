// Struct definitions of io.k8s.api.rbac.v1, from the upstream v1.33 Go types (json tags, protobuf field numbers,
// list/map/patch markers). Generated once from the type sources; edit by hand with care.
import type { StructDef } from '../types.js';

export const rbacV1Structs: StructDef[] = [
  {
    name: "io.k8s.api.rbac.v1.AggregationRule",
    fields: [
      {"name": "clusterRoleSelectors", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"}}, "proto": 1, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.api.rbac.v1.ClusterRole",
    gvk: [{"group": "rbac.authorization.k8s.io", "version": "v1", "kind": "ClusterRole"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "rules", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.rbac.v1.PolicyRule"}}, "proto": 2, "listType": "atomic"},
      {"name": "aggregationRule", "type": {"kind": "ref", "name": "io.k8s.api.rbac.v1.AggregationRule"}, "proto": 3, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.rbac.v1.ClusterRoleBinding",
    gvk: [{"group": "rbac.authorization.k8s.io", "version": "v1", "kind": "ClusterRoleBinding"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "subjects", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.rbac.v1.Subject"}}, "proto": 2, "listType": "atomic"},
      {"name": "roleRef", "type": {"kind": "ref", "name": "io.k8s.api.rbac.v1.RoleRef"}, "proto": 3, "required": true},
    ],
  },
  {
    name: "io.k8s.api.rbac.v1.ClusterRoleBindingList",
    gvk: [{"group": "rbac.authorization.k8s.io", "version": "v1", "kind": "ClusterRoleBindingList"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}, "proto": 1},
      {"name": "items", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.rbac.v1.ClusterRoleBinding"}}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.api.rbac.v1.ClusterRoleList",
    gvk: [{"group": "rbac.authorization.k8s.io", "version": "v1", "kind": "ClusterRoleList"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}, "proto": 1},
      {"name": "items", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.rbac.v1.ClusterRole"}}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.api.rbac.v1.PolicyRule",
    fields: [
      {"name": "verbs", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 1, "required": true, "listType": "atomic"},
      {"name": "apiGroups", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 2, "listType": "atomic"},
      {"name": "resources", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 3, "listType": "atomic"},
      {"name": "resourceNames", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 4, "listType": "atomic"},
      {"name": "nonResourceURLs", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 5, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.api.rbac.v1.Role",
    gvk: [{"group": "rbac.authorization.k8s.io", "version": "v1", "kind": "Role"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "rules", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.rbac.v1.PolicyRule"}}, "proto": 2, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.api.rbac.v1.RoleBinding",
    gvk: [{"group": "rbac.authorization.k8s.io", "version": "v1", "kind": "RoleBinding"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "subjects", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.rbac.v1.Subject"}}, "proto": 2, "listType": "atomic"},
      {"name": "roleRef", "type": {"kind": "ref", "name": "io.k8s.api.rbac.v1.RoleRef"}, "proto": 3, "required": true},
    ],
  },
  {
    name: "io.k8s.api.rbac.v1.RoleBindingList",
    gvk: [{"group": "rbac.authorization.k8s.io", "version": "v1", "kind": "RoleBindingList"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}, "proto": 1},
      {"name": "items", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.rbac.v1.RoleBinding"}}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.api.rbac.v1.RoleList",
    gvk: [{"group": "rbac.authorization.k8s.io", "version": "v1", "kind": "RoleList"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}, "proto": 1},
      {"name": "items", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.rbac.v1.Role"}}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.api.rbac.v1.RoleRef",
    structType: "atomic",
    fields: [
      {"name": "apiGroup", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "kind", "type": {"kind": "string"}, "proto": 2, "required": true},
      {"name": "name", "type": {"kind": "string"}, "proto": 3, "required": true},
    ],
  },
  {
    name: "io.k8s.api.rbac.v1.Subject",
    structType: "atomic",
    fields: [
      {"name": "kind", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "apiGroup", "type": {"kind": "string"}, "proto": 2},
      {"name": "name", "type": {"kind": "string"}, "proto": 3, "required": true},
      {"name": "namespace", "type": {"kind": "string"}, "proto": 4},
    ],
  },
];
