// Assembles a running Berth: SQLite storage, the resource registry, the REST machinery, admission, controllers
// and the HTTPS server. `berth up` and the embedded test cluster both start it through here.
import { mkdirSync } from 'node:fs';
import { createServer as createHttpsServer, Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { namespaceLifecycle } from '../admission/namespace-lifecycle.js';
import { decodeKubernetesProtobuf } from '../apimachinery/protobuf/decode.js';
import { builtinModel } from '../apimachinery/schema/index.js';
import type { KubeObject } from '../apimachinery/types.js';
import { GarbageCollector } from '../controllers/garbagecollector/garbage-collector.js';
import { NamespaceController, namespaceBlocksDeletion } from '../controllers/namespace/namespace-controller.js';
import { authenticateRequest, ensurePki, writeKubeconfig } from '../pki/index.js';
import { printerOrDefault } from '../printers/index.js';
import { builtinResources } from '../registry/builtin.js';
import { GenericStore, RequestContext } from '../registry/generic-store.js';
import { ResourceRegistry } from '../registry/registry.js';
import type { ResourceDef } from '../registry/types.js';
import { openSqliteStore } from '../storage/sqlite.js';
import { createRequestHandler } from './app.js';
import type { ServerContext } from './context.js';
import { createFieldManager } from './field-manager.js';
import { OpenApiCache } from './openapi.js';
import { createSchemaOps } from './schema-ops.js';

export interface BerthOptions {
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Watch history retained in storage (events). */
  historyLimit?: number;
  bookmarkIntervalMs?: number;
}

export interface Berth {
  url: string;
  port: number;
  kubeconfigPath: string;
  registry: ResourceRegistry;
  objects: GenericStore;
  close(): Promise<void>;
}

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function startBerth(opts: BerthOptions): Promise<Berth> {
  const host = opts.host ?? '127.0.0.1';
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const store = openSqliteStore({ path: join(opts.dataDir, 'state.db'), historyLimit: opts.historyLimit });
  const model = builtinModel();
  const registry = new ResourceRegistry();
  for (const def of builtinResources()) registry.add(def);
  const schema = createSchemaOps(model);
  const objects = new GenericStore({ store, registry, fieldManager: createFieldManager(model) });
  objects.beforeDelete.set('/Namespace', namespaceBlocksDeletion);
  objects.gracePeriods.set('/Pod', podGracePeriod);
  objects.useAdmission(namespaceLifecycle(objects, registry));

  const pki = await ensurePki(opts.dataDir, { hosts: host === '0.0.0.0' || host === '::' ? [] : [host] });
  let ready = false;
  const openapi = new OpenApiCache(registry, model);
  const ctx: ServerContext = {
    registry, objects, store, model, schema,
    printerFor: (def: ResourceDef) => printerOrDefault(def.group, def.kind),
    decodeProtobuf: (body: Buffer) => decodeKubernetesProtobuf(model, body),
    serverAddress: '',
    openapi,
    ready: () => ready,
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 60_000,
  };
  const server: Server = createHttpsServer({ key: pki.servingKeyPem, cert: pki.servingCertPem, ca: pki.caCertPem, requestCert: true, rejectUnauthorized: false },
    createRequestHandler(ctx, (req) => authenticateRequest(req, pki)));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 6443, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `https://${urlHost}:${port}`;
  ctx.serverAddress = `${urlHost}:${port}`;

  await bootstrap(objects, registry);
  const nsController = new NamespaceController(objects, registry);
  await nsController.start();
  const gc = new GarbageCollector(objects, registry);
  await gc.start();

  const kubeconfigPath = join(opts.dataDir, 'kubeconfig');
  writeKubeconfig(kubeconfigPath, { server: url, caPem: pki.caCertPem, clientCertPem: pki.adminCertPem, clientKeyPem: pki.adminKeyPem, contextName: 'berth', user: 'berth-admin' });
  ready = true;

  return {
    url, port, kubeconfigPath, registry, objects,
    async close() {
      ready = false;
      nsController.stop();
      gc.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await store.close();
    },
  };
}

const systemCtx: RequestContext = { user: { username: 'system:apiserver', groups: ['system:masters'] }, dryRun: false, fieldManager: 'kube-apiserver', warnings: [] };

/** The namespaces every cluster starts with. */
async function bootstrap(objects: GenericStore, registry: ResourceRegistry): Promise<void> {
  const nsDef = registry.lookup('', 'v1', 'namespaces')!;
  for (const name of SYSTEM_NAMESPACES) {
    try {
      await objects.get(nsDef, '', name);
    } catch {
      await objects.create(nsDef, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, systemCtx);
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
