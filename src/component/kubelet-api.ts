// What the API server asks of a node's kubelet on a user's behalf: exec, attach, port-forward and container logs
// (upstream: the kubelet's streaming server behind /exec, /attach, /portForward and /containerLogs). Types only, so
// the server and the runtimes depend on this contract and not on each other. The node agent gives one KubeletApi for
// all the nodes it runs; inside `berth up` the API server reaches it in-process (ServerContext.kubelets).
// How a request gets here from kubectl: src/server/streaming/README.md.
import type { Duplex, Readable, Writable } from 'node:stream';
import type { KubeClient } from '../client/client.js';

export interface PodRef {
  namespace: string;
  name: string;
  uid: string;
}

export interface TerminalSize {
  width: number;
  height: number;
}

/**
 * The client's side of a remotecommand session (exec or attach), as the protocol layer hands it to the kubelet.
 *
 * Who closes what:
 * - `stdin` is ended by the API server when the client closes it (SPDY FIN, WebSocket `[255,0]`): forward that
 *   EOF to the process (end its stdin) — `echo x | kubectl exec -i … cat` and `kubectl cp` finish that way.
 * - `stdout`/`stderr` may be ended by the runtime (e.g. `proc.stdout.pipe(streams.stdout)` does); whatever is still
 *   open when the returned promise settles the API server ends, waits until it is flushed, and only then sends the
 *   exit status (kubectl reads the status after stdout and stderr ended). So resolve only once everything the
 *   process wrote has been written (the pipes' `end`, not just the process's `exit`).
 * - Writes to `stdout`/`stderr` apply backpressure (a slow client): respect it (pipe() does) and never buffer
 *   without bound.
 */
export interface ContainerStreams {
  /** Present when the client asked for stdin; ends when the client closes it (EOF). */
  stdin?: Readable;
  stdout?: Writable;
  /** Absent when tty is set (a terminal merges stderr into stdout). */
  stderr?: Writable;
  tty: boolean;
  /**
   * Terminal size changes sent by the client (tty only). The first usually arrives right after the session starts;
   * a size that arrived before the listener was registered is replayed to it at once.
   */
  onResize?(listener: (size: TerminalSize) => void): void;
  /**
   * Aborted when the client goes away (connection closed or reset, kubectl killed) or the session is torn down:
   * exec must kill what it started (the whole process group) and settle promptly; attach detaches (the container
   * keeps running).
   */
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

/** What a streaming request is about, for `prepare`. */
export interface StreamingTarget {
  kind: 'exec' | 'attach' | 'portforward';
  pod: PodRef;
  /** The container (exec and attach), already checked against the pod's spec. */
  container?: string;
}

/**
 * Errors a kubelet reports are thrown as ApiError (apimachinery/errors.ts) with upstream's code and wording, e.g.
 * 400 `container "c" in pod "p" is waiting to start: ContainerCreating`, or 400 `previous terminated container "c"
 * in pod "p" not found`; anything else is answered as an InternalError by the caller.
 */
export interface KubeletApi {
  /**
   * Called before the client's connection is upgraded (upstream: the kubelet resolves the container in
   * GetExec/GetAttach/GetPortForward before it upgrades): throw ApiError to refuse with a Status kubectl prints
   * (`Error from server (BadRequest): …`), e.g. when the pod cannot stream at all. Errors thrown later, from
   * exec/attach/portForward, reach the client only through the session's error stream.
   */
  prepare?(target: StreamingTarget): Promise<void> | void;
  /**
   * Runs `command` in the container's namespaces with its environment; resolves with its exit code when it exited
   * and its output was written. Reject (ApiError or Error) when it cannot run: the client gets an InternalError
   * status (`error executing command in container: …`). On `streams.signal` abort, kill it and settle.
   */
  exec(pod: PodRef, container: string, command: string[], streams: ContainerStreams): Promise<StreamResult>;
  /**
   * Joins the container's main process stdio (stdin only if its spec sets stdin); resolves when it exits or the
   * client leaves. Upstream reports attach as Success whatever the exit code, so `exitCode` is not used.
   */
  attach(pod: PodRef, container: string, streams: ContainerStreams): Promise<StreamResult>;
  /**
   * A connection to `port` on the pod's localhost, made inside its network namespace (as containerd does). The API
   * server pipes it both ways: the client's half-close ends the Duplex's writable side; when its readable side ends
   * the client's data stream is closed. Reject when it cannot connect (the client sees `error forwarding port …:
   * <message>`). On `signal` abort (client gone) close it; the API server also destroys it when done.
   */
  portForward(pod: PodRef, port: number, signal: AbortSignal): Promise<Duplex>;
  /**
   * Writes the container's log to `out` as the options say; resolves at the end (follow: when the container stops
   * or `signal` aborts). Throw ApiError before the first write to refuse (the API server then answers that Status);
   * the first write — an empty one is enough, as the kubelet's zero-byte write — commits a 200 response.
   * `nodeagent/logs` implements the file layout and reading (PodLogDirectory.serve).
   */
  logs(pod: PodRef, container: string, opts: ContainerLogOptions, out: Writable, signal: AbortSignal): Promise<void>;
}

/**
 * The kubelet's HTTPS server on a joined machine (src/server/kubelet-server.ts): what the node agent asks of it. The
 * command line hands the implementation to the agent, so the node agent does not import the server.
 */
export interface KubeletServerOptions {
  nodeName: string;
  host: string;
  port: number;
  /** The cluster CA (client certificates must chain to it). */
  caPem: string;
  /** The node's certificate pair (kubelet.conf's client certificate). */
  certPem: string;
  keyPem: string;
  /** The node's own client: pods of this node and SubjectAccessReviews. */
  client: KubeClient;
  kubelet: KubeletApi;
  log?: (line: string) => void;
}

export interface KubeletServer {
  port: number;
  close(): Promise<void>;
}

export type StartKubeletServer = (o: KubeletServerOptions) => Promise<KubeletServer>;
