// Impersonation, after upstream's WithImpersonation filter (k8s.io/apiserver/pkg/endpoints/filters/impersonation.go):
// `Impersonate-User`, `Impersonate-Group` (repeatable), `Impersonate-Uid` and `Impersonate-Extra-<key>` make the
// request act as another user once the authorizer allows the requester the `impersonate` verb on each: users,
// groups and serviceaccounts in the core group, uids and userextras (subresource = the extra key) in
// authentication.k8s.io. Without an authorizer (--authorization-mode AlwaysAllow) everything is allowed.
import type { IncomingMessage } from 'node:http';
import { errForbidden } from '../apimachinery/errors.js';
import type { Authorizer, UserInfo } from '../api/identity.js';

const USER = 'impersonate-user';
const GROUP = 'impersonate-group';
const UID = 'impersonate-uid';
const EXTRA_PREFIX = 'impersonate-extra-';
const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';
const AUTHENTICATED = 'system:authenticated';
const UNAUTHENTICATED = 'system:unauthenticated';
const ANONYMOUS = 'system:anonymous';
const AUTHENTICATION_GROUP = 'authentication.k8s.io';

/** One thing to impersonate, as the authorizer is asked about it. */
interface ImpersonationRequest {
  kind: 'User' | 'ServiceAccount' | 'Group' | 'UserExtra' | 'UID';
  name: string;
  namespace?: string;
  /** For UserExtra: the extra's key. */
  extraKey?: string;
}

/** The request's user after impersonation (the authenticated user when no Impersonate-* header is present). */
export async function impersonatedUser(req: IncomingMessage, requester: UserInfo, authorizer: Authorizer | undefined): Promise<UserInfo> {
  const requests = impersonationRequests(req);
  if (requests.length === 0) return requester;
  let username = '';
  let uid: string | undefined;
  const groups: string[] = [];
  const extra: Record<string, string[]> = {};
  const groupsSpecified = requests.some((r) => r.kind === 'Group');
  for (const r of requests) {
    const attrs = { user: requester, verb: 'impersonate', group: '', resource: '', subresource: '', namespace: r.namespace ?? '', name: r.name, path: req.url ?? '' };
    switch (r.kind) {
      case 'User':
        attrs.resource = 'users';
        username = r.name;
        break;
      case 'ServiceAccount':
        attrs.resource = 'serviceaccounts';
        username = `${SERVICE_ACCOUNT_PREFIX}${r.namespace}:${r.name}`;
        // A service account's groups are a fixed mapping: added unless groups were asked for.
        if (!groupsSpecified) groups.push('system:serviceaccounts', `system:serviceaccounts:${r.namespace}`);
        break;
      case 'Group':
        attrs.resource = 'groups';
        groups.push(r.name);
        break;
      case 'UserExtra':
        attrs.group = AUTHENTICATION_GROUP;
        attrs.resource = 'userextras';
        attrs.subresource = r.extraKey!;
        (extra[r.extraKey!] ??= []).push(r.name);
        break;
      case 'UID':
        attrs.group = AUTHENTICATION_GROUP;
        attrs.resource = 'uids';
        uid = r.name;
        break;
    }
    const decision = authorizer ? await authorizer.authorize(attrs) : { allowed: true };
    if (!decision.allowed) {
      const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
      const scope = attrs.namespace ? `in the namespace ${JSON.stringify(attrs.namespace)}` : 'at the cluster scope';
      let why = `User ${JSON.stringify(requester.username)} cannot impersonate resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attrs.group)} ${scope}`;
      if (decision.reason) why += `: ${decision.reason}`;
      throw errForbidden({ group: attrs.group, resource: attrs.resource }, attrs.name, why);
    }
  }
  // Everyone but the anonymous user is authenticated; the anonymous user is not.
  if (username !== ANONYMOUS) {
    if (!groups.includes(AUTHENTICATED)) groups.push(AUTHENTICATED);
  } else if (!groups.includes(UNAUTHENTICATED)) {
    groups.push(UNAUTHENTICATED);
  }
  const user: UserInfo = { username, groups };
  if (uid !== undefined) user.uid = uid;
  if (Object.keys(extra).length) user.extra = extra;
  return user;
}

/** buildImpersonationRequests: what the headers ask for, the user first; groups, extras or a uid need a user. */
function impersonationRequests(req: IncomingMessage): ImpersonationRequest[] {
  const headers = distinctHeaders(req);
  const user = headers[USER]?.[0] ?? '';
  const requests: ImpersonationRequest[] = [];
  if (user) {
    if (user.startsWith(SERVICE_ACCOUNT_PREFIX)) {
      const [namespace, name, ...rest] = user.slice(SERVICE_ACCOUNT_PREFIX.length).split(':');
      if (namespace && name && rest.length === 0) requests.push({ kind: 'ServiceAccount', namespace, name });
      else requests.push({ kind: 'User', name: user });
    } else {
      requests.push({ kind: 'User', name: user });
    }
  }
  const others: ImpersonationRequest[] = [];
  for (const g of headers[GROUP] ?? []) others.push({ kind: 'Group', name: g });
  for (const [header, values] of Object.entries(headers)) {
    if (!header.startsWith(EXTRA_PREFIX)) continue;
    const extraKey = unescapeExtraKey(header.slice(EXTRA_PREFIX.length));
    for (const v of values) others.push({ kind: 'UserExtra', name: v, extraKey });
  }
  const uid = headers[UID]?.[0];
  if (uid) others.push({ kind: 'UID', name: uid });
  if (others.length && !user) throw new ImpersonationHeaderError(`requested [${others.map(goObjectReference).join(' ')}] without impersonating a user`);
  return [...requests, ...others];
}

/** A v1.ObjectReference as Go's %v prints it: Kind Namespace Name UID APIVersion ResourceVersion FieldPath. */
function goObjectReference(r: ImpersonationRequest): string {
  const apiVersion = r.kind === 'UserExtra' || r.kind === 'UID' ? `${AUTHENTICATION_GROUP}/v1` : '';
  return `{${[r.kind, r.namespace ?? '', r.name, '', apiVersion, '', r.extraKey ?? ''].join(' ')}}`;
}

/** Header values one by one (Go keeps repeated headers apart; Node joins most of them with ", "). */
function distinctHeaders(req: IncomingMessage): Record<string, string[]> {
  const distinct = (req as { headersDistinct?: Record<string, string[]> }).headersDistinct;
  if (distinct) return distinct;
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v : [v];
  return out;
}

/** Extra keys travel %-encoded in header names (upstream unescapeExtraKey); lower-cased, as Go canonicalises them. */
function unescapeExtraKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded.toLowerCase());
  } catch {
    return encoded.toLowerCase();
  }
}

/** Headers that ask for groups, extras or a uid but no user: upstream answers a plain-text 500 (InternalError). */
export class ImpersonationHeaderError extends Error {}
