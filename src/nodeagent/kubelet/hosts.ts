// A pod's hostname, domain and kubelet-managed /etc/hosts, as kubernetes pkg/kubelet/kubelet_pods.go builds them
// (GeneratePodHostNameAndDomain, truncatePodHostnameIfNeeded, managedHostsFileContent, nodeHostsFileContent,
// hostsEntriesFromHostAliases).
import { readFile } from 'node:fs/promises';
import { isDNS1123Label } from '../../apimachinery/validation/names.js';
import type { HostAlias, Pod } from '../../api/core.js';

export const MANAGED_HOSTS_HEADER = '# Kubernetes-managed hosts file.\n';
export const MANAGED_HOSTS_HEADER_HOST_NETWORK = '# Kubernetes-managed hosts file (host network).\n';

/** A hostname is capped at 63 characters (64 bytes with the terminating NUL). */
const HOSTNAME_MAX_LENGTH = 63;

export interface HostnameAndDomain {
  /** The short name: UTS hostname, HOSTNAME, and the name in /etc/hosts. */
  hostname: string;
  /** `<subdomain>.<namespace>.svc.<clusterDomain>` when spec.subdomain is set, else ''. */
  domain: string;
}

/** truncatePodHostnameIfNeeded: cut to 63 characters, then drop trailing '-' and '.'. */
export function truncatePodHostname(podName: string, hostname: string): string {
  if (hostname.length <= HOSTNAME_MAX_LENGTH) return hostname;
  const truncated = hostname.slice(0, HOSTNAME_MAX_LENGTH).replace(/[-.]+$/, '');
  if (!truncated) throw new Error(`hostname for pod ${JSON.stringify(podName)} was invalid: ${JSON.stringify(hostname)}`);
  return truncated;
}

/**
 * GeneratePodHostNameAndDomain: spec.hostname (a DNS label) or else the pod name, truncated; the domain from
 * spec.subdomain. Throws with upstream's text when either is not a DNS label.
 */
export function podHostnameAndDomain(pod: Pod, clusterDomain: string): HostnameAndDomain {
  const name = pod.metadata.name ?? '';
  let hostname = name;
  const specHostname = pod.spec.hostname ?? '';
  if (specHostname) {
    const msgs = isDNS1123Label(specHostname);
    if (msgs.length) throw new Error(`pod Hostname ${JSON.stringify(specHostname)} is not a valid DNS label: ${msgs.join(';')}`);
    hostname = specHostname;
  }
  hostname = truncatePodHostname(name, hostname);
  let domain = '';
  const subdomain = pod.spec.subdomain ?? '';
  if (subdomain) {
    const msgs = isDNS1123Label(subdomain);
    if (msgs.length) throw new Error(`pod Subdomain ${JSON.stringify(subdomain)} is not a valid DNS label: ${msgs.join(';')}`);
    domain = `${subdomain}.${pod.metadata.namespace ?? ''}.svc.${clusterDomain}`;
  }
  return { hostname, domain };
}

/**
 * The sandbox hostname (kuberuntime generatePodSandboxConfig with util.GetNodenameForKernel): the short name, or
 * the FQDN with spec.setHostnameAsFQDN, which must fit the kernel's 64-character nodename. Undefined for hostNetwork
 * pods, which keep the node's UTS namespace (the runtime then uses the node's hostname for HOSTNAME).
 */
export function podUTSHostname(pod: Pod, names: HostnameAndDomain): string | undefined {
  if (pod.spec.hostNetwork) return undefined;
  if (pod.spec.setHostnameAsFQDN && names.domain) {
    const fqdn = `${names.hostname}.${names.domain}`;
    if (fqdn.length > 64) {
      throw new Error(`failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long (64 characters is the max, ${fqdn.length} characters requested)`);
    }
    return fqdn;
  }
  return names.hostname;
}

/** hostsEntriesFromHostAliases: an empty line, a comment, then `<ip>\t<name>\t<name>…` per alias. */
export function hostAliasesBlock(hostAliases: HostAlias[] | undefined): string {
  if (!hostAliases?.length) return '';
  let out = '\n# Entries added by HostAliases.\n';
  for (const a of hostAliases) out += `${a.ip}\t${(a.hostnames ?? []).join('\t')}\n`;
  return out;
}

/** managedHostsFileContent: localhost lines, one line per pod IP, then the host aliases. */
export function managedHostsFileContent(podIPs: string[], hostname: string, domain: string, hostAliases?: HostAlias[]): string {
  let out = MANAGED_HOSTS_HEADER;
  out += '127.0.0.1\tlocalhost\n';
  out += '::1\tlocalhost ip6-localhost ip6-loopback\n';
  out += 'fe00::0\tip6-localnet\n';
  out += 'fe00::0\tip6-mcastprefix\n';
  out += 'fe00::1\tip6-allnodes\n';
  out += 'fe00::2\tip6-allrouters\n';
  for (const ip of podIPs) out += domain ? `${ip}\t${hostname}.${domain}\t${hostname}\n` : `${ip}\t${hostname}\n`;
  return out + hostAliasesBlock(hostAliases);
}

/** nodeHostsFileContent: for hostNetwork pods, the node's own hosts file (its text) under a header, plus aliases. */
export function hostNetworkHostsFileContent(nodeHostsText: string, hostAliases?: HostAlias[]): string {
  return MANAGED_HOSTS_HEADER_HOST_NETWORK + nodeHostsText + hostAliasesBlock(hostAliases);
}

/** nodeHostsFileContent, reading the node's hosts file (/etc/hosts unless told otherwise). */
export async function readNodeHostsFileContent(hostAliases?: HostAlias[], hostsPath = '/etc/hosts'): Promise<string> {
  return hostNetworkHostsFileContent(await readFile(hostsPath, 'utf8'), hostAliases);
}

/**
 * shouldMountHostsFile: the kubelet writes /etc/hosts once the pod has an IP (or uses the host network), and not
 * for a container that mounts something at /etc/hosts itself.
 */
export function shouldManageEtcHosts(pod: Pod, podIPs: string[], containerName?: string): boolean {
  if (!(podIPs.length > 0 || pod.spec.hostNetwork)) return false;
  if (containerName === undefined) return true;
  const c = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((x) => x.name === containerName);
  return !(c?.volumeMounts ?? []).some((m) => m.mountPath === '/etc/hosts');
}

export interface EtcHostsInput {
  pod: Pod;
  podIPs: string[];
  clusterDomain: string;
  /** Text of the node's /etc/hosts, read by the caller; used for hostNetwork pods only. */
  nodeHostsText?: string;
}

/** ensureHostsFile's content (file mode 0644 upstream): the managed file, or the node's for hostNetwork pods. */
export function etcHostsContent({ pod, podIPs, clusterDomain, nodeHostsText }: EtcHostsInput): string {
  if (pod.spec.hostNetwork) return hostNetworkHostsFileContent(nodeHostsText ?? '', pod.spec.hostAliases);
  const { hostname, domain } = podHostnameAndDomain(pod, clusterDomain);
  return managedHostsFileContent(podIPs, hostname, domain, pod.spec.hostAliases);
}
