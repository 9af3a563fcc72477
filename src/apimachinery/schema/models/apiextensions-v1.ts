// Struct definitions of io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1, from the upstream v1.33 Go types (json tags, protobuf field numbers,
// list/map/patch markers). Generated once from the type sources; edit by hand with care.
import type { StructDef } from '../types.js';

export const apiextensionsV1Structs: StructDef[] = [
  {
    name: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ConversionRequest",
    fields: [
      {"name": "uid", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "desiredAPIVersion", "type": {"kind": "string"}, "proto": 2, "required": true},
      {"name": "objects", "type": {"kind": "array", "items": {"kind": "rawExtension"}}, "proto": 3, "required": true, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ConversionResponse",
    fields: [
      {"name": "uid", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "convertedObjects", "type": {"kind": "array", "items": {"kind": "rawExtension"}}, "proto": 2, "required": true, "listType": "atomic"},
      {"name": "result", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.Status"}, "proto": 3, "required": true},
    ],
  },
  {
    name: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ConversionReview",
    gvk: [{"group": "apiextensions.k8s.io", "version": "v1", "kind": "ConversionReview"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "request", "type": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ConversionRequest"}, "proto": 1, "optional": true},
      {"name": "response", "type": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ConversionResponse"}, "proto": 2, "optional": true},
    ],
  },
  {
    name: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceColumnDefinition",
    fields: [
      {"name": "name", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "type", "type": {"kind": "string"}, "proto": 2, "required": true},
      {"name": "format", "type": {"kind": "string"}, "proto": 3},
      {"name": "description", "type": {"kind": "string"}, "proto": 4},
      {"name": "priority", "type": {"kind": "integer", "format": "int32"}, "proto": 5},
      {"name": "jsonPath", "type": {"kind": "string"}, "proto": 6, "required": true},
    ],
  },
  {
    name: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceConversion",
    fields: [
      {"name": "strategy", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "webhook", "type": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.WebhookConversion"}, "proto": 2, "optional": true},
    ],
  },
  {
    name: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition",
    gvk: [{"group": "apiextensions.k8s.io", "version": "v1", "kind": "CustomResourceDefinition"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "spec", "type": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionSpec"}, "proto": 2, "required": true},
      {"name": "status", "type": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionStatus"}, "proto": 3},
    ],
  },
  {
    name: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionCondition",
    fields: [
      {"name": "type", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "status", "type": {"kind": "string"}, "proto": 2, "required": true},
      {"name": "lastTransitionTime", "type": {"kind": "time"}, "proto": 3},
      {"name": "reason", "type": {"kind": "string"}, "proto": 4},
      {"name": "message", "type": {"kind": "string"}, "proto": 5},
    ],
  },
  {
    name: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionList",
    gvk: [{"group": "apiextensions.k8s.io", "version": "v1", "kind": "CustomResourceDefinitionList"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}, "proto": 1},
      {"name": "items", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition"}}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionNames",
    fields: [
      {"name": "plural", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "singular", "type": {"kind": "string"}, "proto": 2},
      {"name": "shortNames", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 3, "listType": "atomic"},
      {"name": "kind", "type": {"kind": "string"}, "proto": 4, "required": true},
      {"name": "listKind", "type": {"kind": "string"}, "proto": 5},
      {"name": "categories", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 6, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionSpec",
    fields: [
      {"name": "group", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "names", "type": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionNames"}, "proto": 3, "required": true},
      {"name": "scope", "type": {"kind": "string"}, "proto": 4, "required": true},
      {"name": "versions", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionVersion"}}, "proto": 7, "required": true, "listType": "atomic"},
      {"name": "conversion", "type": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceConversion"}, "proto": 9, "optional": true},
      {"name": "preserveUnknownFields", "type": {"kind": "boolean"}, "proto": 10},
    ],
  },
  {
    name: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionStatus",
    fields: [
      {"name": "conditions", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionCondition"}}, "proto": 1, "listType": "map", "listMapKeys": ["type"]},
      {"name": "acceptedNames", "type": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionNames"}, "proto": 2},
      {"name": "storedVersions", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 3, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionVersion",
    fields: [
      {"name": "name", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "served", "type": {"kind": "boolean"}, "proto": 2, "required": true},
      {"name": "storage", "type": {"kind": "boolean"}, "proto": 3, "required": true},
      {"name": "deprecated", "type": {"kind": "boolean"}, "proto": 7},
      {"name": "deprecationWarning", "type": {"kind": "string"}, "proto": 8, "optional": true},
      {"name": "schema", "type": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceValidation"}, "proto": 4, "optional": true},
      {"name": "subresources", "type": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceSubresources"}, "proto": 5, "optional": true},
      {"name": "additionalPrinterColumns", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceColumnDefinition"}}, "proto": 6, "listType": "atomic"},
      {"name": "selectableFields", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.SelectableField"}}, "proto": 9, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceSubresourceScale",
    fields: [
      {"name": "specReplicasPath", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "statusReplicasPath", "type": {"kind": "string"}, "proto": 2, "required": true},
      {"name": "labelSelectorPath", "type": {"kind": "string"}, "proto": 3, "optional": true},
    ],
  },
  {
    name: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceSubresourceStatus",
    fields: [
    ],
  },
  {
    name: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceSubresources",
    fields: [
      {"name": "status", "type": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceSubresourceStatus"}, "proto": 1, "optional": true},
      {"name": "scale", "type": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceSubresourceScale"}, "proto": 2, "optional": true},
    ],
  },
  {
    name: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceValidation",
    fields: [
      {"name": "openAPIV3Schema", "type": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"}, "proto": 1, "optional": true},
    ],
  },
  {
    name: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ExternalDocumentation",
    fields: [
      {"name": "description", "type": {"kind": "string"}, "proto": 1},
      {"name": "url", "type": {"kind": "string"}, "proto": 2},
    ],
  },
  {
    name: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps",
    fields: [
      {"name": "id", "type": {"kind": "string"}, "proto": 1},
      {"name": "$schema", "type": {"kind": "string"}, "proto": 2},
      {"name": "$ref", "type": {"kind": "string"}, "proto": 3, "optional": true},
      {"name": "description", "type": {"kind": "string"}, "proto": 4},
      {"name": "type", "type": {"kind": "string"}, "proto": 5},
      {"name": "format", "type": {"kind": "string"}, "proto": 6},
      {"name": "title", "type": {"kind": "string"}, "proto": 7},
      {"name": "default", "type": {"kind": "rawExtension"}, "proto": 8, "optional": true},
      {"name": "maximum", "type": {"kind": "number", "format": "double"}, "proto": 9, "optional": true},
      {"name": "exclusiveMaximum", "type": {"kind": "boolean"}, "proto": 10},
      {"name": "minimum", "type": {"kind": "number", "format": "double"}, "proto": 11, "optional": true},
      {"name": "exclusiveMinimum", "type": {"kind": "boolean"}, "proto": 12},
      {"name": "maxLength", "type": {"kind": "integer", "format": "int64"}, "proto": 13, "optional": true},
      {"name": "minLength", "type": {"kind": "integer", "format": "int64"}, "proto": 14, "optional": true},
      {"name": "pattern", "type": {"kind": "string"}, "proto": 15},
      {"name": "maxItems", "type": {"kind": "integer", "format": "int64"}, "proto": 16, "optional": true},
      {"name": "minItems", "type": {"kind": "integer", "format": "int64"}, "proto": 17, "optional": true},
      {"name": "uniqueItems", "type": {"kind": "boolean"}, "proto": 18},
      {"name": "multipleOf", "type": {"kind": "number", "format": "double"}, "proto": 19, "optional": true},
      {"name": "enum", "type": {"kind": "array", "items": {"kind": "rawExtension"}}, "proto": 20, "listType": "atomic"},
      {"name": "maxProperties", "type": {"kind": "integer", "format": "int64"}, "proto": 21, "optional": true},
      {"name": "minProperties", "type": {"kind": "integer", "format": "int64"}, "proto": 22, "optional": true},
      {"name": "required", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 23, "listType": "atomic"},
      {"name": "items", "type": {"kind": "rawExtension"}, "proto": 24, "optional": true},
      {"name": "allOf", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"}}, "proto": 25, "listType": "atomic"},
      {"name": "oneOf", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"}}, "proto": 26, "listType": "atomic"},
      {"name": "anyOf", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"}}, "proto": 27, "listType": "atomic"},
      {"name": "not", "type": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"}, "proto": 28, "optional": true},
      {"name": "properties", "type": {"kind": "map", "values": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"}}, "proto": 29},
      {"name": "additionalProperties", "type": {"kind": "rawExtension"}, "proto": 30, "optional": true},
      {"name": "patternProperties", "type": {"kind": "map", "values": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"}}, "proto": 31},
      {"name": "dependencies", "type": {"kind": "map", "values": {"kind": "rawExtension"}}, "proto": 32},
      {"name": "additionalItems", "type": {"kind": "rawExtension"}, "proto": 33, "optional": true},
      {"name": "definitions", "type": {"kind": "map", "values": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"}}, "proto": 34},
      {"name": "externalDocs", "type": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ExternalDocumentation"}, "proto": 35, "optional": true},
      {"name": "example", "type": {"kind": "rawExtension"}, "proto": 36, "optional": true},
      {"name": "nullable", "type": {"kind": "boolean"}, "proto": 37},
      {"name": "x-kubernetes-preserve-unknown-fields", "type": {"kind": "boolean"}, "proto": 38, "optional": true},
      {"name": "x-kubernetes-embedded-resource", "type": {"kind": "boolean"}, "proto": 39},
      {"name": "x-kubernetes-int-or-string", "type": {"kind": "boolean"}, "proto": 40},
      {"name": "x-kubernetes-list-map-keys", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 41, "listType": "atomic"},
      {"name": "x-kubernetes-list-type", "type": {"kind": "string"}, "proto": 42, "optional": true},
      {"name": "x-kubernetes-map-type", "type": {"kind": "string"}, "proto": 43, "optional": true},
      {"name": "x-kubernetes-validations", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ValidationRule"}}, "proto": 44, "patchStrategy": "merge", "patchMergeKey": "rule", "listType": "map", "listMapKeys": ["rule"]},
    ],
  },
  {
    name: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.SelectableField",
    fields: [
      {"name": "jsonPath", "type": {"kind": "string"}, "proto": 1, "required": true},
    ],
  },
  {
    name: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ServiceReference",
    fields: [
      {"name": "namespace", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "name", "type": {"kind": "string"}, "proto": 2, "required": true},
      {"name": "path", "type": {"kind": "string"}, "proto": 3, "optional": true},
      {"name": "port", "type": {"kind": "integer", "format": "int32"}, "proto": 4, "optional": true},
    ],
  },
  {
    name: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ValidationRule",
    fields: [
      {"name": "rule", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "message", "type": {"kind": "string"}, "proto": 2},
      {"name": "messageExpression", "type": {"kind": "string"}, "proto": 3},
      {"name": "reason", "type": {"kind": "string", "enum": ["FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"]}, "proto": 4, "optional": true},
      {"name": "fieldPath", "type": {"kind": "string"}, "proto": 5},
      {"name": "optionalOldSelf", "type": {"kind": "boolean"}, "proto": 6, "optional": true},
    ],
  },
  {
    name: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.WebhookClientConfig",
    fields: [
      {"name": "url", "type": {"kind": "string"}, "proto": 3, "optional": true},
      {"name": "service", "type": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ServiceReference"}, "proto": 1, "optional": true},
      {"name": "caBundle", "type": {"kind": "bytes"}, "proto": 2},
    ],
  },
  {
    name: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.WebhookConversion",
    fields: [
      {"name": "clientConfig", "type": {"kind": "ref", "name": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.WebhookClientConfig"}, "proto": 2, "optional": true},
      {"name": "conversionReviewVersions", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 3, "required": true, "listType": "atomic"},
    ],
  },
];
