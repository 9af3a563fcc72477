// Struct definitions of io.k8s.api.certificates.v1, from the upstream v1.33 Go types (json tags, protobuf field
// numbers, list/map/patch markers). Written by hand from k8s.io/api/certificates/v1/types.go.
import type { StructDef } from '../types.js';

export const certificatesV1Structs: StructDef[] = [
  {
    name: "io.k8s.api.certificates.v1.CertificateSigningRequest",
    gvk: [{"group": "certificates.k8s.io", "version": "v1", "kind": "CertificateSigningRequest"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "spec", "type": {"kind": "ref", "name": "io.k8s.api.certificates.v1.CertificateSigningRequestSpec"}, "proto": 2, "required": true},
      {"name": "status", "type": {"kind": "ref", "name": "io.k8s.api.certificates.v1.CertificateSigningRequestStatus"}, "proto": 3},
    ],
  },
  {
    name: "io.k8s.api.certificates.v1.CertificateSigningRequestList",
    gvk: [{"group": "certificates.k8s.io", "version": "v1", "kind": "CertificateSigningRequestList"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}, "proto": 1},
      {"name": "items", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.certificates.v1.CertificateSigningRequest"}}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.api.certificates.v1.CertificateSigningRequestSpec",
    fields: [
      {"name": "request", "type": {"kind": "bytes"}, "proto": 1, "required": true},
      {"name": "signerName", "type": {"kind": "string"}, "proto": 7, "required": true},
      {"name": "expirationSeconds", "type": {"kind": "integer", "format": "int32"}, "proto": 8, "optional": true},
      {"name": "usages", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 5, "listType": "atomic"},
      {"name": "username", "type": {"kind": "string"}, "proto": 2},
      {"name": "uid", "type": {"kind": "string"}, "proto": 3},
      {"name": "groups", "type": {"kind": "array", "items": {"kind": "string"}}, "proto": 4, "listType": "atomic"},
      {"name": "extra", "type": {"kind": "map", "values": {"kind": "array", "items": {"kind": "string"}}}, "proto": 6},
    ],
  },
  {
    name: "io.k8s.api.certificates.v1.CertificateSigningRequestStatus",
    fields: [
      {"name": "conditions", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.certificates.v1.CertificateSigningRequestCondition"}}, "proto": 1, "listType": "map", "listMapKeys": ["type"]},
      {"name": "certificate", "type": {"kind": "bytes"}, "proto": 2},
    ],
  },
  {
    name: "io.k8s.api.certificates.v1.CertificateSigningRequestCondition",
    fields: [
      {"name": "type", "type": {"kind": "string"}, "proto": 1, "required": true},
      {"name": "status", "type": {"kind": "string"}, "proto": 6, "required": true},
      {"name": "reason", "type": {"kind": "string"}, "proto": 2},
      {"name": "message", "type": {"kind": "string"}, "proto": 3},
      {"name": "lastUpdateTime", "type": {"kind": "time"}, "proto": 4},
      {"name": "lastTransitionTime", "type": {"kind": "time"}, "proto": 5},
    ],
  },
];
