// ServiceAccount tokens are JWTs (RFC 7519) signed with the cluster's service-account key, ES256 here (upstream
// signs with RS256 or ES256 depending on the key). The key pair lives in <data-dir>/pki/sa.key (0600) and sa.pub,
// made on first start; its `kid` is upstream's keyIDFromPublicKey: base64url(SHA-256(DER SubjectPublicKeyInfo)).
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  kid: string;
  alg: 'ES256';
}

export function ensureSigningKey(dataDir: string): SigningKey {
  const dir = join(dataDir, 'pki');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyPath = join(dir, 'sa.key');
  let privateKey: KeyObject;
  if (existsSync(keyPath)) {
    privateKey = createPrivateKey(readFileSync(keyPath, 'utf8'));
  } else {
    privateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    writeFileSync(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  chmodSync(keyPath, 0o600);
  const publicKey = createPublicKey(privateKey);
  writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
  const kid = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
  return { privateKey, publicKey, kid, alg: 'ES256' };
}

/** Compact JWS: header.payload.signature, with the header `{"alg":"ES256","kid":…}` as go-jose writes it. */
export function signJwt(key: SigningKey, payload: Record<string, unknown>): string {
  const header = Buffer.from(JSON.stringify({ alg: key.alg, kid: key.kid })).toString('base64url');
  const body = Buffer.from(JSON.stringify(sortKeys(payload))).toString('base64url');
  const signature = sign('sha256', Buffer.from(`${header}.${body}`), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  return `${header}.${body}.${signature}`;
}

/** The payload of a token whose signature the key verifies, or undefined (malformed, other key, forged). */
export function verifyJwt(key: SigningKey, token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  let header: { alg?: string; kid?: string };
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (header.alg !== key.alg || (header.kid !== undefined && header.kid !== key.kid)) return undefined;
  const ok = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), { key: key.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(parts[2]!, 'base64url'));
  if (!ok) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    return payload && typeof payload === 'object' && !Array.isArray(payload) ? payload : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a token looks like a JWT at all (other bearer tokens are not ours to judge). */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

/** The public key as a JWK (the JWKS endpoint's entry). */
export function publicJwk(key: SigningKey): Record<string, unknown> {
  const jwk = key.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  return { use: 'sig', kty: jwk.kty, kid: key.kid, crv: jwk.crv, alg: key.alg, x: jwk.x, y: jwk.y };
}

/** go-jose marshals claims through maps: keys in sorted order, nested objects too. */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}
