// Who makes a request and what an authorizer is asked about it: upstream's user.Info
// (k8s.io/apiserver/pkg/authentication/user) and authorizer.Attributes/Decision
// (k8s.io/apiserver/pkg/authorization/authorizer). Types only, below every room that authenticates, authorizes,
// audits or admits, so none of them reaches up into the registry or the server for them.

export interface UserInfo {
  username: string;
  groups: string[];
  uid?: string;
  /** Extra attributes (authentication.k8s.io UserInfo.extra), e.g. from Impersonate-Extra-* headers. */
  extra?: Record<string, string[]>;
}

/** What an authorizer is asked (upstream's authorizer.Attributes). */
export interface AuthorizationAttributes {
  user: UserInfo;
  verb: string;
  group: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  path: string;
  /** Whether this names a resource (default: a resource is set); the others are checked by path. */
  resourceRequest?: boolean;
}

/** An authorizer's answer: allowed, or not (with `denied` when it said no rather than having no opinion). */
export interface AuthorizationDecision {
  allowed: boolean;
  denied?: boolean;
  reason?: string;
}

/** Authorization hook (the union of the privileged-group, Node and RBAC authorizers in `berth up`). */
export interface Authorizer {
  authorize(attrs: AuthorizationAttributes): Promise<AuthorizationDecision> | AuthorizationDecision;
}
