// Helpers over decoded JSON values shared across layers.

/** A JSON object: not null, not an array (the one guard; decoded JSON has no other objects). */
export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep structural equality of JSON values; object key order does not matter and undefined members count as absent. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  if (ak.length !== bk.length) return false;
  for (const k of ak) if (!jsonEqual(ao[k], bo[k])) return false;
  return true;
}

/**
 * Freezes a JSON value and everything in it, so that a value shared by several readers cannot be changed by one of
 * them (an attempt throws, since modules run in strict mode). Parts already frozen are taken as frozen throughout.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
  } else {
    for (const k in value) deepFreeze((value as Record<string, unknown>)[k]);
  }
  return Object.freeze(value);
}

/**
 * What `JSON.parse(JSON.stringify(v))` returns, without producing the text: a fresh copy that shares nothing with
 * `v`, with undefined members dropped and non-finite numbers as null. In-process clients exchange objects with the
 * API server through this, so neither side can observe the other's later changes and both see exactly what the
 * wire would have carried. Anything unusual (toJSON, class instances) takes the real round trip.
 */
export function jsonRoundTrip<T>(v: T): T {
  if (v === undefined) return v;
  return copyJsonValue(v) as T;
}

function copyJsonValue(v: unknown): unknown {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'object':
      break;
    default:
      return JSON.parse(JSON.stringify(v) ?? 'null');
  }
  if (v === null) return null;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      const item = v[i];
      out[i] = item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : copyJsonValue(item);
    }
    return out;
  }
  const proto = Object.getPrototypeOf(v);
  if ((proto !== Object.prototype && proto !== null) || typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    return JSON.parse(JSON.stringify(v));
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const member = (v as Record<string, unknown>)[k];
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
    const copy = copyJsonValue(member);
    // JSON.parse makes "__proto__" an ordinary member; plain assignment would set the prototype instead.
    if (k === '__proto__') Object.defineProperty(out, k, { value: copy, enumerable: true, writable: true, configurable: true });
    else out[k] = copy;
  }
  return out;
}
