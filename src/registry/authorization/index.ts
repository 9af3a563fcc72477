// authorization.k8s.io/v1 (SubjectAccessReview, LocalSubjectAccessReview, SelfSubjectAccessReview,
// SelfSubjectRulesReview) and authentication.k8s.io/v1 SelfSubjectReview: create-only kinds that are never stored.
// Their POST endpoints are served by ./rest.ts (registered by ./component.ts); these defs give discovery and OpenAPI.
import { authenticationResources } from '../authentication/index.js';
import type { ResourceDef } from '../types.js';

export const AUTHORIZATION_GROUP = 'authorization.k8s.io';

function reviewResource(kind: string, namespaced: boolean): ResourceDef {
  const singular = kind.toLowerCase();
  return {
    group: AUTHORIZATION_GROUP, version: 'v1', kind, listKind: `${kind}List`, resource: `${singular}s`, singular, namespaced,
    shortNames: [], categories: [], verbs: ['create'], subresources: {}, tracksGeneration: false, strategy: {},
    schemaName: `io.k8s.api.authorization.v1.${kind}`,
  };
}

export function authorizationResources(): ResourceDef[] {
  return [
    reviewResource('LocalSubjectAccessReview', true),
    reviewResource('SelfSubjectAccessReview', false),
    reviewResource('SelfSubjectRulesReview', false),
    reviewResource('SubjectAccessReview', false),
  ];
}

/** Both groups, in upstream's group order (authentication.k8s.io 17700 before authorization.k8s.io 17600). */
export function accessReviewResources(): ResourceDef[] {
  return [...authenticationResources(), ...authorizationResources()];
}
