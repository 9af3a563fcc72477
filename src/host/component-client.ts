// One API client and one informer factory for every component running inside `berth up`, as kube-controller-manager
// shares one clientset and one SharedInformerFactory among its controllers: each resource decoded and cached once
// per process instead of once per component.
// Inside Berth the requests go straight to the API server's handler (see in-process.ts); given a kubeconfig
// instead, they are TLS to the public port, as for any other client.
// Components that speak as someone else (scheduler, kubelet, …) get a view with their own user agent and default
// field manager over the same transport.
import { createSecureContext } from 'node:tls';
import { Agent } from 'undici';
import { KubeClient } from '../client/client.js';
import { DirectConnection, directConnection, HttpRequest, HttpResponse, keepsConnection, Transport } from '../client/http.js';
import { SharedInformerFactory } from '../client/informer.js';
import { ClusterConnection, loadKubeconfig } from '../client/kubeconfig.js';
import type { ClientIdentity } from '../component/contract.js';
import type { InProcessTransport } from '../server/in-process.js';
import { CONTROLLER_MANAGER_IDENTITY } from '../authentication/component-users.js';
import { serviceAccountTokenSource, type TokenSource } from '../server/service-account-credentials.js';

/** Where the components connect: this process's API server, or the cluster a kubeconfig file names. */
export type ComponentConnection = { inProcess: InProcessTransport } | { kubeconfigPath: string };


/** Connections for requests other than watches; bursts queue in undici instead of opening (and handshaking) more. */
export const DEFAULT_MAX_REQUEST_CONNECTIONS = 16;

/**
 * Transport for components reaching the API server over the network (a kubeconfig). Watches hold their connection
 * for minutes, so they get their own uncapped pool; capping a pool they share would let enough watches starve every
 * other request. Both pools use one secure context (parsing the CA, certificate and key once, not per connection,
 * was most of the handshake cost).
 */
export class SharedTransport implements Transport {
  private readonly requests: Agent;
  private readonly watches: Agent;
  private readonly origin: string;
  private readonly token?: string;
  private readonly tokenSource?: TokenSource;
  private closed?: Promise<void>;

  /** `tokenSource`: a bearer token fetched (and renewed) per request, for a connection without other credentials. */
  constructor(private readonly conn: ClusterConnection, opts: { maxRequestConnections?: number; tokenSource?: TokenSource } = {}) {
    this.origin = new URL(conn.server).origin;
    const connect: Agent.Options['connect'] = {
      secureContext: createSecureContext({ ca: conn.ca, cert: conn.cert, key: conn.key }),
      rejectUnauthorized: !conn.insecureSkipTlsVerify,
      servername: conn.tlsServerName,
    };
    this.token = conn.token;
    this.tokenSource = opts.tokenSource;
    // Timeouts are the RestClient's (per request) and the watch's (inactivity); undici's would cut long watches.
    const common = { keepAliveTimeout: 30_000, headersTimeout: 0, bodyTimeout: 0, connect };
    this.requests = new Agent({ ...common, connections: opts.maxRequestConnections ?? DEFAULT_MAX_REQUEST_CONNECTIONS });
    this.watches = new Agent({ ...common, connections: null });
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const headers = { ...req.headers };
    if (this.tokenSource && !headers.authorization) headers.authorization = `Bearer ${await this.tokenSource()}`;
    if (this.token && !headers.authorization) headers.authorization = `Bearer ${this.token}`;
    const agent = isWatch(req.path) ? this.watches : this.requests;
    const res = await agent.request({ origin: this.origin, path: req.path, method: req.method as 'GET', headers, body: req.body, signal: req.signal, reset: keepsConnection(req) });
    const flat: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(res.headers)) flat[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    return { status: res.statusCode, headers: flat, body: res.body, text: () => res.body.text(), cancel: () => res.body.destroy() };
  }

  direct(): DirectConnection {
    return directConnection(this.conn);
  }

  close(): Promise<void> {
    return (this.closed ??= Promise.all([this.requests.destroy(), this.watches.destroy()]).then(() => {}));
  }
}

function isWatch(path: string): boolean {
  const q = path.indexOf('?');
  return q >= 0 && new URLSearchParams(path.slice(q + 1)).get('watch') === 'true';
}

/** The transport seen by one identity's client: closing that client must not close everyone's connections. */
const unclosable = (t: Transport): Transport => ({
  request: (req) => t.request(req), close: async () => {}, jsonBodies: t.jsonBodies, sharesSignals: t.sharesSignals,
  direct: t.direct && (() => t.direct!()), streaming: t.streaming,
});

/** Created on first use, so a Berth whose components need no client opens no connection. */
export class ComponentClients {
  private transport?: Transport;
  private base?: KubeClient;
  private factory?: SharedInformerFactory;
  private readonly connection: ComponentConnection;
  /** Over a kubeconfig: one token-authenticated transport per ServiceAccount. */
  private readonly accountTransports = new Map<string, SharedTransport>();

  /** `connection` may also be a kubeconfig path (TLS to the public port). */
  constructor(connection: ComponentConnection | string, private readonly opts: { maxRequestConnections?: number } = {}) {
    this.connection = typeof connection === 'string' ? { kubeconfigPath: connection } : connection;
  }

  /** kube-controller-manager's client. */
  get client(): KubeClient {
    return (this.base ??= this.clientAs(CONTROLLER_MANAGER_IDENTITY));
  }

  /** The shared factory, listing and watching through `client`. */
  get informers(): SharedInformerFactory {
    return (this.factory ??= new SharedInformerFactory(this.client));
  }

  clientAs(identity: ClientIdentity): KubeClient {
    const connection = this.connection;
    let transport: Transport;
    if ('inProcess' in connection) {
      this.transport ??= connection.inProcess;
      transport = identity.user ? connection.inProcess.as(identity.user) : unclosable(this.transport);
    } else if (identity.serviceAccount) {
      transport = unclosable(this.accountTransport(connection.kubeconfigPath, identity.serviceAccount));
    } else {
      this.transport ??= new SharedTransport(loadKubeconfig({ path: connection.kubeconfigPath }), this.opts);
      transport = unclosable(this.transport);
    }
    return new KubeClient({ transport, userAgent: identity.userAgent, fieldManager: identity.fieldManager });
  }

  /**
   * The connection of a ServiceAccount's client: the kubeconfig's server and CA without its client certificate
   * (the API server would take the certificate's user first), and a token `client` requests for the account.
   */
  private accountTransport(kubeconfigPath: string, account: { namespace: string; name: string }): SharedTransport {
    const key = `${account.namespace}/${account.name}`;
    let t = this.accountTransports.get(key);
    if (!t) {
      const conn = loadKubeconfig({ path: kubeconfigPath });
      const anonymous = { ...conn, cert: undefined, key: undefined, token: undefined };
      t = new SharedTransport(anonymous, { maxRequestConnections: 4, tokenSource: serviceAccountTokenSource(this.client, account) });
      this.accountTransports.set(key, t);
    }
    return t;
  }

  /** After the components have stopped: the informers, then the connections. */
  async close(): Promise<void> {
    await this.factory?.stop();
    await Promise.all([...this.accountTransports.values()].map((t) => t.close()));
    await this.transport?.close();
  }
}
