// exec, attach and port-forward for Berth's own components and the SDK inside the server's process (the loopback
// client cannot upgrade a connection). The same path as an upgrade minus the wire: parse, authorize as a SPDY POST
// would be (`create` on the subresource), check the pod, ask the kubelet — and for exec/attach end the output
// streams before reporting the result, as the protocol layer does. A pod on a joined machine's node is reached
// through that machine's kubelet server, as the client toolkit reaches an API server (WebSocket v5, SPDY).
import { Writable, type Duplex } from 'node:stream';
import { ApiError } from '../../apimachinery/errors.js';
import { exitCodeOf, StreamStatus } from '../../apimachinery/remotecommand.js';
import type { InProcessStreaming, SessionStreams } from '../../client/http.js';
import { statusToError } from '../../client/http.js';
import type { UserInfo } from '../../api/identity.js';
import { authorize, requestPath } from '../app.js';
import type { ServerContext } from '../context.js';
import { parseRequestInfo, type RequestInfo } from '../../apimachinery/request-info.js';
import { webSocketCommand, spdyPortForward } from '../../client/pod-streams.js';
import { boundNode, getPod, localKubelet, notRunningMessage, podRef, validateContainer } from './pod-target.js';
import { kubeletConnection, kubeletStreamPath } from './remote-kubelet.js';
import { parseRemoteCommandOptions, ResizeFeed, runRemoteCommand } from './remotecommand.js';

export function inProcessStreaming(ctx: ServerContext, user: UserInfo): InProcessStreaming {
  const resolve = async (path: string, subresources: string[]): Promise<{ info: RequestInfo; query: URLSearchParams }> => {
    const { path: p, query } = requestPath(path);
    const info = parseRequestInfo('POST', p, query);
    if (!info.isResourceRequest || info.group !== '' || info.resource !== 'pods' || !subresources.includes(info.subresource)) {
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
    }
    await authorize(ctx, user, info);
    return { info, query };
  };

  return {
    async remoteCommand(path: string, streams: SessionStreams): Promise<{ exitCode: number }> {
      const { info, query } = await resolve(path, ['exec', 'attach']);
      const kind = info.subresource as 'exec' | 'attach';
      const opts = parseRemoteCommandOptions(kind, query);
      const pod = await getPod(ctx, info.namespace, info.name);
      opts.container = validateContainer(pod, opts.container);
      const node = boundNode(pod);
      const kubelet = localKubelet(ctx, node);
      // a node agent on another machine: its kubelet server checks the container and runs the session
      if (!kubelet) {
        const remote = `${kubeletStreamPath(kind, pod, opts.container)}?${query}`;
        return { exitCode: await webSocketCommand(await kubeletConnection(ctx, node), remote, streams) };
      }
      const notRunning = notRunningMessage(pod, opts.container);
      if (notRunning) throw new ApiError(500, 'InternalError', notRunning);
      const ref = podRef(pod);
      await kubelet.prepare?.({ kind, pod: ref, container: opts.container });
      const resizes = new ResizeFeed();
      streams.onResize?.((size) => resizes.push(size));
      let status: StreamStatus | undefined;
      await runRemoteCommand(kind, kubelet, ref, opts, {
        stdin: opts.stdin ? streams.stdin : undefined,
        stdout: opts.stdout ? keepOpen(streams.stdout) : undefined,
        stderr: opts.stderr ? keepOpen(streams.stderr) : undefined,
        resizes,
        signal: streams.signal,
        finish: async (s) => {
          status = s;
        },
      });
      if (!status) throw streams.signal.reason ?? new Error('the session was aborted');
      const exitCode = exitCodeOf(status);
      if (exitCode === undefined) throw statusToError({ ...status, kind: 'Status', apiVersion: 'v1' } as never);
      return { exitCode };
    },

    async portForward(path: string, port: number, signal: AbortSignal): Promise<Duplex> {
      const { info, query } = await resolve(path, ['portforward']);
      const pod = await getPod(ctx, info.namespace, info.name);
      const node = boundNode(pod);
      const kubelet = localKubelet(ctx, node);
      if (!kubelet) {
        const remote = `${kubeletStreamPath('portforward', pod)}${query.size ? `?${query}` : ''}`;
        return spdyPortForward(await kubeletConnection(ctx, node), remote, port, signal);
      }
      const ref = podRef(pod);
      await kubelet.prepare?.({ kind: 'portforward', pod: ref });
      return kubelet.portForward(ref, port, signal);
    },
  };
}

/**
 * The caller's writer behind one the session may end: ending the session's output must not end, say,
 * process.stdout. Writes keep the caller's backpressure.
 */
function keepOpen(target: Writable | undefined): Writable | undefined {
  if (!target) return undefined;
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (target.destroyed) return cb();
      if (target.write(chunk)) cb();
      else target.once('drain', () => cb());
    },
  });
}
