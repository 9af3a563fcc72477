// authentication.k8s.io/v1 SelfSubjectReview (`kubectl auth whoami`): create-only, nothing stored; the answer is
// the requesting user as authentication saw it (upstream's pkg/registry/authentication/selfsubjectreview).
import type { KubeObject } from '../../apimachinery/types.js';
import type { ResourceDef } from '../types.js';
import type { UserInfo } from '../../api/identity.js';
import { rfc3339 } from '../../apimachinery/time.js';

export const AUTHENTICATION_GROUP = 'authentication.k8s.io';

export function authenticationResources(): ResourceDef[] {
  return [{
    group: AUTHENTICATION_GROUP, version: 'v1', kind: 'TokenReview', listKind: 'TokenReviewList',
    resource: 'tokenreviews', singular: 'tokenreview', namespaced: false, shortNames: [], categories: [],
    verbs: ['create'], subresources: {}, tracksGeneration: false, strategy: {},
    schemaName: 'io.k8s.api.authentication.v1.TokenReview',
  }, {
    group: AUTHENTICATION_GROUP, version: 'v1', kind: 'SelfSubjectReview', listKind: 'SelfSubjectReviewList',
    resource: 'selfsubjectreviews', singular: 'selfsubjectreview', namespaced: false, shortNames: [], categories: [],
    verbs: ['create'], subresources: {}, tracksGeneration: false, strategy: {},
    schemaName: 'io.k8s.api.authentication.v1.SelfSubjectReview',
  }];
}

/** The response to a SelfSubjectReview: a new object (the request's content is not echoed) stamped now. */
export function selfSubjectReview(user: UserInfo, now: Date = new Date()): KubeObject {
  const userInfo: Record<string, unknown> = {};
  if (user.username) userInfo.username = user.username;
  if (user.uid) userInfo.uid = user.uid;
  if (user.groups.length) userInfo.groups = [...user.groups];
  if (user.extra && Object.keys(user.extra).length) userInfo.extra = structuredClone(user.extra);
  return {
    kind: 'SelfSubjectReview', apiVersion: `${AUTHENTICATION_GROUP}/v1`,
    metadata: { creationTimestamp: rfc3339(now) },
    status: { userInfo },
  };
}

/** What a TokenReview reports of a token (the server's authenticators decide). */
export interface TokenReviewResult {
  user?: UserInfo;
  audiences?: string[];
  error?: string;
}

/** TokenReview's status (pkg/registry/authentication/tokenreview): the user the token authenticates, or the error. */
export function tokenReviewStatus(result: TokenReviewResult): Record<string, unknown> {
  if (!result.user) return { user: {}, ...(result.error ? { error: result.error } : {}) };
  const u = result.user;
  const user: Record<string, unknown> = { username: u.username };
  if (u.uid) user.uid = u.uid;
  if (u.groups.length) user.groups = [...u.groups];
  if (u.extra && Object.keys(u.extra).length) user.extra = structuredClone(u.extra);
  return { authenticated: true, user, ...(result.audiences?.length ? { audiences: result.audiences } : {}) };
}
