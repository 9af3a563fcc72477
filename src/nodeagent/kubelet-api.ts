// What the API server asks of a node's kubelet on a user's behalf: exec, attach, port-forward and container logs
// (upstream: the kubelet's streaming server behind /exec, /attach, /portForward and /containerLogs). Types only, so
// the server and the runtimes depend on this contract and not on each other. The node agent gives one KubeletApi for
// all the nodes it runs; inside `berth up` the API server reaches it in-process (ServerContext.kubelets).
import type { Duplex, Readable, Writable } from 'node:stream';

export interface PodRef {
  namespace: string;
  name: string;
  uid: string;
}

export interface TerminalSize {
  width: number;
  height: number;
}

/** The client's side of a remotecommand session (exec or attach), as the protocol layer hands it to the kubelet. */
export interface ContainerStreams {
  /** Present when the client asked for stdin; ends when the client closes it (EOF). */
  stdin?: Readable;
  stdout?: Writable;
  /** Absent when tty is set (a terminal merges stderr into stdout). */
  stderr?: Writable;
  tty: boolean;
  /** Terminal size changes sent by the client (tty only); the first arrives right after the session starts. */
  onResize?(listener: (size: TerminalSize) => void): void;
  /** Aborted when the client goes away or the session is torn down: the kubelet must stop what it started. */
  signal: AbortSignal;
}

/** How a remotecommand session ended. `exitCode` 0 is success; a non-zero code becomes NonZeroExitCode. */
export interface StreamResult {
  exitCode: number;
}

/** pods/log options after the API server validated them (upstream PodLogOptions, kubelet side). */
export interface ContainerLogOptions {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  /** Only lines written at or after this instant (sinceSeconds and sinceTime resolved; the later wins). */
  since?: Date;
  tailLines?: number;
  limitBytes?: number;
  /** Stdout, Stderr or All (PodLogsQuerySplitStreams); default All. */
  stream?: 'Stdout' | 'Stderr' | 'All';
}

/**
 * Errors a kubelet reports are thrown as ApiError (apimachinery/errors.ts) with upstream's code and wording, e.g.
 * 400 `container "c" in pod "p" is waiting to start: ContainerCreating`, or 400 `previous terminated container "c"
 * in pod "p" not found`; anything else is answered as an InternalError by the caller.
 */
export interface KubeletApi {
  /** Runs `command` in the container's namespaces with its environment; resolves when it exits. */
  exec(pod: PodRef, container: string, command: string[], streams: ContainerStreams): Promise<StreamResult>;
  /** Joins the container's main process stdio (stdin only if its spec sets stdin); resolves when it exits or the client leaves. */
  attach(pod: PodRef, container: string, streams: ContainerStreams): Promise<StreamResult>;
  /** A connection to `port` on the pod's localhost, made inside its network namespace (as containerd does). */
  portForward(pod: PodRef, port: number, signal: AbortSignal): Promise<Duplex>;
  /** Writes the container's log to `out` as the options say; resolves at the end (follow: when the container stops or `signal` aborts). */
  logs(pod: PodRef, container: string, opts: ContainerLogOptions, out: Writable, signal: AbortSignal): Promise<void>;
}
