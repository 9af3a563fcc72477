// Struct definitions of io.k8s.api.flowcontrol.v1, from the upstream v1.33 Go types (json tags, protobuf field
// numbers, list markers of k8s.io/api/flowcontrol/v1/types.go). Edit by hand with care.
import type { StructDef } from '../types.js';

export const flowcontrolV1Structs: StructDef[] = [
  {
    name: "io.k8s.api.flowcontrol.v1.ExemptPriorityLevelConfiguration",
    fields: [
      {"name": "nominalConcurrencyShares", "type": {"kind": "integer", "format": "int32"}, "proto": 1, "optional": true},
      {"name": "lendablePercent", "type": {"kind": "integer", "format": "int32"}, "proto": 2, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.flowcontrol.v1.FlowDistinguisherMethod",
    fields: [
      {"name": "type", "type": {"kind": "string"}, "proto": 1, "required": true},
    ],
  },
  {
    name: "io.k8s.api.flowcontrol.v1.FlowSchema",
    gvk: [{"group": "flowcontrol.apiserver.k8s.io", "version": "v1", "kind": "FlowSchema"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "spec", "type": {"kind": "ref", "name": "io.k8s.api.flowcontrol.v1.FlowSchemaSpec"}, "proto": 2, "optional": true},
      {"name": "status", "type": {"kind": "ref", "name": "io.k8s.api.flowcontrol.v1.FlowSchemaStatus"}, "proto": 3, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.flowcontrol.v1.FlowSchemaCondition",
    fields: [
      {"name": "type", "type": {"kind": "string"}, "proto": 1, "optional": true},
      {"name": "status", "type": {"kind": "string"}, "proto": 2, "optional": true},
      {"name": "lastTransitionTime", "type": {"kind": "time"}, "proto": 3, "optional": true},
      {"name": "reason", "type": {"kind": "string"}, "proto": 4, "optional": true},
      {"name": "message", "type": {"kind": "string"}, "proto": 5, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.flowcontrol.v1.FlowSchemaList",
    gvk: [{"group": "flowcontrol.apiserver.k8s.io", "version": "v1", "kind": "FlowSchemaList"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}, "proto": 1},
      {"name": "items", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.flowcontrol.v1.FlowSchema"}}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.api.flowcontrol.v1.FlowSchemaSpec",
    fields: [
      {"name": "priorityLevelConfiguration", "type": {"kind": "ref", "name": "io.k8s.api.flowcontrol.v1.PriorityLevelConfigurationReference"}, "proto": 1, "required": true},
      {"name": "matchingPrecedence", "type": {"kind": "integer", "format": "int32"}, "proto": 2, "optional": true},
      {"name": "distinguisherMethod", "type": {"kind": "ref", "name": "io.k8s.api.flowcontrol.v1.FlowDistinguisherMethod"}, "proto": 3, "optional": true},
      {"name": "rules", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.flowcontrol.v1.PolicyRulesWithSubjects"}}, "proto": 4, "optional": true, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.api.flowcontrol.v1.FlowSchemaStatus",
    fields: [
      {"name": "conditions", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.flowcontrol.v1.FlowSchemaCondition"}}, "proto": 1, "optional": true, "listType": "map", "listMapKeys": ["type"]},
    ],
  },
  {
    name: "io.k8s.api.flowcontrol.v1.GroupSubject",
    fields: [
      {"name": "name", "type": {"kind": "string"}, "proto": 1, "required": true},
    ],
  },
  {
    name: "io.k8s.api.flowcontrol.v1.LimitResponse",
    fields: [
      {"name": "type", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "queuing", "type": {"kind": "ref", "name": "io.k8s.api.flowcontrol.v1.QueuingConfiguration"}, "proto": 2, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.flowcontrol.v1.LimitedPriorityLevelConfiguration",
    fields: [
      {"name": "nominalConcurrencyShares", "type": {"kind": "integer", "format": "int32"}, "proto": 1, "optional": true},
      {"name": "limitResponse", "type": {"kind": "ref", "name": "io.k8s.api.flowcontrol.v1.LimitResponse"}, "proto": 2, "optional": true},
      {"name": "lendablePercent", "type": {"kind": "integer", "format": "int32"}, "proto": 3, "optional": true},
      {"name": "borrowingLimitPercent", "type": {"kind": "integer", "format": "int32"}, "proto": 4, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.flowcontrol.v1.NonResourcePolicyRule",
    fields: [
      {"name": "verbs", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 1, "required": true, "listType": "set"},
      {"name": "nonResourceURLs", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 6, "required": true, "listType": "set"},
    ],
  },
  {
    name: "io.k8s.api.flowcontrol.v1.PolicyRulesWithSubjects",
    fields: [
      {"name": "subjects", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.flowcontrol.v1.Subject"}}, "proto": 1, "required": true, "listType": "atomic"},
      {"name": "resourceRules", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.flowcontrol.v1.ResourcePolicyRule"}}, "proto": 2, "optional": true, "listType": "atomic"},
      {"name": "nonResourceRules", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.flowcontrol.v1.NonResourcePolicyRule"}}, "proto": 3, "optional": true, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.api.flowcontrol.v1.PriorityLevelConfiguration",
    gvk: [{"group": "flowcontrol.apiserver.k8s.io", "version": "v1", "kind": "PriorityLevelConfiguration"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "spec", "type": {"kind": "ref", "name": "io.k8s.api.flowcontrol.v1.PriorityLevelConfigurationSpec"}, "proto": 2, "optional": true},
      {"name": "status", "type": {"kind": "ref", "name": "io.k8s.api.flowcontrol.v1.PriorityLevelConfigurationStatus"}, "proto": 3, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.flowcontrol.v1.PriorityLevelConfigurationCondition",
    fields: [
      {"name": "type", "type": {"kind": "string"}, "proto": 1, "optional": true},
      {"name": "status", "type": {"kind": "string"}, "proto": 2, "optional": true},
      {"name": "lastTransitionTime", "type": {"kind": "time"}, "proto": 3, "optional": true},
      {"name": "reason", "type": {"kind": "string"}, "proto": 4, "optional": true},
      {"name": "message", "type": {"kind": "string"}, "proto": 5, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.flowcontrol.v1.PriorityLevelConfigurationList",
    gvk: [{"group": "flowcontrol.apiserver.k8s.io", "version": "v1", "kind": "PriorityLevelConfigurationList"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}, "proto": 1},
      {"name": "items", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.flowcontrol.v1.PriorityLevelConfiguration"}}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.api.flowcontrol.v1.PriorityLevelConfigurationReference",
    fields: [
      {"name": "name", "type": {"kind": "string"}, "proto": 1, "required": true},
    ],
  },
  {
    name: "io.k8s.api.flowcontrol.v1.PriorityLevelConfigurationSpec",
    fields: [
      {"name": "type", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "limited", "type": {"kind": "ref", "name": "io.k8s.api.flowcontrol.v1.LimitedPriorityLevelConfiguration"}, "proto": 2, "optional": true},
      {"name": "exempt", "type": {"kind": "ref", "name": "io.k8s.api.flowcontrol.v1.ExemptPriorityLevelConfiguration"}, "proto": 3, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.flowcontrol.v1.PriorityLevelConfigurationStatus",
    fields: [
      {"name": "conditions", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.flowcontrol.v1.PriorityLevelConfigurationCondition"}}, "proto": 1, "optional": true, "listType": "map", "listMapKeys": ["type"]},
    ],
  },
  {
    name: "io.k8s.api.flowcontrol.v1.QueuingConfiguration",
    fields: [
      {"name": "queues", "type": {"kind": "integer", "format": "int32"}, "proto": 1, "optional": true},
      {"name": "handSize", "type": {"kind": "integer", "format": "int32"}, "proto": 2, "optional": true},
      {"name": "queueLengthLimit", "type": {"kind": "integer", "format": "int32"}, "proto": 3, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.flowcontrol.v1.ResourcePolicyRule",
    fields: [
      {"name": "verbs", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 1, "required": true, "listType": "set"},
      {"name": "apiGroups", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 2, "required": true, "listType": "set"},
      {"name": "resources", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 3, "required": true, "listType": "set"},
      {"name": "clusterScope", "type": {"kind": "boolean"}, "proto": 4, "optional": true},
      {"name": "namespaces", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 5, "optional": true, "listType": "set"},
    ],
  },
  {
    name: "io.k8s.api.flowcontrol.v1.ServiceAccountSubject",
    fields: [
      {"name": "namespace", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "name", "type": {"kind": "string"}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.api.flowcontrol.v1.Subject",
    fields: [
      {"name": "kind", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "user", "type": {"kind": "ref", "name": "io.k8s.api.flowcontrol.v1.UserSubject"}, "proto": 2, "optional": true},
      {"name": "group", "type": {"kind": "ref", "name": "io.k8s.api.flowcontrol.v1.GroupSubject"}, "proto": 3, "optional": true},
      {"name": "serviceAccount", "type": {"kind": "ref", "name": "io.k8s.api.flowcontrol.v1.ServiceAccountSubject"}, "proto": 4, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.flowcontrol.v1.UserSubject",
    fields: [
      {"name": "name", "type": {"kind": "string"}, "proto": 1, "required": true},
    ],
  },
];
