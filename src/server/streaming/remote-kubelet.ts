// A pod on a node whose agent runs on another machine (`berth node join`): the API server reaches that node's
// kubelet server over HTTPS at the node's InternalIP and Node.status.daemonEndpoints.kubeletEndpoint.Port, as
// upstream's ExecLocation/PortForwardLocation/LogLocation (pkg/registry/core/pod/strategy.go) build the kubelet URL
// and the pod REST proxies to it. Upgrades are piped both ways once the request is written (upstream's
// UpgradeAwareHandler): the kubelet answers the handshake (101 or its plain-text refusal) and speaks the stream
// protocol itself, so SPDY and WebSocket (v5, the port-forward tunnel) pass through untranslated. Logs are a
// streamed GET whose non-200 answer becomes a Status with the kubelet's text.
//
// Identity: the API server presents a client certificate of kube-apiserver-kubelet-client signed by the cluster CA
// (ServerContext.kubeletClient); the node presents its own client certificate pair (CN=system:node:<name>, from TLS
// bootstrap), which is checked here against the cluster CA and the node's name — stricter than upstream's default,
// which does not verify the kubelet's serving certificate without --kubelet-certificate-authority.
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { ApiError } from '../../apimachinery/errors.js';
import type { DirectConnection } from '../../client/http.js';
import type { Pod, Node } from '../../api/core.js';
import { DEFAULT_KUBELET_PORT } from '../../nodeagent/node-object.js';
import type { ServerContext } from '../context.js';
import { markUpgraded } from '../upgrade.js';

/** The API server's client identity towards kubelets (upstream --kubelet-client-certificate/-key) and the CA. */
export interface KubeletClientTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** The user name of that identity (kubeadm's apiserver-kubelet-client certificate). */
export const KUBELET_CLIENT_USER = 'kube-apiserver-kubelet-client';

const DIAL_TIMEOUT_MS = 10_000;

/** The kubelet server's path for a pod subresource (pkg/kubelet/server/server.go routes). */
export function kubeletStreamPath(kind: 'exec' | 'attach' | 'portforward' | 'log', pod: Pod, container = ''): string {
  const ns = encodeURIComponent(pod.metadata.namespace ?? '');
  const name = encodeURIComponent(pod.metadata.name ?? '');
  const c = encodeURIComponent(container);
  switch (kind) {
    case 'exec': return `/exec/${ns}/${name}/${c}`;
    case 'attach': return `/attach/${ns}/${name}/${c}`;
    case 'portforward': return `/portForward/${ns}/${name}`;
    case 'log': return `/containerLogs/${ns}/${name}/${c}`;
  }
}

/** The node's kubelet address: its InternalIP and daemon endpoint port (503 when the Node has none). */
export async function kubeletAddress(ctx: ServerContext, nodeName: string): Promise<{ host: string; port: number }> {
  const def = ctx.registry.lookup('', 'v1', 'nodes');
  let node: Node | undefined;
  try {
    node = def ? ((await ctx.objects.get(def, '', nodeName)) as Node) : undefined;
  } catch {
    node = undefined;
  }
  const host = node?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  if (!node || !host) {
    throw new ApiError(503, 'ServiceUnavailable', `no kubelet is reachable for node "${nodeName}": the node has no InternalIP address`);
  }
  return { host, port: node.status?.daemonEndpoints?.kubeletEndpoint?.Port || DEFAULT_KUBELET_PORT };
}

/** A TLS connection to the node's kubelet whose certificate the cluster CA issued to system:node:<nodeName>. */
export async function dialKubelet(ctx: ServerContext, nodeName: string): Promise<TLSSocket> {
  const tls = ctx.kubeletClient;
  if (!tls) throw new ApiError(503, 'ServiceUnavailable', `no kubelet client certificate: this API server cannot reach node "${nodeName}"'s kubelet`);
  const { host, port } = await kubeletAddress(ctx, nodeName);
  const socket = tlsConnect({ host, port, cert: tls.certPem, key: tls.keyPem, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`dial tcp ${host}:${port}: i/o timeout`)), DIAL_TIMEOUT_MS);
      socket.once('secureConnect', () => { clearTimeout(timer); resolve(); });
      socket.once('error', (e) => { clearTimeout(timer); reject(e); });
    });
    const why = nodeCertificateProblem(socket.getPeerX509Certificate(), tls.caPem, nodeName);
    if (why) throw new Error(`tls: ${why}`);
  } catch (e) {
    socket.destroy();
    throw new ApiError(500, 'InternalError', `error dialing backend: ${e instanceof Error ? e.message : String(e)}`);
  }
  socket.on('error', () => {});
  return socket;
}

/**
 * How the API server's own clients (in-process components, the SDK) reach a node's kubelet on another machine: its
 * address, and a dial that checks the kubelet's certificate as dialKubelet does. No bearer token: the kubelet knows
 * the API server by its client certificate.
 */
export async function kubeletConnection(ctx: ServerContext, nodeName: string): Promise<DirectConnection> {
  const { host, port } = await kubeletAddress(ctx, nodeName);
  return {
    origin: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    tls: { rejectUnauthorized: false }, // the dial below checks the peer against the cluster CA and the node's name
    headers: {},
    dial: () => dialKubelet(ctx, nodeName),
  };
}

function nodeCertificateProblem(cert: X509Certificate | undefined, caPem: string, nodeName: string): string | undefined {
  if (!cert) return 'the kubelet presented no certificate';
  const ca = new X509Certificate(caPem);
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return 'the kubelet\'s certificate is not signed by the cluster CA';
  const now = Date.now();
  if (Date.parse(cert.validFrom) > now || Date.parse(cert.validTo) < now) return 'the kubelet\'s certificate has expired or is not yet valid';
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1];
  if (cn !== `system:node:${nodeName}`) return `the kubelet's certificate is for "${cn ?? ''}", not system:node:${nodeName}`;
  return undefined;
}

/** Headers that name the client to this server and mean nothing to the kubelet (which sees our identity). */
const DROPPED = new Set(['authorization', 'host', 'impersonate-user', 'impersonate-group', 'impersonate-uid', 'cookie']);

/**
 * Forwards an upgrade request to the node's kubelet and pipes the two connections both ways until either closes:
 * the kubelet's answer (101 and the stream protocol, or a refusal) reaches the client as it wrote it.
 */
export async function proxyUpgradeToKubelet(
  ctx: ServerContext, nodeName: string, path: string, query: URLSearchParams, req: IncomingMessage, client: Duplex, head: Buffer,
): Promise<void> {
  const backend = await dialKubelet(ctx, nodeName);
  const lines = [`${req.method ?? 'GET'} ${path}${query.size ? `?${query}` : ''} HTTP/1.1`, `Host: ${backend.remoteAddress}:${backend.remotePort}`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (DROPPED.has(name.toLowerCase()) || name.toLowerCase().startsWith('impersonate-extra-')) continue;
    lines.push(`${name}: ${req.rawHeaders[i + 1]}`);
  }
  markUpgraded(client);
  backend.write(`${lines.join('\r\n')}\r\n\r\n`);
  if (head.length) backend.write(head);
  await new Promise<void>((resolve) => {
    let done = false;
    const close = () => {
      if (done) return;
      done = true;
      client.destroy();
      backend.destroy();
      resolve();
    };
    // a half-close travels on (stdin EOF is in-band, but a SPDY peer may end its side first)
    client.pipe(backend);
    backend.pipe(client);
    client.once('close', close);
    backend.once('close', close);
    client.once('error', close);
    backend.once('error', close);
  });
}

/**
 * GET /containerLogs on the node's kubelet, its body streamed to `res` (chunked text/plain). A refusal (non-200)
 * becomes a Status with the kubelet's text (upstream's GenericHttpResponseChecker).
 */
export async function proxyLogsToKubelet(ctx: ServerContext, nodeName: string, path: string, query: URLSearchParams, res: ServerResponse): Promise<void> {
  const socket = await dialKubelet(ctx, nodeName);
  const backend = await new Promise<IncomingMessage>((resolve, reject) => {
    const r = httpRequest({ createConnection: () => socket, method: 'GET', path: `${path}${query.size ? `?${query}` : ''}`, headers: { host: `${socket.remoteAddress}:${socket.remotePort}` } });
    r.once('response', resolve);
    r.once('error', reject);
    r.end();
  }).catch((e: unknown) => {
    socket.destroy();
    throw new ApiError(500, 'InternalError', `error proxying logs: ${e instanceof Error ? e.message : String(e)}`);
  });
  if (backend.statusCode !== 200) {
    const chunks: Buffer[] = [];
    for await (const c of backend) chunks.push(c as Buffer);
    socket.destroy();
    const code = backend.statusCode ?? 500;
    throw new ApiError(code, reasonOf(code), Buffer.concat(chunks).toString('utf8').trim().slice(0, 4096));
  }
  res.once('close', () => socket.destroy());
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
  res.socket?.setNoDelay?.(true);
  res.flushHeaders?.();
  await new Promise<void>((resolve) => {
    backend.pipe(res);
    backend.once('end', resolve);
    backend.once('error', () => { res.end(); resolve(); });
    res.once('close', resolve);
  });
  socket.destroy();
}

function reasonOf(code: number): string {
  const reasons: Record<number, string> = {
    400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict', 422: 'Invalid', 429: 'TooManyRequests', 503: 'ServiceUnavailable',
  };
  return reasons[code] ?? 'InternalError';
}
