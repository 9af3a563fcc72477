// The request pipeline: authentication → authorization hook → routing to health, version, discovery, OpenAPI or the
// resource endpoints; every failure leaves as a Status.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, errForbidden, errInternal, errTimeout, errTooManyRequests, errUnauthorized, isApiError } from '../apimachinery/errors.js';
import { StorageError } from '../storage/interface.js';
import type { ResourceDef } from '../registry/types.js';
import type { AuthorizationDecision, UserInfo } from '../api/identity.js';
import { writeJson, writeStatus, writeText } from './codec.js';
import type { ServerContext } from './context.js';
import {
  aggregatedContentType, aggregatedDiscovery, aggregatedDiscoveryVersion, apiGroupDoc, apiGroupList, apiResourceList, legacyApiVersions,
} from './discovery.js';
import { OPENAPI_V2_PROTOBUF_CONTENT_TYPE, wantsOpenApiV2Protobuf } from '../openapi/v2.js';
import { ImpersonationHeaderError, impersonatedUser } from './impersonation.js';
import { parseRequestInfo, type RequestInfo } from '../apimachinery/request-info.js';
import { splitRequestTarget } from './request-path.js';
import { anonymousUser } from '../authentication/request.js';
import type { RequestAudit } from '../audit/auditor.js';
import { handleResource, subresourceServed } from './resources.js';
import { KUBE_MAJOR, KUBE_VERSION, KUBE_MINOR } from '../apimachinery/version.js';

export const SERVER_VERSION = {
  major: KUBE_MAJOR,
  minor: KUBE_MINOR,
  gitVersion: `${KUBE_VERSION}+berth`,
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-11-22T00:00:00Z',
  goVersion: 'go1.24.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** Paths anyone may read, as upstream's system:public-info-viewer role allows. */
const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);

const STORAGE_TIMEOUT = 'Timeout: request did not complete within requested timeout - context deadline exceeded';

/** The request's user; undefined without credentials; throws a 401 ApiError for credentials nobody accepts. */
export type Authenticate = (req: IncomingMessage) => UserInfo | undefined | Promise<UserInfo | undefined>;

export function createRequestHandler(ctx: ServerContext, authenticate: Authenticate) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const audit = ctx.auditor?.start(req, res);
    handle(ctx, authenticate, req, res, audit).catch((e: unknown) => {
      const unavailable = e instanceof StorageError && e.code === 'Unavailable';
      // A store that did not answer in time (etcd down or without a leader): upstream's request timeout.
      const err = isApiError(e) ? e : unavailable ? errTimeout(STORAGE_TIMEOUT) : errInternal(e);
      if (!isApiError(e) && !unavailable) console.error('berth: internal error', req.method, req.url, e);
      writeStatus(res, err);
    });
  };
}

async function handle(ctx: ServerContext, authenticate: Authenticate, req: IncomingMessage, res: ServerResponse, audit?: RequestAudit): Promise<void> {
  const { path, query } = requestPath(req.url);
  let authenticated: UserInfo | undefined;
  try {
    const found = authenticate(req);
    authenticated = found instanceof Promise ? await found : found;
  } catch (e) {
    audit?.unauthenticated(parseRequestInfo(req.method ?? 'GET', path, query));
    throw e;
  }
  const publicPath = PUBLIC_PATHS.has(path) || path.startsWith('/healthz/') || path.startsWith('/livez/') || path.startsWith('/readyz/');
  // Without credentials a request is the anonymous user, whom the authorizer judges (--anonymous-auth=true); a
  // server without an authorizer serves anonymous users only the public paths.
  if (!authenticated && !ctx.authorizer && !publicPath) throw errUnauthorized();
  let user = authenticated ?? (ctx.authorizer ? anonymousUser() : undefined);
  if (authenticated) {
    try {
      user = await impersonatedUser(req, authenticated, ctx.authorizer);
    } catch (e) {
      if (!(e instanceof ImpersonationHeaderError)) throw e;
      return writeText(res, 500, `Internal Server Error: ${JSON.stringify(req.url ?? '')}: ${e.message}`);
    }
  }
  const info = parseRequestInfo(req.method ?? 'GET', path, query);
  audit?.identify(authenticated, user, info);
  // Priority and fairness sits between impersonation and authorization, as in upstream's handler chain.
  const decision = user && ctx.flowControl ? await ctx.flowControl.admit(user, info, query) : undefined;
  if (decision) {
    res.setHeader('X-Kubernetes-PF-FlowSchema-UID', decision.classification.flowSchema.metadata.uid ?? '');
    res.setHeader('X-Kubernetes-PF-PriorityLevel-UID', decision.classification.priorityLevel.metadata.uid ?? '');
    if (decision.kind === 'reject') throw errTooManyRequests(decision.retryAfterSeconds);
    const { release, noteListBytes } = decision;
    // Released when the handler is done or the client went away, whichever comes first.
    res.once('close', release);
    if (noteListBytes) res.once('finish', () => noteListBytes(Number(res.getHeader('Content-Length') ?? 0)));
    try {
      return await authorizedHandle(ctx, req, res, info, path, query, user, audit);
    } finally {
      release();
    }
  }
  return authorizedHandle(ctx, req, res, info, path, query, user, audit);
}

async function authorizedHandle(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, info: RequestInfo, path: string, query: URLSearchParams, user: UserInfo | undefined, audit?: RequestAudit): Promise<void> {
  if (user) audit?.authorized(await authorize(ctx, user, info, audit));
  if (info.isResourceRequest) return handleResource(ctx, req, res, info, query, user!);
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
  return handleNonResource(ctx, req, res, path, query);
}

/**
 * The authorizer's decision for a parsed request (no authorizer: everything is allowed, undefined); a 403 with
 * upstream's wording when denied (recorded in the audit event first).
 */
export async function authorize(ctx: ServerContext, user: UserInfo, info: RequestInfo, audit?: RequestAudit): Promise<AuthorizationDecision | undefined> {
  if (!ctx.authorizer) return undefined;
  const decision = await ctx.authorizer.authorize({
    user, verb: info.verb, group: info.group, resource: info.resource, subresource: info.subresource, namespace: info.namespace, name: info.name,
    path: info.path, resourceRequest: info.isResourceRequest,
  });
  if (!decision.allowed) {
    audit?.authorized(decision);
    throw forbidden(info, user.username, decision.reason);
  }
  return decision;
}

/** Splits a request URL into its cleaned path (no trailing slash) and query. */
export function requestPath(rawUrl: string | undefined): { path: string; query: URLSearchParams } {
  return splitRequestTarget(rawUrl);
}

async function handleNonResource(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
  switch (path) {
    case '/version':
      return writeJson(res, 200, SERVER_VERSION);
    case '/healthz':
    case '/livez':
      return health(ctx, res, query, 'healthz', true);
    case '/readyz':
      return health(ctx, res, query, 'readyz', ctx.ready());
    case '/api': {
      const v = aggregatedDiscoveryVersion(req.headers.accept);
      if (v) return writeJson(res, 200, aggregatedDiscovery(ctx.registry, true, v, servedBy(ctx)), aggregatedContentType(v));
      return writeJson(res, 200, legacyApiVersions(ctx.serverAddress));
    }
    case '/apis': {
      const v = aggregatedDiscoveryVersion(req.headers.accept);
      if (v) return writeJson(res, 200, aggregatedDiscovery(ctx.registry, false, v, servedBy(ctx)), aggregatedContentType(v));
      return writeJson(res, 200, apiGroupList(ctx.registry));
    }
    case '/.well-known/openid-configuration':
    case '/openid/v1/jwks': {
      const issuer = ctx.serviceAccountIssuer;
      if (!issuer) break;
      const doc = path === '/openid/v1/jwks' ? issuer.jwks() : issuer.openidConfiguration();
      const type = path === '/openid/v1/jwks' ? 'application/jwk-set+json' : 'application/json';
      res.setHeader('Cache-Control', 'public, max-age=3600');
      return writeJson(res, 200, doc, type);
    }
    case '/openapi/v3':
      return writeJson(res, 200, ctx.openapi.root());
    case '/openapi/v2': {
      // Swagger 2.0 for kubectl <= 1.30: gnostic protobuf when asked for, JSON otherwise.
      const protobuf = wantsOpenApiV2Protobuf(req.headers.accept);
      const body = await ctx.openapi.v2(protobuf ? 'protobuf' : 'json');
      res.writeHead(200, { 'Content-Type': protobuf ? OPENAPI_V2_PROTOBUF_CONTENT_TYPE : 'application/json', Vary: 'Accept', 'Content-Length': String(Buffer.byteLength(body)), 'Cache-Control': 'no-cache, private' });
      res.end(body);
      return;
    }
  }
  if (path.startsWith('/openapi/v3/')) {
    const doc = ctx.openapi.groupVersion(path.slice('/openapi/v3/'.length));
    if (!doc) throw notFound();
    res.setHeader('Cache-Control', 'public, immutable');
    return writeJson(res, 200, doc);
  }
  if (path.startsWith('/healthz/') || path.startsWith('/livez/') || path.startsWith('/readyz/')) return writeText(res, 200, 'ok');
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'api' && parts.length === 2) {
    const doc = apiResourceList(ctx.registry, '', parts[1], servedBy(ctx));
    if (doc) return writeJson(res, 200, doc);
  }
  if (parts[0] === 'apis' && parts.length === 2) {
    const doc = apiGroupDoc(ctx.registry, parts[1]);
    if (doc) return writeJson(res, 200, doc);
  }
  if (parts[0] === 'apis' && parts.length === 3) {
    const doc = apiResourceList(ctx.registry, parts[1], parts[2], servedBy(ctx));
    if (doc) return writeJson(res, 200, doc);
  }
  throw notFound();
}

/** responsewriters.Forbidden: upstream's wording for a request the authorizer did not allow. */
export function forbidden(info: RequestInfo, username: string, reason: string | undefined): ApiError {
  let msg: string;
  if (!info.isResourceRequest) {
    msg = `User ${JSON.stringify(username)} cannot ${info.verb} path ${JSON.stringify(info.path)}`;
  } else {
    const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
    const scope = info.namespace ? `in the namespace ${JSON.stringify(info.namespace)}` : 'at the cluster scope';
    msg = `User ${JSON.stringify(username)} cannot ${info.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(info.group)} ${scope}`;
  }
  if (reason) msg += `: ${reason}`;
  if (!info.isResourceRequest) return new ApiError(403, 'Forbidden', `forbidden: ${msg}`, {});
  return errForbidden({ group: info.group, resource: info.resource }, info.name, msg);
}

/** /healthz, /livez, /readyz as upstream's healthz handler: the checks' lines when verbose or failing. */
async function health(ctx: ServerContext, res: ServerResponse, query: URLSearchParams, name: string, started: boolean): Promise<void> {
  const checks: [string, boolean][] = [['ping', true], ['log', true]];
  if (ctx.storageHealth) checks.push(['etcd', await ctx.storageHealth()]);
  checks.push(['storage', started]);
  const ok = checks.every(([, passed]) => passed);
  if (ok && !query.has('verbose')) return writeText(res, 200, 'ok');
  const lines = checks.map(([check, passed]) => (passed ? `[+]${check} ok` : `[-]${check} failed: reason withheld`));
  return writeText(res, ok ? 200 : 500, `${lines.join('\n')}\n${name} check ${ok ? 'passed' : 'failed'}\n`);
}

const servedBy = (ctx: ServerContext) => (def: ResourceDef, sub: string) => subresourceServed(ctx, def, sub);

function notFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}
