// A request URL split the way Go's net/http and kube-apiserver see it: the path percent-decoded as url.URL.Path is,
// with no dot-segment resolution (WHATWG URL parsing would turn `…/configmaps/%2e%2e` into the namespace itself),
// so `.` and `..` stay segments (names the registry refuses) and a decoded %2F splits segments as upstream's
// RequestInfoFactory splits url.Path.
import { errBadRequest } from '../apimachinery/errors.js';

/** The cleaned path (no trailing slash) and query of a request target. */
export function splitRequestTarget(rawUrl: string | undefined): { path: string; query: URLSearchParams } {
  let target = rawUrl ?? '/';
  // An absolute-form target (proxies) keeps only its path and query.
  if (!target.startsWith('/')) {
    const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(target);
    target = m ? target.slice(m[0].length) || '/' : `/${target}`;
  }
  const hash = target.indexOf('#');
  if (hash >= 0) target = target.slice(0, hash);
  const q = target.indexOf('?');
  const rawPath = q >= 0 ? target.slice(0, q) : target;
  const query = new URLSearchParams(q >= 0 ? target.slice(q + 1) : '');
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw errBadRequest(`invalid URL escape in ${JSON.stringify(rawPath.slice(0, 256))}`);
  }
  if (!path.startsWith('/')) path = `/${path}`;
  return { path: path.length > 1 ? path.replace(/\/+$/, '') || '/' : path, query };
}

/**
 * Upstream's path.IsValidPathSegmentName (apimachinery/pkg/api/validation/path): what a name in a URL may not be
 * or contain, checked by the registry's key functions before any storage access.
 */
export function pathSegmentNameErrors(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}
