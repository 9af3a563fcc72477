// Request authentication, as upstream's x509 and bearer-token authenticators do it: a client certificate verified
// against the cluster CA names the user (CN) and groups (O); otherwise `Authorization: Bearer <token>` is checked
// against the admin token. Every authenticated user is also in system:authenticated.
import { timingSafeEqual, X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { UserInfo } from '../api/identity.js';
import { ADMIN_GROUP, ADMIN_USER } from './pki.js';

export const AUTHENTICATED_GROUP = 'system:authenticated';

/** What authentication needs from the PKI (a `Pki` from ensurePki fits). */
export interface AuthMaterial {
  caCertPem: string;
  adminToken: string;
}

const caCache = new WeakMap<AuthMaterial, X509Certificate>();
/**
 * The client certificate of a TLS connection cannot change once the handshake is done, so the user it names is
 * worked out once per connection (the signature check alone costs ~75 µs and would otherwise run on every request).
 */
const certUsers = new WeakMap<object, { pki: AuthMaterial; user: UserInfo | undefined }>();

export function authenticateRequest(req: IncomingMessage, pki: AuthMaterial): UserInfo | undefined {
  return userFromClientCertificate(req, pki) ?? userFromBearerToken(req, pki);
}

/** The user a verified client certificate names (cached per connection), or undefined. */
export function userFromClientCertificate(req: IncomingMessage, pki: AuthMaterial): UserInfo | undefined {
  const connection = connectionOf(req);
  const cached = certUsers.get(connection);
  if (cached && cached.pki === pki) return cached.user;
  const user = verifyClientCertificate(req, pki);
  certUsers.set(connection, { pki, user });
  return user;
}

/** The connection a request came on: its HTTP/2 session (req.socket is then a per-stream proxy), else its socket. */
function connectionOf(req: IncomingMessage): object {
  return (req as { stream?: { session?: object } }).stream?.session ?? req.socket;
}

function verifyClientCertificate(req: IncomingMessage, pki: AuthMaterial): UserInfo | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  // `authorized` is set by Node when the peer's chain verified against the server's `ca`; that list may hold more
  // than our CA, so the leaf is checked against the cluster CA as well.
  if (!socket.authorized || typeof socket.getPeerX509Certificate !== 'function') return undefined;
  const cert = socket.getPeerX509Certificate();
  if (!cert || !issuedByClusterCa(cert, pki)) return undefined;
  const peer = socket.getPeerCertificate?.();
  const subject = peer?.subject;
  const username = first(subject?.CN);
  if (!username) return undefined; // upstream rejects certificates without a common name
  const organizations = subject?.O === undefined ? [] : ([] as string[]).concat(subject.O);
  return { username, groups: withAuthenticated(organizations) };
}

function issuedByClusterCa(cert: X509Certificate, pki: AuthMaterial): boolean {
  let ca = caCache.get(pki);
  if (!ca) {
    ca = new X509Certificate(pki.caCertPem);
    caCache.set(pki, ca);
  }
  try {
    return cert.checkIssued(ca) && cert.verify(ca.publicKey);
  } catch {
    return false;
  }
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function userFromBearerToken(req: IncomingMessage, pki: AuthMaterial): UserInfo | undefined {
  const presented = bearerToken(req);
  return presented === undefined ? undefined : userFromAdminToken(presented, pki);
}

/** The static admin token's user (a token file entry of kube-apiserver), or undefined for any other token. */
export function userFromAdminToken(presented: string, pki: AuthMaterial): UserInfo | undefined {
  if (!tokenMatches(presented, Buffer.from(pki.adminToken, 'utf8'))) return undefined;
  return { username: ADMIN_USER, groups: withAuthenticated([ADMIN_GROUP]) };
}

/** Whether the peer presented a certificate at all (verified or not). */
export function presentedClientCertificate(req: IncomingMessage): boolean {
  const socket = req.socket as Partial<TLSSocket>;
  if (typeof socket.getPeerCertificate !== 'function') return false;
  const peer = socket.getPeerCertificate();
  return !!peer && Object.keys(peer).length > 0;
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}

/**
 * Constant time in the token's content, as upstream's subtle.ConstantTimeCompare: only a length mismatch returns
 * early, and a token's length is no secret (Berth's are fixed-size random strings).
 */
function tokenMatches(presented: string, expected: Buffer): boolean {
  const bytes = Buffer.from(presented, 'utf8');
  return bytes.length === expected.length && timingSafeEqual(bytes, expected);
}

export function withAuthenticated(groups: string[]): string[] {
  return groups.includes(AUTHENTICATED_GROUP) ? groups : [...groups, AUTHENTICATED_GROUP];
}
