// The kubelet's HTTPS server on a joined node (pkg/kubelet/server/server.go): /exec, /attach, /portForward and
// /containerLogs for this node's pods, which the API server proxies kubectl's requests to (remote-kubelet.ts). The
// protocols are the API server's own streaming handlers (server/streaming) over this node's KubeletApi, so SPDY,
// WebSocket v5 and the port-forward tunnel work as they do in-process.
//
// Authentication and authorization as the kubelet's defaults under kubeadm (--anonymous-auth=false,
// --authorization-mode=Webhook): a client certificate signed by the cluster CA names the user (else 401
// Unauthorized); a SubjectAccessReview asks the API server whether that user may <verb> nodes/proxy on this node
// (else 403 `Forbidden (user=…, verb=…, resource=nodes, subresource=proxy)`), answers cached as the webhook does.
// The server presents the node's client certificate pair from TLS bootstrap (CN=system:node:<name>), which the API
// server checks against the cluster CA and the node's name.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { ApiError, isApiError } from '../apimachinery/errors.js';
import { createClientCertificateAuthenticator } from '../authentication/request.js';
import { builtin } from '../client/resources.js';
import type { KubeletServer, KubeletServerOptions } from '../component/kubelet-api.js';
import type { Pod } from '../api/core.js';
import type { UserInfo } from '../api/identity.js';
import { parseLogOptions, serveContainerLog } from './streaming/pod-log.js';
import { podRef, validateContainer } from './streaming/pod-target.js';
import { servePortForward } from './streaming/portforward.js';
import { type CommandKind, parseRemoteCommandOptions, serveRemoteCommand } from './streaming/remotecommand.js';
import { isUpgraded, writePlainError } from './upgrade.js';

const ALLOWED_TTL_MS = 5 * 60_000; // the webhook authorizer's defaults
const DENIED_TTL_MS = 30_000;

/** A request line's route: /exec|attach/{ns}/{pod}[/{uid}]/{container}, /portForward/{ns}/{pod}[/{uid}], /containerLogs/{ns}/{pod}/{container}. */
interface Route {
  kind: CommandKind | 'portforward' | 'log';
  namespace: string;
  pod: string;
  uid?: string;
  container: string;
}

export function parseKubeletPath(path: string): Route | undefined {
  const parts = path.split('/').slice(1).map((p) => decodeURIComponent(p));
  const [head, namespace, pod] = parts;
  if (!namespace || !pod) return undefined;
  if ((head === 'exec' || head === 'attach') && (parts.length === 4 || parts.length === 5)) {
    return { kind: head, namespace, pod, uid: parts.length === 5 ? parts[3] : undefined, container: parts[parts.length - 1]! };
  }
  if (head === 'portForward' && (parts.length === 3 || parts.length === 4)) return { kind: 'portforward', namespace, pod, uid: parts[3], container: '' };
  if (head === 'containerLogs' && parts.length === 4) return { kind: 'log', namespace, pod, container: parts[3]! };
  return undefined;
}

export async function startKubeletServer(o: KubeletServerOptions): Promise<KubeletServer> {
  const decisions = new Map<string, { allowed: boolean; until: number }>();
  const authenticate = createClientCertificateAuthenticator({ caCertPem: o.caPem, adminToken: '' });

  /** The user of the request, allowed to <verb> nodes/proxy on this node; otherwise the refusal (code, text). */
  const admit = async (req: IncomingMessage): Promise<{ code: number; text: string } | undefined> => {
    const user: UserInfo | undefined = authenticate(req);
    if (!user) return { code: 401, text: 'Unauthorized' };
    const verb = verbOf(req.method);
    const key = JSON.stringify([user.username, user.groups, verb]);
    let d = decisions.get(key);
    if (!d || d.until < Date.now()) {
      const review = await o.client.rest.request<{ status?: { allowed?: boolean } }>({
        method: 'POST', path: '/apis/authorization.k8s.io/v1/subjectaccessreviews',
        body: {
          apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview',
          spec: { user: user.username, uid: user.uid, groups: user.groups, extra: user.extra, resourceAttributes: { verb, group: '', version: 'v1', resource: 'nodes', subresource: 'proxy', name: o.nodeName } },
        },
      });
      const allowed = review.status?.allowed === true;
      d = { allowed, until: Date.now() + (allowed ? ALLOWED_TTL_MS : DENIED_TTL_MS) };
      if (decisions.size > 1000) decisions.clear();
      decisions.set(key, d);
    }
    if (!d.allowed) return { code: 403, text: `Forbidden (user=${user.username}, verb=${verb}, resource=nodes, subresource=proxy)` };
    return undefined;
  };

  /** This node's pod by name (the kubelet's pod manager: 404 for pods it does not run). */
  const podOf = async (route: Route): Promise<Pod> => {
    let pod: Pod | undefined;
    try {
      pod = await o.client.get<Pod>(builtin.pods, route.pod, { namespace: route.namespace });
    } catch (e) {
      if (!(isApiError(e) && (e.code === 404 || e.code === 403))) throw e;
    }
    if (!pod || pod.spec.nodeName !== o.nodeName || (route.uid && pod.metadata.uid !== route.uid)) {
      throw new ApiError(404, 'NotFound', `pod does not exist`);
    }
    return pod;
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const refusal = await admit(req);
    if (refusal) return plain(res, refusal.code, refusal.text);
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const route = parseKubeletPath(url.pathname);
    if (!route) return plain(res, 404, '404 page not found');
    if (route.kind !== 'log') return plain(res, 400, 'Upgrade request required');
    if (req.method !== 'GET') return plain(res, 405, 'method not allowed');
    const pod = await podOf(route);
    const container = validateContainer(pod, route.container);
    await serveContainerLog(o.kubelet, podRef(pod), container, parseLogOptions(route.pod, url.searchParams), res);
  };

  const onUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    const refusal = await admit(req);
    if (refusal) return writePlainError(req, socket, refusal.code, refusal.text);
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const route = parseKubeletPath(url.pathname);
    if (!route || route.kind === 'log') return writePlainError(req, socket, 404, '404 page not found');
    const pod = await podOf(route);
    if (route.kind === 'portforward') return servePortForward(o.kubelet, podRef(pod), req, socket, head, url.searchParams);
    const opts = parseRemoteCommandOptions(route.kind, url.searchParams);
    opts.container = validateContainer(pod, route.container);
    return serveRemoteCommand(route.kind, o.kubelet, pod, opts, req, socket, head);
  };

  const server: Server = createServer({ key: o.keyPem, cert: o.certPem, ca: o.caPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    onRequest(req, res).catch((e: unknown) => {
      if (res.headersSent) return void res.destroy();
      plain(res, isApiError(e) ? e.code : 500, e instanceof Error ? e.message : String(e));
    });
  });
  const sockets = new Set<Duplex>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    onUpgrade(req, socket, head).catch((e: unknown) => {
      if (isUpgraded(socket) || !socket.writable) return void socket.destroy();
      writePlainError(req, socket, isApiError(e) ? e.code : 500, e instanceof Error ? e.message : String(e));
    });
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  o.log?.(`kubelet server listening on https://${o.host}:${port}`);
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** The kubelet's authorizer attributes: the HTTP method as a verb (pkg/kubelet/server/auth.go). */
function verbOf(method: string | undefined): string {
  switch (method) {
    case 'POST': return 'create';
    case 'PUT': return 'update';
    case 'PATCH': return 'patch';
    case 'DELETE': return 'delete';
    default: return 'get';
  }
}

function plain(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}
