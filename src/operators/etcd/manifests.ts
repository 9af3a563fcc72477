// The Kubernetes objects an EtcdCluster owns, shaped as etcd-operator v0.9 creates them: one Pod (and optional PVC)
// per member, a headless peer Service `<cluster>` and a client Service `<cluster>-client`.
import type { KubeObject, OwnerReference } from '../../apimachinery/types.js';
import { clientServiceName, clientURL, clusterLabels, Member, peerURL } from './members.js';
import {
  DEFAULT_BUSYBOX_IMAGE, ETCD_API_VERSION, ETCD_CLIENT_PORT, ETCD_KIND, ETCD_PEER_PORT, ETCD_VERSION_ANNOTATION,
  EtcdCluster, EtcdClusterSpec, TOLERATE_UNREADY_ANNOTATION,
} from './types.js';

const DATA_DIR_MOUNT = '/var/etcd';
const DATA_DIR = `${DATA_DIR_MOUNT}/data`;
const VOLUME_NAME = 'etcd-data';

export function asOwner(cluster: EtcdCluster): OwnerReference {
  return { apiVersion: ETCD_API_VERSION, kind: ETCD_KIND, name: cluster.metadata.name!, uid: cluster.metadata.uid!, controller: true };
}

export const imageName = (repository: string, version: string) => `${repository}:v${version}`;

function service(cluster: EtcdCluster, name: string, headless: boolean, ports: Record<string, unknown>[]): KubeObject {
  const labels = clusterLabels(cluster.metadata.name!);
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: {
      name, namespace: cluster.metadata.namespace, labels,
      annotations: { [TOLERATE_UNREADY_ANNOTATION]: String(headless) },
      ownerReferences: [asOwner(cluster)],
    },
    spec: {
      ports, selector: labels,
      ...(headless ? { clusterIP: 'None', publishNotReadyAddresses: true } : {}),
    },
  };
}

const port = (name: string, p: number) => ({ name, port: p, targetPort: p, protocol: 'TCP' });

/** Headless Service giving every member its DNS name; lists members before they are ready (peers must meet). */
export function peerService(cluster: EtcdCluster): KubeObject {
  return service(cluster, cluster.metadata.name!, true, [port('client', ETCD_CLIENT_PORT), port('peer', ETCD_PEER_PORT)]);
}

export function clientService(cluster: EtcdCluster): KubeObject {
  return service(cluster, clientServiceName(cluster.metadata.name!), false, [port('client', ETCD_CLIENT_PORT)]);
}

function probe(): Record<string, unknown> {
  return {
    exec: { command: ['/bin/sh', '-ec', 'ETCDCTL_API=3 etcdctl endpoint status'] },
    initialDelaySeconds: 10, timeoutSeconds: 10, periodSeconds: 60, failureThreshold: 3,
  };
}

/**
 * The member's pod. `state` is etcd's --initial-cluster-state: "new" for the seed member, "existing" for one
 * announced with MemberAdd; `initialCluster` lists every member (including this one) as name=peerURL.
 */
export function memberPod(cluster: EtcdCluster, spec: Required<Pick<EtcdClusterSpec, 'repository' | 'version'>> & EtcdClusterSpec,
  m: Member, initialCluster: string[], state: 'new' | 'existing', token: string): KubeObject {
  const clusterName = cluster.metadata.name!;
  const policy = spec.pod ?? {};
  let command = `/usr/local/bin/etcd --data-dir=${DATA_DIR} --name=${m.name} --initial-advertise-peer-urls=${peerURL(m)} ` +
    `--listen-peer-urls=http://0.0.0.0:${ETCD_PEER_PORT} --listen-client-urls=http://0.0.0.0:${ETCD_CLIENT_PORT} ` +
    `--advertise-client-urls=${clientURL(m)} --initial-cluster=${initialCluster.join(',')} --initial-cluster-state=${state}`;
  if (state === 'new') command += ` --initial-cluster-token=${token}`;
  const readiness = { ...probe(), initialDelaySeconds: 1, timeoutSeconds: 5, periodSeconds: 5, failureThreshold: 3 };
  const container: Record<string, unknown> = {
    name: 'etcd', image: imageName(spec.repository, spec.version), command: command.split(' '),
    ports: [
      { name: 'client', containerPort: ETCD_CLIENT_PORT, protocol: 'TCP' },
      { name: 'peer', containerPort: ETCD_PEER_PORT, protocol: 'TCP' },
    ],
    volumeMounts: [{ name: VOLUME_NAME, mountPath: DATA_DIR_MOUNT }],
    livenessProbe: probe(), readinessProbe: readiness,
    ...(policy.resources ? { resources: policy.resources } : {}),
    ...(policy.etcdEnv ? { env: policy.etcdEnv } : {}),
  };
  const volume = policy.persistentVolumeClaimSpec
    ? { name: VOLUME_NAME, persistentVolumeClaim: { claimName: m.name } }
    : { name: VOLUME_NAME, emptyDir: {} };
  const dnsTimeout = policy.DNSTimeoutInSecond ?? 0;
  const podSpec: Record<string, unknown> = {
    // etcd 3.2 reverse-resolves peers; wait until the member's DNS name exists before starting it.
    initContainers: [{
      name: 'check-dns', image: policy.busyboxImage || DEFAULT_BUSYBOX_IMAGE,
      command: ['/bin/sh', '-c', `TIMEOUT_READY=${dnsTimeout}; while ( ! nslookup ${m.name}.${clusterName}.${m.namespace}.svc${m.clusterDomain ?? ''} ); do TIMEOUT_READY=$(( TIMEOUT_READY-1 )); if [ $TIMEOUT_READY -eq 0 ]; then echo "Timed out waiting for DNS entry"; exit 1; fi; sleep 1; done`],
    }],
    containers: [container],
    restartPolicy: 'Never',
    volumes: [volume],
    hostname: m.name,
    subdomain: clusterName,
    automountServiceAccountToken: false,
    ...(policy.securityContext ? { securityContext: policy.securityContext } : {}),
    ...(policy.nodeSelector ? { nodeSelector: policy.nodeSelector } : {}),
    ...(policy.tolerations ? { tolerations: policy.tolerations } : {}),
  };
  const affinity = policy.affinity ?? (policy.antiAffinity
    ? { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { etcd_cluster: clusterName } }, topologyKey: 'kubernetes.io/hostname' }] } }
    : undefined);
  if (affinity) podSpec.affinity = affinity;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name: m.name, namespace: m.namespace,
      // Reserved labels last so a pod policy cannot override them.
      labels: { ...(policy.labels ?? {}), app: 'etcd', etcd_node: m.name, etcd_cluster: clusterName },
      annotations: { ...(policy.annotations ?? {}), [ETCD_VERSION_ANNOTATION]: spec.version },
      ownerReferences: [asOwner(cluster)],
    },
    spec: podSpec,
  };
}

/** The member's data volume claim when the pod policy asks for one (named as the member). */
export function memberPVC(cluster: EtcdCluster, m: Member, claimSpec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim',
    metadata: { name: m.name, namespace: m.namespace, labels: clusterLabels(cluster.metadata.name!), ownerReferences: [asOwner(cluster)] },
    spec: claimSpec,
  };
}
