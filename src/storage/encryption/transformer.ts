// Encryption at rest as kube-apiserver's EncryptionConfiguration (apiserver.config.k8s.io/v1, k8s.io/apiserver/pkg/
// storage/value/encrypt): for the configured resources, values are written by the first provider and read by
// whichever provider's prefix they carry. aescbc writes `k8s:enc:aescbc:v1:<key>:` + IV + AES-CBC (PKCS#7),
// aesgcm `k8s:enc:aesgcm:v1:<key>:` + nonce + AES-GCM with the storage key as additional data, secretbox
// `k8s:enc:secretbox:v1:<key>:` + 24-byte nonce + NaCl secretbox (XSalsa20-Poly1305: tag, then ciphertext, as Go's
// secretbox.Seal; Node's crypto has no XSalsa20, so @noble/ciphers seals it); identity stores plaintext. Values with no known prefix are read as plaintext (data written before encryption was turned on).
import { createCipheriv, createDecipheriv, randomBytes, type CipherGCMTypes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { parse } from 'yaml';
import { prefixFor } from '../key-layout.js';
import type { ScopedValueTransformer } from '../value-transformer.js';

interface Provider {
  prefix: Buffer;
  encrypt(key: string, plain: Buffer): Buffer;
  decrypt(key: string, sealed: Buffer): Buffer;
}

function aescbc(name: string, secret: Buffer): Provider {
  const alg = `aes-${secret.length * 8}-cbc`;
  return {
    prefix: Buffer.from(`k8s:enc:aescbc:v1:${name}:`),
    encrypt: (_key, plain) => {
      const iv = randomBytes(16);
      const c = createCipheriv(alg, secret, iv);
      return Buffer.concat([iv, c.update(plain), c.final()]);
    },
    decrypt: (_key, sealed) => {
      const d = createDecipheriv(alg, secret, sealed.subarray(0, 16));
      return Buffer.concat([d.update(sealed.subarray(16)), d.final()]);
    },
  };
}

function aesgcm(name: string, secret: Buffer): Provider {
  const alg = `aes-${secret.length * 8}-gcm` as CipherGCMTypes;
  return {
    prefix: Buffer.from(`k8s:enc:aesgcm:v1:${name}:`),
    encrypt: (key, plain) => {
      const nonce = randomBytes(12);
      const c = createCipheriv(alg, secret, nonce);
      c.setAAD(Buffer.from(key));
      return Buffer.concat([nonce, c.update(plain), c.final(), c.getAuthTag()]);
    },
    decrypt: (key, sealed) => {
      const d = createDecipheriv(alg, secret, sealed.subarray(0, 12));
      d.setAAD(Buffer.from(key));
      d.setAuthTag(sealed.subarray(sealed.length - 16));
      return Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]);
    },
  };
}

function secretbox(name: string, secret: Buffer): Provider {
  return {
    prefix: Buffer.from(`k8s:enc:secretbox:v1:${name}:`),
    encrypt: (_key, plain) => {
      const nonce = randomBytes(24);
      return Buffer.concat([nonce, xsalsa20poly1305(secret, nonce).encrypt(plain)]);
    },
    decrypt: (_key, sealed) => {
      if (sealed.length < 24 + 16) throw new Error('the stored data was shorter than the required size');
      return Buffer.from(xsalsa20poly1305(secret, sealed.subarray(0, 24)).decrypt(sealed.subarray(24)));
    },
  };
}

const IDENTITY: Provider = { prefix: Buffer.alloc(0), encrypt: (_k, p) => p, decrypt: (_k, s) => s };

/** `secrets` → `/registry/secrets/`, `deployments.apps` → `/registry/deployments/`, as the store lays keys out. */
export function storagePrefixOf(resource: string): string {
  const dot = resource.indexOf('.');
  const [res, group] = dot < 0 ? [resource, ''] : [resource.slice(0, dot), resource.slice(dot + 1)];
  return prefixFor(group, res);
}

interface KeyConfig { name?: string; secret?: string }
interface ProviderConfig { aescbc?: { keys?: KeyConfig[] }; aesgcm?: { keys?: KeyConfig[] }; secretbox?: { keys?: KeyConfig[] }; identity?: unknown; kms?: unknown }
interface EncryptionConfiguration { kind?: string; apiVersion?: string; resources?: { resources?: string[]; providers?: ProviderConfig[] }[] }

class ConfiguredTransformer implements ScopedValueTransformer {
  constructor(private readonly rules: { prefix: string; providers: Provider[] }[]) {}

  private ruleFor(key: string) {
    for (const r of this.rules) if (key.startsWith(r.prefix)) return r;
    return undefined;
  }

  handles(key: string): boolean {
    return !!this.ruleFor(key);
  }

  overlaps(prefix: string): boolean {
    return this.rules.some((r) => r.prefix.startsWith(prefix) || prefix.startsWith(r.prefix));
  }

  toStorage(key: string, plain: Buffer): Buffer {
    const rule = this.ruleFor(key);
    if (!rule) return plain;
    const p = rule.providers[0]!;
    if (p === IDENTITY) return plain;
    return Buffer.concat([p.prefix, p.encrypt(key, plain)]);
  }

  fromStorage(key: string, stored: Buffer): Buffer {
    const rule = this.ruleFor(key);
    if (!rule) return stored;
    for (const p of rule.providers) {
      if (p === IDENTITY || !startsWith(stored, p.prefix)) continue;
      return p.decrypt(key, stored.subarray(p.prefix.length));
    }
    if (stored[0] === 0x7b /* { */) return stored;
    const head = stored.subarray(0, Math.min(stored.length, 40)).toString('latin1');
    const known = /^k8s:enc:[a-z0-9]+:v1:[^:]*:/.exec(head)?.[0] ?? '';
    throw new Error(`no matching prefix found${known ? ` (${known.slice(0, -1)})` : ''} for ${key}: the encryption configuration lacks its key`);
  }

  isCurrent(key: string, stored: Buffer): boolean {
    const first = this.ruleFor(key)?.providers[0];
    if (!first || first === IDENTITY) return stored[0] === 0x7b /* plaintext JSON */;
    return startsWith(stored, first.prefix);
  }
}

function startsWith(b: Buffer, prefix: Buffer): boolean {
  return b.length >= prefix.length && b.subarray(0, prefix.length).equals(prefix);
}

function keyOf(k: KeyConfig, kind: string, sizes: number[]): { name: string; secret: Buffer } {
  if (!k.name) throw new Error(`${kind}: every key needs a name`);
  const secret = Buffer.from(k.secret ?? '', 'base64');
  if (!sizes.includes(secret.length)) throw new Error(`${kind} key ${JSON.stringify(k.name)}: the secret must be ${sizes.join(', ')} bytes (base64), got ${secret.length}`);
  return { name: k.name, secret };
}

/** Parses an EncryptionConfiguration file (YAML or JSON). */
export function loadEncryptionConfiguration(path: string): ScopedValueTransformer {
  const cfg = parse(readFileSync(path, 'utf8')) as EncryptionConfiguration;
  if (cfg?.kind !== 'EncryptionConfiguration') throw new Error(`${path}: not an EncryptionConfiguration`);
  const rules: { prefix: string; providers: Provider[] }[] = [];
  for (const r of cfg.resources ?? []) {
    const providers: Provider[] = [];
    for (const p of r.providers ?? []) {
      if (p.aescbc) for (const k of p.aescbc.keys ?? []) { const { name, secret } = keyOf(k, 'aescbc', [16, 24, 32]); providers.push(aescbc(name, secret)); }
      else if (p.aesgcm) for (const k of p.aesgcm.keys ?? []) { const { name, secret } = keyOf(k, 'aesgcm', [16, 24, 32]); providers.push(aesgcm(name, secret)); }
      else if (p.identity !== undefined) providers.push(IDENTITY);
      else if (p.secretbox) for (const k of p.secretbox.keys ?? []) { const { name, secret } = keyOf(k, 'secretbox', [32]); providers.push(secretbox(name, secret)); }
      else if (p.kms !== undefined) throw new Error(`${path}: kms providers are not supported by Berth`);
    }
    if (!providers.length) throw new Error(`${path}: a resources entry needs at least one provider`);
    for (const res of r.resources ?? []) {
      if (res.includes('*')) throw new Error(`${path}: wildcard resources (${res}) are not supported by Berth`);
      rules.push({ prefix: storagePrefixOf(res), providers });
    }
  }
  return new ConfiguredTransformer(rules);
}

/**
 * The data dir's configuration, made on first start: Secrets encrypted with aescbc under a fresh 32-byte key (identity
 * after it, so data written before encryption stays readable until rewritten). The file is 0600.
 */
export function ensureDefaultEncryptionConfiguration(path: string): ScopedValueTransformer {
  if (!existsSync(path)) {
    const secret = randomBytes(32).toString('base64');
    const text = [
      'apiVersion: apiserver.config.k8s.io/v1',
      'kind: EncryptionConfiguration',
      'resources:',
      '  - resources:',
      '      - secrets',
      '    providers:',
      '      - aescbc:',
      '          keys:',
      '            - name: key1',
      `              secret: ${secret}`,
      '      - identity: {}',
      '',
    ].join('\n');
    // 'wx': API servers starting together on one pki dir keep the first one's key
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  chmodSync(path, 0o600);
  return loadEncryptionConfiguration(path);
}
