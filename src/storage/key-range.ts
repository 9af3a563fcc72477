// Key-space arithmetic shared by listing and watch fan-out. Keys are ASCII paths such as
// /registry/statefulsets/default/web, so JavaScript string order equals SQLite's BINARY (byte) order.

/**
 * Smallest string greater than every string that starts with `prefix` (etcd's "prefix end"), or undefined when
 * no such bound exists (empty prefix). `/registry/pods/` → `/registry/pods0`.
 */
export function prefixUpperBound(prefix: string): string | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const code = prefix.charCodeAt(i);
    if (code < 0xffff) return prefix.slice(0, i) + String.fromCharCode(code + 1);
  }
  return undefined;
}
