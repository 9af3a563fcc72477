// The etcd cluster API the operator changes membership through (MemberList / MemberAdd / MemberRemove, the calls
// etcd-operator makes with clientv3). Under Berth's simulated runtime no etcd process runs in the member pods, so
// SimulatedEtcdMembership keeps the membership in memory, records every call, and says so (`simulated: true`);
// a real implementation plugs in here once the process runtime exists.
import { randomBytes } from 'node:crypto';
import { memberNameFromURL } from './members.js';

export interface EtcdMemberInfo {
  id: string;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
}

export interface EtcdMembershipApi {
  /** True when no real etcd is contacted; the operator then reports the calls in status. */
  readonly simulated: boolean;
  /** `endpoints` are client URLs of members believed to be running. */
  memberList(clusterKey: string, endpoints: string[]): Promise<EtcdMemberInfo[]>;
  /** Announces a new member by its peer URL before its pod starts; returns the new member's ID. */
  memberAdd(clusterKey: string, endpoints: string[], name: string, peerURL: string): Promise<{ id: string }>;
  /** Removing an ID the cluster no longer has is not an error (etcd-operator treats ErrMemberNotFound as done). */
  memberRemove(clusterKey: string, endpoints: string[], id: string, name: string): Promise<void>;
  /** The cluster is gone: drop what is kept for it. */
  forget(clusterKey: string): void;
}

export interface SimulatedCall {
  clusterKey: string;
  op: 'MemberList' | 'MemberAdd' | 'MemberRemove';
  member?: string;
  id?: string;
  peerURL?: string;
  at: number;
}

const newMemberId = () => randomBytes(8).toString('hex');

export class SimulatedEtcdMembership implements EtcdMembershipApi {
  readonly simulated = true;
  /** Every call, in order (tests read it). */
  readonly calls: SimulatedCall[] = [];
  private readonly clusters = new Map<string, Map<string, EtcdMemberInfo>>();

  async memberList(clusterKey: string, endpoints: string[]): Promise<EtcdMemberInfo[]> {
    this.calls.push({ clusterKey, op: 'MemberList', at: Date.now() });
    let members = this.clusters.get(clusterKey);
    if (!members) {
      // Nothing recorded (e.g. the operator restarted): a healthy cluster would list exactly the running members.
      members = new Map();
      for (const url of endpoints) {
        const name = memberNameFromURL(url);
        if (name) members.set(name, { id: newMemberId(), name, peerURLs: [url.replace(/:2379$/, ':2380')], clientURLs: [url] });
      }
      this.clusters.set(clusterKey, members);
    }
    return [...members.values()].map((m) => ({ ...m }));
  }

  async memberAdd(clusterKey: string, _endpoints: string[], name: string, peerURL: string): Promise<{ id: string }> {
    const id = newMemberId();
    this.calls.push({ clusterKey, op: 'MemberAdd', member: name, id, peerURL, at: Date.now() });
    this.membersOf(clusterKey).set(name, { id, name, peerURLs: [peerURL], clientURLs: [] });
    return { id };
  }

  async memberRemove(clusterKey: string, _endpoints: string[], id: string, name: string): Promise<void> {
    this.calls.push({ clusterKey, op: 'MemberRemove', member: name, id, at: Date.now() });
    const members = this.membersOf(clusterKey);
    for (const [n, m] of members) if (m.id === id || n === name) members.delete(n);
  }

  forget(clusterKey: string): void {
    this.clusters.delete(clusterKey);
  }

  private membersOf(clusterKey: string): Map<string, EtcdMemberInfo> {
    let m = this.clusters.get(clusterKey);
    if (!m) this.clusters.set(clusterKey, (m = new Map()));
    return m;
  }
}
