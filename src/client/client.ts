// Generic CRUD for any resource, addressed by a ResourceDescriptor. Controllers talk to the API server only
// through this, so they run the same in-process (loopback HTTPS) and as a separate process.
import { type Duplex, type Readable, Writable } from 'node:stream';
import type { KubeList, KubeObject, Status } from '../apimachinery/types.js';
import { RestClient, RetryPolicy, Transport, UndiciTransport, UndiciTransportOptions } from './http.js';
import { ClusterConnection, loadKubeconfig, LoadKubeconfigOptions } from './kubeconfig.js';
import { builtin, ResourceDescriptor, resourceLabel, resourcePath } from './resources.js';
import { watchResource, WatchEvent, WatchOptions } from './watch.js';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface KubeClientOptions {
  /** Where and as whom; or pass `transport` directly (tests). */
  connection?: ClusterConnection;
  transport?: Transport;
  userAgent?: string;
  /** Field manager stamped on writes unless a call names its own. */
  fieldManager?: string;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  http?: UndiciTransportOptions;
}

export interface NamespaceOption { namespace?: string }
export interface WriteOptions extends NamespaceOption {
  fieldManager?: string;
  dryRun?: boolean;
  /** 'Strict' | 'Warn' | 'Ignore'. */
  fieldValidation?: string;
}
export interface PatchOptions extends WriteOptions {
  /** Server-side apply: take ownership of conflicting fields. */
  force?: boolean;
  subresource?: string;
}
export interface ListOptions extends NamespaceOption {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}
export interface DeleteOptions extends NamespaceOption {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}
export interface DeleteCollectionOptions extends DeleteOptions, Omit<ListOptions, 'namespace'> {}

export interface ExecOptions extends NamespaceOption {
  /** The container; the pod's only container when absent. */
  container?: string;
  /** Input: a string or Buffer (then EOF), or a stream (its end is the EOF). */
  stdin?: string | Buffer | Readable;
  /** Where output goes; without them it is collected into the result. */
  stdout?: Writable;
  stderr?: Writable;
  /** A terminal: stderr merges into stdout; `onResize` reports size changes (call the listener with each size). */
  tty?: boolean;
  onResize?(listener: (size: { width: number; height: number }) => void): void;
  signal?: AbortSignal;
}

export interface ExecResult {
  exitCode: number;
  /** Collected output (empty when a stream was given). */
  stdout: string;
  stderr: string;
}

/** pods/log options (core/v1 PodLogOptions). */
export interface LogOptions extends NamespaceOption {
  container?: string;
  follow?: boolean;
  previous?: boolean;
  timestamps?: boolean;
  sinceSeconds?: number;
  sinceTime?: string;
  tailLines?: number;
  limitBytes?: number;
  stream?: 'Stdout' | 'Stderr' | 'All';
  signal?: AbortSignal;
}

export interface Scale extends KubeObject {
  spec?: { replicas?: number };
  status?: { replicas: number; selector?: string };
}

export class KubeClient {
  readonly rest: RestClient;
  /** Namespace of the kubeconfig context, for callers that want kubectl's default. */
  readonly defaultNamespace: string;
  private readonly fieldManager?: string;

  constructor(opts: KubeClientOptions) {
    const transport = opts.transport ?? (opts.connection ? new UndiciTransport(opts.connection, opts.http) : undefined);
    if (!transport) throw new Error('KubeClient needs a connection or a transport');
    this.rest = new RestClient({ transport, userAgent: opts.userAgent, timeoutMs: opts.timeoutMs, retry: opts.retry });
    this.defaultNamespace = opts.connection?.namespace ?? 'default';
    this.fieldManager = opts.fieldManager;
  }

  static fromKubeconfig(load: LoadKubeconfigOptions = {}, opts: Omit<KubeClientOptions, 'connection' | 'transport'> = {}): KubeClient {
    return new KubeClient({ ...opts, connection: loadKubeconfig(load) });
  }

  get<T extends KubeObject = KubeObject>(res: ResourceDescriptor, name: string, opts: NamespaceOption = {}): Promise<T> {
    return this.rest.request<T>({ method: 'GET', path: this.objectPath(res, opts.namespace, name) });
  }

  list<T extends KubeObject = KubeObject>(res: ResourceDescriptor, opts: ListOptions = {}): Promise<KubeList<T>> {
    return this.rest.request<KubeList<T>>({
      method: 'GET',
      path: resourcePath(res, opts.namespace),
      query: {
        labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector, limit: opts.limit,
        continue: opts.continue, resourceVersion: opts.resourceVersion, resourceVersionMatch: opts.resourceVersionMatch,
      },
    });
  }

  /** Every page of a list, following `continue` tokens. */
  async listAll<T extends KubeObject = KubeObject>(res: ResourceDescriptor, opts: ListOptions = {}): Promise<KubeList<T>> {
    const first = await this.list<T>(res, opts);
    let page = first;
    while (page.metadata.continue) {
      page = await this.list<T>(res, { ...opts, continue: page.metadata.continue });
      first.items.push(...page.items);
    }
    first.metadata = { resourceVersion: first.metadata.resourceVersion };
    return first;
  }

  create<T extends KubeObject>(res: ResourceDescriptor, obj: T, opts: WriteOptions = {}): Promise<T> {
    const ns = opts.namespace ?? obj.metadata.namespace;
    if (res.namespaced && !ns) throw new Error(`create ${resourceLabel(res)}: a namespace is required`);
    return this.rest.request<T>({ method: 'POST', path: resourcePath(res, ns), body: obj, query: this.writeQuery(opts) });
  }

  /** PUT; the object's resourceVersion makes it a compare-and-swap. */
  update<T extends KubeObject>(res: ResourceDescriptor, obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.put(res, obj, undefined, opts);
  }

  updateStatus<T extends KubeObject>(res: ResourceDescriptor, obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.put(res, obj, 'status', opts);
  }

  /**
   * `patch` is a JSON Patch array, a merge / strategic-merge object, or for 'apply' the full intended object
   * (sent as JSON, which is valid YAML). Apply needs a field manager.
   */
  patch<T extends KubeObject = KubeObject>(res: ResourceDescriptor, name: string, patch: unknown, type: PatchType, opts: PatchOptions = {}): Promise<T> {
    const query: Record<string, string | boolean | undefined> = this.writeQuery(opts);
    if (type === 'apply') {
      if (!query.fieldManager) throw new Error('server-side apply needs a fieldManager');
      if (opts.force) query.force = true;
    }
    return this.rest.request<T>({
      method: 'PATCH', path: this.objectPath(res, opts.namespace, name, opts.subresource), body: patch,
      contentType: PATCH_CONTENT_TYPES[type], query,
    });
  }

  /** Server-side apply of a full intended object. */
  apply<T extends KubeObject>(res: ResourceDescriptor, obj: T, opts: PatchOptions = {}): Promise<T> {
    const name = obj.metadata.name;
    if (!name) throw new Error('apply needs metadata.name');
    return this.patch<T>(res, name, obj, 'apply', { ...opts, namespace: opts.namespace ?? obj.metadata.namespace });
  }

  /** Returns the deleted object, or the object with a deletionTimestamp when finalizers keep it, or a Status. */
  delete<T extends KubeObject = KubeObject>(res: ResourceDescriptor, name: string, opts: DeleteOptions = {}): Promise<T | Status> {
    return this.rest.request<T | Status>({ method: 'DELETE', path: this.objectPath(res, opts.namespace, name), body: deleteBody(opts) });
  }

  deleteCollection(res: ResourceDescriptor, opts: DeleteCollectionOptions = {}): Promise<KubeList | Status> {
    return this.rest.request<KubeList | Status>({
      method: 'DELETE', path: resourcePath(res, opts.namespace), body: deleteBody(opts),
      query: { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector, limit: opts.limit, continue: opts.continue, resourceVersion: opts.resourceVersion },
    });
  }

  getScale(res: ResourceDescriptor, name: string, opts: NamespaceOption = {}): Promise<Scale> {
    return this.rest.request<Scale>({ method: 'GET', path: this.objectPath(res, opts.namespace, name, 'scale') });
  }

  updateScale(res: ResourceDescriptor, name: string, scale: Scale, opts: WriteOptions = {}): Promise<Scale> {
    return this.rest.request<Scale>({ method: 'PUT', path: this.objectPath(res, opts.namespace ?? scale.metadata.namespace, name, 'scale'), body: scale, query: this.writeQuery(opts) });
  }

  /**
   * Runs `command` in a pod's container (`kubectl exec`): WebSocket v5 over the network, the API server's own path
   * in-process. Resolves with the exit code (a non-zero code is not an error) and, without stream options, the output.
   */
  async exec(name: string, command: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (command.length === 0) throw new Error('exec needs a command');
    return this.remoteCommand('exec', name, command, opts);
  }

  /** Attaches to a container's main process (`kubectl attach`); resolves when it exits or `signal` aborts. */
  attach(name: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.remoteCommand('attach', name, [], opts);
  }

  /** A container's log as text (`kubectl logs`); for `follow`, see logStream. */
  async logs(name: string, opts: LogOptions = {}): Promise<string> {
    const res = await this.logStream(name, { ...opts, follow: false });
    return res.text();
  }

  /** A container's log as it arrives (`kubectl logs -f` with follow): the response body, until it ends or `signal` aborts. */
  async logStream(name: string, opts: LogOptions = {}) {
    const ns = opts.namespace ?? this.defaultNamespace;
    return this.rest.stream({
      method: 'GET', path: this.objectPath(builtin.pods, ns, name, 'log'), signal: opts.signal,
      query: {
        container: opts.container, follow: opts.follow || undefined, previous: opts.previous || undefined,
        timestamps: opts.timestamps || undefined, sinceSeconds: opts.sinceSeconds, sinceTime: opts.sinceTime,
        tailLines: opts.tailLines, limitBytes: opts.limitBytes, stream: opts.stream,
      },
    });
  }

  /** A connection to `port` on the pod (`kubectl port-forward` for one connection). Destroy it when done. */
  async portForward(name: string, port: number, opts: NamespaceOption & { signal?: AbortSignal } = {}): Promise<Duplex> {
    const { portForward } = await import('./pod-streams.js');
    const path = this.objectPath(builtin.pods, opts.namespace ?? this.defaultNamespace, name, 'portforward');
    return portForward(this.rest.transport, path, port, opts.signal ?? new AbortController().signal);
  }

  private async remoteCommand(kind: 'exec' | 'attach', name: string, command: string[], opts: ExecOptions): Promise<ExecResult> {
    const { remoteCommand, stdinStream } = await import('./pod-streams.js');
    const ns = opts.namespace ?? this.defaultNamespace;
    const collected = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    const sink = (into: Buffer[]) => new Writable({ write(chunk: Buffer, _e, cb) { into.push(chunk); cb(); } });
    const stdout = opts.stdout ?? sink(collected.stdout);
    const stderr = opts.tty ? undefined : opts.stderr ?? sink(collected.stderr);
    const stdin = stdinStream(opts.stdin);
    const params = [
      ...command.map((c) => `command=${encodeURIComponent(c)}`),
      ...(opts.container ? [`container=${encodeURIComponent(opts.container)}`] : []),
      `stdin=${!!stdin}`, 'stdout=true', `stderr=${!!stderr}`, `tty=${!!opts.tty}`,
    ];
    const path = `${this.objectPath(builtin.pods, ns, name, kind)}?${params.join('&')}`;
    const exitCode = await remoteCommand(this.rest.transport, path, {
      stdin, stdout, stderr, tty: !!opts.tty, onResize: opts.onResize, signal: opts.signal ?? new AbortController().signal,
    });
    return { exitCode, stdout: Buffer.concat(collected.stdout).toString('utf8'), stderr: Buffer.concat(collected.stderr).toString('utf8') };
  }

  /** A raw watch stream; see watchResource. Informers are the robust way to follow a resource. */
  watch<T extends KubeObject = KubeObject>(res: ResourceDescriptor, opts: WatchOptions = {}): AsyncGenerator<WatchEvent<T>> {
    return watchResource<T>(this.rest, res, opts);
  }

  close(): Promise<void> {
    return this.rest.transport.close();
  }

  private put<T extends KubeObject>(res: ResourceDescriptor, obj: T, subresource: string | undefined, opts: WriteOptions): Promise<T> {
    const name = obj.metadata.name;
    if (!name) throw new Error(`update ${resourceLabel(res)}: metadata.name is required`);
    return this.rest.request<T>({ method: 'PUT', path: this.objectPath(res, opts.namespace ?? obj.metadata.namespace, name, subresource), body: obj, query: this.writeQuery(opts) });
  }

  private objectPath(res: ResourceDescriptor, namespace: string | undefined, name: string, subresource?: string): string {
    if (res.namespaced && !namespace) throw new Error(`${resourceLabel(res)} "${name}": a namespace is required`);
    if (!name) throw new Error(`${resourceLabel(res)}: a resource name is required`);
    return resourcePath(res, namespace, name, subresource);
  }

  private writeQuery(opts: WriteOptions): Record<string, string | undefined> {
    return {
      fieldManager: opts.fieldManager ?? this.fieldManager,
      dryRun: opts.dryRun ? 'All' : undefined,
      fieldValidation: opts.fieldValidation,
    };
  }
}

function deleteBody(opts: DeleteOptions): Record<string, unknown> {
  const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
  if (opts.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = opts.gracePeriodSeconds;
  if (opts.propagationPolicy) body.propagationPolicy = opts.propagationPolicy;
  if (opts.preconditions) body.preconditions = opts.preconditions;
  if (opts.dryRun) body.dryRun = ['All'];
  return body;
}
