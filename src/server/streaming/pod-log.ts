// GET pods/{name}/log: PodLogOptions from the query (pkg/registry/core/pod/rest/log.go with ValidatePodLogOptions
// and LogLocation), then the node's kubelet streams the container's log as chunked text/plain. The kubelet validates
// the container's state (waiting, previous…) and refuses before its first write; after that the 200 is committed.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { ApiError, errBadRequest, errInternal, errInvalid, isApiError } from '../../apimachinery/errors.js';
import { FieldError, forbidden, invalid, notSupported } from '../../apimachinery/field-errors.js';
import type { ContainerLogOptions, KubeletApi, PodRef } from '../../component/kubelet-api.js';
import { drained } from '../codec.js';
import type { ServerContext } from '../context.js';
import type { RequestInfo } from '../../apimachinery/request-info.js';
import { boolParam, getPod, intParam, localKubelet, podRef, validateContainer } from './pod-target.js';
import { kubeletStreamPath, proxyLogsToKubelet } from './remote-kubelet.js';

const LOG_STREAMS = ['Stdout', 'Stderr', 'All'] as const;

export async function handlePodLog(ctx: ServerContext, _req: IncomingMessage, res: ServerResponse, info: RequestInfo, query: URLSearchParams): Promise<void> {
  if (info.verb !== 'get') {
    throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
  }
  const opts = parseLogOptions(info.name, query);
  const pod = await getPod(ctx, info.namespace, info.name);
  const container = validateContainer(pod, query.get('container') ?? '');
  // A pod without a node has no logs yet: upstream answers an empty body.
  if (!pod.spec.nodeName) {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end();
    return;
  }
  const kubelet = localKubelet(ctx, pod.spec.nodeName);
  // a node agent on another machine: its kubelet server reads the log (the query, validated, goes along)
  if (!kubelet) return proxyLogsToKubelet(ctx, pod.spec.nodeName, kubeletStreamPath('log', pod, container), query, res);
  await serveContainerLog(kubelet, podRef(pod), container, opts, res);
}

/**
 * The kubelet's side of a log request: the kubelet writes to the response through a Writable that keeps its
 * backpressure; its first write commits the 200, an error before that is thrown for the caller to answer.
 */
export async function serveContainerLog(kubelet: KubeletApi, ref: PodRef, container: string, opts: ContainerLogOptions, res: ServerResponse): Promise<void> {
  const ac = new AbortController();
  let ours = false;
  res.once('close', () => {
    if (!ours) ac.abort();
  });
  let committed = false;
  const commit = () => {
    if (committed) return;
    committed = true;
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
    res.socket?.setNoDelay?.(true);
    res.flushHeaders?.();
  };
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      commit();
      if (!chunk.length) return cb();
      if (res.write(chunk)) return cb();
      void drained(res).then(() => cb());
    },
  });
  out.on('error', () => {});
  try {
    await kubelet.logs(ref, container, opts, out, ac.signal);
  } catch (e) {
    if (!committed) throw isApiError(e) ? e : errInternal(e);
    // Too late for a Status: end the stream (the client sees the log stop).
    ours = true;
    res.end();
    return;
  }
  commit();
  ours = true;
  res.end();
}

/** PodLogOptions from the query, validated as ValidatePodLogOptions does (422 PodLogOptions "name" is invalid). */
export function parseLogOptions(name: string, query: URLSearchParams, now = new Date()): ContainerLogOptions {
  const tailLines = intParam(query, 'tailLines');
  const limitBytes = intParam(query, 'limitBytes');
  const sinceSeconds = intParam(query, 'sinceSeconds');
  const sinceTimeText = query.get('sinceTime');
  let sinceTime: Date | undefined;
  if (sinceTimeText !== null && sinceTimeText !== '') {
    const ms = parseRfc3339(sinceTimeText);
    if (ms === undefined) throw errBadRequest(`parsing time ${JSON.stringify(sinceTimeText)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(sinceTimeText)} as "2006"`);
    sinceTime = new Date(ms);
  }
  const stream = query.get('stream') ?? undefined;
  const errs: FieldError[] = [];
  if (tailLines !== undefined && tailLines < 0) errs.push(invalid('tailLines', tailLines, 'must be greater than or equal to 0'));
  if (limitBytes !== undefined && limitBytes < 1) errs.push(invalid('limitBytes', limitBytes, 'must be greater than 0'));
  if (sinceSeconds !== undefined && sinceTime) {
    errs.push(forbidden('', 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
  } else if (sinceSeconds !== undefined && sinceSeconds < 1) {
    errs.push(invalid('sinceSeconds', sinceSeconds, 'must be greater than 0'));
  }
  if (stream !== undefined) {
    if (!(LOG_STREAMS as readonly string[]).includes(stream)) errs.push(notSupported('stream', stream, [...LOG_STREAMS]));
    if (stream !== 'All' && tailLines !== undefined) {
      errs.push(forbidden('', '`tailLines` and specific `stream` are mutually exclusive for now'));
    }
  }
  if (errs.length) throw errInvalid('', 'PodLogOptions', name, errs);
  // NewLogOptions: sinceSeconds counts back from now; sinceTime wins when it is later.
  let since = sinceSeconds !== undefined ? new Date(now.getTime() - sinceSeconds * 1000) : undefined;
  if (sinceTime && (!since || sinceTime > since)) since = sinceTime;
  return {
    follow: boolParam(query, 'follow'),
    previous: boolParam(query, 'previous'),
    timestamps: boolParam(query, 'timestamps'),
    since,
    tailLines,
    limitBytes,
    stream: stream as ContainerLogOptions['stream'],
  };
}

function parseRfc3339(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
