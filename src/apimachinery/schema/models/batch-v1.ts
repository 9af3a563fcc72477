// Struct definitions of io.k8s.api.batch.v1, from the upstream v1.33 Go types (json tags, protobuf field numbers,
// list/map/patch markers). Generated once from the type sources; edit by hand with care.
import type { StructDef } from '../types.js';

export const batchV1Structs: StructDef[] = [
  {
    name: "io.k8s.api.batch.v1.CronJob",
    gvk: [{"group": "batch", "version": "v1", "kind": "CronJob"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "spec", "type": {"kind": "ref", "name": "io.k8s.api.batch.v1.CronJobSpec"}, "proto": 2},
      {"name": "status", "type": {"kind": "ref", "name": "io.k8s.api.batch.v1.CronJobStatus"}, "proto": 3},
    ],
  },
  {
    name: "io.k8s.api.batch.v1.CronJobList",
    gvk: [{"group": "batch", "version": "v1", "kind": "CronJobList"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}, "proto": 1},
      {"name": "items", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.batch.v1.CronJob"}}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.api.batch.v1.CronJobSpec",
    fields: [
      {"name": "schedule", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "timeZone", "type": {"kind": "string"}, "proto": 8, "optional": true},
      {"name": "startingDeadlineSeconds", "type": {"kind": "integer", "format": "int64"}, "proto": 2, "optional": true},
      {"name": "concurrencyPolicy", "type": {"kind": "string", "enum": ["Allow", "Forbid", "Replace"]}, "proto": 3},
      {"name": "suspend", "type": {"kind": "boolean"}, "proto": 4, "optional": true},
      {"name": "jobTemplate", "type": {"kind": "ref", "name": "io.k8s.api.batch.v1.JobTemplateSpec"}, "proto": 5, "required": true},
      {"name": "successfulJobsHistoryLimit", "type": {"kind": "integer", "format": "int32"}, "proto": 6, "optional": true},
      {"name": "failedJobsHistoryLimit", "type": {"kind": "integer", "format": "int32"}, "proto": 7, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.batch.v1.CronJobStatus",
    fields: [
      {"name": "active", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.core.v1.ObjectReference"}}, "proto": 1, "listType": "atomic"},
      {"name": "lastScheduleTime", "type": {"kind": "time"}, "proto": 4, "optional": true},
      {"name": "lastSuccessfulTime", "type": {"kind": "time"}, "proto": 5, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.batch.v1.Job",
    gvk: [{"group": "batch", "version": "v1", "kind": "Job"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "spec", "type": {"kind": "ref", "name": "io.k8s.api.batch.v1.JobSpec"}, "proto": 2},
      {"name": "status", "type": {"kind": "ref", "name": "io.k8s.api.batch.v1.JobStatus"}, "proto": 3},
    ],
  },
  {
    name: "io.k8s.api.batch.v1.JobCondition",
    fields: [
      {"name": "type", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "status", "type": {"kind": "string"}, "proto": 2, "required": true},
      {"name": "lastProbeTime", "type": {"kind": "time"}, "proto": 3},
      {"name": "lastTransitionTime", "type": {"kind": "time"}, "proto": 4},
      {"name": "reason", "type": {"kind": "string"}, "proto": 5},
      {"name": "message", "type": {"kind": "string"}, "proto": 6},
    ],
  },
  {
    name: "io.k8s.api.batch.v1.JobList",
    gvk: [{"group": "batch", "version": "v1", "kind": "JobList"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}, "proto": 1},
      {"name": "items", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.batch.v1.Job"}}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.api.batch.v1.JobSpec",
    fields: [
      {"name": "parallelism", "type": {"kind": "integer", "format": "int32"}, "proto": 1, "optional": true},
      {"name": "completions", "type": {"kind": "integer", "format": "int32"}, "proto": 2, "optional": true},
      {"name": "activeDeadlineSeconds", "type": {"kind": "integer", "format": "int64"}, "proto": 3, "optional": true},
      {"name": "podFailurePolicy", "type": {"kind": "ref", "name": "io.k8s.api.batch.v1.PodFailurePolicy"}, "proto": 11, "optional": true},
      {"name": "successPolicy", "type": {"kind": "ref", "name": "io.k8s.api.batch.v1.SuccessPolicy"}, "proto": 16, "optional": true},
      {"name": "backoffLimit", "type": {"kind": "integer", "format": "int32"}, "proto": 7, "optional": true},
      {"name": "backoffLimitPerIndex", "type": {"kind": "integer", "format": "int32"}, "proto": 12, "optional": true},
      {"name": "maxFailedIndexes", "type": {"kind": "integer", "format": "int32"}, "proto": 13, "optional": true},
      {"name": "selector", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"}, "proto": 4, "optional": true},
      {"name": "manualSelector", "type": {"kind": "boolean"}, "proto": 5, "optional": true},
      {"name": "template", "type": {"kind": "ref", "name": "io.k8s.api.core.v1.PodTemplateSpec"}, "proto": 6, "required": true},
      {"name": "ttlSecondsAfterFinished", "type": {"kind": "integer", "format": "int32"}, "proto": 8, "optional": true},
      {"name": "completionMode", "type": {"kind": "string", "enum": ["Indexed", "NonIndexed"]}, "proto": 9, "optional": true},
      {"name": "suspend", "type": {"kind": "boolean"}, "proto": 10, "optional": true},
      {"name": "podReplacementPolicy", "type": {"kind": "string", "enum": ["Failed", "TerminatingOrFailed"]}, "proto": 14, "optional": true},
      {"name": "managedBy", "type": {"kind": "string"}, "proto": 15, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.batch.v1.JobStatus",
    fields: [
      {"name": "conditions", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.batch.v1.JobCondition"}}, "proto": 1, "patchStrategy": "merge", "patchMergeKey": "type", "listType": "atomic"},
      {"name": "startTime", "type": {"kind": "time"}, "proto": 2, "optional": true},
      {"name": "completionTime", "type": {"kind": "time"}, "proto": 3, "optional": true},
      {"name": "active", "type": {"kind": "integer", "format": "int32"}, "proto": 4},
      {"name": "succeeded", "type": {"kind": "integer", "format": "int32"}, "proto": 5},
      {"name": "failed", "type": {"kind": "integer", "format": "int32"}, "proto": 6},
      {"name": "terminating", "type": {"kind": "integer", "format": "int32"}, "proto": 11, "optional": true},
      {"name": "completedIndexes", "type": {"kind": "string"}, "proto": 7},
      {"name": "failedIndexes", "type": {"kind": "string"}, "proto": 10, "optional": true},
      {"name": "uncountedTerminatedPods", "type": {"kind": "ref", "name": "io.k8s.api.batch.v1.UncountedTerminatedPods"}, "proto": 8, "optional": true},
      {"name": "ready", "type": {"kind": "integer", "format": "int32"}, "proto": 9, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.batch.v1.JobTemplateSpec",
    fields: [
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "spec", "type": {"kind": "ref", "name": "io.k8s.api.batch.v1.JobSpec"}, "proto": 2},
    ],
  },
  {
    name: "io.k8s.api.batch.v1.PodFailurePolicy",
    fields: [
      {"name": "rules", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.batch.v1.PodFailurePolicyRule"}}, "proto": 1, "required": true, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement",
    fields: [
      {"name": "containerName", "type": {"kind": "string"}, "proto": 1, "optional": true},
      {"name": "operator", "type": {"kind": "string", "enum": ["In", "NotIn"]}, "proto": 2, "required": true},
      {"name": "values", "type": {"kind": "array", "items": {"kind": "integer", "format": "int32"}}, "proto": 3, "required": true, "listType": "set"},
    ],
  },
  {
    name: "io.k8s.api.batch.v1.PodFailurePolicyOnPodConditionsPattern",
    fields: [
      {"name": "type", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "status", "type": {"kind": "string"}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.api.batch.v1.PodFailurePolicyRule",
    fields: [
      {"name": "action", "type": {"kind": "string", "enum": ["Count", "FailIndex", "FailJob", "Ignore"]}, "proto": 1, "required": true},
      {"name": "onExitCodes", "type": {"kind": "ref", "name": "io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement"}, "proto": 2, "optional": true},
      {"name": "onPodConditions", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.batch.v1.PodFailurePolicyOnPodConditionsPattern"}}, "proto": 3, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.api.batch.v1.SuccessPolicy",
    fields: [
      {"name": "rules", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.batch.v1.SuccessPolicyRule"}}, "proto": 1, "required": true, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.api.batch.v1.SuccessPolicyRule",
    fields: [
      {"name": "succeededIndexes", "type": {"kind": "string"}, "proto": 1, "optional": true},
      {"name": "succeededCount", "type": {"kind": "integer", "format": "int32"}, "proto": 2, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.batch.v1.UncountedTerminatedPods",
    fields: [
      {"name": "succeeded", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 1, "listType": "set"},
      {"name": "failed", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 2, "listType": "set"},
    ],
  },
];
