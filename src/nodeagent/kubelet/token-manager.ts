// The kubelet's token manager (pkg/kubelet/token/token_manager.go): projected service account tokens come from
// TokenRequest, bound to the pod, and are cached per (account, audiences, lifetime, pod); a token is requested anew
// once 80% of its lifetime has passed (or it is older than 24 hours), with a little jitter, so a running pod always
// finds a valid token in its volume.
import type { TokenRequest } from './volume-payload.js';

const MAX_TTL_MS = 24 * 60 * 60 * 1000;
const MAX_JITTER_MS = 10_000;

export interface IssuedToken {
  token: string;
  /** status.expirationTimestamp of the TokenRequest (RFC 3339). */
  expirationTimestamp: string;
}

/** Posts a TokenRequest for the account, bound to the pod (as the node's identity). */
export type RequestToken = (req: TokenRequest) => Promise<IssuedToken>;

interface Entry { issued: IssuedToken; expirationSeconds: number; jitterMs: number }

export class TokenManager {
  private readonly cache = new Map<string, Entry>();

  constructor(private readonly request: RequestToken, private readonly now: () => number = Date.now) {}

  /** A valid token for the request: the cached one unless it needs refreshing. */
  async get(req: TokenRequest): Promise<string> {
    const key = keyOf(req);
    const cached = this.cache.get(key);
    if (cached && !this.requiresRefresh(cached)) return cached.issued.token;
    try {
      const issued = await this.request(req);
      this.cache.set(key, { issued, expirationSeconds: req.expirationSeconds ?? 3600, jitterMs: Math.random() * MAX_JITTER_MS });
      return issued.token;
    } catch (e) {
      // a cached token that has not expired is still better than none
      if (cached && Date.parse(cached.issued.expirationTimestamp) > this.now()) return cached.issued.token;
      throw e;
    }
  }

  /** Forgets the tokens of a pod that is gone (DeleteServiceAccountToken). */
  forgetPod(podUid: string): void {
    for (const key of [...this.cache.keys()]) if (key.endsWith(`/${podUid}`)) this.cache.delete(key);
  }

  private requiresRefresh(e: Entry): boolean {
    const now = this.now();
    const exp = Date.parse(e.issued.expirationTimestamp);
    const iat = exp - e.expirationSeconds * 1000;
    if (now > iat + MAX_TTL_MS - e.jitterMs) return true;
    return now > exp - (e.expirationSeconds * 1000 * 20) / 100 - e.jitterMs;
  }
}

const keyOf = (r: TokenRequest) => `${r.namespace}/${r.serviceAccountName}/${r.audiences.join(',')}/${r.expirationSeconds ?? ''}/${r.boundPod.uid}`;
