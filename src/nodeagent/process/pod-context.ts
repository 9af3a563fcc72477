// What a pod worker needs from the runtime around it: where things go on disk, the instance's cgroups and network,
// the cluster objects a pod refers to (ConfigMaps, Secrets, claims), and where to report.
import type { TokenRequest } from '../kubelet/volume-payload.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { InstanceNames } from '../../networking/instance.js';
import type { Pod } from '../../api/core.js';
import type { ImageManager } from '../images/image-manager.js';
import type { Backoff } from '../kubelet/backoff.js';
import type { CgroupTree } from './cgroups.js';

/** Objects a pod refers to, read from the agent's informers (undefined: not found). */
export interface ClusterView {
  configMap(namespace: string, name: string): KubeObject | undefined;
  secret(namespace: string, name: string): KubeObject | undefined;
  persistentVolumeClaim(namespace: string, name: string): KubeObject | undefined;
  persistentVolume(name: string): KubeObject | undefined;
  /** Every Service (service-link environment variables). */
  services(): KubeObject[];
  /** A node's status.allocatable (resourceFieldRef defaults). */
  nodeAllocatable(nodeName: string): Record<string, string>;
  /** A projected service account token for a pod on the node (the kubelet's token manager); absent: none. */
  serviceAccountToken?(nodeName: string, req: TokenRequest): Promise<string>;
}

export interface PodContext {
  names: InstanceNames;
  /** Per-pod state: etc files, volumes, containers' writable layers (`<podsDir>/<uid>`). */
  podsDir: string;
  /** Container logs, `<logsDir>/<ns>_<pod>_<uid>/<container>/<restart>.log` as the kubelet lays them out. */
  logsDir: string;
  cgroups: CgroupTree;
  network: {
    bridge: string;
    clusterCidr: string;
    prefixLength: number;
    gatewayFor(nodeName: string): string;
  };
  /** The cluster DNS Service IP(s) pods resolve through. */
  clusterDNS: string[];
  /** Host paths no container may see (Berth's data dir). */
  hide: string[];
  view: ClusterView;
  /** The image catalog through the kubelet's image manager (pull policy, back-off, events). */
  images: ImageManager;
  /** Container restart back-off (CrashLoopBackOff), one for the node as the kubelet's. */
  backoff: Backoff;
  /** The node's resolv.conf (ClusterFirst search paths and Default-policy pods). */
  nodeResolvConf: string;
  event(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void;
  changed(uid: string): void;
  log(message: string): void;
}
