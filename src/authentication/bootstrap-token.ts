// Bootstrap tokens (plugin/pkg/auth/authenticator/token/bootstrap): `<id>.<secret>` bearer tokens backed by Secrets
// `kube-system/bootstrap-token-<id>` of type bootstrap.kubernetes.io/token, for nodes joining later. A token counts
// when the Secret allows authentication (usage-bootstrap-authentication: "true"), is not expired or being deleted,
// and its secret matches; the user is system:bootstrap:<id> in system:bootstrappers plus the Secret's
// auth-extra-groups (each must start with system:bootstrappers:).
import { timingSafeEqual } from 'node:crypto';
import type { KubeObject } from '../apimachinery/types.js';
import type { UserInfo } from '../api/identity.js';

export const BOOTSTRAP_TOKEN_SECRET_TYPE = 'bootstrap.kubernetes.io/token';
export const BOOTSTRAP_GROUP = 'system:bootstrappers';
const TOKEN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;

export type SecretGetter = (namespace: string, name: string) => Promise<KubeObject | undefined>;

/** A field of a bootstrap token Secret (base64 in `data` on the wire); '' when it has none. */
export function tokenField(secret: KubeObject, key: string): string {
  const v = (secret.data as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : '';
}

/** The token's `expiration` as epoch ms: undefined without one, NaN when it does not parse. */
export function tokenExpiration(secret: KubeObject): number | undefined {
  const expiration = tokenField(secret, 'expiration');
  return expiration ? Date.parse(expiration) : undefined;
}

/** Whether the token may no longer be used: an expiration that has passed, or one that does not parse. */
export function isTokenExpired(secret: KubeObject, now: number): boolean {
  const at = tokenExpiration(secret);
  return at !== undefined && !(at > now);
}

export function bootstrapTokenAuthenticator(getSecret: SecretGetter) {
  return async (token: string): Promise<UserInfo | undefined> => {
    const m = TOKEN.exec(token);
    if (!m) return undefined;
    const [, id, secretPart] = m;
    const secret = await getSecret('kube-system', `bootstrap-token-${id}`);
    if (!secret || secret.type !== BOOTSTRAP_TOKEN_SECRET_TYPE || secret.metadata.deletionTimestamp) return undefined;
    const field = (k: string) => tokenField(secret, k);
    if (field('token-id') !== id) return undefined;
    const stored = Buffer.from(field('token-secret'));
    const presented = Buffer.from(secretPart!);
    if (stored.length !== presented.length || !timingSafeEqual(stored, presented)) return undefined;
    if (isTokenExpired(secret, Date.now())) return undefined;
    if (field('usage-bootstrap-authentication') !== 'true') return undefined;
    const extra = field('auth-extra-groups').split(',').map((g) => g.trim()).filter(Boolean);
    if (extra.some((g) => !g.startsWith(`${BOOTSTRAP_GROUP}:`))) return undefined;
    return { username: `system:bootstrap:${id}`, groups: [BOOTSTRAP_GROUP, ...extra, 'system:authenticated'] };
  };
}
