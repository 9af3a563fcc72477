// What the agent needs from a container runtime (a tiny CRI): run a pod's containers as its spec says, report
// their states, stop them, and serve what the API server asks of a kubelet (exec, attach, port-forward, logs).
// The simulated runtime implements it; a process runtime can replace it.
import type { KubeletApi } from '../component/kubelet-api.js';
import type { ContainerState, Pod } from '../api/core.js';

export interface RuntimeContainer {
  name: string;
  /** Image as the runtime resolved it, e.g. docker.io/library/nginx:1.27. */
  image: string;
  imageID: string;
  /** Set once the container exists: `<runtime>://<id>`. */
  containerID?: string;
  state: ContainerState;
  lastState: ContainerState;
  restartCount: number;
  ready: boolean;
  started: boolean;
}

export interface RuntimePod {
  uid: string;
  /** Sandbox (network namespace) exists and has its IP. */
  sandboxReady: boolean;
  podIP?: string;
  initContainers: RuntimeContainer[];
  containers: RuntimeContainer[];
  /** Containers `kubectl debug` added (pods/ephemeralcontainers), in the order they were added. */
  ephemeralContainers?: RuntimeContainer[];
  /** Every container was stopped by killPod. */
  killed: boolean;
}

export interface Runtime {
  /** The kubelet's streaming and log endpoints for the pods this runtime runs (one for all the agent's nodes). */
  readonly kubelet: KubeletApi;
  /** Creates or keeps running the pod's containers; idempotent. `podIP` is the sandbox's address. */
  syncPod(pod: Pod, podIP: string): void;
  /** The runtime's view of the pod, or undefined when it does not know it. */
  podState(uid: string): RuntimePod | undefined;
  /** Stops every container: SIGTERM, then SIGKILL after `gracePeriodMs`. Resolves once all have stopped. */
  killPod(uid: string, gracePeriodMs: number): Promise<void>;
  /** Forgets a pod whose API object is gone. */
  removePod(uid: string): void;
  /** Called with the pod uid whenever a pod's state changes on its own (start, exit, readiness, restarts). */
  onChange(listener: (uid: string) => void): void;
  /**
   * The runtime records the container lifecycle events itself (Pulling/Pulled/Created/Started/BackOff…); otherwise
   * the agent derives them from status changes.
   */
  readonly recordsContainerEvents?: boolean;
  /** Events the runtime records about a pod beyond what its status shows (image and mount failures, probes). */
  onEvent?(listener: (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string) => void): void;
  close(): Promise<void>;
}
