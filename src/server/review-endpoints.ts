// The POST endpoints of the review kinds (registry/authorization/reviews.ts answers them): the body is decoded and
// checked like any create, then answered instead of stored, with 201. Every other verb is 405.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, errBadRequest } from '../apimachinery/errors.js';
import { updateManagedFields } from '../apimachinery/managedfields/fieldmanager.js';
import { modelType } from '../apimachinery/managedfields/schema.js';
import type { RequestInfo } from '../apimachinery/request-info.js';
import { unknownFieldMessage } from '../apimachinery/schema/strict.js';
import { apiVersionOf, type KubeObject } from '../apimachinery/types.js';
import type { UserInfo } from '../api/identity.js';
import { REVIEW_KINDS, type ReviewKind } from '../registry/authorization/reviews.js';
import type { ResourceDef } from '../registry/types.js';
import { negotiateFormat, readObjectBody, writeFormatted } from './codec.js';
import { type ServerContext, type SubresourceHandler, subresourceKey } from './context.js';
import { managerFromUserAgent } from './resources.js';

/** Registers every review endpoint on the server (the collection path, subresource ''). */
export function registerReviewHandlers(server: Pick<ServerContext, 'subresources'>): void {
  for (const kind of REVIEW_KINDS) server.subresources.set(subresourceKey(kind.group, kind.resource, ''), reviewHandler(kind));
}

export function reviewHandler(kind: ReviewKind): SubresourceHandler {
  return async (ctx, req, res, info, query, user) => {
    const def = ctx.registry.lookup(info.group, info.version, info.resource);
    if (!def) throw notFound();
    if (info.name || info.subresource || (def.namespaced && !info.namespace)) throw notFound();
    if (info.verb !== 'create') throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
    await serveReview(kind, { ctx, req, res, info, query, user, def });
  };
}

interface HttpRequest {
  ctx: ServerContext;
  req: IncomingMessage;
  res: ServerResponse;
  info: RequestInfo;
  query: URLSearchParams;
  user: UserInfo;
  def: ResourceDef;
}

async function serveReview(kind: ReviewKind, { ctx, req, res, info, query, user, def }: HttpRequest): Promise<void> {
  const fmt = negotiateFormat(req.headers.accept);
  for (const d of query.getAll('dryRun')) if (d !== 'All') throw errBadRequest(`Invalid dryRun: ${JSON.stringify(d)}; supported values: "All"`);
  const warnings: string[] = [];
  let obj = await decodeBody(ctx, req, def, query, warnings);
  const namespace = def.namespaced ? info.namespace : '';
  ensureNamespace(obj, namespace);
  if (kind.echoes) {
    obj = trackManagedFields(ctx, def, obj, query.get('fieldManager') ?? managerFromUserAgent(req.headers['user-agent']));
    obj.metadata = withZeroCreationTimestamp(obj.metadata);
  }
  const answer = await kind.answer({ ctx, def, obj, user, namespace });
  writeFormatted(res, 201, answer, fmt, warnings);
}

/** Decodes the body and applies type checks and the fieldValidation directive, as every create does. */
async function decodeBody(ctx: ServerContext, req: IncomingMessage, def: ResourceDef, query: URLSearchParams, warnings: string[]): Promise<KubeObject> {
  const body = await readObjectBody(req, (b) => ctx.decodeProtobuf(b));
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw errBadRequest('Object \'Kind\' is missing in the request body');
  const obj = body as KubeObject;
  const apiVersion = apiVersionOf(def.group, def.version);
  if (obj.kind !== undefined && obj.kind !== def.kind) throw errBadRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${def.kind})`);
  if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersion) {
    throw errBadRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersion})`);
  }
  const typeError = ctx.schema.typeError(def, obj);
  if (typeError) throw errBadRequest(typeError);
  ctx.schema.normalizeNulls(def, obj);
  const mode = query.get('fieldValidation') || 'Warn';
  if (mode !== 'Strict' && mode !== 'Warn' && mode !== 'Ignore') throw errBadRequest(`fieldValidation parameter unsupported: ${mode}`);
  if (mode === 'Strict') {
    const unknown = ctx.schema.unknownFields(def, obj);
    if (unknown.length) throw errBadRequest(`strict decoding error: ${unknown.map(unknownFieldMessage).join(', ')}`);
  } else {
    const removed = ctx.schema.pruneUnknown(def, obj);
    if (mode === 'Warn') warnings.push(...removed.map(unknownFieldMessage));
  }
  obj.apiVersion = apiVersion;
  obj.kind = def.kind;
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  if (typeof obj.metadata !== 'object' || Array.isArray(obj.metadata)) throw errBadRequest('metadata must be an object');
  return obj;
}

/** rest.EnsureObjectNamespaceMatchesRequestNamespace: fill in the request's namespace, clear it for cluster scope. */
function ensureNamespace(obj: KubeObject, requestNamespace: string): void {
  const ns = obj.metadata.namespace ?? '';
  if (ns === requestNamespace) return;
  if (ns === '') obj.metadata.namespace = requestNamespace;
  else if (requestNamespace === '') delete obj.metadata.namespace;
  else throw errBadRequest('the namespace of the provided object does not match the namespace sent on the request');
}

/**
 * The create handler records the request's fields for its manager before the review runs. Upstream compares with
 * a new (zero) object of the kind, so a zero status ({allowed: false}) is not owned by anyone.
 */
function trackManagedFields(ctx: ServerContext, def: ResourceDef, obj: KubeObject, manager: string): KubeObject {
  if (!def.schemaName) return obj;
  const apiVersion = apiVersionOf(def.group, def.version);
  const zero: KubeObject = { apiVersion, kind: def.kind, metadata: {}, spec: {}, status: { allowed: false } };
  return updateManagedFields({ schema: modelType(ctx.model, def.schemaName), apiVersion, kind: def.kind, live: zero, object: obj, manager });
}

/** An echoed review's metadata as Go prints it: the (zero) creationTimestamp is null, before managedFields. */
function withZeroCreationTimestamp(meta: KubeObject['metadata']): KubeObject['metadata'] {
  const { managedFields, ...rest } = meta;
  return { ...rest, creationTimestamp: null as unknown as string, ...(managedFields ? { managedFields } : {}) };
}

function notFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}
