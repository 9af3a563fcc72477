// A pod's DNS settings and its /etc/resolv.conf, as kubernetes pkg/kubelet/network/dns/dns.go computes them
// (GetPodDNS with ClusterFirst, ClusterFirstWithHostNet, Default and None, dnsConfig merging, the search-line
// limits of pkg/apis/core/validation) and as containerd writes them (parseDNSOptions).
import type { Pod, PodDNSConfig } from '../../api/core.js';
import { aggregateMessage, formatPod, type KubeletEvent } from './events.js';

/** pkg/apis/core/validation: limits derived from libc's resolver. */
export const MAX_DNS_NAMESERVERS = 3;
export const MAX_DNS_SEARCH_PATHS = 32;
export const MAX_DNS_SEARCH_LIST_CHARS = 2048;
/** A longer search path makes some resolvers (glibc 2.28) abort, so the kubelet drops it. */
const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
/** utilio.ReadAtMost limit for the node's resolv.conf. */
const MAX_RESOLV_CONF_LENGTH = 10 * (1 << 20);

export const DEFAULT_DNS_OPTIONS = ['ndots:5'];

/** runtimeapi.DNSConfig. */
export interface DNSConfig {
  servers: string[];
  searches: string[];
  options: string[];
}

/**
 * parseResolvConf: nameserver lines accumulate, the last search and options lines win, search domains lose a
 * trailing dot. Throws with upstream's text on a `nameserver` line without an address.
 */
export function parseResolvConf(text: string): DNSConfig {
  if (Buffer.byteLength(text) > MAX_RESOLV_CONF_LENGTH) throw new Error('the read limit is reached');
  const servers: string[] = [];
  let searches: string[] = [];
  let options: string[] = [];
  const errors: string[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('#')) continue;
    const fields = trimmed.split(/\s+/).filter(Boolean);
    if (fields.length === 0) continue;
    if (fields[0] === 'nameserver') {
      if (fields.length >= 2) servers.push(fields[1]);
      else errors.push('nameserver list is empty ');
    }
    if (fields[0] === 'search') searches = fields.slice(1).map((s) => (s.endsWith('.') ? s.slice(0, -1) : s));
    if (fields[0] === 'options') options = fields.slice(1);
  }
  if (errors.length) throw new Error(aggregateMessage(errors));
  return { servers, searches, options };
}

function omitDuplicates(list: string[]): string[] {
  return [...new Set(list)];
}

/**
 * mergeDNSOptions: `name` or `name:value`; dnsConfig options override same-named existing ones. Upstream rebuilds
 * the list from a Go map (random order); here existing options keep their place and new ones follow in order.
 */
export function mergeDNSOptions(existing: string[], extra: PodDNSConfig['options']): string[] {
  const merged = new Map<string, string>();
  for (const op of existing) {
    const i = op.indexOf(':');
    if (i >= 0) merged.set(op.slice(0, i), op.slice(i + 1));
    else merged.set(op, '');
  }
  for (const op of extra ?? []) merged.set(op.name ?? '', op.value ?? '');
  return [...merged].map(([name, value]) => (value ? `${name}:${value}` : name));
}

export type PodDNSType = 'cluster' | 'host' | 'none';

/** getPodDNSType: ClusterFirst on the host network falls back to Default; unknown policies act as ClusterFirst. */
export function podDNSType(pod: Pod): PodDNSType {
  switch (pod.spec.dnsPolicy ?? 'ClusterFirst') {
    case 'None':
      return 'none';
    case 'ClusterFirstWithHostNet':
      return 'cluster';
    case 'ClusterFirst':
      return pod.spec.hostNetwork ? 'host' : 'cluster';
    case 'Default':
      return 'host';
    default:
      return 'cluster';
  }
}

export interface PodDNSInput {
  pod: Pod;
  /** The kubelet's --cluster-dns addresses (e.g. the kube-dns Service IP). */
  clusterDNS: string[];
  /** The kubelet's --cluster-domain, e.g. cluster.local. */
  clusterDomain: string;
  /** Text of the node's resolv.conf (--resolv-conf); undefined means the flag is empty. */
  nodeResolvConf?: string;
  /** The node's IPs: with no resolv.conf, host-DNS pods get a loopback resolver per family. */
  nodeIPs?: string[];
}

export interface PodDNSResult {
  config: DNSConfig;
  /** Events the kubelet records on the pod (DNSConfigForming, MissingClusterDNS). */
  events: KubeletEvent[];
}

/** GetPodDNS. Throws when the node's resolv.conf does not parse (the sandbox cannot be created then). */
export function podDNSConfig({ pod, clusterDNS, clusterDomain, nodeResolvConf, nodeIPs = [] }: PodDNSInput): PodDNSResult {
  const events: KubeletEvent[] = [];
  let config: DNSConfig = nodeResolvConf === undefined ? { servers: [], searches: [], options: [] } : parseResolvConf(nodeResolvConf);
  let type = podDNSType(pod);
  if (type === 'none') {
    config = { servers: [], searches: [], options: [] };
  } else if (type === 'cluster') {
    if (clusterDNS.length) {
      // The cluster DNS is the only nameserver; it forwards what it cannot answer.
      config.servers = [...clusterDNS];
      config.searches = searchesForClusterFirst(config.searches, pod.metadata.namespace ?? '', clusterDomain);
      config.options = [...DEFAULT_DNS_OPTIONS];
    } else {
      const msg = 'kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.';
      events.push({ type: 'Warning', reason: 'MissingClusterDNS', message: `pod: ${JSON.stringify(formatPod(pod))}. ${msg}` });
      type = 'host';
    }
  }
  if (type === 'host' && nodeResolvConf === undefined) {
    // No resolv.conf: "use the nameserver on the local machine", and no search.
    for (const ip of nodeIPs) config.servers.push(ip.includes(':') ? '::1' : '127.0.0.1');
    if (config.servers.length === 0) config.servers.push('127.0.0.1');
    config.searches = ['.'];
  }
  const extra = pod.spec.dnsConfig;
  if (extra) {
    config = {
      servers: omitDuplicates([...config.servers, ...(extra.nameservers ?? [])]),
      searches: omitDuplicates([...config.searches, ...(extra.searches ?? [])]),
      options: mergeDNSOptions(config.options, extra.options),
    };
  }
  return { config: fitLimits(config, events), events };
}

/** generateSearchesForDNSClusterFirst: `<ns>.svc.<cd> svc.<cd> <cd>`, then the node's, without duplicates. */
export function searchesForClusterFirst(hostSearches: string[], namespace: string, clusterDomain: string): string[] {
  if (!clusterDomain) return hostSearches;
  return omitDuplicates([`${namespace}.svc.${clusterDomain}`, `svc.${clusterDomain}`, clusterDomain, ...hostSearches]);
}

function fitLimits(config: DNSConfig, events: KubeletEvent[]): DNSConfig {
  let servers = config.servers;
  if (servers.length > MAX_DNS_NAMESERVERS) {
    servers = servers.slice(0, MAX_DNS_NAMESERVERS);
    events.push({ type: 'Warning', reason: 'DNSConfigForming', message: `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${servers.join(' ')}` });
  }
  return { servers, searches: fitSearchLimits(config.searches, events), options: config.options };
}

/**
 * formDNSSearchFitsLimits: at most 32 paths, none longer than 253 characters, and a search line of at most 2048
 * characters (trailing paths are dropped to fit).
 */
export function fitSearchLimits(searches: string[], events: KubeletEvent[] = []): string[] {
  let exceeded = false;
  let out = searches;
  if (out.length > MAX_DNS_SEARCH_PATHS) {
    out = out.slice(0, MAX_DNS_SEARCH_PATHS);
    exceeded = true;
  }
  const kept = out.filter((s) => s.length <= DNS1123_SUBDOMAIN_MAX_LENGTH);
  if (kept.length !== out.length) exceeded = true;
  out = kept;
  const lineLength = out.join(' ').length;
  if (lineLength > MAX_DNS_SEARCH_LIST_CHARS) {
    let cutCount = 0;
    let cutLength = 0;
    for (let i = out.length - 1; i >= 0; i--) {
      cutLength += out[i].length + 1;
      cutCount++;
      if (lineLength - cutLength <= MAX_DNS_SEARCH_LIST_CHARS) break;
    }
    out = out.slice(0, out.length - cutCount);
    exceeded = true;
  }
  if (exceeded) {
    events.push({ type: 'Warning', reason: 'DNSConfigForming', message: `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${out.join(' ')}` });
  }
  return out;
}

/**
 * containerd's parseDNSOptions: `search …`, `nameserver …` lines, `options …`. An entirely empty config means the
 * runtime copies the node's resolv.conf instead (given as `nodeResolvConf`).
 */
export function resolvConfContent(config: DNSConfig, nodeResolvConf = ''): string {
  let out = '';
  if (config.searches.length) out += `search ${config.searches.join(' ')}\n`;
  if (config.servers.length) out += `nameserver ${config.servers.join('\nnameserver ')}\n`;
  if (config.options.length) out += `options ${config.options.join(' ')}\n`;
  return out || nodeResolvConf;
}
