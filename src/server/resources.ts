// The REST endpoints of every resource: GET/LIST/WATCH/POST/PUT/PATCH/DELETE on collections, items and the status
// and scale subresources, with upstream's query parameters (dryRun, fieldValidation, fieldManager, force,
// labelSelector, fieldSelector, limit, continue, resourceVersion, watch, timeoutSeconds, allowWatchBookmarks).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, errBadRequest, errConflict, errMethodNotSupported, errUnsupportedMediaType } from '../apimachinery/errors.js';
import { FieldSelector, FieldSelectorError, objectMetaFieldsSet, parseFieldSelector, unsupportedFieldLabel } from '../apimachinery/fields.js';
import { parseSelector, Selector, SelectorError, labelSelectorAsSelector, LabelSelector, selectorFromSet } from '../apimachinery/labels.js';
import { unknownFieldMessage } from '../apimachinery/schema/strict.js';
import { apiVersionOf, KubeObject } from '../apimachinery/types.js';
import { DeleteOptions, ListSelector, parseResourceVersion, RequestContext } from '../registry/generic-store.js';
import { ResourceDef } from '../registry/types.js';
import type { UserInfo } from '../api/identity.js';
import { assertJsonDepth, decodeObjectBody, mediaType, negotiateFormat, noteAuditedRequestBody, parseJsonBody, parseYamlBody, readBody, readJsonBody, readObjectBody, ResponseFormat, writeFormatted, writeJsonParts } from './codec.js';
import { inProcessResponse } from './in-process.js';
import { subresourceKey } from './context.js';
import { PatchType, ServerContext } from './context.js';
import { EXACT, listOptionsFrom, type ListOptions } from './list-options.js';
import { awaitRevision } from './resource-version.js';
import { boolParam, int64Param } from '../apimachinery/query-params.js';
import { RequestInfo } from '../apimachinery/request-info.js';
import { toTableResponse } from './tables.js';
import { serveWatch } from './watch.js';
import { checkPatchedIdentity } from './patched-identity.js';
import { pathSegmentNameErrors } from './request-path.js';
import { scanJson } from '../apimachinery/json-limits.js';

const PATCH_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
};

export async function handleResource(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, info: RequestInfo, query: URLSearchParams, user: UserInfo): Promise<void> {
  const def = ctx.registry.lookup(info.group, info.version, info.resource);
  if (!def || (!def.namespaced && info.namespace && info.resource !== 'namespaces')) {
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
  }
  const ns = def.namespaced ? info.namespace : '';
  const sub = info.subresource;
  // The registry's key functions refuse names that are not one path segment (upstream's NamespaceKeyFunc).
  const nameErrors = info.name ? pathSegmentNameErrors(info.name) : [];
  if (nameErrors.length) throw errBadRequest(`Name parameter invalid: ${JSON.stringify(info.name)}: ${nameErrors.join(';')}`);
  const special = ctx.subresources.get(subresourceKey(def.group, def.resource, sub));
  if (special) return special(ctx, req, res, info, query, user);
  // namespaces/finalize has only a PUT route; a strategy-backed subresource (pods/ephemeralcontainers) get/put/patch.
  const strategySub = !!sub && !!def.strategy.subresources?.[sub];
  if (sub && (!subresourceServed(ctx, def, sub) || (sub === 'finalize' && info.verb !== 'update')
    || (strategySub && !['get', 'update', 'patch'].includes(info.verb)))) {
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
  }
  // Namespaced items and creates need a namespace in the path; only list/watch/deletecollection span all.
  if (def.namespaced && !ns && (info.name || info.verb === 'create')) {
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
  }
  if (!def.verbs.includes(info.verb === 'watch' ? 'watch' : info.verb) && !sub) {
    throw errMethodNotSupported({ group: def.group, resource: def.resource }, info.verb);
  }
  const rctx = requestContext(req, query, user);
  if (def.deprecationWarning) rctx.warnings.push(def.deprecationWarning);
  // Built-in kinds answer in protobuf when asked (client-go's typed clients); custom resources in JSON, as upstream.
  const format = () => negotiateFormat(req.headers.accept, def.custom || !def.schemaName ? undefined : ctx.encodeProtobuf);
  switch (info.verb) {
    case 'get': {
      const fmt = format();
      // GetOptions.resourceVersion: the object as of a state at least that new (the current one, once reached).
      const rv = query.get('resourceVersion') ?? '';
      await awaitRevision(ctx.store, rv);
      // Any resourceVersion (even "0") lets the watch cache answer; none asks for a consistent read.
      const obj = await ctx.objects.get(def, ns, info.name, { cached: rv !== '' });
      if (sub === 'scale') return writeFormatted(res, 200, scaleOf(def, obj), fmt);
      return respondObject(ctx, res, def, 200, obj, fmt, rctx.warnings, query);
    }
    case 'list': {
      const fmt = format();
      const opts = listOptionsFrom(query);
      const selector = listSelector(def, query);
      const listOpts = { selector, limit: opts.limit, continue: opts.continue || undefined, ...(await listRevision(ctx, opts)) };
      if (fmt.kind === 'json' && !inProcessResponse(res)) {
        // Plain JSON over the wire: the items' stored texts spliced into the list, nothing parsed or serialised again.
        const joined = await ctx.objects.listJoined(def, ns, listOpts);
        const head = JSON.stringify({ kind: def.listKind, apiVersion: apiVersionOf(def.group, def.version), metadata: listMeta(joined) });
        return writeJsonParts(res, 200, [Buffer.from(`${head.slice(0, -1)},"items":[`), ...joined.items, LIST_END], rctx.warnings);
      }
      const list = await ctx.objects.list(def, ns, listOpts);
      if (fmt.kind === 'table') {
        return writeFormatted(res, 200, toTableResponse(ctx, def, list.items, query, { resourceVersion: list.resourceVersion, continue: list.continue, remainingItemCount: list.remainingItemCount }, fmt.version), fmt, rctx.warnings);
      }
      const body: Record<string, unknown> = { kind: def.listKind, apiVersion: apiVersionOf(def.group, def.version), metadata: listMeta(list), items: list.items };
      if (fmt.kind === 'partial') {
        body.kind = 'PartialObjectMetadataList';
        body.apiVersion = `meta.k8s.io/${fmt.version}`;
        body.items = list.items.map((o) => partialMetadata(o, fmt.version));
      }
      return writeFormatted(res, 200, body, fmt, rctx.warnings);
    }
    case 'watch': {
      const fmt = format();
      const opts = listOptionsFrom(query, true);
      return serveWatch(ctx, req, res, def, ns, opts, query, listSelector(def, query, info.name), fmt);
    }
    case 'create': {
      if (info.name || sub) throw errMethodNotSupported({ group: def.group, resource: def.resource }, 'create');
      const fmt = format();
      const body = await decodeObject(ctx, req, def, query, rctx.warnings);
      const created = await ctx.objects.create(def, ns, body, rctx);
      return respondObject(ctx, res, def, 201, created, fmt, rctx.warnings, query);
    }
    case 'update': {
      const fmt = format();
      if (sub === 'scale') {
        const scale = await decodeScale(ctx, req);
        const updated = await updateScale(ctx, def, ns, info.name, scale, rctx);
        return writeFormatted(res, 200, scaleOf(def, updated), fmt, rctx.warnings);
      }
      const body = await decodeObject(ctx, req, def, query, rctx.warnings);
      const updated = await ctx.objects.update(def, ns, info.name, body, rctx, sub);
      return respondObject(ctx, res, def, 200, updated, fmt, rctx.warnings, query);
    }
    case 'patch': {
      const fmt = format();
      const patched = await patchResource(ctx, req, def, ns, info.name, sub, query, rctx);
      if (sub === 'scale') return writeFormatted(res, 200, scaleOf(def, patched.object), fmt, rctx.warnings);
      return respondObject(ctx, res, def, patched.created ? 201 : 200, patched.object, fmt, rctx.warnings, query);
    }
    case 'delete': {
      if (sub) throw errMethodNotSupported({ group: def.group, resource: def.resource }, 'delete');
      const fmt = format();
      const opts = await deleteOptions(ctx, req, query);
      if (opts.dryRun?.includes('All')) rctx.dryRun = true;
      const result = await ctx.objects.delete(def, ns, info.name, opts, rctx);
      if (result.deleted && !(def.group === '' && def.kind === 'Pod')) {
        return writeFormatted(res, 200, {
          kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success',
          details: { name: info.name, group: def.group, kind: def.resource, uid: result.object.metadata.uid },
        }, fmt, rctx.warnings);
      }
      return respondObject(ctx, res, def, 200, result.object, fmt, rctx.warnings, query);
    }
    case 'deletecollection': {
      const fmt = format();
      const opts = await deleteOptions(ctx, req, query);
      if (opts.dryRun?.includes('All')) rctx.dryRun = true;
      const deleted = await ctx.objects.deleteCollection(def, ns, { selector: listSelector(def, query) }, opts, rctx);
      return writeFormatted(res, 200, { kind: def.listKind, apiVersion: apiVersionOf(def.group, def.version), metadata: {}, items: deleted }, fmt, rctx.warnings);
    }
    default:
      throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`, {});
  }
}

/**
 * Which state a list reads (etcd3 GetList's resourceVersion semantics): the current one (no resourceVersion: a
 * consistent read; "0", NotOlderThan, or the legacy form without a limit: once the store has reached the revision,
 * and the watch cache may answer), or the revision itself for Exact (also the legacy form with a limit). A continued
 * list brings its own.
 */
async function listRevision(ctx: ServerContext, opts: ListOptions): Promise<{ revision?: number; cached?: boolean }> {
  const rv = opts.resourceVersion;
  if (opts.continue) {
    if (rv && rv !== '0') throw errBadRequest('specifying resource version is not allowed when using continue');
    return {};
  }
  if (!rv) return {};
  await awaitRevision(ctx.store, rv);
  const exact = opts.resourceVersionMatch === EXACT || (!opts.resourceVersionMatch && opts.limit > 0 && rv !== '0');
  return exact ? { revision: parseResourceVersion(rv) } : { cached: true };
}

const LIST_END = Buffer.from(']}');

function listMeta(list: { resourceVersion: string; continue?: string; remainingItemCount?: number }) {
  return { resourceVersion: list.resourceVersion, ...(list.continue ? { continue: list.continue } : {}), ...(list.remainingItemCount ? { remainingItemCount: list.remainingItemCount } : {}) };
}

/**
 * Whether a subresource answers: the generic status, scale and namespaces/finalize paths, a subresource the kind's
 * strategy writes (pods/ephemeralcontainers), or a registered handler.
 */
export function subresourceServed(ctx: ServerContext, def: ResourceDef, sub: string): boolean {
  if (sub === 'status') return !!def.subresources.status;
  if (sub === 'scale') return !!def.subresources.scale;
  if (sub === 'finalize' && def.group === '' && def.resource === 'namespaces') return true;
  if (def.strategy.subresources?.[sub]) return true;
  return ctx.subresources.has(subresourceKey(def.group, def.resource, sub));
}

function requestContext(req: IncomingMessage, query: URLSearchParams, user: UserInfo): RequestContext {
  const dryRun = query.getAll('dryRun');
  for (const d of dryRun) if (d !== 'All') throw errBadRequest(`Invalid dryRun: ${JSON.stringify(d)}; supported values: "All"`);
  return {
    user,
    dryRun: dryRun.includes('All'),
    fieldManager: query.get('fieldManager') ?? managerFromUserAgent(req.headers['user-agent']),
    warnings: [],
  };
}

/** Upstream derives a default manager from the User-Agent up to the first '/' (e.g. `kubectl-edit`). */
export function managerFromUserAgent(ua: string | undefined): string {
  if (!ua) return 'unknown';
  const prefix = ua.split('/')[0];
  return prefix.slice(0, 128) || 'unknown';
}

function fieldValidation(query: URLSearchParams): 'Strict' | 'Warn' | 'Ignore' {
  const v = query.get('fieldValidation');
  if (v === null || v === '' || v === 'Warn') return 'Warn';
  if (v === 'Strict' || v === 'Ignore') return v;
  throw errBadRequest(`fieldValidation parameter unsupported: ${v}`);
}

/** Reads a create/update body and applies the fieldValidation directive to unknown fields. */
async function decodeObject(ctx: ServerContext, req: IncomingMessage, def: ResourceDef, query: URLSearchParams, warnings: string[]): Promise<KubeObject> {
  const raw = await readJsonBody(req);
  const obj = 'value' in raw ? raw.value : decodeObjectBody(req.headers['content-type'], raw, (b) => ctx.decodeProtobuf(b));
  noteAuditedRequestBody(req, obj);
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw errBadRequest('Object \'Kind\' is missing in the request body');
  // Repeated keys of a JSON body, as sigs.k8s.io/json's strict decoding reports them (not looked for under Ignore).
  const jsonBody = !('value' in raw) && ['', 'application/json'].includes(mediaType(req.headers['content-type']));
  const duplicates = jsonBody && fieldValidation(query) !== 'Ignore' ? scanJson(raw.toString('utf8'), { duplicates: true }) : [];
  checkFields(ctx, def, obj, query, warnings, { duplicates, decoding: true });
  return obj as KubeObject;
}

function checkFields(ctx: ServerContext, def: ResourceDef, obj: unknown, query: URLSearchParams, warnings: string[], opts: { keepNulls?: boolean; duplicates?: string[]; decoding?: boolean } = {}) {
  const typeError = ctx.schema.typeError(def, obj);
  // A body that does not decode into the kind's Go type: upstream's transformDecodeError names the kind.
  if (typeError) throw errBadRequest(opts.decoding ? `${def.kind} in version ${JSON.stringify(def.version)} cannot be handled as a ${def.kind}: ${typeError}` : typeError);
  // An applied configuration keeps its nulls: there they mean "remove this field".
  if (!opts.keepNulls) ctx.schema.normalizeNulls(def, obj);
  const mode = fieldValidation(query);
  if (mode === 'Strict') {
    const unknown = ctx.schema.unknownFields(def, obj);
    const errs = [...unknown.map(unknownFieldMessage), ...duplicateFieldMessages(opts.duplicates, unknown)];
    if (errs.length) throw errBadRequest(`strict decoding error: ${errs.join(', ')}`);
  } else {
    const removed = ctx.schema.pruneUnknown(def, obj);
    if (mode === 'Warn') warnings.push(...removed.map(unknownFieldMessage), ...duplicateFieldMessages(opts.duplicates, removed));
  }
}

/** `duplicate field "spec.replicas"`; a field both unknown and repeated is reported as unknown only, as upstream does for typed kinds. */
function duplicateFieldMessages(duplicates: string[] | undefined, unknown: string[]): string[] {
  if (!duplicates?.length) return [];
  const unknownSet = new Set(unknown);
  return [...new Set(duplicates)].filter((p) => !unknownSet.has(p)).map((p) => `duplicate field ${JSON.stringify(p)}`);
}

async function patchResource(ctx: ServerContext, req: IncomingMessage, def: ResourceDef, ns: string, name: string, sub: string, query: URLSearchParams, rctx: RequestContext): Promise<{ object: KubeObject; created: boolean }> {
  const type = PATCH_TYPES[mediaType(req.headers['content-type'])];
  if (!type) throw errUnsupportedMediaType(mediaType(req.headers['content-type']), Object.keys(PATCH_TYPES));
  if (type === 'strategic' && def.custom) {
    throw errUnsupportedMediaType(mediaType(req.headers['content-type']), Object.keys(PATCH_TYPES).filter((t) => !t.includes('strategic')));
  }
  const buf = await readBody(req);
  if (buf.length === 0) throw errBadRequest('the body of the request was empty');
  if (type !== 'apply') assertJsonDepth(buf);
  if (type === 'apply') {
    if (!query.get('fieldManager')) throw errBadRequest('PATCH, application/apply-patch+yaml requests must include a fieldManager query parameter');
    const applied = parseYamlBody(buf);
    if (applied === null || typeof applied !== 'object' || Array.isArray(applied)) throw errBadRequest('error decoding YAML: the applied configuration must be an object');
    if (sub === 'scale') throw errUnsupportedMediaType('application/apply-patch+yaml', ['application/json-patch+json', 'application/merge-patch+json']);
    checkFields(ctx, def, applied, query, rctx.warnings, { keepNulls: true });
    const force = boolParam(query, 'force') ?? false;
    const existed = await ctx.store.get(ctx.objects.keyFor(def, ns, name));
    const object = await ctx.objects.apply(def, ns, name, applied as KubeObject, rctx, force, sub);
    return { object, created: !existed };
  }
  const validation = fieldValidation(query);
  if (sub === 'scale') return { object: await patchScale(ctx, def, ns, name, type, buf, validation, rctx), created: false };
  // A resourceVersion inside a merge/strategic patch is a precondition, as upstream.
  let pre: string | undefined;
  if (type !== 'json') {
    const parsed = parseJsonBody(buf) as KubeObject | null;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw errBadRequest('error decoding patch: the patch must be a JSON object');
    const rv = parsed.metadata?.resourceVersion;
    pre = typeof rv === 'string' && rv ? rv : undefined;
  }
  const object = await ctx.objects.guaranteedUpdate(def, ns, name, rctx, sub, pre, (current) => {
    const patched = ctx.schema.patch(def, type, current, buf, validation) as KubeObject;
    if (patched === null || typeof patched !== 'object' || Array.isArray(patched)) throw errBadRequest('the patch produced a value that is not an object');
    checkPatchedIdentity(ctx.registry, def, ns, name, type, patched);
    rctx.warnings.length = 0;
    checkFields(ctx, def, patched, query, rctx.warnings);
    return patched;
  });
  return { object, created: false };
}


// ---- scale subresource (autoscaling/v1 Scale) ---------------------------------------------------------------

function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const seg of path.replace(/^\./, '').split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const segs = path.replace(/^\./, '').split('.');
  let cur = obj;
  for (const seg of segs.slice(0, -1)) {
    if (cur[seg] === null || typeof cur[seg] !== 'object') cur[seg] = {};
    cur = cur[seg] as Record<string, unknown>;
  }
  cur[segs[segs.length - 1]] = value;
}

export function scaleOf(def: ResourceDef, obj: KubeObject) {
  const s = def.subresources.scale!;
  const m = obj.metadata;
  let selector: string | undefined;
  if (s.selectorFromSpecMap) {
    const map = getPath(obj, '.spec.selector') as Record<string, string> | undefined;
    selector = map ? selectorFromSet(map).toString() : undefined;
  } else if (s.selectorFromSpec) {
    const ls = getPath(obj, '.spec.selector') as LabelSelector | undefined;
    selector = ls ? labelSelectorAsSelector(ls).toString() : undefined;
  } else if (s.labelSelectorPath) {
    const v = getPath(obj, s.labelSelectorPath);
    selector = typeof v === 'string' ? v : undefined;
  }
  const status: Record<string, unknown> = { replicas: Number(getPath(obj, s.statusReplicasPath) ?? 0) };
  if (selector) status.selector = selector;
  return {
    kind: 'Scale', apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: Number(getPath(obj, s.specReplicasPath) ?? 0) },
    status,
  };
}

async function decodeScale(ctx: ServerContext, req: IncomingMessage): Promise<KubeObject> {
  const obj = await readObjectBody(req, (b) => ctx.decodeProtobuf(b));
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw errBadRequest('the body of the request must be a Scale object');
  return obj as KubeObject;
}

/** A Scale body's checks (kind, spec.replicas an integer >= 0) as upstream's decoding and ValidateScale make them. */
function checkScale(name: string, scale: KubeObject): number {
  if (scale.kind !== undefined && scale.kind !== 'Scale') throw errBadRequest(`the kind in the data (${String(scale.kind)}) does not match the expected kind (Scale)`);
  const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas;
  if (replicas !== undefined && (typeof replicas !== 'number' || !Number.isInteger(replicas))) {
    throw errBadRequest(`Scale.autoscaling/v1 "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be an integer`);
  }
  if (typeof replicas === 'number' && replicas < 0) {
    throw new ApiError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${replicas}: must be greater than or equal to 0`,
      { name, group: 'autoscaling', kind: 'Scale', causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${replicas}: must be greater than or equal to 0`, field: 'spec.replicas' }] });
  }
  return replicas ?? 0; // autoscaling/v1 replicas is omitempty: absent means 0
}

function withReplicas(def: ResourceDef, current: KubeObject, replicas: number): KubeObject {
  setPath(current as Record<string, unknown>, def.subresources.scale!.specReplicasPath, replicas);
  return current;
}

/** PUT /scale: the Scale's resourceVersion, when it has one, is a precondition on the object. */
async function updateScale(ctx: ServerContext, def: ResourceDef, ns: string, name: string, scale: KubeObject, rctx: RequestContext): Promise<KubeObject> {
  const replicas = checkScale(name, scale);
  const pre = scale.metadata?.resourceVersion || undefined;
  return ctx.objects.guaranteedUpdate(def, ns, name, { ...rctx }, '', pre, (current) => withReplicas(def, current, replicas));
}

/**
 * PATCH /scale, as upstream's patcher: the patch applies to the Scale of the object read inside the update's retry
 * loop, so a write racing it only causes a retry. Only a resourceVersion the patch itself sets is a precondition.
 */
async function patchScale(
  ctx: ServerContext, def: ResourceDef, ns: string, name: string, type: Exclude<PatchType, 'apply'>, buf: Buffer,
  validation: 'Strict' | 'Warn' | 'Ignore', rctx: RequestContext,
): Promise<KubeObject> {
  return ctx.objects.guaranteedUpdate(def, ns, name, { ...rctx }, '', undefined, (current) => {
    const patched = ctx.schema.patch('scale', type, scaleOf(def, current), buf, validation) as KubeObject;
    const replicas = checkScale(name, patched);
    const rv = patched.metadata?.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) throw errConflict({ group: def.group, resource: def.resource }, name);
    return withReplicas(def, current, replicas);
  });
}

// ---- delete options ----------------------------------------------------------------------------------------

/** DeleteOptions from the body (JSON, YAML, or protobuf as client-go's typed clients send it) and the query. */
async function deleteOptions(ctx: ServerContext, req: IncomingMessage, query: URLSearchParams): Promise<DeleteOptions> {
  const body = await readJsonBody(req);
  let opts: DeleteOptions = {};
  if ('value' in body || body.length) {
    const parsed = 'value' in body ? body.value : decodeObjectBody(req.headers['content-type'], body, (b) => ctx.decodeProtobuf(b));
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) opts = parsed as DeleteOptions;
    else if (parsed !== null) throw errBadRequest('DeleteOptions must be an object');
    const kind = (parsed as { kind?: unknown } | null)?.kind;
    if (kind !== undefined && kind !== 'DeleteOptions') throw errBadRequest('decoded object cannot be converted to DeleteOptions');
  }
  const gp = int64Param(query, 'gracePeriodSeconds');
  if (gp !== undefined) opts.gracePeriodSeconds = gp;
  const pp = query.get('propagationPolicy');
  if (pp !== null) opts.propagationPolicy = pp as DeleteOptions['propagationPolicy'];
  const od = boolParam(query, 'orphanDependents');
  if (od !== undefined) opts.orphanDependents = od;
  if (query.getAll('dryRun').length) opts.dryRun = query.getAll('dryRun');
  if (opts.propagationPolicy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)) {
    throw new ApiError(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: ${JSON.stringify(opts.propagationPolicy)}: supported values: "Foreground", "Background", "Orphan"`,
      { kind: 'DeleteOptions', group: 'meta.k8s.io', causes: [{ reason: 'FieldValueNotSupported', field: 'propagationPolicy', message: `Unsupported value: ${JSON.stringify(opts.propagationPolicy)}: supported values: "Foreground", "Background", "Orphan"` }] });
  }
  if (opts.propagationPolicy !== undefined && opts.orphanDependents !== undefined) {
    throw new ApiError(422, 'Invalid', 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "' + opts.propagationPolicy + '": orphanDependents and deletionPropagation cannot be both set', { kind: 'DeleteOptions', group: 'meta.k8s.io' });
  }
  if (opts.gracePeriodSeconds !== undefined && (typeof opts.gracePeriodSeconds !== 'number' || opts.gracePeriodSeconds < 0)) {
    if (typeof opts.gracePeriodSeconds !== 'number') throw errBadRequest('gracePeriodSeconds must be an integer');
    opts.gracePeriodSeconds = 1; // negative values mean "immediately but gracefully", as upstream treats them (=1s).
  }
  return opts;
}

// ---- selectors ---------------------------------------------------------------------------------------------

export function listSelector(def: ResourceDef, query: URLSearchParams, name = ''): ListSelector | undefined {
  let labels: Selector | undefined;
  let fields: FieldSelector | undefined;
  const ls = query.get('labelSelector');
  const fs = query.get('fieldSelector');
  try {
    if (ls) labels = parseSelector(ls);
  } catch (e) {
    if (e instanceof SelectorError) throw errBadRequest(`unable to parse requirement: ${e.message}`.replace('unable to parse requirement: unable to parse requirement: ', 'unable to parse requirement: '));
    throw e;
  }
  try {
    if (fs) fields = parseFieldSelector(fs);
  } catch (e) {
    if (e instanceof FieldSelectorError) throw errBadRequest(e.message);
    throw e;
  }
  if (name) {
    const byName = parseFieldSelector(`metadata.name=${name}`);
    fields = fields ? new FieldSelector([...fields.requirements, ...byName.requirements]) : byName;
  }
  if (fields && !fields.empty()) {
    const supported = supportedFieldLabels(def);
    const bad = unsupportedFieldLabel(fields, supported);
    if (bad) throw errBadRequest(bad);
  }
  if ((!labels || labels.empty()) && (!fields || fields.empty())) return undefined;
  return {
    matches(obj: KubeObject) {
      if (labels && !labels.matches(obj.metadata.labels ?? {})) return false;
      if (fields && !fields.empty()) {
        const set = objectMetaFieldsSet(obj.metadata, def.namespaced, def.strategy.selectableFields?.(obj));
        if (!fields.matches(set)) return false;
      }
      return true;
    },
  };
}

const supportedCache = new WeakMap<ResourceDef, string[]>();

function supportedFieldLabels(def: ResourceDef): string[] {
  let s = supportedCache.get(def);
  if (!s) {
    const probe: KubeObject = { metadata: { name: '', namespace: '' }, spec: {}, status: {}, involvedObject: {}, source: {}, regarding: {} };
    let extra: string[] = [];
    try {
      extra = Object.keys(def.strategy.selectableFields?.(probe) ?? {});
    } catch {
      extra = [];
    }
    s = ['metadata.name', ...(def.namespaced ? ['metadata.namespace'] : []), ...extra];
    supportedCache.set(def, s);
  }
  return s;
}

// ---- responses ---------------------------------------------------------------------------------------------

function partialMetadata(obj: KubeObject, version: string) {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

function respondObject(ctx: ServerContext, res: ServerResponse, def: ResourceDef, code: number, obj: KubeObject, fmt: ResponseFormat, warnings: string[], query: URLSearchParams) {
  if (fmt.kind === 'table') {
    return writeFormatted(res, code, toTableResponse(ctx, def, [obj], query, { resourceVersion: obj.metadata.resourceVersion }, fmt.version), fmt, warnings);
  }
  if (fmt.kind === 'partial') return writeFormatted(res, code, partialMetadata(obj, fmt.version), fmt, warnings);
  return writeFormatted(res, code, obj, fmt, warnings);
}

