// Path items and operations of a group-version document, shaped like upstream's: every operation carries
// x-kubernetes-action and x-kubernetes-group-version-kind, and query parameters are inlined (kubectl's
// client-side validation looks for a parameter *named* fieldValidation on the PATCH operation of a kind).
import { gvkExtension, schemaRef, type JsonSchema } from './schemas.js';

export interface GVK {
  group: string;
  version: string;
  kind: string;
}

type ParamType = 'string' | 'integer' | 'boolean';

function queryParam(name: string, type: ParamType, description: string): JsonSchema {
  return { name, in: 'query', description, schema: { type, uniqueItems: true } };
}

function pathParam(name: string, description: string): JsonSchema {
  return { name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } };
}

const P = {
  pretty: queryParam('pretty', 'string', "If 'true', the output is indented."),
  dryRun: queryParam('dryRun', 'string', "'All' runs every stage of the request without persisting the result."),
  fieldManager: queryParam('fieldManager', 'string', 'Name of the actor making the change, recorded in managedFields.'),
  fieldValidation: queryParam(
    'fieldValidation',
    'string',
    'How unknown or duplicate fields in the body are handled: Ignore, Warn (default) or Strict.',
  ),
  force: queryParam('force', 'boolean', 'For apply requests: take ownership of conflicting fields from other managers.'),
  gracePeriodSeconds: queryParam('gracePeriodSeconds', 'integer', 'Seconds before the object is deleted.'),
  ignoreStoreReadError: queryParam(
    'ignoreStoreReadErrorWithClusterBreakingPotential',
    'boolean',
    'Delete objects that cannot be read from storage. Dangerous.',
  ),
  orphanDependents: queryParam('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy.'),
  propagationPolicy: queryParam('propagationPolicy', 'string', 'Orphan, Background or Foreground garbage collection.'),
  allowWatchBookmarks: queryParam('allowWatchBookmarks', 'boolean', 'Ask for BOOKMARK events in a watch.'),
  continue: queryParam('continue', 'string', 'Token from a previous paginated list to fetch the next page.'),
  fieldSelector: queryParam('fieldSelector', 'string', 'Restrict results by field values.'),
  labelSelector: queryParam('labelSelector', 'string', 'Restrict results by labels.'),
  limit: queryParam('limit', 'integer', 'Maximum number of items in one page.'),
  resourceVersion: queryParam('resourceVersion', 'string', 'Which resource version the request may be served at.'),
  resourceVersionMatch: queryParam('resourceVersionMatch', 'string', 'How resourceVersion is matched: Exact or NotOlderThan.'),
  sendInitialEvents: queryParam('sendInitialEvents', 'boolean', 'Start a watch with synthetic ADDED events for existing objects.'),
  timeoutSeconds: queryParam('timeoutSeconds', 'integer', 'Time limit of the list or watch call.'),
  watch: queryParam('watch', 'boolean', 'Watch for changes instead of listing.'),
  name: (kind: string) => pathParam('name', `name of the ${kind}`),
  namespace: pathParam('namespace', 'object name and auth scope, such as for teams and projects'),
};

const LIST_PARAMS = [
  P.allowWatchBookmarks, P.continue, P.fieldSelector, P.labelSelector, P.limit, P.resourceVersion,
  P.resourceVersionMatch, P.sendInitialEvents, P.timeoutSeconds, P.watch,
];
const WRITE_PARAMS = [P.dryRun, P.fieldManager, P.fieldValidation];
const DELETE_PARAMS = [P.dryRun, P.gracePeriodSeconds, P.ignoreStoreReadError, P.orphanDependents, P.propagationPolicy];
const DELETE_COLLECTION_PARAMS = [
  P.continue, P.dryRun, P.fieldSelector, P.gracePeriodSeconds, P.ignoreStoreReadError, P.labelSelector, P.limit,
  P.orphanDependents, P.propagationPolicy, P.resourceVersion, P.resourceVersionMatch, P.sendInitialEvents,
  P.timeoutSeconds,
];

const OBJECT_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const LIST_TYPES = [
  ...OBJECT_TYPES,
  'application/json;stream=watch',
  'application/vnd.kubernetes.protobuf;stream=watch',
];
export const PATCH_TYPES = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];

const STATUS = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';
const DELETE_OPTIONS = 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions';
const PATCH = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch';

function content(types: string[], schemaName: string): JsonSchema {
  return Object.fromEntries(types.map((t) => [t, { schema: { $ref: schemaRef(schemaName) } }]));
}

function responses(codes: Record<string, string>, schemaName: string, types = OBJECT_TYPES): JsonSchema {
  const out: JsonSchema = {};
  for (const [code, description] of Object.entries(codes)) {
    out[code] = { description, content: content(types, schemaName) };
  }
  out['401'] = { description: 'Unauthorized' };
  return out;
}

const OK = { '200': 'OK' };
const OK_CREATED = { '200': 'OK', '201': 'Created' };
const OK_CREATED_ACCEPTED = { '200': 'OK', '201': 'Created', '202': 'Accepted' };
const OK_ACCEPTED = { '200': 'OK', '202': 'Accepted' };

/** `rbac.authorization.k8s.io` + v1 → `RbacAuthorizationV1`, '' → `CoreV1`: upstream's operationId infix. */
export function operationGroupName(group: string, version: string): string {
  const base = group === '' ? 'core' : group.replace(/\.k8s\.io$/, '').replace(/\.io$/, '');
  const camel = base
    .split(/[.-]/)
    .filter((s) => s !== '')
    .map((s, i) => (i === 0 ? s : s[0]!.toUpperCase() + s.slice(1)))
    .join('');
  return camel[0]!.toUpperCase() + camel.slice(1) + version[0]!.toUpperCase() + version.slice(1);
}

/** `apps_v1`, `rbacAuthorization_v1`, `core_v1`. */
export function operationTag(group: string, version: string): string {
  const name = operationGroupName(group, version);
  const groupPart = name.slice(0, name.length - version.length);
  return `${groupPart[0]!.toLowerCase()}${groupPart.slice(1)}_${version}`;
}

interface OperationInput {
  action: string;
  verbPrefix: string; // read, list, create, replace, patch, delete, deletecollection
  description: string;
  gvk: GVK;
  params?: JsonSchema[];
  requestBody?: JsonSchema;
  responses: JsonSchema;
  idSuffix?: string;
}

function operation(ctx: OperationContext, op: OperationInput): JsonSchema {
  const out: JsonSchema = {
    tags: [ctx.tag],
    description: op.description,
    operationId: `${op.verbPrefix}${ctx.groupName}${op.idSuffix ?? ''}`,
  };
  if (op.params && op.params.length > 0) out.parameters = op.params;
  if (op.requestBody) out.requestBody = op.requestBody;
  out.responses = op.responses;
  out['x-kubernetes-action'] = op.action;
  out['x-kubernetes-group-version-kind'] = gvkExtension(op.gvk);
  return out;
}

interface OperationContext {
  tag: string;
  groupName: string;
}

function bodyOf(schemaName: string): JsonSchema {
  return { content: { '*/*': { schema: { $ref: schemaRef(schemaName) } } }, required: true };
}

function patchBody(strategicMergePatch: boolean): JsonSchema {
  const types = strategicMergePatch ? PATCH_TYPES : PATCH_TYPES.filter((t) => !t.includes('strategic'));
  return { content: content(types, PATCH), required: true };
}

export interface ResourcePathsInput {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  schemaName: string;
  listSchemaName: string;
  strategicMergePatch: boolean;
  status: boolean;
  scale?: { schemaName: string; gvk: GVK };
  /** Served verbs; an operation appears only for a verb served (create-only reviews have just the POST). */
  verbs?: readonly string[];
}

/** The operations of a path item whose verbs are served, with its parameters; undefined when none are. */
function pathItem(operations: Record<string, JsonSchema | false>, parameters: JsonSchema[]): JsonSchema | undefined {
  const served = Object.entries(operations).filter((e): e is [string, JsonSchema] => e[1] !== false);
  return served.length ? { ...Object.fromEntries(served), parameters } : undefined;
}

/** Every path item of one resource: collection, item, all-namespaces list, and status/scale subresources. */
export function resourcePaths(input: ResourcePathsInput): Record<string, JsonSchema> {
  const { group, version, resource, kind, namespaced } = input;
  const ctx: OperationContext = { tag: operationTag(group, version), groupName: operationGroupName(group, version) };
  const gvk: GVK = { group, version, kind };
  const root = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  const scope = namespaced ? `/namespaces/{namespace}` : '';
  const collectionPath = `${root}${scope}/${resource}`;
  const itemPath = `${collectionPath}/{name}`;
  const nsId = namespaced ? 'Namespaced' : '';
  const paths: Record<string, JsonSchema> = {};
  const scopeParams = namespaced ? [P.namespace] : [];

  const serves = (verb: string) => !input.verbs || input.verbs.includes(verb);
  const set = (path: string, item: JsonSchema | undefined) => {
    if (item) paths[path] = item;
  };

  set(collectionPath, pathItem({
    get: serves('list') && operation(ctx, {
      action: 'list', verbPrefix: 'list', idSuffix: `${nsId}${kind}`, gvk,
      description: `list or watch objects of kind ${kind}`, params: LIST_PARAMS,
      responses: responses(OK, input.listSchemaName, LIST_TYPES),
    }),
    post: serves('create') && operation(ctx, {
      action: 'post', verbPrefix: 'create', idSuffix: `${nsId}${kind}`, gvk, description: `create a ${kind}`,
      params: WRITE_PARAMS, requestBody: bodyOf(input.schemaName),
      responses: responses(OK_CREATED_ACCEPTED, input.schemaName),
    }),
    delete: serves('deletecollection') && operation(ctx, {
      action: 'deletecollection', verbPrefix: 'delete', idSuffix: `Collection${nsId}${kind}`, gvk,
      description: `delete collection of ${kind}`, params: DELETE_COLLECTION_PARAMS, requestBody: deleteBody(),
      responses: responses(OK, STATUS),
    }),
  }, [...scopeParams, P.pretty]));

  set(itemPath, pathItem({
    get: serves('get') && operation(ctx, {
      action: 'get', verbPrefix: 'read', idSuffix: `${nsId}${kind}`, gvk, description: `read the specified ${kind}`,
      responses: responses(OK, input.schemaName),
    }),
    put: serves('update') && operation(ctx, {
      action: 'put', verbPrefix: 'replace', idSuffix: `${nsId}${kind}`, gvk,
      description: `replace the specified ${kind}`, params: WRITE_PARAMS, requestBody: bodyOf(input.schemaName),
      responses: responses(OK_CREATED, input.schemaName),
    }),
    patch: serves('patch') && operation(ctx, {
      action: 'patch', verbPrefix: 'patch', idSuffix: `${nsId}${kind}`, gvk,
      description: `partially update the specified ${kind}`, params: [...WRITE_PARAMS, P.force],
      requestBody: patchBody(input.strategicMergePatch), responses: responses(OK_CREATED, input.schemaName),
    }),
    delete: serves('delete') && operation(ctx, {
      action: 'delete', verbPrefix: 'delete', idSuffix: `${nsId}${kind}`, gvk, description: `delete a ${kind}`,
      params: DELETE_PARAMS, requestBody: deleteBody(), responses: responses(OK_ACCEPTED, STATUS),
    }),
  }, [P.name(kind), ...scopeParams, P.pretty]));

  if (namespaced && serves('list')) {
    paths[`${root}/${resource}`] = {
      get: operation(ctx, {
        action: 'list', verbPrefix: 'list', idSuffix: `${kind}ForAllNamespaces`, gvk,
        description: `list or watch objects of kind ${kind}`,
        responses: responses(OK, input.listSchemaName, LIST_TYPES),
      }),
      parameters: [...LIST_PARAMS, P.pretty],
    };
  }

  if (input.status) {
    paths[`${itemPath}/status`] = subresourceItem(ctx, 'status', 'Status', gvk, input.schemaName, kind, nsId,
      input.strategicMergePatch, [P.name(kind), ...scopeParams, P.pretty]);
  }
  if (input.scale) {
    paths[`${itemPath}/scale`] = subresourceItem(ctx, 'scale', 'Scale', input.scale.gvk, input.scale.schemaName, kind,
      nsId, true, [P.name('Scale'), ...scopeParams, P.pretty]);
  }
  return paths;
}

function deleteBody(): JsonSchema {
  return { content: { '*/*': { schema: { $ref: schemaRef(DELETE_OPTIONS) } } } };
}

/** GET/PUT/PATCH of a subresource that reads and writes `schemaName` objects. */
function subresourceItem(
  ctx: OperationContext, sub: string, suffix: string, gvk: GVK, schemaName: string, kind: string, nsId: string,
  strategicMergePatch: boolean, parameters: JsonSchema[],
): JsonSchema {
  const id = `${nsId}${kind}${suffix}`;
  return {
    get: operation(ctx, {
      action: 'get', verbPrefix: 'read', idSuffix: id, gvk, description: `read ${sub} of the specified ${kind}`,
      responses: responses(OK, schemaName),
    }),
    put: operation(ctx, {
      action: 'put', verbPrefix: 'replace', idSuffix: id, gvk, description: `replace ${sub} of the specified ${kind}`,
      params: WRITE_PARAMS, requestBody: bodyOf(schemaName), responses: responses(OK_CREATED, schemaName),
    }),
    patch: operation(ctx, {
      action: 'patch', verbPrefix: 'patch', idSuffix: id, gvk,
      description: `partially update ${sub} of the specified ${kind}`, params: [...WRITE_PARAMS, P.force],
      requestBody: patchBody(strategicMergePatch), responses: responses(OK_CREATED, schemaName),
    }),
    parameters,
  };
}
