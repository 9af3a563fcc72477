// Parses a request path into what is being asked for, like upstream's RequestInfoFactory
// (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go).
import { boolParam } from './query-params.js';

export interface RequestInfo {
  isResourceRequest: boolean;
  path: string;
  /** get list watch create update patch delete deletecollection, or the lower-cased HTTP method for non-resource paths. */
  verb: string;
  apiPrefix: 'api' | 'apis' | '';
  group: string;
  version: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
}

export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const info: RequestInfo = {
    isResourceRequest: false, path, verb: method.toLowerCase(), apiPrefix: '', group: '', version: '',
    namespace: '', resource: '', subresource: '', name: '',
  };
  const parts = path.split('/').filter((p, i) => i > 0 || p !== '');
  if (parts[0] === '') parts.shift();
  if (parts.length && parts[parts.length - 1] === '') parts.pop();
  let rest: string[];
  if (parts[0] === 'api') {
    info.apiPrefix = 'api';
    if (parts.length < 2) return info;
    info.version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    info.apiPrefix = 'apis';
    if (parts.length < 3) {
      if (parts.length === 2) info.group = parts[1];
      return info;
    }
    info.group = parts[1];
    info.version = parts[2];
    rest = parts.slice(3);
  } else {
    return info;
  }
  if (rest.length === 0) return info;
  info.isResourceRequest = true;
  switch (method) {
    case 'POST': info.verb = 'create'; break;
    case 'GET': case 'HEAD': info.verb = 'get'; break;
    case 'PUT': info.verb = 'update'; break;
    case 'PATCH': info.verb = 'patch'; break;
    case 'DELETE': info.verb = 'delete'; break;
    default: info.verb = '';
  }
  // Deprecated `/watch/` path prefix.
  if (rest[0] === 'watch') {
    info.verb = 'watch';
    rest = rest.slice(1);
  }
  // /namespaces/{ns}/<resource>… addresses a namespaced resource; /namespaces/{name}[/status|/finalize] is the
  // namespace object itself (upstream sets Namespace to its name in that case too).
  if (rest[0] === 'namespaces' && rest.length > 1) {
    info.namespace = rest[1];
    if (rest.length > 2 && rest[2] !== 'status' && rest[2] !== 'finalize') rest = rest.slice(2);
  }
  if (rest.length >= 1) info.resource = rest[0];
  if (rest.length >= 2) info.name = rest[1];
  if (rest.length >= 3) info.subresource = rest.slice(2).join('/');
  // A GET of a collection is a list or, with a true `watch` parameter, a watch; a GET of one object stays a get
  // whatever its query says (single-object watches use /watch/ or a metadata.name field selector).
  if (!info.name) {
    if (info.verb === 'get') info.verb = boolParam(query, 'watch') ? 'watch' : 'list';
    else if (info.verb === 'delete') info.verb = 'deletecollection';
  }
  return info;
}
