// Members as etcd-operator names and addresses them: pod name = member name = `<cluster>-<10 random chars>`,
// reachable through the headless peer Service as `<member>.<cluster>.<namespace>.svc`.
import { randomInt } from 'node:crypto';
import { ETCD_CLIENT_PORT, ETCD_PEER_PORT } from './types.js';

// k8s.io/apimachinery/pkg/util/rand's alphabet: no vowels, no confusable characters.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const RANDOM_SUFFIX_LENGTH = 10;
/** Longest cluster name prefix that leaves room for `-<suffix>` in a 63-character name. */
export const MAX_CLUSTER_NAME_LENGTH = 63 - RANDOM_SUFFIX_LENGTH - 1;

export function uniqueMemberName(clusterName: string, random: (n: number) => number = randomInt): string {
  let suffix = '';
  for (let i = 0; i < RANDOM_SUFFIX_LENGTH; i++) suffix += ALPHABET[random(ALPHABET.length)];
  return `${clusterName.slice(0, MAX_CLUSTER_NAME_LENGTH)}-${suffix}`;
}

export function clusterLabels(clusterName: string): Record<string, string> {
  return { etcd_cluster: clusterName, app: 'etcd' };
}

export const clientServiceName = (clusterName: string) => `${clusterName}-client`;

export interface Member {
  name: string;
  /** etcd's member ID (hex); empty until MemberAdd or MemberList told us. */
  id: string;
  clusterName: string;
  namespace: string;
  clusterDomain?: string;
}

/** DNS name of the member through the peer Service. */
export function memberAddr(m: Member): string {
  return `${m.name}.${m.clusterName}.${m.namespace}.svc${m.clusterDomain ?? ''}`;
}
export const peerURL = (m: Member) => `http://${memberAddr(m)}:${ETCD_PEER_PORT}`;
export const clientURL = (m: Member) => `http://${memberAddr(m)}:${ETCD_CLIENT_PORT}`;

/** `--initial-cluster` entries: name=peerURL for every member. */
export function peerURLPairs(members: Iterable<Member>): string[] {
  return [...members].map((m) => `${m.name}=${peerURL(m)}`);
}

/** The member name in a client or peer URL this operator built (`http://<name>.<cluster>.<ns>.svc…`). */
export function memberNameFromURL(url: string): string | undefined {
  try {
    return new URL(url).hostname.split('.')[0] || undefined;
  } catch {
    return undefined;
  }
}

/** etcd's quorum for a membership of n. */
export const quorum = (n: number) => Math.floor(n / 2) + 1;
