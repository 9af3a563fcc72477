// Struct definitions of io.k8s.api.apps.v1, from the upstream v1.33 Go types (json tags, protobuf field numbers,
// list/map/patch markers). Generated once from the type sources; edit by hand with care.
import type { StructDef } from '../types.js';

export const appsV1Structs: StructDef[] = [
  {
    name: "io.k8s.api.apps.v1.ControllerRevision",
    gvk: [{"group": "apps", "version": "v1", "kind": "ControllerRevision"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "data", "type": {"kind": "rawExtension"}, "proto": 2},
      {"name": "revision", "type": {"kind": "integer", "format": "int64"}, "proto": 3, "required": true},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.ControllerRevisionList",
    gvk: [{"group": "apps", "version": "v1", "kind": "ControllerRevisionList"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}, "proto": 1},
      {"name": "items", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.apps.v1.ControllerRevision"}}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.DaemonSet",
    gvk: [{"group": "apps", "version": "v1", "kind": "DaemonSet"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "spec", "type": {"kind": "ref", "name": "io.k8s.api.apps.v1.DaemonSetSpec"}, "proto": 2},
      {"name": "status", "type": {"kind": "ref", "name": "io.k8s.api.apps.v1.DaemonSetStatus"}, "proto": 3},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.DaemonSetCondition",
    fields: [
      {"name": "type", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "status", "type": {"kind": "string"}, "proto": 2, "required": true},
      {"name": "lastTransitionTime", "type": {"kind": "time"}, "proto": 3},
      {"name": "reason", "type": {"kind": "string"}, "proto": 4},
      {"name": "message", "type": {"kind": "string"}, "proto": 5},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.DaemonSetList",
    gvk: [{"group": "apps", "version": "v1", "kind": "DaemonSetList"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}, "proto": 1},
      {"name": "items", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.apps.v1.DaemonSet"}}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.DaemonSetSpec",
    fields: [
      {"name": "selector", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"}, "proto": 1, "required": true},
      {"name": "template", "type": {"kind": "ref", "name": "io.k8s.api.core.v1.PodTemplateSpec"}, "proto": 2, "required": true},
      {"name": "updateStrategy", "type": {"kind": "ref", "name": "io.k8s.api.apps.v1.DaemonSetUpdateStrategy"}, "proto": 3},
      {"name": "minReadySeconds", "type": {"kind": "integer", "format": "int32"}, "proto": 4},
      {"name": "revisionHistoryLimit", "type": {"kind": "integer", "format": "int32"}, "proto": 6, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.DaemonSetStatus",
    fields: [
      {"name": "currentNumberScheduled", "type": {"kind": "integer", "format": "int32"}, "proto": 1, "required": true},
      {"name": "numberMisscheduled", "type": {"kind": "integer", "format": "int32"}, "proto": 2, "required": true},
      {"name": "desiredNumberScheduled", "type": {"kind": "integer", "format": "int32"}, "proto": 3, "required": true},
      {"name": "numberReady", "type": {"kind": "integer", "format": "int32"}, "proto": 4, "required": true},
      {"name": "observedGeneration", "type": {"kind": "integer", "format": "int64"}, "proto": 5},
      {"name": "updatedNumberScheduled", "type": {"kind": "integer", "format": "int32"}, "proto": 6},
      {"name": "numberAvailable", "type": {"kind": "integer", "format": "int32"}, "proto": 7},
      {"name": "numberUnavailable", "type": {"kind": "integer", "format": "int32"}, "proto": 8},
      {"name": "collisionCount", "type": {"kind": "integer", "format": "int32"}, "proto": 9, "optional": true},
      {"name": "conditions", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.apps.v1.DaemonSetCondition"}}, "proto": 10, "patchStrategy": "merge", "patchMergeKey": "type", "listType": "map", "listMapKeys": ["type"]},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.DaemonSetUpdateStrategy",
    fields: [
      {"name": "type", "type": {"kind": "string", "enum": ["OnDelete", "RollingUpdate"]}, "proto": 1},
      {"name": "rollingUpdate", "type": {"kind": "ref", "name": "io.k8s.api.apps.v1.RollingUpdateDaemonSet"}, "proto": 2, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.Deployment",
    gvk: [{"group": "apps", "version": "v1", "kind": "Deployment"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "spec", "type": {"kind": "ref", "name": "io.k8s.api.apps.v1.DeploymentSpec"}, "proto": 2},
      {"name": "status", "type": {"kind": "ref", "name": "io.k8s.api.apps.v1.DeploymentStatus"}, "proto": 3},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.DeploymentCondition",
    fields: [
      {"name": "type", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "status", "type": {"kind": "string"}, "proto": 2, "required": true},
      {"name": "lastUpdateTime", "type": {"kind": "time"}, "proto": 6},
      {"name": "lastTransitionTime", "type": {"kind": "time"}, "proto": 7},
      {"name": "reason", "type": {"kind": "string"}, "proto": 4},
      {"name": "message", "type": {"kind": "string"}, "proto": 5},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.DeploymentList",
    gvk: [{"group": "apps", "version": "v1", "kind": "DeploymentList"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}, "proto": 1},
      {"name": "items", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.apps.v1.Deployment"}}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.DeploymentSpec",
    fields: [
      {"name": "replicas", "type": {"kind": "integer", "format": "int32"}, "proto": 1, "optional": true},
      {"name": "selector", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"}, "proto": 2, "required": true},
      {"name": "template", "type": {"kind": "ref", "name": "io.k8s.api.core.v1.PodTemplateSpec"}, "proto": 3, "required": true},
      {"name": "strategy", "type": {"kind": "ref", "name": "io.k8s.api.apps.v1.DeploymentStrategy"}, "proto": 4, "patchStrategy": "retainKeys"},
      {"name": "minReadySeconds", "type": {"kind": "integer", "format": "int32"}, "proto": 5},
      {"name": "revisionHistoryLimit", "type": {"kind": "integer", "format": "int32"}, "proto": 6, "optional": true},
      {"name": "paused", "type": {"kind": "boolean"}, "proto": 7},
      {"name": "progressDeadlineSeconds", "type": {"kind": "integer", "format": "int32"}, "proto": 9, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.DeploymentStatus",
    fields: [
      {"name": "observedGeneration", "type": {"kind": "integer", "format": "int64"}, "proto": 1},
      {"name": "replicas", "type": {"kind": "integer", "format": "int32"}, "proto": 2},
      {"name": "updatedReplicas", "type": {"kind": "integer", "format": "int32"}, "proto": 3},
      {"name": "readyReplicas", "type": {"kind": "integer", "format": "int32"}, "proto": 7},
      {"name": "availableReplicas", "type": {"kind": "integer", "format": "int32"}, "proto": 4},
      {"name": "unavailableReplicas", "type": {"kind": "integer", "format": "int32"}, "proto": 5},
      {"name": "terminatingReplicas", "type": {"kind": "integer", "format": "int32"}, "proto": 9, "optional": true},
      {"name": "conditions", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.apps.v1.DeploymentCondition"}}, "proto": 6, "patchStrategy": "merge", "patchMergeKey": "type", "listType": "map", "listMapKeys": ["type"]},
      {"name": "collisionCount", "type": {"kind": "integer", "format": "int32"}, "proto": 8, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.DeploymentStrategy",
    fields: [
      {"name": "type", "type": {"kind": "string", "enum": ["Recreate", "RollingUpdate"]}, "proto": 1},
      {"name": "rollingUpdate", "type": {"kind": "ref", "name": "io.k8s.api.apps.v1.RollingUpdateDeployment"}, "proto": 2, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.ReplicaSet",
    gvk: [{"group": "apps", "version": "v1", "kind": "ReplicaSet"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "spec", "type": {"kind": "ref", "name": "io.k8s.api.apps.v1.ReplicaSetSpec"}, "proto": 2},
      {"name": "status", "type": {"kind": "ref", "name": "io.k8s.api.apps.v1.ReplicaSetStatus"}, "proto": 3},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.ReplicaSetCondition",
    fields: [
      {"name": "type", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "status", "type": {"kind": "string"}, "proto": 2, "required": true},
      {"name": "lastTransitionTime", "type": {"kind": "time"}, "proto": 3},
      {"name": "reason", "type": {"kind": "string"}, "proto": 4},
      {"name": "message", "type": {"kind": "string"}, "proto": 5},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.ReplicaSetList",
    gvk: [{"group": "apps", "version": "v1", "kind": "ReplicaSetList"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}, "proto": 1},
      {"name": "items", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.apps.v1.ReplicaSet"}}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.ReplicaSetSpec",
    fields: [
      {"name": "replicas", "type": {"kind": "integer", "format": "int32"}, "proto": 1, "optional": true},
      {"name": "minReadySeconds", "type": {"kind": "integer", "format": "int32"}, "proto": 4},
      {"name": "selector", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"}, "proto": 2, "required": true},
      {"name": "template", "type": {"kind": "ref", "name": "io.k8s.api.core.v1.PodTemplateSpec"}, "proto": 3},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.ReplicaSetStatus",
    fields: [
      {"name": "replicas", "type": {"kind": "integer", "format": "int32"}, "proto": 1, "required": true},
      {"name": "fullyLabeledReplicas", "type": {"kind": "integer", "format": "int32"}, "proto": 2},
      {"name": "readyReplicas", "type": {"kind": "integer", "format": "int32"}, "proto": 4},
      {"name": "availableReplicas", "type": {"kind": "integer", "format": "int32"}, "proto": 5},
      {"name": "terminatingReplicas", "type": {"kind": "integer", "format": "int32"}, "proto": 7, "optional": true},
      {"name": "observedGeneration", "type": {"kind": "integer", "format": "int64"}, "proto": 3},
      {"name": "conditions", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.apps.v1.ReplicaSetCondition"}}, "proto": 6, "patchStrategy": "merge", "patchMergeKey": "type", "listType": "map", "listMapKeys": ["type"]},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.RollingUpdateDaemonSet",
    fields: [
      {"name": "maxUnavailable", "type": {"kind": "intOrString"}, "proto": 1, "optional": true},
      {"name": "maxSurge", "type": {"kind": "intOrString"}, "proto": 2, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.RollingUpdateDeployment",
    fields: [
      {"name": "maxUnavailable", "type": {"kind": "intOrString"}, "proto": 1, "optional": true},
      {"name": "maxSurge", "type": {"kind": "intOrString"}, "proto": 2, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.RollingUpdateStatefulSetStrategy",
    fields: [
      {"name": "partition", "type": {"kind": "integer", "format": "int32"}, "proto": 1, "optional": true},
      {"name": "maxUnavailable", "type": {"kind": "intOrString"}, "proto": 2, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.StatefulSet",
    gvk: [{"group": "apps", "version": "v1", "kind": "StatefulSet"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "spec", "type": {"kind": "ref", "name": "io.k8s.api.apps.v1.StatefulSetSpec"}, "proto": 2},
      {"name": "status", "type": {"kind": "ref", "name": "io.k8s.api.apps.v1.StatefulSetStatus"}, "proto": 3},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.StatefulSetCondition",
    fields: [
      {"name": "type", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "status", "type": {"kind": "string"}, "proto": 2, "required": true},
      {"name": "lastTransitionTime", "type": {"kind": "time"}, "proto": 3},
      {"name": "reason", "type": {"kind": "string"}, "proto": 4},
      {"name": "message", "type": {"kind": "string"}, "proto": 5},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.StatefulSetList",
    gvk: [{"group": "apps", "version": "v1", "kind": "StatefulSetList"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}, "proto": 1},
      {"name": "items", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.apps.v1.StatefulSet"}}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.StatefulSetOrdinals",
    fields: [
      {"name": "start", "type": {"kind": "integer", "format": "int32"}, "proto": 1},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy",
    fields: [
      {"name": "whenDeleted", "type": {"kind": "string"}, "proto": 1},
      {"name": "whenScaled", "type": {"kind": "string"}, "proto": 2},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.StatefulSetSpec",
    fields: [
      {"name": "replicas", "type": {"kind": "integer", "format": "int32"}, "proto": 1, "optional": true},
      {"name": "selector", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"}, "proto": 2, "required": true},
      {"name": "template", "type": {"kind": "ref", "name": "io.k8s.api.core.v1.PodTemplateSpec"}, "proto": 3, "required": true},
      {"name": "volumeClaimTemplates", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.core.v1.PersistentVolumeClaim"}}, "proto": 4, "listType": "atomic"},
      {"name": "serviceName", "type": {"kind": "string"}, "proto": 5},
      {"name": "podManagementPolicy", "type": {"kind": "string", "enum": ["OrderedReady", "Parallel"]}, "proto": 6},
      {"name": "updateStrategy", "type": {"kind": "ref", "name": "io.k8s.api.apps.v1.StatefulSetUpdateStrategy"}, "proto": 7},
      {"name": "revisionHistoryLimit", "type": {"kind": "integer", "format": "int32"}, "proto": 8, "optional": true},
      {"name": "minReadySeconds", "type": {"kind": "integer", "format": "int32"}, "proto": 9},
      {"name": "persistentVolumeClaimRetentionPolicy", "type": {"kind": "ref", "name": "io.k8s.api.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy"}, "proto": 10, "optional": true},
      {"name": "ordinals", "type": {"kind": "ref", "name": "io.k8s.api.apps.v1.StatefulSetOrdinals"}, "proto": 11, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.StatefulSetStatus",
    fields: [
      {"name": "observedGeneration", "type": {"kind": "integer", "format": "int64"}, "proto": 1},
      {"name": "replicas", "type": {"kind": "integer", "format": "int32"}, "proto": 2, "required": true},
      {"name": "readyReplicas", "type": {"kind": "integer", "format": "int32"}, "proto": 3},
      {"name": "currentReplicas", "type": {"kind": "integer", "format": "int32"}, "proto": 4},
      {"name": "updatedReplicas", "type": {"kind": "integer", "format": "int32"}, "proto": 5},
      {"name": "currentRevision", "type": {"kind": "string"}, "proto": 6},
      {"name": "updateRevision", "type": {"kind": "string"}, "proto": 7},
      {"name": "collisionCount", "type": {"kind": "integer", "format": "int32"}, "proto": 9, "optional": true},
      {"name": "conditions", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.apps.v1.StatefulSetCondition"}}, "proto": 10, "patchStrategy": "merge", "patchMergeKey": "type", "listType": "map", "listMapKeys": ["type"]},
      {"name": "availableReplicas", "type": {"kind": "integer", "format": "int32"}, "proto": 11},
    ],
  },
  {
    name: "io.k8s.api.apps.v1.StatefulSetUpdateStrategy",
    fields: [
      {"name": "type", "type": {"kind": "string", "enum": ["OnDelete", "RollingUpdate"]}, "proto": 1},
      {"name": "rollingUpdate", "type": {"kind": "ref", "name": "io.k8s.api.apps.v1.RollingUpdateStatefulSetStrategy"}, "proto": 2, "optional": true},
    ],
  },
];
