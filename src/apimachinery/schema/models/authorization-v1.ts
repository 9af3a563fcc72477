// Struct definitions of io.k8s.api.authorization.v1, from the upstream v1.33 Go types (json tags, protobuf field
// numbers, list markers). `extra` (map[string]ExtraValue, ExtraValue = []string) is a map of string arrays; protobuf
// carries each value in an ExtraValue { repeated string items = 1 } message, which the decoder knows.
import type { StructDef } from '../types.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const AUTHZ = 'io.k8s.api.authorization.v1.';
const GROUP = 'authorization.k8s.io';

/** A create-only review kind: metadata, a spec of `spec`, a status of `status`. */
function review(kind: string, spec: string, status: string): StructDef {
  return {
    name: AUTHZ + kind,
    gvk: [{ group: GROUP, version: 'v1', kind }],
    fields: [
      { name: 'kind', type: { kind: 'string' } },
      { name: 'apiVersion', type: { kind: 'string' } },
      { name: 'metadata', type: { kind: 'ref', name: META + 'ObjectMeta' }, proto: 1 },
      { name: 'spec', type: { kind: 'ref', name: AUTHZ + spec }, proto: 2, required: true },
      { name: 'status', type: { kind: 'ref', name: AUTHZ + status }, proto: 3 },
    ],
  };
}

const strings = { kind: 'array', items: { kind: 'string' } } as const;

export const authorizationV1Structs: StructDef[] = [
  {
    name: AUTHZ + 'FieldSelectorAttributes',
    fields: [
      { name: 'rawSelector', type: { kind: 'string' }, proto: 1 },
      { name: 'requirements', type: { kind: 'array', items: { kind: 'ref', name: META + 'FieldSelectorRequirement' } }, proto: 2, listType: 'atomic' },
    ],
  },
  {
    name: AUTHZ + 'LabelSelectorAttributes',
    fields: [
      { name: 'rawSelector', type: { kind: 'string' }, proto: 1 },
      { name: 'requirements', type: { kind: 'array', items: { kind: 'ref', name: META + 'LabelSelectorRequirement' } }, proto: 2, listType: 'atomic' },
    ],
  },
  review('LocalSubjectAccessReview', 'SubjectAccessReviewSpec', 'SubjectAccessReviewStatus'),
  {
    name: AUTHZ + 'NonResourceAttributes',
    fields: [
      { name: 'path', type: { kind: 'string' }, proto: 1 },
      { name: 'verb', type: { kind: 'string' }, proto: 2 },
    ],
  },
  {
    name: AUTHZ + 'NonResourceRule',
    fields: [
      { name: 'verbs', type: strings, proto: 1, required: true, listType: 'atomic' },
      { name: 'nonResourceURLs', type: strings, proto: 2, listType: 'atomic' },
    ],
  },
  {
    name: AUTHZ + 'ResourceAttributes',
    fields: [
      { name: 'namespace', type: { kind: 'string' }, proto: 1 },
      { name: 'verb', type: { kind: 'string' }, proto: 2 },
      { name: 'group', type: { kind: 'string' }, proto: 3 },
      { name: 'version', type: { kind: 'string' }, proto: 4 },
      { name: 'resource', type: { kind: 'string' }, proto: 5 },
      { name: 'subresource', type: { kind: 'string' }, proto: 6 },
      { name: 'name', type: { kind: 'string' }, proto: 7 },
      { name: 'fieldSelector', type: { kind: 'ref', name: AUTHZ + 'FieldSelectorAttributes' }, proto: 8, optional: true },
      { name: 'labelSelector', type: { kind: 'ref', name: AUTHZ + 'LabelSelectorAttributes' }, proto: 9, optional: true },
    ],
  },
  {
    name: AUTHZ + 'ResourceRule',
    fields: [
      { name: 'verbs', type: strings, proto: 1, required: true, listType: 'atomic' },
      { name: 'apiGroups', type: strings, proto: 2, listType: 'atomic' },
      { name: 'resources', type: strings, proto: 3, listType: 'atomic' },
      { name: 'resourceNames', type: strings, proto: 4, listType: 'atomic' },
    ],
  },
  review('SelfSubjectAccessReview', 'SelfSubjectAccessReviewSpec', 'SubjectAccessReviewStatus'),
  {
    name: AUTHZ + 'SelfSubjectAccessReviewSpec',
    fields: [
      { name: 'resourceAttributes', type: { kind: 'ref', name: AUTHZ + 'ResourceAttributes' }, proto: 1, optional: true },
      { name: 'nonResourceAttributes', type: { kind: 'ref', name: AUTHZ + 'NonResourceAttributes' }, proto: 2, optional: true },
    ],
  },
  review('SelfSubjectRulesReview', 'SelfSubjectRulesReviewSpec', 'SubjectRulesReviewStatus'),
  {
    name: AUTHZ + 'SelfSubjectRulesReviewSpec',
    fields: [{ name: 'namespace', type: { kind: 'string' }, proto: 1 }],
  },
  review('SubjectAccessReview', 'SubjectAccessReviewSpec', 'SubjectAccessReviewStatus'),
  {
    name: AUTHZ + 'SubjectAccessReviewSpec',
    fields: [
      { name: 'resourceAttributes', type: { kind: 'ref', name: AUTHZ + 'ResourceAttributes' }, proto: 1, optional: true },
      { name: 'nonResourceAttributes', type: { kind: 'ref', name: AUTHZ + 'NonResourceAttributes' }, proto: 2, optional: true },
      { name: 'user', type: { kind: 'string' }, proto: 3 },
      { name: 'groups', type: strings, proto: 4, listType: 'atomic' },
      { name: 'extra', type: { kind: 'map', values: strings }, proto: 5 },
      { name: 'uid', type: { kind: 'string' }, proto: 6 },
    ],
  },
  {
    name: AUTHZ + 'SubjectAccessReviewStatus',
    fields: [
      { name: 'allowed', type: { kind: 'boolean' }, proto: 1, required: true },
      { name: 'denied', type: { kind: 'boolean' }, proto: 4 },
      { name: 'reason', type: { kind: 'string' }, proto: 2 },
      { name: 'evaluationError', type: { kind: 'string' }, proto: 3 },
    ],
  },
  {
    name: AUTHZ + 'SubjectRulesReviewStatus',
    fields: [
      { name: 'resourceRules', type: { kind: 'array', items: { kind: 'ref', name: AUTHZ + 'ResourceRule' } }, proto: 1, required: true, listType: 'atomic' },
      { name: 'nonResourceRules', type: { kind: 'array', items: { kind: 'ref', name: AUTHZ + 'NonResourceRule' } }, proto: 2, required: true, listType: 'atomic' },
      { name: 'incomplete', type: { kind: 'boolean' }, proto: 3, required: true },
      { name: 'evaluationError', type: { kind: 'string' }, proto: 4 },
    ],
  },
];
