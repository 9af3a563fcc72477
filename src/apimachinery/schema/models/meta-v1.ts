// Struct definitions of io.k8s.apimachinery.pkg.apis.meta.v1, from the upstream v1.33 Go types (json tags, protobuf field numbers,
// list/map/patch markers). Generated once from the type sources; edit by hand with care.
import type { StructDef } from '../types.js';

export const metaV1Structs: StructDef[] = [
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup",
    gvk: [{"group": "", "version": "v1", "kind": "APIGroup"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "name", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "versions", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.GroupVersionForDiscovery"}}, "proto": 2, "required": true, "listType": "atomic"},
      {"name": "preferredVersion", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.GroupVersionForDiscovery"}, "proto": 3},
      {"name": "serverAddressByClientCIDRs", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ServerAddressByClientCIDR"}}, "proto": 4, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.APIGroupList",
    gvk: [{"group": "", "version": "v1", "kind": "APIGroupList"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "groups", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup"}}, "proto": 1, "required": true, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.APIResource",
    fields: [
      {"name": "name", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "singularName", "type": {"kind": "string"}, "proto": 6, "required": true},
      {"name": "namespaced", "type": {"kind": "boolean"}, "proto": 2, "required": true},
      {"name": "group", "type": {"kind": "string"}, "proto": 8},
      {"name": "version", "type": {"kind": "string"}, "proto": 9},
      {"name": "kind", "type": {"kind": "string"}, "proto": 3, "required": true},
      {"name": "verbs", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 4, "required": true},
      {"name": "shortNames", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 5, "listType": "atomic"},
      {"name": "categories", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 7, "listType": "atomic"},
      {"name": "storageVersionHash", "type": {"kind": "string"}, "proto": 10},
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList",
    gvk: [{"group": "", "version": "v1", "kind": "APIResourceList"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "groupVersion", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "resources", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.APIResource"}}, "proto": 2, "required": true, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.APIVersions",
    gvk: [{"group": "", "version": "v1", "kind": "APIVersions"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "versions", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 1, "required": true, "listType": "atomic"},
      {"name": "serverAddressByClientCIDRs", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ServerAddressByClientCIDR"}}, "proto": 2, "required": true, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.Condition",
    fields: [
      {"name": "type", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "status", "type": {"kind": "string"}, "proto": 2, "required": true},
      {"name": "observedGeneration", "type": {"kind": "integer", "format": "int64"}, "proto": 3},
      {"name": "lastTransitionTime", "type": {"kind": "time"}, "proto": 4, "required": true},
      {"name": "reason", "type": {"kind": "string"}, "proto": 5, "required": true},
      {"name": "message", "type": {"kind": "string"}, "proto": 6, "required": true},
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.CreateOptions",
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "dryRun", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 1, "listType": "atomic"},
      {"name": "fieldManager", "type": {"kind": "string"}, "proto": 3},
      {"name": "fieldValidation", "type": {"kind": "string"}, "proto": 4},
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
    gvk: [{"group": "", "version": "v1", "kind": "DeleteOptions"}, {"group": "apiextensions.k8s.io", "version": "v1", "kind": "DeleteOptions"}, {"group": "apps", "version": "v1", "kind": "DeleteOptions"}, {"group": "authentication.k8s.io", "version": "v1", "kind": "DeleteOptions"}, {"group": "autoscaling", "version": "v1", "kind": "DeleteOptions"}, {"group": "batch", "version": "v1", "kind": "DeleteOptions"}, {"group": "coordination.k8s.io", "version": "v1", "kind": "DeleteOptions"}, {"group": "discovery.k8s.io", "version": "v1", "kind": "DeleteOptions"}, {"group": "events.k8s.io", "version": "v1", "kind": "DeleteOptions"}, {"group": "networking.k8s.io", "version": "v1", "kind": "DeleteOptions"}, {"group": "policy", "version": "v1", "kind": "DeleteOptions"}, {"group": "rbac.authorization.k8s.io", "version": "v1", "kind": "DeleteOptions"}, {"group": "scheduling.k8s.io", "version": "v1", "kind": "DeleteOptions"}, {"group": "storage.k8s.io", "version": "v1", "kind": "DeleteOptions"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "gracePeriodSeconds", "type": {"kind": "integer", "format": "int64"}, "proto": 1, "optional": true},
      {"name": "preconditions", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.Preconditions"}, "proto": 2, "optional": true},
      {"name": "orphanDependents", "type": {"kind": "boolean"}, "proto": 3, "optional": true},
      {"name": "propagationPolicy", "type": {"kind": "string"}, "proto": 4, "optional": true},
      {"name": "dryRun", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 5, "listType": "atomic"},
      {"name": "ignoreStoreReadErrorWithClusterBreakingPotential", "type": {"kind": "boolean"}, "proto": 6, "optional": true},
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.FieldSelectorRequirement",
    fields: [
      {"name": "key", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "operator", "type": {"kind": "string"}, "proto": 2, "required": true},
      {"name": "values", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 3, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.GetOptions",
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "resourceVersion", "type": {"kind": "string"}, "proto": 1},
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.GroupVersionForDiscovery",
    fields: [
      {"name": "groupVersion", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "version", "type": {"kind": "string"}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector",
    structType: "atomic",
    fields: [
      {"name": "matchLabels", "type": {"kind": "map", "values": {"kind": "string"}}, "proto": 1},
      {"name": "matchExpressions", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement"}}, "proto": 2, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement",
    fields: [
      {"name": "key", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "operator", "type": {"kind": "string"}, "proto": 2, "required": true},
      {"name": "values", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 3, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta",
    fields: [
      {"name": "selfLink", "type": {"kind": "string"}, "proto": 1},
      {"name": "resourceVersion", "type": {"kind": "string"}, "proto": 2},
      {"name": "continue", "type": {"kind": "string"}, "proto": 3},
      {"name": "remainingItemCount", "type": {"kind": "integer", "format": "int64"}, "proto": 4, "optional": true},
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.ListOptions",
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "labelSelector", "type": {"kind": "string"}, "proto": 1},
      {"name": "fieldSelector", "type": {"kind": "string"}, "proto": 2},
      {"name": "watch", "type": {"kind": "boolean"}, "proto": 3},
      {"name": "allowWatchBookmarks", "type": {"kind": "boolean"}, "proto": 9},
      {"name": "resourceVersion", "type": {"kind": "string"}, "proto": 4},
      {"name": "resourceVersionMatch", "type": {"kind": "string"}, "proto": 10},
      {"name": "timeoutSeconds", "type": {"kind": "integer", "format": "int64"}, "proto": 5, "optional": true},
      {"name": "limit", "type": {"kind": "integer", "format": "int64"}, "proto": 7},
      {"name": "continue", "type": {"kind": "string"}, "proto": 8},
      {"name": "sendInitialEvents", "type": {"kind": "boolean"}, "proto": 11, "optional": true},
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry",
    fields: [
      {"name": "manager", "type": {"kind": "string"}, "proto": 1},
      {"name": "operation", "type": {"kind": "string"}, "proto": 2},
      {"name": "apiVersion", "type": {"kind": "string"}, "proto": 3},
      {"name": "time", "type": {"kind": "time"}, "proto": 4, "optional": true},
      {"name": "fieldsType", "type": {"kind": "string"}, "proto": 6},
      {"name": "fieldsV1", "type": {"kind": "fieldsV1"}, "proto": 7, "optional": true},
      {"name": "subresource", "type": {"kind": "string"}, "proto": 8},
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
    fields: [
      {"name": "name", "type": {"kind": "string"}, "proto": 1},
      {"name": "generateName", "type": {"kind": "string"}, "proto": 2},
      {"name": "namespace", "type": {"kind": "string"}, "proto": 3},
      {"name": "selfLink", "type": {"kind": "string"}, "proto": 4},
      {"name": "uid", "type": {"kind": "string"}, "proto": 5},
      {"name": "resourceVersion", "type": {"kind": "string"}, "proto": 6},
      {"name": "generation", "type": {"kind": "integer", "format": "int64"}, "proto": 7},
      {"name": "creationTimestamp", "type": {"kind": "time"}, "proto": 8},
      {"name": "deletionTimestamp", "type": {"kind": "time"}, "proto": 9, "optional": true},
      {"name": "deletionGracePeriodSeconds", "type": {"kind": "integer", "format": "int64"}, "proto": 10, "optional": true},
      {"name": "labels", "type": {"kind": "map", "values": {"kind": "string"}}, "proto": 11},
      {"name": "annotations", "type": {"kind": "map", "values": {"kind": "string"}}, "proto": 12},
      {"name": "ownerReferences", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference"}}, "proto": 13, "patchStrategy": "merge", "patchMergeKey": "uid", "listType": "map", "listMapKeys": ["uid"]},
      {"name": "finalizers", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 14, "patchStrategy": "merge", "listType": "set"},
      {"name": "managedFields", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry"}}, "proto": 17, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference",
    structType: "atomic",
    fields: [
      {"name": "apiVersion", "type": {"kind": "string"}, "proto": 5, "required": true},
      {"name": "kind", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "name", "type": {"kind": "string"}, "proto": 3, "required": true},
      {"name": "uid", "type": {"kind": "string"}, "proto": 4, "required": true},
      {"name": "controller", "type": {"kind": "boolean"}, "proto": 6, "optional": true},
      {"name": "blockOwnerDeletion", "type": {"kind": "boolean"}, "proto": 7, "optional": true},
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.Patch",
    fields: [
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.PatchOptions",
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "dryRun", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 1, "listType": "atomic"},
      {"name": "force", "type": {"kind": "boolean"}, "proto": 2, "optional": true},
      {"name": "fieldManager", "type": {"kind": "string"}, "proto": 3},
      {"name": "fieldValidation", "type": {"kind": "string"}, "proto": 4},
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.Preconditions",
    fields: [
      {"name": "uid", "type": {"kind": "string"}, "proto": 1, "optional": true},
      {"name": "resourceVersion", "type": {"kind": "string"}, "proto": 2, "optional": true},
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.ServerAddressByClientCIDR",
    fields: [
      {"name": "clientCIDR", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "serverAddress", "type": {"kind": "string"}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
    gvk: [{"group": "", "version": "v1", "kind": "Status"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}, "proto": 1},
      {"name": "status", "type": {"kind": "string"}, "proto": 2},
      {"name": "message", "type": {"kind": "string"}, "proto": 3},
      {"name": "reason", "type": {"kind": "string"}, "proto": 4},
      {"name": "details", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.StatusDetails"}, "proto": 5, "listType": "atomic", "optional": true},
      {"name": "code", "type": {"kind": "integer", "format": "int32"}, "proto": 6},
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.StatusCause",
    fields: [
      {"name": "reason", "type": {"kind": "string"}, "proto": 1},
      {"name": "message", "type": {"kind": "string"}, "proto": 2},
      {"name": "field", "type": {"kind": "string"}, "proto": 3},
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.StatusDetails",
    fields: [
      {"name": "name", "type": {"kind": "string"}, "proto": 1},
      {"name": "group", "type": {"kind": "string"}, "proto": 2},
      {"name": "kind", "type": {"kind": "string"}, "proto": 3},
      {"name": "uid", "type": {"kind": "string"}, "proto": 6},
      {"name": "causes", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.StatusCause"}}, "proto": 4, "listType": "atomic"},
      {"name": "retryAfterSeconds", "type": {"kind": "integer", "format": "int32"}, "proto": 5},
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.TypeMeta",
    fields: [
      {"name": "kind", "type": {"kind": "string"}, "proto": 1},
      {"name": "apiVersion", "type": {"kind": "string"}, "proto": 2},
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.UpdateOptions",
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "dryRun", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 1, "listType": "atomic"},
      {"name": "fieldManager", "type": {"kind": "string"}, "proto": 2},
      {"name": "fieldValidation", "type": {"kind": "string"}, "proto": 3},
    ],
  },
  {
    name: "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent",
    gvk: [{"group": "", "version": "v1", "kind": "WatchEvent"}, {"group": "apiextensions.k8s.io", "version": "v1", "kind": "WatchEvent"}, {"group": "apps", "version": "v1", "kind": "WatchEvent"}, {"group": "authentication.k8s.io", "version": "v1", "kind": "WatchEvent"}, {"group": "autoscaling", "version": "v1", "kind": "WatchEvent"}, {"group": "batch", "version": "v1", "kind": "WatchEvent"}, {"group": "coordination.k8s.io", "version": "v1", "kind": "WatchEvent"}, {"group": "discovery.k8s.io", "version": "v1", "kind": "WatchEvent"}, {"group": "events.k8s.io", "version": "v1", "kind": "WatchEvent"}, {"group": "networking.k8s.io", "version": "v1", "kind": "WatchEvent"}, {"group": "policy", "version": "v1", "kind": "WatchEvent"}, {"group": "rbac.authorization.k8s.io", "version": "v1", "kind": "WatchEvent"}, {"group": "scheduling.k8s.io", "version": "v1", "kind": "WatchEvent"}, {"group": "storage.k8s.io", "version": "v1", "kind": "WatchEvent"}],
    fields: [
      {"name": "type", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "object", "type": {"kind": "rawExtension"}, "proto": 2, "required": true},
    ],
  },
];
