// ServiceAccount tokens after pkg/serviceaccount (claims.go, legacy.go, jwt.go): bound tokens carry the issuer,
// audiences, expiry and a `kubernetes.io` block naming the account and the object the token is bound to (a Pod —
// with its node —, a Secret or a Node); legacy tokens (Secrets of type kubernetes.io/service-account-token) carry the
// older kubernetes.io/serviceaccount/* claims and never expire. Authentication checks the signature, issuer, audience
// and time, then that the account and the bound object still exist with the same UID; a verified token's user is
// cached for 10 s, as kube-apiserver's token cache does.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { KubeObject } from '../../apimachinery/types.js';
import type { UserInfo } from '../../api/identity.js';
import { looksLikeJwt, signJwt, verifyJwt, type SigningKey } from './jwt.js';

export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
export const LEGACY_ISSUER = 'kubernetes/serviceaccount';
/** WarnOnlyBoundTokenExpirationSeconds: what the kubelet asks for; such pod-bound tokens are extended to a year. */
export const WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS = 60 * 60 + 7;
export const EXPIRATION_EXTENSION_SECONDS = 24 * 365 * 60 * 60;
const LEEWAY_SECONDS = 60;
const CACHE_TTL_MS = 10_000;
const CACHE_SIZE = 4096;

const SA_PREFIX = 'system:serviceaccount:';
export const serviceAccountUsername = (ns: string, name: string) => `${SA_PREFIX}${ns}:${name}`;
export const serviceAccountGroups = (ns: string) => ['system:serviceaccounts', `system:serviceaccounts:${ns}`];

export const EXTRA_POD_NAME = 'authentication.kubernetes.io/pod-name';
export const EXTRA_POD_UID = 'authentication.kubernetes.io/pod-uid';
export const EXTRA_NODE_NAME = 'authentication.kubernetes.io/node-name';
export const EXTRA_NODE_UID = 'authentication.kubernetes.io/node-uid';
export const EXTRA_CREDENTIAL_ID = 'authentication.kubernetes.io/credential-id';

/** Reads what validation needs (current objects, from storage). */
export interface TokenObjectGetter {
  serviceAccount(namespace: string, name: string): Promise<KubeObject | undefined>;
  pod(namespace: string, name: string): Promise<KubeObject | undefined>;
  secret(namespace: string, name: string): Promise<KubeObject | undefined>;
  node(name: string): Promise<KubeObject | undefined>;
}

interface Ref { name: string; uid: string }

interface KubernetesClaims {
  namespace?: string;
  serviceaccount?: Ref;
  pod?: Ref;
  secret?: Ref;
  node?: Ref;
  warnafter?: number;
}

export interface BoundTokenRequest {
  serviceAccount: KubeObject;
  audiences: string[];
  expirationSeconds: number;
  pod?: KubeObject;
  /** The pod's node (only a name when the Node object is gone). */
  node?: { name: string; uid?: string };
  secret?: KubeObject;
  /** Seconds after which a token is reported as stale (the extended kubelet tokens). */
  warnAfterSeconds?: number;
}

const ref = (o: { metadata: { name?: string; uid?: string } } | { name: string; uid?: string }): Ref => {
  const m = 'metadata' in o ? o.metadata : o;
  const out: Ref = { name: m.name ?? '' } as Ref;
  if (m.uid) out.uid = m.uid;
  return out;
};

export class ServiceAccountTokens {
  private readonly cache = new Map<string, { user: UserInfo; until: number }>();

  constructor(readonly key: SigningKey, readonly issuer: string, readonly apiAudiences: string[], private readonly getter: TokenObjectGetter) {}

  /** Claims(): a bound token for the account (and bound object), signed. */
  issue(r: BoundTokenRequest, nowMs = Date.now()): string {
    const now = Math.floor(nowMs / 1000);
    const k8s: KubernetesClaims = {
      namespace: r.serviceAccount.metadata.namespace, serviceaccount: ref(r.serviceAccount),
    };
    if (r.pod) {
      k8s.pod = ref(r.pod);
      if (r.node) k8s.node = ref(r.node);
    } else if (r.secret) {
      k8s.secret = ref(r.secret);
    } else if (r.node) {
      k8s.node = ref(r.node);
    }
    if (r.warnAfterSeconds) k8s.warnafter = now + r.warnAfterSeconds;
    return signJwt(this.key, {
      aud: r.audiences, exp: now + r.expirationSeconds, iat: now, iss: this.issuer, jti: randomUUID(),
      'kubernetes.io': k8s, nbf: now, sub: serviceAccountUsername(r.serviceAccount.metadata.namespace ?? '', r.serviceAccount.metadata.name ?? ''),
    });
  }

  /** A legacy token for a kubernetes.io/service-account-token Secret (the tokens controller's). */
  issueLegacy(serviceAccount: KubeObject, secret: KubeObject): string {
    const ns = serviceAccount.metadata.namespace ?? '';
    return signJwt(this.key, {
      iss: LEGACY_ISSUER, 'kubernetes.io/serviceaccount/namespace': ns,
      'kubernetes.io/serviceaccount/secret.name': secret.metadata.name, 'kubernetes.io/serviceaccount/service-account.name': serviceAccount.metadata.name,
      'kubernetes.io/serviceaccount/service-account.uid': serviceAccount.metadata.uid, sub: serviceAccountUsername(ns, serviceAccount.metadata.name ?? ''),
    });
  }

  /** The token authenticator: undefined for tokens that are not this cluster's JWTs or do not validate. */
  readonly authenticate = async (token: string): Promise<UserInfo | undefined> => {
    const hit = this.cache.get(token);
    const now = Date.now();
    if (hit && hit.until > now) return hit.user;
    const result = await this.validate(token, now, this.apiAudiences);
    if (!result.user) return undefined;
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(token, { user: result.user, until: Math.min(now + CACHE_TTL_MS, result.expiresMs ?? Infinity) });
    return result.user;
  };

  /** TokenReview's view: the user, or why not. `audiences` defaults to the API server's. */
  async validate(token: string, nowMs = Date.now(), audiences: string[] = this.apiAudiences): Promise<{ user?: UserInfo; error?: string; audiences?: string[]; expiresMs?: number }> {
    if (!looksLikeJwt(token)) return { error: 'invalid bearer token' };
    const claims = verifyJwt(this.key, token);
    if (!claims) return { error: 'invalid bearer token' };
    if (claims.iss === LEGACY_ISSUER) return this.validateLegacy(token, claims);
    if (claims.iss !== this.issuer) return { error: 'invalid bearer token' };
    const aud = Array.isArray(claims.aud) ? (claims.aud as string[]) : typeof claims.aud === 'string' ? [claims.aud] : [];
    const matched = aud.filter((a) => audiences.includes(a));
    if (!matched.length) return { error: `token audiences ${goStrings(aud)} is invalid for the target audiences ${goStrings(audiences)}` };
    const now = Math.floor(nowMs / 1000);
    if (typeof claims.exp === 'number' && now > claims.exp + LEEWAY_SECONDS) return { error: 'service account token has expired' };
    if (typeof claims.nbf === 'number' && now < claims.nbf - LEEWAY_SECONDS) return { error: 'service account token is not valid yet' };
    const k8s = (claims['kubernetes.io'] ?? {}) as KubernetesClaims;
    const ns = k8s.namespace ?? '';
    const saRef = k8s.serviceaccount;
    if (!ns || !saRef?.name) return { error: 'service account token claims could not be validated due to unexpected private claim' };
    const sa = await this.getter.serviceAccount(ns, saRef.name);
    if (!sa) return { error: `serviceaccounts ${JSON.stringify(saRef.name)} not found` };
    if (saRef.uid && sa.metadata.uid !== saRef.uid) return { error: `service account UID (${sa.metadata.uid}) does not match claim (${saRef.uid})` };
    const extra: Record<string, string[]> = {};
    if (k8s.pod) {
      const pod = await this.getter.pod(ns, k8s.pod.name);
      if (!pod || !stillValid(pod, now)) return { error: 'service account token has been invalidated' };
      if (pod.metadata.uid !== k8s.pod.uid) return { error: `pod UID (${pod.metadata.uid}) does not match claim (${k8s.pod.uid})` };
      extra[EXTRA_POD_NAME] = [k8s.pod.name];
      extra[EXTRA_POD_UID] = [k8s.pod.uid];
    }
    if (k8s.secret) {
      const secret = await this.getter.secret(ns, k8s.secret.name);
      if (!secret || !stillValid(secret, now)) return { error: 'service account token has been invalidated' };
      if (secret.metadata.uid !== k8s.secret.uid) return { error: `secret UID (${secret.metadata.uid}) does not match claim (${k8s.secret.uid})` };
    }
    if (k8s.node) {
      // a pod-bound token names its node for information; only a token bound to the node itself depends on it
      if (!k8s.pod) {
        const node = await this.getter.node(k8s.node.name);
        if (!node || !stillValid(node, now)) return { error: 'service account token has been invalidated' };
        if (node.metadata.uid !== k8s.node.uid) return { error: `node UID (${node.metadata.uid}) does not match claim (${k8s.node.uid})` };
      }
      extra[EXTRA_NODE_NAME] = [k8s.node.name];
      if (k8s.node.uid) extra[EXTRA_NODE_UID] = [k8s.node.uid];
    }
    if (typeof claims.jti === 'string') extra[EXTRA_CREDENTIAL_ID] = [`JTI=${claims.jti}`];
    const user: UserInfo = { username: serviceAccountUsername(ns, saRef.name), uid: sa.metadata.uid, groups: [...serviceAccountGroups(ns), 'system:authenticated'] };
    if (Object.keys(extra).length) user.extra = extra;
    return { user, audiences: matched, expiresMs: typeof claims.exp === 'number' ? claims.exp * 1000 : undefined };
  }

  private async validateLegacy(token: string, claims: Record<string, unknown>): Promise<{ user?: UserInfo; error?: string; audiences?: string[] }> {
    const ns = String(claims['kubernetes.io/serviceaccount/namespace'] ?? '');
    const secretName = String(claims['kubernetes.io/serviceaccount/secret.name'] ?? '');
    const saName = String(claims['kubernetes.io/serviceaccount/service-account.name'] ?? '');
    const saUid = String(claims['kubernetes.io/serviceaccount/service-account.uid'] ?? '');
    if (!ns || !secretName || !saName) return { error: 'invalid bearer token' };
    const secret = await this.getter.secret(ns, secretName);
    const stored = secret && typeof (secret.data as Record<string, string> | undefined)?.token === 'string'
      ? Buffer.from((secret.data as Record<string, string>).token!, 'base64') : undefined;
    const presented = Buffer.from(token);
    if (!secret || secret.metadata.deletionTimestamp || !stored || stored.length !== presented.length || !timingSafeEqual(stored, presented)) {
      return { error: 'service account token has been invalidated' };
    }
    const sa = await this.getter.serviceAccount(ns, saName);
    if (!sa) return { error: `serviceaccounts ${JSON.stringify(saName)} not found` };
    if (sa.metadata.uid !== saUid) return { error: `service account UID (${sa.metadata.uid}) does not match claim (${saUid})` };
    return { user: { username: serviceAccountUsername(ns, saName), uid: saUid, groups: [...serviceAccountGroups(ns), 'system:authenticated'] }, audiences: this.apiAudiences };
  }
}

/** An object being deleted invalidates its tokens once its deletion is more than a minute old. */
function stillValid(obj: KubeObject, nowSeconds: number): boolean {
  const ts = obj.metadata.deletionTimestamp;
  return !ts || Date.parse(ts) / 1000 + LEEWAY_SECONDS > nowSeconds;
}

const goStrings = (list: string[]) => `[${list.join(' ')}]`;
