// Struct definitions of io.k8s.api.authentication.v1, from the upstream v1.33 Go types (json tags, protobuf field numbers,
// list/map/patch markers). Generated once from the type sources; edit by hand with care.
import type { StructDef } from '../types.js';

export const authenticationV1Structs: StructDef[] = [
  {
    name: "io.k8s.api.authentication.v1.BoundObjectReference",
    fields: [
      {"name": "kind", "type": {"kind": "string"}, "proto": 1},
      {"name": "apiVersion", "type": {"kind": "string"}, "proto": 2},
      {"name": "name", "type": {"kind": "string"}, "proto": 3},
      {"name": "uid", "type": {"kind": "string"}, "proto": 4},
    ],
  },
  {
    name: "io.k8s.api.authentication.v1.SelfSubjectReview",
    gvk: [{"group": "authentication.k8s.io", "version": "v1", "kind": "SelfSubjectReview"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "status", "type": {"kind": "ref", "name": "io.k8s.api.authentication.v1.SelfSubjectReviewStatus"}, "proto": 2},
    ],
  },
  {
    name: "io.k8s.api.authentication.v1.SelfSubjectReviewStatus",
    fields: [
      {"name": "userInfo", "type": {"kind": "ref", "name": "io.k8s.api.authentication.v1.UserInfo"}, "proto": 1},
    ],
  },
  {
    name: "io.k8s.api.authentication.v1.TokenRequest",
    gvk: [{"group": "authentication.k8s.io", "version": "v1", "kind": "TokenRequest"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "spec", "type": {"kind": "ref", "name": "io.k8s.api.authentication.v1.TokenRequestSpec"}, "proto": 2, "required": true},
      {"name": "status", "type": {"kind": "ref", "name": "io.k8s.api.authentication.v1.TokenRequestStatus"}, "proto": 3},
    ],
  },
  {
    name: "io.k8s.api.authentication.v1.TokenRequestSpec",
    fields: [
      {"name": "audiences", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 1, "required": true, "listType": "atomic"},
      {"name": "expirationSeconds", "type": {"kind": "integer", "format": "int64"}, "proto": 4, "optional": true},
      {"name": "boundObjectRef", "type": {"kind": "ref", "name": "io.k8s.api.authentication.v1.BoundObjectReference"}, "proto": 3, "optional": true},
    ],
  },
  {
    name: "io.k8s.api.authentication.v1.TokenRequestStatus",
    fields: [
      {"name": "token", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "expirationTimestamp", "type": {"kind": "time"}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.api.authentication.v1.TokenReview",
    gvk: [{"group": "authentication.k8s.io", "version": "v1", "kind": "TokenReview"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "spec", "type": {"kind": "ref", "name": "io.k8s.api.authentication.v1.TokenReviewSpec"}, "proto": 2, "required": true},
      {"name": "status", "type": {"kind": "ref", "name": "io.k8s.api.authentication.v1.TokenReviewStatus"}, "proto": 3},
    ],
  },
  {
    name: "io.k8s.api.authentication.v1.TokenReviewSpec",
    fields: [
      {"name": "token", "type": {"kind": "string"}, "proto": 1},
      {"name": "audiences", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 2, "listType": "atomic"},
    ],
  },
  {
    name: "io.k8s.api.authentication.v1.TokenReviewStatus",
    fields: [
      {"name": "authenticated", "type": {"kind": "boolean"}, "proto": 1},
      {"name": "user", "type": {"kind": "ref", "name": "io.k8s.api.authentication.v1.UserInfo"}, "proto": 2},
      {"name": "audiences", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 4, "listType": "atomic"},
      {"name": "error", "type": {"kind": "string"}, "proto": 3},
    ],
  },
  {
    name: "io.k8s.api.authentication.v1.UserInfo",
    fields: [
      {"name": "username", "type": {"kind": "string"}, "proto": 1},
      {"name": "uid", "type": {"kind": "string"}, "proto": 2},
      {"name": "groups", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 3, "listType": "atomic"},
      {"name": "extra", "type": {"kind": "map", "values": {"kind": "array", "items": {"kind": "string"}}}, "proto": 4},
    ],
  },
];
