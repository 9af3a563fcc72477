// Generic REST semantics for every resource, after upstream's k8s.io/apiserver/pkg/registry/generic/registry/store.go:
// create (generateName, system fields, defaults, admission, validation), update with optimistic concurrency and
// status/spec separation, graceful deletion with finalizers (orphan / foregroundDeletion), and list/watch filtering.
import { ApiError, errAlreadyExists, errBadRequest, errConflict, errExpired, errInternal, errInvalid, errNotFound, isNotFound } from '../apimachinery/errors.js';
import { FieldError, GoSyntax, invalid, required } from '../apimachinery/field-errors.js';
import { apiVersionOf, GroupResource, KubeObject } from '../apimachinery/types.js';
import { keyFor, prefixFor } from '../storage/helpers.js';
import { Store, StorageError, StoredObject, StoreEvent, Watcher } from '../storage/interface.js';
import {
  carrySystemFieldsOnUpdate, cloneWith, copyExcept, copyOnly, deepClone, fillSystemFieldsOnCreate, generateName, jsonEqual, setOrDelete, specChanged,
} from './object-meta.js';
import { ResourceRegistry } from './registry.js';
import { AdmissionAttributes, AdmissionOperation, AdmissionPlugin, ResourceDef } from './types.js';
import type { UserInfo } from '../api/identity.js';
import { rfc3339 } from '../apimachinery/time.js';

export interface RequestContext {
  user: UserInfo;
  dryRun: boolean;
  /** `fieldManager` query parameter, or derived from the User-Agent. */
  fieldManager: string;
  /** Warnings to return as `Warning: 299` headers. */
  warnings: string[];
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

/** Hooks into managedFields tracking (server-side apply), supplied by the server. */
export interface FieldManager {
  /** Records an Update (or create) by `manager`; returns the object with managedFields set. */
  update(def: ResourceDef, oldObj: KubeObject | undefined, newObj: KubeObject, manager: string, subresource: string): KubeObject;
  /** Server-side apply of `applied` onto `live` (undefined: create). Throws a 409 on conflicts unless force. */
  apply(def: ResourceDef, live: KubeObject | undefined, applied: KubeObject, manager: string, force: boolean): KubeObject;
}

/** ObjectMeta validation shared by all kinds (names, labels, annotations, owner references). */
export interface MetaValidator {
  validateCreate(def: ResourceDef, obj: KubeObject): FieldError[];
  validateUpdate(def: ResourceDef, obj: KubeObject, old: KubeObject): FieldError[];
}

export interface ListSelector {
  /** True if the object passes the label and field selectors. */
  matches(obj: KubeObject, def: ResourceDef): boolean;
}

export interface ListOptions {
  selector?: ListSelector;
  limit?: number;
  /** A continue token from an earlier page: the list goes on at that page's revision (one snapshot). */
  continue?: string;
  /** Read the state at this revision (resourceVersionMatch=Exact) instead of the current one. */
  revision?: number;
  /** The current state may come from the watch cache (resourceVersion "0" or NotOlderThan, once reached). */
  cached?: boolean;
}

export interface ListResponse<T = KubeObject> {
  items: T[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface WatchOptions {
  selector?: ListSelector;
  /**
   * Where the watch starts. Without sendInitialEvents: '' or '0' sends the current state as ADDED first (the legacy
   * start), anything else replays the events after that revision.
   */
  resourceVersion: string;
  /**
   * WatchList: true sends the current state as ADDED first whatever resourceVersion says (the caller checked that
   * it is at least as new), false starts at resourceVersion ('' or '0': now) without any initial state.
   */
  sendInitialEvents?: boolean;
  /** Called once the initial state is out, with the revision it was read at (before any later event). */
  onInitialEventsEnd?: (revision: number) => void;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface GenericStoreDeps {
  store: Store;
  registry: ResourceRegistry;
  admission?: AdmissionPlugin[];
  fieldManager?: FieldManager;
  metaValidator?: MetaValidator;
  now?: () => Date;
}

/** Hooks that give a kind graceful deletion (pods): the grace period to use, or 0 to delete at once. */
export type GracePeriodFn = (obj: KubeObject, requested: number | undefined) => number;

/**
 * Kind-specific deletion that waits on something other than metadata.finalizers (a namespace waits for its
 * spec.finalizers). May mutate the object (e.g. status.phase Terminating); returns true while deletion must wait.
 */
export type BeforeDeleteFn = (obj: KubeObject) => boolean;

const MAX_UPDATE_RETRIES = 16;
/** Of a status write's body only these survive (the rest is taken from the stored object). */
const STATUS_WRITE_KEEPS = new Set(['metadata', 'status']);
/** A main-resource write of a kind with a status subresource keeps the stored status, whatever the body says. */
const MAIN_WRITE_DROPS = new Set(['status']);

export class GenericStore {
  private readonly store: Store;
  private readonly admission: AdmissionPlugin[];
  private readonly now: () => Date;
  readonly gracePeriods = new Map<string, GracePeriodFn>();
  readonly beforeDelete = new Map<string, BeforeDeleteFn>();

  constructor(private readonly deps: GenericStoreDeps) {
    this.store = deps.store;
    this.admission = [...(deps.admission ?? [])];
    this.now = deps.now ?? (() => new Date());
  }

  /** Adds an admission plugin (plugins may need the store themselves, so they are added after construction). */
  useAdmission(plugin: AdmissionPlugin): void {
    this.admission.push(plugin);
  }

  // ---- keys ------------------------------------------------------------------------------------------------

  groupResource(def: ResourceDef): GroupResource {
    return { group: def.group, resource: def.resource };
  }

  keyFor(def: ResourceDef, namespace: string, name: string): string {
    const sr = def.storageResource ?? def;
    return keyFor(sr.group, sr.resource, def.namespaced ? namespace : undefined, name);
  }

  prefixFor(def: ResourceDef, namespace: string): string {
    const sr = def.storageResource ?? def;
    return prefixFor(sr.group, sr.resource, def.namespaced && namespace ? namespace : undefined);
  }

  // ---- reads -----------------------------------------------------------------------------------------------

  /** `cached`: the object may come from the watch cache (GET with a resourceVersion, once the cache reached it). */
  async get(def: ResourceDef, namespace: string, name: string, opts: { cached?: boolean } = {}): Promise<KubeObject> {
    const cur = await this.store.get(this.keyFor(def, namespace, name), opts.cached ? { cached: true } : undefined);
    if (!cur) throw errNotFound(this.groupResource(def), name);
    return this.present(def, cur.value);
  }

  /**
   * LIST, as upstream's etcd3 GetList: the current state, or the one at `opts.revision`; a continued list reads at
   * the revision its first page was read at (carried in the token), so all pages are one snapshot. A revision
   * compacted away is a 410; for a continued list the 410 carries a token that goes on at the current state.
   */
  async list(def: ResourceDef, namespace: string, opts: ListOptions = {}): Promise<ListResponse> {
    return this.collect(def, namespace, opts, (item) => {
      const shown = this.present(def, item.value);
      return opts.selector && !opts.selector.matches(shown, def) ? undefined : shown;
    });
  }

  /**
   * list() as the JSON texts of the items, as they would serialise: the stored texts where the kind is stored as
   * served (no conversion), so a JSON LIST is spliced from storage without parsing an item (unless a selector must
   * look at it) or serialising it again.
   */
  async listTexts(def: ResourceDef, namespace: string, opts: ListOptions = {}): Promise<ListResponse<string>> {
    const storedAsServed = !def.conversion && !def.storageResource;
    return this.collect(def, namespace, opts, (item) => {
      if (opts.selector && !opts.selector.matches(this.present(def, item.value), def)) return undefined;
      return storedAsServed && item.text !== undefined ? item.text : JSON.stringify(this.present(def, item.value));
    });
  }

  /**
   * list() as a JSON list's items already joined (`a,b,c` as UTF-8 bytes, in pieces), for a response spliced from storage.
   * Without a selector, at the current state, of a kind stored as served, the store joins the stored texts itself;
   * otherwise the texts of listTexts() are joined.
   */
  async listJoined(def: ResourceDef, namespace: string, opts: ListOptions = {}): Promise<Omit<ListResponse, 'items'> & { items: Buffer[]; count: number }> {
    const prefix = this.prefixFor(def, namespace);
    const token = opts.continue ? decodeContinue(opts.continue, prefix) : undefined;
    const at = token ? token.rv : opts.revision;
    const current = this.store.currentRevision();
    const atCurrent = at === undefined || at === -1 || at >= current;
    if (this.store.joinedValues && !opts.selector && !def.conversion && !def.storageResource && atCurrent) {
      const joined = await this.store.joinedValues(prefix, { limit: opts.limit && opts.limit > 0 ? opts.limit : undefined, continueAfter: token?.key });
      const res: Omit<ListResponse, 'items'> & { items: Buffer[]; count: number } = { items: joined.chunks, count: joined.count, resourceVersion: String(joined.revision) };
      if (joined.continueAfter) {
        res.continue = encodeContinue(joined.revision, joined.continueAfter, prefix);
        if (joined.remaining) res.remainingItemCount = joined.remaining;
      }
      return res;
    }
    const texts = await this.listTexts(def, namespace, opts);
    return { ...texts, items: [Buffer.from(texts.items.join(','))], count: texts.items.length };
  }

  /** The list loop: `pick` gives what an item contributes, or undefined when the selector leaves it out. */
  private async collect<T>(def: ResourceDef, namespace: string, opts: ListOptions, pick: (item: StoredObject) => T | undefined): Promise<ListResponse<T>> {
    const prefix = this.prefixFor(def, namespace);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const token = opts.continue ? decodeContinue(opts.continue, prefix) : undefined;
    let continueAfter = token?.key;
    // A token's revision -1 (from a 410's hint) continues at the current state.
    const at = token ? (token.rv > 0 ? token.rv : undefined) : opts.revision;
    const items: T[] = [];
    let revision = 0;
    let remaining: number | undefined;
    let next: string | undefined;
    // Keep reading pages until the limit is filled with matching objects, as upstream's chunked list does.
    for (;;) {
      let page: Awaited<ReturnType<Store['list']>>;
      try {
        const cached = !!opts.cached && !revision && at === undefined;
        page = await this.store.list(prefix, { limit: limit ? Math.max(limit - items.length, 1) * 2 : 0, continueAfter, revision: revision || at, cached });
      } catch (e) {
        if (!(e instanceof StorageError && e.code === 'Expired')) throw e;
        if (!token) throw errExpired('The resourceVersion for the provided list is too old.');
        const expired = errExpired(INCONSISTENT_CONTINUE);
        expired.listMeta = { continue: encodeContinue(-1, token.key, prefix) };
        throw expired;
      }
      revision ||= page.revision;
      let lastKey: string | undefined;
      let cut = false;
      for (const item of page.items) {
        lastKey = item.key;
        const picked = pick(item);
        if (picked === undefined) continue;
        items.push(picked);
        if (limit && items.length >= limit) {
          cut = item !== page.items[page.items.length - 1] || page.continueAfter !== undefined;
          break;
        }
      }
      if (cut) {
        next = lastKey;
        remaining = opts.selector ? undefined : (page.remaining ?? 0) + page.items.length - page.items.findIndex((i) => i.key === lastKey) - 1;
        break;
      }
      if (!page.continueAfter) break;
      continueAfter = page.continueAfter;
    }
    const res: ListResponse<T> = { items, resourceVersion: String(revision || this.store.currentRevision()) };
    if (next) {
      res.continue = encodeContinue(revision, next, prefix);
      if (remaining !== undefined && remaining > 0) res.remainingItemCount = remaining;
    }
    return res;
  }

  /**
   * Streams events. With resourceVersion '' or '0' the current state is replayed as ADDED first. Objects that
   * leave the selector are reported DELETED and ones that enter it ADDED, as upstream's watch cache does.
   */
  async watch(def: ResourceDef, namespace: string, opts: WatchOptions, onEvent: (type: WatchEventType, obj: KubeObject) => void): Promise<Watcher> {
    const prefix = this.prefixFor(def, namespace);
    let from: number;
    const matches = (o: KubeObject | undefined) => !!o && (!opts.selector || opts.selector.matches(def.conversion ? def.conversion.fromStorage(o) : o, def));
    const fromNow = opts.resourceVersion === '' || opts.resourceVersion === '0';
    if (opts.sendInitialEvents ?? fromNow) {
      // A consistent read unless the client named a revision it already has (then the watch cache may answer).
      const initial = await this.store.list(prefix, { cached: opts.resourceVersion !== '' });
      from = initial.revision;
      for (const item of initial.items) if (matches(item.value)) onEvent('ADDED', this.present(def, item.value));
      opts.onInitialEventsEnd?.(from);
    } else {
      from = fromNow ? this.store.currentRevision() : parseResourceVersion(opts.resourceVersion);
    }
    try {
      return this.store.watch(prefix, from, (ev: StoreEvent) => {
        const now = matches(ev.object);
        if (ev.type === 'ADDED') {
          if (now) onEvent('ADDED', this.present(def, ev.object));
        } else if (ev.type === 'DELETED') {
          // Without a selector every object matches: the previous value (parsed on demand) is not needed.
          if (!opts.selector || matches(ev.prevObject ?? ev.object)) onEvent('DELETED', this.present(def, ev.object));
        } else {
          const before = opts.selector && ev.prevObject ? matches(ev.prevObject) : now;
          if (now && before) onEvent('MODIFIED', this.present(def, ev.object));
          else if (now) onEvent('ADDED', this.present(def, ev.object));
          else if (before) onEvent('DELETED', this.present(def, ev.object));
        }
      });
    } catch (e) {
      if (e instanceof StorageError && e.code === 'Expired') {
        throw errExpired(`too old resource version: ${from} (${this.store.compactedRevision() + 1})`);
      }
      throw e;
    }
  }

  // ---- writes ----------------------------------------------------------------------------------------------

  async create(def: ResourceDef, namespace: string, input: KubeObject, ctx: RequestContext, opts: { fromApply?: boolean } = {}): Promise<KubeObject> {
    const obj = input;
    this.checkTypeMeta(def, obj);
    obj.metadata ??= {};
    this.checkNamespace(def, namespace, obj);
    if (def.namespaced) obj.metadata.namespace = namespace;
    else delete obj.metadata.namespace;
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = generateName(obj.metadata.generateName);
    if (!obj.metadata.name) {
      throw errInvalid(def.group, def.kind, '', [required('metadata.name', 'name or generateName is required')]);
    }
    fillSystemFieldsOnCreate(obj, this.now(), def.tracksGeneration);
    def.strategy.defaults?.(obj);
    def.strategy.prepareForCreate?.(obj, ctx.user);
    await this.admit('CREATE', def, namespace, obj.metadata.name, '', obj, undefined, ctx);
    this.validate(def, obj, undefined, '');
    ctx.warnings.push(...(def.strategy.warnings?.(obj) ?? []));
    let out = obj;
    if (this.deps.fieldManager && !opts.fromApply) out = this.deps.fieldManager.update(def, undefined, obj, ctx.fieldManager, '');
    if (ctx.dryRun) return this.present(def, this.toStorage(def, out));
    try {
      const stored = await this.store.create(this.keyFor(def, namespace, obj.metadata.name), this.toStorage(def, out));
      return this.present(def, stored.value);
    } catch (e) {
      if (e instanceof StorageError && e.code === 'KeyExists') throw errAlreadyExists(this.groupResource(def), obj.metadata.name);
      throw e;
    }
  }

  /** PUT of the main resource or a subresource ('status'). */
  async update(def: ResourceDef, namespace: string, name: string, input: KubeObject, ctx: RequestContext, subresource = ''): Promise<KubeObject> {
    this.checkTypeMeta(def, input);
    input.metadata ??= {};
    this.checkNamespace(def, namespace, input);
    if (input.metadata.name !== undefined && input.metadata.name !== name) {
      throw errBadRequest(`the name of the object (${input.metadata.name}) does not match the name on the URL (${name})`);
    }
    const precondition = input.metadata.resourceVersion || undefined;
    // Every attempt starts from a fresh copy of the body (an attempt edits it), but not of the parts it replaces.
    const copyInput = subresource === 'status' ? () => copyOnly(input, STATUS_WRITE_KEEPS)
      : subresource === '' && def.subresources.status ? () => copyExcept(input, MAIN_WRITE_DROPS)
      : () => deepClone(input);
    if (precondition !== undefined) return this.updateAttempts(def, namespace, name, ctx, subresource, precondition, copyInput);
    // No resourceVersion: an unconditional update where the kind allows it (the body takes the stored revision, as
    // upstream's store.Update does), otherwise upstream's 422, which names the resource where the kind would be.
    return this.updateAttempts(def, namespace, name, ctx, subresource, undefined, (old) => {
      if (!def.unconditionalUpdate) {
        throw errInvalid(def.group, def.resource, name, [invalid('metadata.resourceVersion', new GoSyntax('0x0'), 'must be specified for an update')]);
      }
      const obj = copyInput();
      obj.metadata = { ...obj.metadata, resourceVersion: old.metadata.resourceVersion };
      return obj;
    });
  }

  /**
   * Read-modify-write with retries on storage conflicts. `mutate` receives the stored object (a copy) and returns
   * the desired object. When the caller named a resourceVersion (precondition) a mismatch is a 409, never retried.
   */
  async guaranteedUpdate(
    def: ResourceDef, namespace: string, name: string, ctx: RequestContext, subresource: string,
    precondition: string | undefined, mutate: (current: KubeObject) => KubeObject | Promise<KubeObject>,
    opts: { manager?: 'apply' } = {},
  ): Promise<KubeObject> {
    return this.updateAttempts(def, namespace, name, ctx, subresource, precondition, (old) => mutate(deepClone(old)), opts);
  }

  /** guaranteedUpdate's loop; `desired` gets the stored object itself and must not modify it. */
  private async updateAttempts(
    def: ResourceDef, namespace: string, name: string, ctx: RequestContext, subresource: string,
    precondition: string | undefined, desired: (old: KubeObject) => KubeObject | Promise<KubeObject>,
    opts: { manager?: 'apply' } = {},
  ): Promise<KubeObject> {
    const key = this.keyFor(def, namespace, name);
    const gr = this.groupResource(def);
    for (let attempt = 0; ; attempt++) {
      const cur = await this.store.get(key);
      if (!cur) throw errNotFound(gr, name);
      if (precondition !== undefined && precondition !== cur.value.metadata.resourceVersion) throw errConflict(gr, name);
      const old = def.conversion ? def.conversion.fromStorage(cur.value) : cur.value;
      let obj = await desired(old);
      obj.metadata ??= {};
      obj.metadata.name = name;
      if (def.namespaced) obj.metadata.namespace = namespace;
      if (obj.metadata.uid && obj.metadata.uid !== old.metadata.uid) {
        throw errConflict(gr, name, `Precondition failed: UID in precondition: ${obj.metadata.uid}, UID in object meta: ${old.metadata.uid}`);
      }
      obj.apiVersion = apiVersionOf(def.group, def.version);
      obj.kind = def.kind;
      carrySystemFieldsOnUpdate(obj, old);
      const subStrategy = subresource ? def.strategy.subresources?.[subresource] : undefined;
      if (subStrategy) {
        obj = subStrategy.prepareForUpdate(obj, old);
      } else if (subresource === 'status') {
        // Status writes change status only (spec copied from old, ResetObjectMetaForStatus), except the metadata a
        // kind's status strategy lets through (e.g. a Deployment's revision annotation).
        const sent = obj.metadata;
        obj = cloneWith(old, { status: obj.status, metadata: cloneWith(old.metadata, { managedFields: sent.managedFields ?? old.metadata.managedFields }) });
        if (obj.status === undefined) delete obj.status;
        if (def.statusMetadata?.labels) setOrDelete(obj.metadata, 'labels', sent.labels);
        if (def.statusMetadata?.annotations) setOrDelete(obj.metadata, 'annotations', sent.annotations);
        def.strategy.prepareForStatusUpdate?.(obj, old);
      } else if (subresource === 'finalize') {
        // namespaces/finalize changes only spec.finalizers.
        const finalizers = (obj.spec as { finalizers?: string[] } | undefined)?.finalizers;
        obj = { ...deepClone(old), spec: { ...(old.spec as object), finalizers } };
        if (!finalizers) delete (obj.spec as { finalizers?: string[] }).finalizers;
      } else {
        if (def.subresources.status) {
          if (old.status === undefined) delete obj.status;
          else obj.status = deepClone(old.status);
        }
        def.strategy.defaults?.(obj);
        def.strategy.prepareForUpdate?.(obj, old);
        if (def.tracksGeneration && specChanged(obj, old)) obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
      }
      await this.admit('UPDATE', def, namespace, name, subresource, obj, old, ctx);
      this.validate(def, obj, old, subresource);
      if (subresource === '') for (const w of def.strategy.warnings?.(obj, old) ?? []) if (!ctx.warnings.includes(w)) ctx.warnings.push(w);
      if (this.deps.fieldManager && opts.manager !== 'apply') {
        obj = this.deps.fieldManager.update(def, old, obj, ctx.fieldManager, subresource);
      }
      if (unchanged(obj, old)) return this.present(def, cur.value);
      const finished = !!obj.metadata.deletionTimestamp && !(obj.metadata.finalizers?.length) && !this.kindBlocksDeletion(def, obj);
      if (ctx.dryRun) return this.present(def, this.toStorage(def, obj));
      try {
        if (finished) {
          // The last finalizer is gone from an object being deleted: the update completes the deletion.
          const deleted = await this.store.delete(key, cur.modRevision);
          return this.present(def, deleted.value);
        }
        const stored = await this.store.update(key, this.toStorage(def, obj), cur.modRevision);
        return this.present(def, stored.value);
      } catch (e) {
        if (e instanceof StorageError && e.code === 'Conflict' && precondition === undefined && attempt < MAX_UPDATE_RETRIES) continue;
        if (e instanceof StorageError && e.code === 'Conflict') throw errConflict(gr, name);
        if (e instanceof StorageError && e.code === 'KeyNotFound') throw errNotFound(gr, name);
        throw e;
      }
    }
  }

  /** Server-side apply: creates the object when absent. */
  async apply(def: ResourceDef, namespace: string, name: string, applied: KubeObject, ctx: RequestContext, force: boolean, subresource = ''): Promise<KubeObject> {
    const fm = this.deps.fieldManager;
    if (!fm) throw errInternal('server-side apply is not configured');
    this.checkTypeMeta(def, applied);
    applied.metadata ??= {};
    if (applied.metadata.name !== undefined && applied.metadata.name !== name) {
      throw errBadRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
    }
    this.checkNamespace(def, namespace, applied);
    const existing = await this.store.get(this.keyFor(def, namespace, name));
    if (!existing) {
      if (subresource) throw errNotFound(this.groupResource(def), name);
      const created = fm.apply(def, undefined, { ...deepClone(applied), metadata: { ...applied.metadata, name } }, ctx.fieldManager, force);
      try {
        return await this.create(def, namespace, created, ctx, { fromApply: true });
      } catch (e) {
        if (!(e instanceof ApiError && e.reason === 'AlreadyExists')) throw e;
      }
    }
    const precondition = applied.metadata.resourceVersion || undefined;
    return this.guaranteedUpdate(def, namespace, name, ctx, subresource, precondition,
      (live) => fm.apply(def, live, deepClone(applied), ctx.fieldManager, force), { manager: 'apply' });
  }

  /**
   * DELETE. Returns the object and whether it is gone; an object with finalizers (or a graceful deletion) stays
   * with deletionTimestamp set until they are done.
   */
  async delete(def: ResourceDef, namespace: string, name: string, opts: DeleteOptions, ctx: RequestContext): Promise<{ object: KubeObject; deleted: boolean }> {
    const key = this.keyFor(def, namespace, name);
    const gr = this.groupResource(def);
    for (let attempt = 0; ; attempt++) {
      const cur = await this.store.get(key);
      if (!cur) throw errNotFound(gr, name);
      const obj = deepClone(cur.value);
      checkPreconditions(gr, name, obj, opts.preconditions);
      await this.admit('DELETE', def, namespace, name, '', undefined, obj, ctx);
      const meta = obj.metadata;
      let changed = false;
      // Propagation policy becomes a finalizer the garbage collector acts on.
      const policy = opts.propagationPolicy ?? (opts.orphanDependents === true ? 'Orphan' : opts.orphanDependents === false ? 'Background' : undefined);
      const finalizers = new Set(meta.finalizers ?? []);
      if (policy === 'Orphan' && !finalizers.has('foregroundDeletion') && !finalizers.has('orphan')) {
        finalizers.add('orphan'); changed = true;
      } else if (policy === 'Foreground' && !finalizers.has('foregroundDeletion')) {
        finalizers.delete('orphan'); finalizers.add('foregroundDeletion'); changed = true;
      } else if (policy === 'Background' && finalizers.has('orphan')) {
        finalizers.delete('orphan'); changed = true;
      }
      if (changed && !meta.deletionTimestamp) meta.finalizers = [...finalizers];
      else if (changed && meta.deletionTimestamp && (policy === 'Orphan' || policy === 'Foreground')) meta.finalizers = [...finalizers];
      const graceFn = this.gracePeriods.get(`${def.group}/${def.kind}`);
      const grace = graceFn ? graceFn(obj, opts.gracePeriodSeconds) : 0;
      const kindWaits = this.kindBlocksDeletion(def, obj);
      const pendingFinalizers = (meta.finalizers?.length ?? 0) > 0 || kindWaits;
      if (grace > 0 || pendingFinalizers) {
        const now = this.now();
        if (!meta.deletionTimestamp) {
          meta.deletionTimestamp = rfc3339(new Date(now.getTime() + grace * 1000));
          meta.deletionGracePeriodSeconds = grace;
          if (def.tracksGeneration && meta.generation) meta.generation++;
          changed = true;
        } else if (grace > 0 && meta.deletionGracePeriodSeconds !== undefined && grace < meta.deletionGracePeriodSeconds) {
          // A shorter grace period may replace a longer one, never the reverse.
          meta.deletionTimestamp = rfc3339(new Date(now.getTime() + grace * 1000));
          meta.deletionGracePeriodSeconds = grace;
          changed = true;
        } else if (grace === 0 && !pendingFinalizers) {
          // Force deletion of an object already terminating gracefully.
          return this.finishDelete(def, key, cur, ctx, gr, name);
        }
        if (!changed) return { object: this.present(def, cur.value), deleted: false };
        if (ctx.dryRun) return { object: this.present(def, obj), deleted: false };
        try {
          const stored = await this.store.update(key, obj, cur.modRevision);
          return { object: this.present(def, stored.value), deleted: false };
        } catch (e) {
          if (e instanceof StorageError && (e.code === 'Conflict') && attempt < MAX_UPDATE_RETRIES) continue;
          if (e instanceof StorageError && e.code === 'KeyNotFound') throw errNotFound(gr, name);
          throw e;
        }
      }
      try {
        return await this.finishDelete(def, key, cur, ctx, gr, name);
      } catch (e) {
        if (e instanceof StorageError && e.code === 'Conflict' && attempt < MAX_UPDATE_RETRIES) continue;
        throw e;
      }
    }
  }

  private async finishDelete(def: ResourceDef, key: string, cur: StoredObject, ctx: RequestContext, gr: GroupResource, name: string) {
    if (ctx.dryRun) return { object: this.present(def, cur.value), deleted: true };
    try {
      const deleted = await this.store.delete(key, cur.modRevision);
      return { object: this.present(def, deleted.value), deleted: true };
    } catch (e) {
      if (e instanceof StorageError && e.code === 'KeyNotFound') throw errNotFound(gr, name);
      throw e;
    }
  }

  async deleteCollection(def: ResourceDef, namespace: string, listOpts: ListOptions, opts: DeleteOptions, ctx: RequestContext): Promise<KubeObject[]> {
    const { items } = await this.list(def, namespace, { selector: listOpts.selector });
    const out: KubeObject[] = [];
    for (const item of items) {
      try {
        const res = await this.delete(def, item.metadata.namespace ?? '', item.metadata.name!, opts, ctx);
        out.push(res.object);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    return out;
  }

  // ---- helpers ---------------------------------------------------------------------------------------------

  private kindBlocksDeletion(def: ResourceDef, obj: KubeObject): boolean {
    const fn = this.beforeDelete.get(`${def.group}/${def.kind}`);
    return fn ? fn(obj) : false;
  }

  /** Stored objects are returned with the served apiVersion/kind. */
  private toStorage(def: ResourceDef, obj: KubeObject): KubeObject {
    return def.conversion ? def.conversion.toStorage(obj) : obj;
  }

  private present(def: ResourceDef, obj: KubeObject): KubeObject {
    if (def.conversion) obj = def.conversion.fromStorage(obj);
    if (obj.apiVersion !== apiVersionOf(def.group, def.version) || obj.kind !== def.kind) {
      return { ...obj, apiVersion: apiVersionOf(def.group, def.version), kind: def.kind };
    }
    return obj;
  }

  private checkTypeMeta(def: ResourceDef, obj: KubeObject): void {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw errBadRequest('the body of the request must be a JSON object');
    const want = apiVersionOf(def.group, def.version);
    if (obj.kind !== undefined && obj.kind !== def.kind) {
      throw errBadRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${def.kind})`);
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== want) {
      throw errBadRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${want})`);
    }
    obj.apiVersion = want;
    obj.kind = def.kind;
    if (obj.metadata !== undefined && (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata))) {
      throw errBadRequest('metadata must be an object');
    }
  }

  private checkNamespace(def: ResourceDef, namespace: string, obj: KubeObject): void {
    const ns = obj.metadata.namespace;
    if (def.namespaced && ns && ns !== namespace) {
      throw errBadRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
  }

  private validate(def: ResourceDef, obj: KubeObject, old: KubeObject | undefined, subresource: string): void {
    let errs: FieldError[] = [];
    const mv = this.deps.metaValidator;
    if (!old) {
      if (mv) errs.push(...mv.validateCreate(def, obj));
      errs.push(...(def.strategy.validate?.(obj) ?? []));
    } else if (subresource && def.strategy.subresources?.[subresource]) {
      errs.push(...def.strategy.subresources[subresource]!.validateUpdate(obj, old));
    } else if (subresource === 'status') {
      if (mv) errs.push(...mv.validateUpdate(def, obj, old));
      errs.push(...(def.strategy.validateStatusUpdate?.(obj, old) ?? []));
    } else {
      if (mv) errs.push(...mv.validateUpdate(def, obj, old));
      errs.push(...(def.strategy.validateUpdate?.(obj, old) ?? def.strategy.validate?.(obj) ?? []));
    }
    errs = dedupe(errs);
    if (errs.length) throw errInvalid(def.group, def.kind, obj.metadata.name ?? '', errs);
  }

  /** Runs the admission chain (also for subresources served outside this store, e.g. serviceaccounts/token). */
  async admit(op: AdmissionOperation, def: ResourceDef, namespace: string, name: string, subresource: string, obj: KubeObject | undefined, old: KubeObject | undefined, ctx: RequestContext) {
    if (!this.admission.length) return;
    const attrs: AdmissionAttributes = { operation: op, def, namespace, name, subresource, object: obj, oldObject: old, dryRun: ctx.dryRun, user: ctx.user };
    for (const p of this.admission) await p.admit?.(attrs);
    for (const p of this.admission) await p.validate?.(attrs);
  }
}

function dedupe(errs: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errs.filter((e) => {
    const s = e.toString();
    if (seen.has(s)) return false;
    seen.add(s);
    return true;
  });
}

/** Nothing but managedFields timestamps differs: upstream skips such writes (no new resourceVersion). */
function unchanged(obj: KubeObject, old: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const m = { ...o.metadata, managedFields: (o.metadata.managedFields ?? []).map((e) => ({ ...e, time: undefined })) };
    delete m.resourceVersion;
    return { ...o, metadata: m };
  };
  return jsonEqual(strip(obj), strip(old));
}

function checkPreconditions(gr: GroupResource, name: string, obj: KubeObject, pre?: { uid?: string; resourceVersion?: string }) {
  if (!pre) return;
  if (pre.uid && pre.uid !== obj.metadata.uid) {
    throw errConflict(gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`);
  }
  if (pre.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
    throw errConflict(gr, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`);
  }
}

export function parseResourceVersion(rv: string): number {
  if (!/^\d+$/.test(rv)) throw errBadRequest(`invalid resource version: ${JSON.stringify(rv)}`);
  return Number(rv);
}

// etcd3 store's text for a continued list whose revision was compacted (its 410 carries a token to go on with).
const INCONSISTENT_CONTINUE = 'The provided continue parameter is too old to display a consistent list result. You can start a new list '
  + 'without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. '
  + 'Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted '
  + 'between the time the first chunk was returned and now may show up in the list.';

// Continue tokens have upstream's shape: base64 of {"v":"meta.k8s.io/v1","rv":N,"start":"<key after prefix>\u0000"}.
function encodeContinue(rv: number, lastKey: string, prefix: string): string {
  const start = lastKey.slice(prefix.length) + '\u0000';
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

/** The key to continue after and the revision of the first page (-1: the current state). */
function decodeContinue(token: string, prefix: string): { key: string; rv: number } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: string; rv?: unknown; start?: string };
    if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.start !== 'string' || !parsed.start) throw new Error('bad');
    if (typeof parsed.rv !== 'number' || !Number.isInteger(parsed.rv) || parsed.rv === 0) throw new Error('bad');
    const start = parsed.start.endsWith('\u0000') ? parsed.start.slice(0, -1) : parsed.start;
    if (start.includes('..') || start.startsWith('/')) throw new Error('bad');
    return { key: prefix + start, rv: parsed.rv };
  } catch {
    throw errBadRequest('continue key is not valid: illegal base64 data at input byte 0');
  }
}

