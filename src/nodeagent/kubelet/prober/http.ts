// The httpGet probe (kubernetes pkg/probe/http http.go and request.go): a GET with `User-Agent: kube-probe/1.33`
// and `Accept: */*` unless the probe sets them, no keep-alive, no proxy, no compression, TLS unverified; 200–399 is
// success, redirects are followed on the same host only (another host ends the probe with a warning), at most 10.
import http from 'node:http';
import https from 'node:https';
import type { ContainerSpec, HTTPGetAction } from '../../../api/core.js';
import { connErrorText, dialErrorText, joinHostPort } from '../go-net.js';
import { PROBE_USER_AGENT, type ProbeOutcome } from './results.js';

/** The response body kept (http.go maxRespBodyLength). */
const MAX_BODY = 10 * 1024;
const MAX_REDIRECTS = 10;

export interface ProbeRequest {
  url: URL;
  /** Canonical header names → values (a name may repeat). */
  headers: [string, string][];
  /** A Host header overrides the request's host. */
  host?: string;
}

/** textproto.CanonicalMIMEHeaderKey. */
export function canonicalHeaderKey(name: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/.test(name)) return name;
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

/** probe.ResolveContainerPort: a number, a named container port, or a number written as text. */
export function resolveContainerPort(port: number | string, container: ContainerSpec): number {
  let n: number;
  if (typeof port === 'number') n = port;
  else {
    const named = (container.ports ?? []).find((p) => p.name === port);
    if (named) n = named.containerPort;
    else if (/^[+-]?\d+$/.test(port)) n = Number(port);
    else throw new Error(`strconv.Atoi: parsing ${JSON.stringify(port)}: invalid syntax`);
  }
  if (n > 0 && n < 65536) return n;
  throw new Error(`invalid port number: ${n}`);
}

/** NewRequestForHTTPGetAction: scheme (default http), host (default pod IP), port, path, headers. */
export function newRequestForHTTPGetAction(action: HTTPGetAction, container: ContainerSpec, podIP: string): ProbeRequest {
  const scheme = (action.scheme || 'HTTP').toLowerCase();
  const host = action.host || podIP;
  const port = resolveContainerPort(action.port, container);
  const pathPart = action.path ?? '';
  const url = new URL(`${scheme}://${joinHostPort(host, port)}${pathPart.startsWith('/') ? '' : '/'}${pathPart}`);
  const headers: [string, string][] = (action.httpHeaders ?? []).map((h) => [canonicalHeaderKey(h.name), h.value]);
  const has = (k: string) => headers.some(([n]) => n === k);
  if (!has('User-Agent')) headers.push(['User-Agent', PROBE_USER_AGENT]);
  let out = headers;
  if (!has('Accept')) out.push(['Accept', '*/*']);
  else if ((headers.find(([n]) => n === 'Accept')?.[1] ?? '') === '') out = out.filter(([n]) => n !== 'Accept'); // an empty Accept removes it
  const hostHeader = out.find(([n]) => n === 'Host')?.[1];
  return { url, headers: out.filter(([n]) => n !== 'Host'), host: hostHeader || undefined };
}

interface Response {
  status: number;
  location?: string;
  body: string;
}

/** DoHTTPProbe with the prober's client (timeout over the whole exchange, same-host redirects). */
export async function httpProbe(req: ProbeRequest, timeoutMs: number): Promise<ProbeOutcome> {
  const deadline = Date.now() + timeoutMs;
  let url = req.url;
  let host = req.host;
  const explicitReferer = req.headers.find(([n]) => n === 'Referer')?.[1];
  let referer = explicitReferer;
  for (let redirects = 0; ; redirects++) {
    let res: Response;
    try {
      const headers = referer === undefined ? req.headers : [...req.headers.filter(([n]) => n !== 'Referer'), ['Referer', referer] as [string, string]];
      res = await get(url, headers, host, deadline);
    } catch (e) {
      // Errors become failures, so timeouts count.
      return { result: 'failure', output: `Get ${JSON.stringify(url.href)}: ${(e as Error).message}` };
    }
    const isRedirect = [301, 302, 303, 307, 308].includes(res.status) && res.location !== undefined;
    if (isRedirect) {
      const next = new URL(res.location!, url);
      if (next.hostname === req.url.hostname) {
        // CheckRedirect sees the requests made so far: the 10th redirect is refused.
        // (Go's error names the raw Location.)
        if (redirects + 1 >= MAX_REDIRECTS) return { result: 'failure', output: `Get ${JSON.stringify(res.location)}: stopped after ${MAX_REDIRECTS} redirects` };
        // A custom Host header survives relative redirects only.
        host = /^[a-z][a-z0-9+.-]*:/i.test(res.location!) ? undefined : req.host;
        // The client sends the previous URL as Referer (not from https to http), unless the probe set one.
        referer = explicitReferer ?? (url.protocol === 'https:' && next.protocol === 'http:' ? undefined : url.href);
        url = next;
        continue;
      }
      // A redirect to another host is not followed: the 3xx is the answer.
    }
    if (res.status >= 200 && res.status < 400) {
      if (res.status >= 300) return { result: 'warning', output: `Probe terminated redirects, Response body: ${res.body}` };
      return { result: 'success', output: res.body };
    }
    return { result: 'failure', output: `HTTP probe failed with statuscode: ${res.status}` };
  }
}

function get(url: URL, headers: [string, string][], host: string | undefined, deadline: number): Promise<Response> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const out: http.OutgoingHttpHeaders = {};
    for (const [k, v] of headers) out[k] = out[k] === undefined ? v : [...([] as string[]).concat(out[k] as string | string[]), v];
    if (host) out.Host = host;
    let phase: 'headers' | 'body' = 'headers';
    const request = mod.request({
      method: 'GET', hostname, port, path: `${url.pathname}${url.search}`, headers: out, agent: false,
      rejectUnauthorized: false, setHost: !host,
    });
    const timer = setTimeout(() => {
      request.destroy(new Error(phase === 'headers'
        ? 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)'
        : 'context deadline exceeded (Client.Timeout or context cancellation while reading body)'));
    }, Math.max(0, deadline - Date.now()));
    let connected = false;
    request.on('socket', (socket) => socket.once('connect', () => { connected = true; }));
    request.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (!err.code) reject(err);
      else if (!connected) reject(new Error(dialErrorText(err, hostname, port)));
      else if (err.code === 'ECONNRESET' && phase === 'headers' && err.message === 'socket hang up') reject(new Error('EOF'));
      else {
        const s = request.socket;
        reject(new Error(connErrorText(err, joinHostPort(s?.localAddress ?? '', s?.localPort ?? 0), joinHostPort(hostname, port))));
      }
    });
    request.on('response', (res) => {
      phase = 'body';
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < MAX_BODY) chunks.push(c.subarray(0, MAX_BODY - size));
        size += c.length;
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: Buffer.concat(chunks).toString() });
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    request.end();
  });
}
