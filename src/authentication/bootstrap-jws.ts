// The detached JWS signatures the bootstrap signer puts into kube-public/cluster-info (k8s.io/cluster-bootstrap/
// token/jws): HS256 over the ConfigMap's kubeconfig, keyed by a bootstrap token's secret, kid = the token's id, the
// payload left out (`<header>..<signature>`). A joining node that knows the token checks the cluster-info it fetched
// over an unverified connection against it before trusting the CA inside.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** cluster-info's data key holding the signature made with token `<id>`. */
export const JWS_KEY_PREFIX = 'jws-kubeconfig-';

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** ComputeDetachedSignature: the compact JWS of `content` with its payload removed. */
export function computeDetachedSignature(content: string, tokenId: string, tokenSecret: string): string {
  // go-jose writes the protected header as a JSON object with sorted keys
  const header = b64url(JSON.stringify({ alg: 'HS256', kid: tokenId }));
  const signature = createHmac('sha256', tokenSecret).update(`${header}.${b64url(content)}`).digest();
  return `${header}..${b64url(signature)}`;
}

/** DetachedTokenIsValid: whether `detached` is the signature of `content` with this token. */
export function detachedSignatureIsValid(detached: string, content: string, tokenId: string, tokenSecret: string): boolean {
  const want = Buffer.from(computeDetachedSignature(content, tokenId, tokenSecret));
  const got = Buffer.from(detached);
  return want.length === got.length && timingSafeEqual(want, got);
}
