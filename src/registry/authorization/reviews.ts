// The review kinds of authorization.k8s.io and authentication.k8s.io (upstream's REST storages in
// pkg/registry/authorization/* and authentication/{tokenreview,selfsubjectreview}): each answers a create instead of
// storing it. SubjectAccessReview-like kinds and TokenReview echo the request with status filled in;
// SelfSubjectRulesReview and SelfSubjectReview answer with a new object. The HTTP side (decoding, field validation,
// managedFields, 201) is the server's: server/review-endpoints.ts.
import { errBadRequest, errInvalid } from '../../apimachinery/errors.js';
import type { FieldError } from '../../apimachinery/field-errors.js';
import { required } from '../../apimachinery/field-errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { Authorizer, UserInfo } from '../../api/identity.js';
import { AUTHENTICATION_GROUP, selfSubjectReview, type TokenReviewResult, tokenReviewStatus } from '../authentication/index.js';
import type { ResourceDef } from '../types.js';
import { reviewAccess, rulesFor, userFromSpec } from './access-review.js';
import { AUTHORIZATION_GROUP } from './index.js';
import {
  type AccessReviewSpec, validateLocalSubjectAccessReview, validateSelfSubjectAccessReview, validateSubjectAccessReview,
} from './validation.js';

/** What answering a review needs of the API server: its authorizer, and the token authenticator for TokenReview. */
export interface ReviewContext {
  authorizer?: Authorizer;
  reviewToken?(token: string, audiences: string[]): Promise<TokenReviewResult>;
}

interface ReviewRequest {
  ctx: ReviewContext;
  def: ResourceDef;
  obj: KubeObject;
  user: UserInfo;
  /** The namespace of the request path ('' for cluster-scoped kinds). */
  namespace: string;
}

export interface ReviewKind {
  group: string;
  resource: string;
  /** Whether the response echoes the request (and so carries the managedFields the create recorded). */
  echoes: boolean;
  answer(r: ReviewRequest): Promise<KubeObject>;
}

type Validate = (meta: Record<string, unknown>, spec: AccessReviewSpec) => FieldError[];

/** SubjectAccessReview, LocalSubjectAccessReview and SelfSubjectAccessReview differ in validation and in whose access is checked. */
function accessReview(resource: string, validate: Validate, subject: (spec: AccessReviewSpec, user: UserInfo) => UserInfo): ReviewKind {
  return {
    group: AUTHORIZATION_GROUP, resource, echoes: true,
    async answer({ ctx, obj, user }) {
      const spec = specOf(obj) as AccessReviewSpec;
      const errs = validate(obj.metadata as Record<string, unknown>, spec);
      // Upstream builds this error from the decoded internal object, whose Kind is empty.
      if (errs.length) throw errInvalid(AUTHORIZATION_GROUP, '', '', errs);
      return { kind: obj.kind, apiVersion: obj.apiVersion, metadata: obj.metadata, spec: obj.spec, status: await reviewAccess(ctx.authorizer, subject(spec, user), spec) };
    },
  };
}

const self = (_spec: AccessReviewSpec, user: UserInfo) => user;

export const REVIEW_KINDS: ReviewKind[] = [
  accessReview('subjectaccessreviews', validateSubjectAccessReview, userFromSpec),
  accessReview('localsubjectaccessreviews', validateLocalSubjectAccessReview, userFromSpec),
  accessReview('selfsubjectaccessreviews', validateSelfSubjectAccessReview, self),
  {
    group: AUTHORIZATION_GROUP, resource: 'selfsubjectrulesreviews', echoes: false,
    async answer({ ctx, obj, user }) {
      const namespace = (specOf(obj) as { namespace?: unknown }).namespace;
      if (typeof namespace !== 'string' || !namespace) throw errBadRequest('no namespace on request');
      return {
        kind: 'SelfSubjectRulesReview', apiVersion: `${AUTHORIZATION_GROUP}/v1`, metadata: zeroMeta(), spec: {},
        status: await rulesFor(ctx.authorizer, user, namespace),
      };
    },
  },
  {
    group: AUTHENTICATION_GROUP, resource: 'tokenreviews', echoes: true,
    async answer({ ctx, obj }) {
      const spec = specOf(obj) as { token?: string; audiences?: string[] };
      if (!spec.token) throw errInvalid(AUTHENTICATION_GROUP, 'TokenReview', '', [required('spec.token')]);
      const result = ctx.reviewToken ? await ctx.reviewToken(spec.token, spec.audiences ?? []) : { error: 'token reviews are not served' };
      return { kind: obj.kind, apiVersion: obj.apiVersion, metadata: obj.metadata, spec: obj.spec, status: tokenReviewStatus(result) };
    },
  },
  {
    group: AUTHENTICATION_GROUP, resource: 'selfsubjectreviews', echoes: false,
    async answer({ user }) {
      return selfSubjectReview(user);
    },
  },
];

function specOf(obj: KubeObject): Record<string, unknown> {
  const spec = obj.spec;
  return spec !== null && typeof spec === 'object' && !Array.isArray(spec) ? spec as Record<string, unknown> : {};
}

/** A Go zero ObjectMeta in JSON: creationTimestamp is a struct, so it prints as null. */
function zeroMeta(): KubeObject['metadata'] {
  return { creationTimestamp: null as unknown as string };
}
