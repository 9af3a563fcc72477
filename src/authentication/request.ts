// Request authentication as kube-apiserver's union of authenticators (k8s.io/apiserver/pkg/authentication):
// a client certificate from the cluster CA (CN = user, O = groups), then `Authorization: Bearer` tokens (the static
// admin token, ServiceAccount JWTs, bootstrap tokens). Credentials that no authenticator accepts are a 401; a
// request without any is the anonymous user (system:anonymous in system:unauthenticated), which the authorizer
// then judges, as with --anonymous-auth=true.
import type { IncomingMessage } from 'node:http';
import { errUnauthorized } from '../apimachinery/errors.js';
import { type AuthMaterial, bearerToken, presentedClientCertificate, userFromAdminToken, userFromClientCertificate } from '../pki/authn.js';
import type { UserInfo } from '../api/identity.js';

export const ANONYMOUS_USER = 'system:anonymous';
export const UNAUTHENTICATED_GROUP = 'system:unauthenticated';

/** A bearer-token authenticator: the token's user, or undefined when the token is not one of its kind or invalid. */
export type TokenAuthenticator = (token: string) => UserInfo | undefined | Promise<UserInfo | undefined>;

/** The request's user; undefined when it carries no credentials; throws a 401 for credentials nobody accepts. */
export type RequestAuthenticator = (req: IncomingMessage) => UserInfo | undefined | Promise<UserInfo | undefined>;

export function anonymousUser(): UserInfo {
  return { username: ANONYMOUS_USER, groups: [UNAUTHENTICATED_GROUP] };
}

export function createRequestAuthenticator(pki: AuthMaterial, tokenAuthenticators: TokenAuthenticator[] = []): RequestAuthenticator {
  return (req) => {
    const fromCert = userFromClientCertificate(req, pki);
    if (fromCert) return fromCert;
    const token = bearerToken(req);
    if (token === undefined) {
      if (presentedClientCertificate(req) || req.headers.authorization) throw errUnauthorized();
      return undefined;
    }
    const admin = userFromAdminToken(token, pki);
    if (admin) return admin;
    return tryTokens(token, tokenAuthenticators, 0);
  };
}

/** Client certificates from the cluster CA only (the kubelet's --client-ca-file): the certificate's user, or undefined. */
export function createClientCertificateAuthenticator(pki: AuthMaterial): (req: IncomingMessage) => UserInfo | undefined {
  return (req) => userFromClientCertificate(req, pki);
}

async function tryTokens(token: string, authenticators: TokenAuthenticator[], from: number): Promise<UserInfo> {
  for (let i = from; i < authenticators.length; i++) {
    const user = await authenticators[i]!(token);
    if (user) return user;
  }
  throw errUnauthorized();
}
