// Byte-exact JSON as Go's encoding/json writes a map[string]interface{}: keys sorted (by UTF-16 code units, which
// equals Go's byte order for the ASCII keys Kubernetes uses), no spaces, and the HTML-safe escapes Go applies to
// strings (<, >, & and U+2028/U+2029). Revision hashes are computed over these bytes, so they must match upstream.

export function goJsonMarshal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return goQuote(value);
    case 'number':
      return goNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => goJsonMarshal(v)).join(',')}]`;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort(byteOrder);
      return `{${keys.map((k) => `${goQuote(k)}:${goJsonMarshal(obj[k])}`).join(',')}}`;
    }
    default:
      return 'null';
  }
}

function byteOrder(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function goQuote(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// Numbers arrive as float64 after Go unmarshals into interface{}; Go prints them without an exponent in
// [1e-6, 1e21) and with a two-digit-minimum exponent outside it.
function goNumber(n: number): string {
  if (!Number.isFinite(n)) return 'null';
  const abs = Math.abs(n);
  if (abs === 0 || (abs >= 1e-6 && abs < 1e21)) return String(n);
  return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
}
