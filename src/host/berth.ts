// Assembles a running Berth: SQLite storage, the resource registry, the REST machinery, admission, controllers
// and the HTTPS server, plus the in-process channel the components reach it through. `berth up` and the embedded test
// cluster both start it through here.
import { lockDataDir } from './data-dir-lock.js';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { Auditor } from '../audit/auditor.js';
import { AuditLog } from '../audit/log.js';
import { DEFAULT_POLICY_YAML, loadPolicy } from '../audit/policy.js';
import type { Http2SecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { namespaceLifecycle } from '../admission/namespace-lifecycle.js';
import { defaultTolerationSeconds } from '../admission/default-toleration-seconds.js';
import { decodeKubernetesProtobuf } from '../apimachinery/protobuf/decode.js';
import { encodeKubernetesProtobuf } from '../apimachinery/protobuf/encode.js';
import { builtinModel } from '../apimachinery/schema/index.js';
import type { KubeObject } from '../apimachinery/types.js';
import { writeComponentKubeconfigs } from '../pki/component-kubeconfigs.js';
import { ADMIN_GROUP, ensurePki, issueClientCertificate, writeKubeconfig } from '../pki/index.js';
import { KUBELET_CLIENT_USER } from '../server/streaming/remote-kubelet.js';
import { hostAddressOnPodNetwork } from '../networking/host-network.js';
import { createRequestAuthenticator } from '../authentication/request.js';
import { userFromAdminToken } from '../pki/authn.js';
import { bootstrapTokenAuthenticator } from '../authentication/bootstrap-token.js';
import { ensureSigningKey, publicJwk } from '../authentication/serviceaccount/jwt.js';
import { DEFAULT_ISSUER, ServiceAccountTokens } from '../authentication/serviceaccount/tokens.js';
import { createTokenRequest } from '../registry/core/token-request.js';
import { stopInReverse } from './components.js';
import { subresourceKey } from '../server/context.js';
import { negotiateFormat, readObjectBody, writeFormatted } from '../server/codec.js';
import { managerFromUserAgent } from '../server/resources.js';
import { ApiError, isNotFound } from '../apimachinery/errors.js';
import { ClusterRoleAggregator } from '../authorization/rbac/aggregation.js';
import { RbacAuthorizer } from '../authorization/rbac/authorizer.js';
import { bootstrapPolicy } from '../authorization/rbac/bootstrap-policy.js';
import { rbacEscalationAdmission } from '../authorization/rbac/escalation.js';
import { RbacIndex } from '../authorization/rbac/index.js';
import { reconcileBootstrapPolicy } from '../authorization/rbac/reconcile.js';
import { UnionAuthorizer } from '../authorization/union.js';
import { NodeAuthorizer } from '../authorization/node/authorizer.js';
import { NodeGraph } from '../authorization/node/graph.js';
import { nodeRestrictionAdmission } from '../authorization/node/restriction.js';
import { keyFor } from '../storage/helpers.js';
import { printerOrDefault } from '../printers/index.js';
import { builtinResources } from './builtin-resources.js';
import { namespaceBlocksDeletion } from '../registry/core/namespace.js';
import { ServiceIPRange } from '../registry/core-service-alloc/ranges.js';
import { GenericStore, } from '../registry/generic-store.js';
import { ResourceRegistry } from '../registry/registry.js';
import type { ResourceDef } from '../registry/types.js';
import type { UserInfo } from '../api/identity.js';
import type { InProcessStreaming } from '../client/http.js';
import { openStorage, type EtcdStorageOptions } from '../storage/open.js';
import { ensureDefaultEncryptionConfiguration, loadEncryptionConfiguration } from '../storage/encryption/transformer.js';
import { createRequestHandler } from '../server/app.js';
import { ensureBootstrapConfiguration, followConfiguration } from '../registry/flowcontrol/config.js';
import { PriorityAndFairness } from '../flowcontrol/filter.js';
import { createHttpsServer } from '../server/https-server.js';
import type { ComponentClients } from './component-client.js';
import { COMPONENTS } from './component-list.js';
import type { BerthRuntimeOptions, RunningComponent } from '../component/contract.js';
import type { HostComponent, HostContext } from './host-context.js';
import type { ServerContext } from '../server/context.js';
import { createFieldManager } from '../server/field-manager.js';
import { InProcessTransport } from '../server/in-process.js';
import { OpenApiCache } from '../server/openapi.js';
import { createSchemaOps } from '../server/schema-ops.js';
import { createUpgradeListener } from '../server/upgrade.js';
import { systemRequestContext } from '../registry/system-context.js';

export interface BerthOptions {
  dataDir: string;
  /** Data dir whose pki/ holds the certificates (default dataDir): API servers of one cluster share one. */
  pkiDataDir?: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Watch history retained in storage (events). */
  historyLimit?: number;
  /** ... and bytes of object text (SQLite). */
  historyMaxBytes?: number;
  /** Store objects in etcd (kube-apiserver's --etcd-* flags) instead of SQLite in the data dir. */
  etcd?: EtcdStorageOptions;
  bookmarkIntervalMs?: number;
  /** Runtime options (nodes, sim timing, DNS, feature gates, controllers on/off); defaults in DEFAULT_RUNTIME. */
  runtime?: Partial<BerthRuntimeOptions>;
  /** Replaces the built-in component list (tests). */
  components?: HostComponent[];
  /** An EncryptionConfiguration file (kube-apiserver's --encryption-provider-config); default: <data-dir>/encryption-config.yaml, made on first start. */
  encryptionProviderConfig?: string;
  /** The audit log (kube-apiserver's --audit-policy-file, --audit-log-path, --audit-log-maxsize, --audit-log-maxbackup); false: none. */
  audit?: false | { policyFile?: string; logPath?: string; maxSizeMB?: number; maxBackups?: number };
  /**
   * API priority and fairness (kube-apiserver's --enable-priority-and-fairness, default on) and the seats it shares
   * out (--max-requests-inflight + --max-mutating-requests-inflight, default 600).
   */
  priorityAndFairness?: boolean;
  serverConcurrency?: number;
  /** false: no authorizer at all (every authenticated request allowed, as AlwaysAllow); benchmarks' baseline. */
  authorization?: boolean;
  /** Called for each line `berth up` should print after `kubeconfig:` (e.g. `dns: 127.0.0.1:N`). */
  announce?: (line: string) => void;
}

export const DEFAULT_RUNTIME: BerthRuntimeOptions = {
  nodes: 3, runtime: 'sim', clusterCidr: '10.244.0.0/16', serviceCidr: '10.96.0.0/12', simStartDelayMs: 300, dnsPort: 0,
  featureGates: {}, controllers: true,
};

export interface Berth {
  url: string;
  port: number;
  kubeconfigPath: string;
  registry: ResourceRegistry;
  objects: GenericStore;
  /** Started components, by name (tests reach into them). */
  components: Map<string, RunningComponent>;
  /** The HTTPS listener (HTTP/2 and HTTP/1.1); HTTP/1.1 Upgrade requests arrive as its `upgrade` event. */
  server: Http2SecureServer;
  close(): Promise<void>;
}

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function startBerth(opts: BerthOptions): Promise<Berth> {
  const host = opts.host ?? '127.0.0.1';
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const dataDirLock = lockDataDir(opts.dataDir);
  // Secrets are encrypted at rest (EncryptionConfiguration; by default aescbc with a key made on first start, next to
  // the certificates: API servers sharing one etcd and one pki dir share the key too).
  let storage: Awaited<ReturnType<typeof openStorage>>;
  try {
    const transformer = opts.encryptionProviderConfig
      ? loadEncryptionConfiguration(opts.encryptionProviderConfig)
      : ensureDefaultEncryptionConfiguration(join(opts.pkiDataDir ?? opts.dataDir, 'encryption-config.yaml'));
    storage = await openStorage({ dataDir: opts.dataDir, historyLimit: opts.historyLimit, historyMaxBytes: opts.historyMaxBytes, etcd: opts.etcd, transformer });
  } catch (e) {
    dataDirLock.release();
    throw e;
  }
  const store = storage.store;
  const model = builtinModel();
  const registry = new ResourceRegistry();
  for (const def of builtinResources()) registry.add(def);
  const schema = createSchemaOps(model);
  const objects = new GenericStore({ store, registry, fieldManager: createFieldManager(model) });
  objects.beforeDelete.set('/Namespace', namespaceBlocksDeletion);
  objects.gracePeriods.set('/Pod', podGracePeriod);
  objects.useAdmission(namespaceLifecycle(objects, registry));
  objects.useAdmission(defaultTolerationSeconds());

  const runtime: BerthRuntimeOptions = { ...DEFAULT_RUNTIME, ...(opts.runtime ?? {}) };
  if (runtime.controllers) runtime.runtime = await choosePodRuntime(runtime.runtime, (line) => opts.announce?.(line));
  // Authorization as kubeadm sets it up (Node,RBAC): the RBAC objects are read from storage as they change.
  const rbac = await RbacIndex.start(store);
  const rbacAuthorizer = new RbacAuthorizer(rbac);
  const nodeGraph = await NodeGraph.start(store);
  const nodeAuthorizer = new NodeAuthorizer(nodeGraph, async (ns, claim) => {
    const pvc = await store.get(keyFor('', 'persistentvolumeclaims', ns, claim));
    return (pvc?.value.spec as { volumeName?: string } | undefined)?.volumeName;
  });
  const authorizer = opts.authorization === false ? undefined : new UnionAuthorizer([nodeAuthorizer, rbacAuthorizer], rbacAuthorizer);
  if (authorizer) objects.useAdmission(rbacEscalationAdmission(rbac, authorizer));
  objects.useAdmission(nodeRestrictionAdmission(async (ns, name) => (await store.get(keyFor('', 'pods', ns, name)))?.value));

  const pki = await ensurePki(opts.pkiDataDir ?? opts.dataDir, { hosts: [...(host === '0.0.0.0' || host === '::' ? [] : [host]), ...inClusterNames(runtime)] });
  let ready = false;
  const openapi = new OpenApiCache(registry, model);
  const ctx: ServerContext = {
    registry, objects, store, model, schema,
    printerFor: (def: ResourceDef) => def.printer ?? printerOrDefault(def.group, def.kind),
    decodeProtobuf: (body: Buffer) => decodeKubernetesProtobuf(model, body),
    encodeProtobuf: (obj: unknown) => (obj !== null && typeof obj === 'object' ? encodeKubernetesProtobuf(model, obj) : undefined),
    serverAddress: '',
    openapi,
    ready: () => ready,
    storageHealth: storage.health,
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 60_000,
    subresources: new Map(),
    upgrades: new Map(),
    kubelets: new Map(),
    // kubeadm's apiserver-kubelet-client certificate (O=system:masters as kubeadm ≤ 1.28 issued it), kept in memory
    kubeletClient: { caPem: pki.caCertPem, ...(await issueClientCertificate(pki, KUBELET_CLIENT_USER, [ADMIN_GROUP])) },
    authorizer,
  };
  // ServiceAccount tokens signed by <data-dir>/pki/sa.key; the issuer's audiences are the API server's.
  const getOrUndefined = async (resource: string, ns: string, name: string) => {
    try {
      return await objects.get(registry.lookup('', 'v1', resource)!, ns, name);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  };
  const saTokens = new ServiceAccountTokens(ensureSigningKey(opts.pkiDataDir ?? opts.dataDir), DEFAULT_ISSUER, [DEFAULT_ISSUER], {
    serviceAccount: (ns, name) => getOrUndefined('serviceaccounts', ns, name),
    pod: (ns, name) => getOrUndefined('pods', ns, name),
    secret: (ns, name) => getOrUndefined('secrets', ns, name),
    node: (name) => getOrUndefined('nodes', '', name),
  });
  const bootstrapTokens = bootstrapTokenAuthenticator((ns, name) => getOrUndefined('secrets', ns, name));
  const tokenAuthenticators = [saTokens.authenticate, bootstrapTokens];
  ctx.reviewToken = async (token, audiences) => {
    const admin = userFromAdminToken(token, pki);
    if (admin) return { user: admin, audiences: audiences.length ? audiences : [DEFAULT_ISSUER] };
    const sa = await saTokens.validate(token, Date.now(), audiences.length ? audiences : saTokens.apiAudiences);
    if (sa.user) return sa;
    const boot = await bootstrapTokens(token);
    if (boot) return { user: boot, audiences: audiences.length ? audiences : [DEFAULT_ISSUER] };
    return { error: sa.error ? `[invalid bearer token, ${sa.error}]` : 'invalid bearer token' };
  };
  ctx.serviceAccountIssuer = {
    openidConfiguration: () => ({
      issuer: DEFAULT_ISSUER, jwks_uri: `https://${ctx.serverAddress}/openid/v1/jwks`,
      response_types_supported: ['id_token'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: [saTokens.key.alg],
    }),
    jwks: () => ({ keys: [publicJwk(saTokens.key)] }),
  };
  ctx.subresources.set(subresourceKey('', 'serviceaccounts', 'token'), async (sctx, req, res, info, query, user) => {
    if (info.verb !== 'create') throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
    const fmt = negotiateFormat(req.headers.accept);
    const body = await readObjectBody(req, (b) => sctx.decodeProtobuf(b));
    const dryRun = query.getAll('dryRun').includes('All');
    const out = await createTokenRequest({ objects, registry, tokens: saTokens }, info.namespace, info.name, body, {
      user, dryRun, fieldManager: query.get('fieldManager') ?? managerFromUserAgent(req.headers['user-agent']), warnings: [],
    });
    writeFormatted(res, 201, out, fmt);
  });
  // The audit log: <data-dir>/audit/audit.log with the policy in <data-dir>/audit-policy.yaml, made on first start.
  if (opts.audit !== false) {
    const policyPath = opts.audit?.policyFile ?? join(opts.dataDir, 'audit-policy.yaml');
    if (!opts.audit?.policyFile && !existsSync(policyPath)) writeFileSync(policyPath, DEFAULT_POLICY_YAML, { mode: 0o600 });
    const log = new AuditLog({ path: opts.audit?.logPath ?? join(opts.dataDir, 'audit', 'audit.log'), maxSizeMB: opts.audit?.maxSizeMB ?? 100, maxBackups: opts.audit?.maxBackups ?? 10 });
    ctx.auditor = new Auditor(loadPolicy(policyPath), log);
  }
  const authenticate = createRequestAuthenticator(pki, tokenAuthenticators);
  const handler = createRequestHandler(ctx, authenticate);
  const https = createHttpsServer({ key: pki.servingKeyPem, cert: pki.servingCertPem, ca: pki.caCertPem }, handler);
  const server = https.server;
  // exec, attach and port-forward arrive as HTTP/1.1 connection upgrades (SPDY/3.1 or WebSocket): one entry for all.
  const upgrades = createUpgradeListener(ctx, authenticate, handler);
  server.on('upgrade', upgrades.listener);
  // The components' own way in (kube-apiserver's loopback client): the same request handler, called in-process.
  const loopback = new InProcessTransport((authenticate) => createRequestHandler(ctx, authenticate), (user) => lazyStreaming(ctx, user));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 6443, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `https://${urlHost}:${port}`;
  ctx.serverAddress = `${urlHost}:${port}`;

  await bootstrap(objects, registry);
  await reconcileBootstrapPolicy(objects, registry, bootstrapPolicy());
  await ensureBootstrapConfiguration(objects, registry, systemRequestContext());
  const stopFlowControl = opts.priorityAndFairness === false
    ? () => {}
    : await followConfiguration(objects, registry, (ctx.flowControl = new PriorityAndFairness(opts.serverConcurrency)), systemRequestContext());
  const aggregator = new ClusterRoleAggregator(rbac, objects, registry);
  await aggregator.syncAll();
  const kubeconfigPath = join(opts.dataDir, 'kubeconfig');
  writeKubeconfig(kubeconfigPath, { server: url, caPem: pki.caCertPem, clientCertPem: pki.adminCertPem, clientKeyPem: pki.adminKeyPem, contextName: 'berth', user: 'berth-admin' });
  // kubeadm's controller-manager.conf and scheduler.conf, beside the cluster's pki (what `berth controller-manager`
  // and `berth scheduler` use by default)
  await writeComponentKubeconfigs(opts.pkiDataDir ?? opts.dataDir, url, pki);

  // The client side (undici, informers) loads once the API is ready: it is not needed to serve, and loading it
  // later keeps it off the start-up path.
  let clients: ComponentClients | undefined;
  const needClients = (): ComponentClients => {
    if (!clients) throw new Error('components use the API client only once /readyz is ok (RunningComponent.ready)');
    return clients;
  };
  const componentCtx: HostContext = {
    dataDir: opts.dataDir, pkiDataDir: opts.pkiDataDir, url, kubeconfigPath, registry, objects, store, model, server: ctx, options: runtime,
    kubelets: ctx.kubelets,
    announce: (line) => opts.announce?.(line),
    get client() { return needClients().client; },
    get informers() { return needClients().informers; },
    clientAs: (identity) => needClients().clientAs(identity),
  };
  const running: [string, RunningComponent][] = [];
  // Components first (their workers may still write), then the informers and connections they shared.
  const stopComponents = async () => {
    await stopInReverse(running);
    try {
      await clients?.close();
    } catch (e) {
      console.error('berth: closing the components\' client:', e);
    }
  };
  const components = (opts.components ?? COMPONENTS).filter((c) => runtime.controllers || !c.controller);
  const startAll = async (list: HostComponent[]) => {
    for (const component of list) running.push([component.name, await component.start(componentCtx)]);
  };
  try {
    // The API is ready once its own parts are (CRD kinds served, admission in place); controllers, like
    // kube-controller-manager's, start right after.
    await startAll(components.filter((c) => !c.controller && !c.afterReady));
    ready = true;
    clients = new (await import('./component-client.js')).ComponentClients({ inProcess: loopback });
    for (const [, c] of [...running]) await c.ready?.();
    await startAll(components.filter((c) => !c.controller && c.afterReady));
    await startAll(components.filter((c) => c.controller));
  } catch (e) {
    ready = false;
    await stopComponents();
    upgrades.closeAll();
    https.closeAllConnections();
    server.close();
    await loopback.close();
    await aggregator.stop();
    stopFlowControl();
    rbac.stop();
    nodeGraph.stop();
    await storage.close();
    dataDirLock.release();
    throw e;
  }

  return {
    url, port, kubeconfigPath, registry, objects, components: new Map(running), server,
    async close() {
      ready = false;
      await stopComponents();
      await Promise.all([
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          upgrades.closeAll();
          https.closeAllConnections();
        }),
        loopback.close(),
      ]);
      await aggregator.stop();
      stopFlowControl();
      rbac.stop();
      nodeGraph.stop();
      await ctx.auditor?.log.drain();
      await storage.close();
      dataDirLock.release();
    },
  };
}

/**
 * The names pods use for the API server, as kube-apiserver puts them in its serving certificate: the `kubernetes`
 * Service's DNS names and ClusterIP, and with real pods the host's address on the pod network (its endpoint).
 */
function inClusterNames(runtime: BerthRuntimeOptions): string[] {
  const names = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', new ServiceIPRange(runtime.serviceCidr).firstIP()];
  if (runtime.runtime === 'process' && runtime.nodes > 0) names.push(hostAddressOnPodNetwork(runtime.clusterCidr));
  return names;
}

/** `auto` becomes process where the machine allows it; the choice (and why not) is announced. */
async function choosePodRuntime(wanted: BerthRuntimeOptions['runtime'], announce: (line: string) => void): Promise<'process' | 'sim'> {
  if (wanted === 'sim') {
    announce('runtime: sim');
    return 'sim';
  }
  const why = (await import('../nodeagent/process/availability.js')).processRuntimeUnavailable();
  if (why && wanted === 'process') throw new Error(`--runtime process: ${why}`);
  announce(why ? `runtime: sim (${why})` : 'runtime: process');
  return why ? 'sim' : 'process';
}

/** The in-process streaming code, loaded on first use (it is not on the start-up path). */
function lazyStreaming(ctx: ServerContext, user: UserInfo): InProcessStreaming {
  const load = () => import('../server/streaming/in-process.js').then((m) => m.inProcessStreaming(ctx, user));
  return {
    remoteCommand: async (path, streams) => (await load()).remoteCommand(path, streams),
    portForward: async (path, port, signal) => (await load()).portForward(path, port, signal),
  };
}


/** The namespaces every cluster starts with. */
async function bootstrap(objects: GenericStore, registry: ResourceRegistry): Promise<void> {
  const nsDef = registry.lookup('', 'v1', 'namespaces')!;
  for (const name of SYSTEM_NAMESPACES) {
    try {
      await objects.get(nsDef, '', name);
    } catch {
      await objects.create(nsDef, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, systemRequestContext());
    }
  }
}

/** Pods terminate gracefully once they run on a node; unscheduled or finished pods go at once (as upstream). */
function podGracePeriod(pod: KubeObject, requested: number | undefined): number {
  const spec = (pod.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  if (!spec.nodeName || phase === 'Failed' || phase === 'Succeeded') return 0;
  return requested ?? spec.terminationGracePeriodSeconds ?? 30;
}
