// Key-space arithmetic shared by listing and watch fan-out. Keys are ASCII paths such as
// /registry/apps/statefulsets/default/web, so JavaScript string order equals SQLite's BINARY (byte) order.

/**
 * Smallest string greater than every string that starts with `prefix` (etcd's "prefix end"), or undefined when
 * no such bound exists (empty prefix). `/registry/core/pods/` → `/registry/core/pods0`.
 */
export function prefixUpperBound(prefix: string): string | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const code = prefix.charCodeAt(i);
    if (code < 0xffff) return prefix.slice(0, i) + String.fromCharCode(code + 1);
  }
  return undefined;
}

/**
 * The `/registry/<group>/<resource>/` part of a key or prefix, used to index watchers; undefined when the string
 * is too short to name a resource (such watchers see every event and filter by prefix themselves).
 */
export function resourceBucket(keyOrPrefix: string): string | undefined {
  let slashes = 0;
  for (let i = 0; i < keyOrPrefix.length; i++) {
    if (keyOrPrefix.charCodeAt(i) === 47 /* '/' */ && ++slashes === 4) return keyOrPrefix.slice(0, i + 1);
  }
  return undefined;
}
