// pods/exec and pods/attach: the upgrade handler (checks from the pod object, then SPDY or WebSocket) and what every
// transport shares — running the session against the kubelet and reporting how it ended on the error stream, after
// stdout and stderr ended (kubelet cri/streaming/remotecommand/{exec,attach}.go; apiserver streamtranslator.go).
import type { IncomingMessage } from 'node:http';
import type { Duplex, Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { errBadRequest, isApiError } from '../../apimachinery/errors.js';
import { exitCodeStatus, StreamStatus, streamStatusOf, successStatus, type TerminalSize } from '../../apimachinery/remotecommand.js';
import { ApiError, errInternal } from '../../apimachinery/errors.js';
import type { ContainerStreams, KubeletApi, PodRef } from '../../component/kubelet-api.js';
import type { UpgradeHandler } from '../context.js';
import { isSpdyRequest, isWebSocketRequest, writePlainError } from '../upgrade.js';
import type { Pod } from '../../api/core.js';
import { boolParam, boundNode, getPod, localKubelet, notRunningMessage, podRef, validateContainer } from './pod-target.js';
import { kubeletStreamPath, proxyUpgradeToKubelet } from './remote-kubelet.js';
import { serveSpdyCommand } from './remotecommand-spdy.js';
import { serveWebSocketCommand } from './remotecommand-ws.js';

export type CommandKind = 'exec' | 'attach';

/** PodExecOptions / PodAttachOptions as the kubelet's NewOptions reads them. */
export interface RemoteCommandOptions {
  container: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export function parseRemoteCommandOptions(kind: CommandKind, query: URLSearchParams): RemoteCommandOptions {
  const tty = boolParam(query, 'tty');
  const opts: RemoteCommandOptions = {
    container: query.get('container') ?? '',
    command: kind === 'exec' ? query.getAll('command') : [],
    stdin: boolParam(query, 'stdin'),
    stdout: boolParam(query, 'stdout'),
    // A terminal has no separate stderr (the kubelet drops it: "bypassing stderr").
    stderr: boolParam(query, 'stderr') && !tty,
    tty,
  };
  if (!opts.stdin && !opts.stdout && !opts.stderr) throw errBadRequest('you must specify at least 1 of stdin, stdout, stderr');
  if (kind === 'exec' && opts.command.length === 0) throw errBadRequest('you must specify at least one command for the container');
  return opts;
}

/** The session's streams as a transport (SPDY streams or WebSocket channels) provides them. */
export interface CommandChannels {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  resizes: ResizeFeed;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /** Writes how the session ended to the error stream and closes the connection. */
  finish(status: StreamStatus): Promise<void>;
}

/** Terminal sizes from the client; a listener registered late gets the latest size at once. */
export class ResizeFeed {
  private last?: TerminalSize;
  private readonly listeners: ((size: TerminalSize) => void)[] = [];

  push(size: TerminalSize): void {
    this.last = size;
    for (const l of this.listeners) l(size);
  }

  onResize = (listener: (size: TerminalSize) => void): void => {
    this.listeners.push(listener);
    if (this.last) listener(this.last);
  };
}

export function remoteCommandUpgrade(kind: CommandKind): UpgradeHandler {
  return async (ctx, req, socket, head, info, query) => {
    const opts = parseRemoteCommandOptions(kind, query);
    const pod = await getPod(ctx, info.namespace, info.name);
    opts.container = validateContainer(pod, opts.container);
    const node = boundNode(pod);
    const kubelet = localKubelet(ctx, node);
    // a node agent on another machine: its kubelet server answers (and checks the container) itself
    if (!kubelet) return proxyUpgradeToKubelet(ctx, node, kubeletStreamPath(kind, pod, opts.container), query, req, socket, head);
    return serveRemoteCommand(kind, kubelet, pod, opts, req, socket, head);
  };
}

/**
 * The kubelet's side of exec/attach once the pod and container are known (the API server for an in-process node,
 * the node agent's kubelet server for its own pods): the container must run, then SPDY or WebSocket.
 */
export async function serveRemoteCommand(kind: CommandKind, kubelet: KubeletApi, pod: Pod, opts: RemoteCommandOptions, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const ref = podRef(pod);
  const notRunning = notRunningMessage(pod, opts.container);
  if (notRunning) return writePlainError(req, socket, 500, notRunning);
  await kubelet.prepare?.({ kind, pod: ref, container: opts.container });
  const run = (ch: CommandChannels) => runRemoteCommand(kind, kubelet, ref, opts, ch);
  if (isWebSocketRequest(req)) return serveWebSocketCommand(req, socket, head, opts, run);
  if (isSpdyRequest(req)) return serveSpdyCommand(req, socket, head, opts, run);
  return missingUpgradeHeaders(req, socket);
}

export function missingUpgradeHeaders(req: IncomingMessage, socket: Duplex): void {
  writePlainError(req, socket, 400, 'unable to upgrade: missing upgrade headers in request');
}

/** Upstream's answer to a plain request on an upgrade-only subresource. */
export function upgradeRequired(): never {
  throw new ApiError(400, 'BadRequest', 'Upgrade request required');
}

/** Runs exec or attach on the kubelet and ends the session as ServeExec/ServeAttach do. */
export async function runRemoteCommand(kind: CommandKind, kubelet: KubeletApi, pod: PodRef, opts: RemoteCommandOptions, ch: CommandChannels): Promise<void> {
  const streams: ContainerStreams = {
    stdin: ch.stdin,
    stdout: ch.stdout,
    stderr: opts.tty ? undefined : ch.stderr,
    tty: opts.tty,
    onResize: opts.tty ? ch.resizes.onResize : undefined,
    signal: ch.signal,
  };
  let status: StreamStatus;
  try {
    if (kind === 'exec') {
      const { exitCode } = await kubelet.exec(pod, opts.container, opts.command, streams);
      status = exitCode === 0 ? successStatus() : exitCodeStatus(exitCode, opts.command);
    } else {
      await kubelet.attach(pod, opts.container, streams);
      status = successStatus(); // upstream reports attach as Success whatever the exit code
    }
  } catch (e) {
    status = failureStatus(kind, e);
  }
  if (ch.signal.aborted) return;
  // kubectl reads the status only after stdout and stderr ended: end them first, flushed.
  await Promise.all([endWritable(ch.stdout), endWritable(ch.stderr)]);
  if (ch.signal.aborted) return;
  await ch.finish(status);
}

/** An ApiError the kubelet chose keeps its status; anything else is an InternalError as the kubelet words it. */
export function failureStatus(kind: CommandKind, e: unknown): StreamStatus {
  if (isApiError(e)) return streamStatusOf(e.toStatus());
  const what = kind === 'exec' ? 'error executing command in container' : 'error attaching to container';
  return streamStatusOf(errInternal(new Error(`${what}: ${e instanceof Error ? e.message : String(e)}`)).toStatus());
}

async function endWritable(w: Writable | undefined): Promise<void> {
  if (!w || w.destroyed) return;
  if (!w.writableEnded) w.end();
  await finished(w, { readable: false }).catch(() => {});
}
