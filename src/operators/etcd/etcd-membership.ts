// The etcd cluster API for members that are real etcd processes: MemberList / MemberAdd / MemberRemove and each
// member's Status, through etcd's gRPC API with the `etcd3` client — the calls etcd-operator makes with clientv3. A
// client lives for one call: the endpoints change with the membership, and an operator step is rare.
import { Etcd3, EtcdError } from 'etcd3';
import type { EtcdMemberInfo, EtcdMembershipApi } from './membership.js';
import { memberNameFromURL } from './members.js';

export interface EtcdClientMembershipOptions {
  /** Deadline of one call (default 10 s; a MemberAdd waits for the cluster to commit it). */
  callTimeoutMs?: number;
  /** How long to wait for a connection to an endpoint (default 3 s). */
  dialTimeoutMs?: number;
}

export class EtcdClientMembership implements EtcdMembershipApi {
  readonly simulated = false;

  constructor(private readonly opts: EtcdClientMembershipOptions = {}) {}

  async memberList(_clusterKey: string, endpoints: string[]): Promise<EtcdMemberInfo[]> {
    const res = await this.call(endpoints, (c) => c.cluster.memberList({ linearizable: true }));
    return res.members.map(info);
  }

  async memberAdd(_clusterKey: string, endpoints: string[], _name: string, peerURL: string): Promise<{ id: string }> {
    const res = await this.call(endpoints, (c) => c.cluster.memberAdd({ peerURLs: [peerURL] }));
    return { id: res.member.ID };
  }

  async memberRemove(clusterKey: string, endpoints: string[], id: string, name: string): Promise<void> {
    // A member the operator knows only from its pod has no ID yet: etcd's member list names it (etcd-operator fills
    // the IDs from MemberList). Without this a dead member stayed in etcd, and with it no new member could be added.
    const target = id || (await this.memberList(clusterKey, endpoints)).find((m) => m.name === name)?.id;
    if (!target) return;
    try {
      await this.call(endpoints, (c) => c.cluster.memberRemove({ ID: target }));
    } catch (e) {
      // etcd-operator treats ErrMemberNotFound as done: the member is already gone.
      if (!/member not found/i.test(e instanceof Error ? e.message : String(e))) throw e;
    }
  }

  /** The etcd server version each endpoint runs (Maintenance.Status), by endpoint; endpoints that fail are left out. */
  async serverVersions(endpoints: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    await Promise.all(endpoints.map(async (ep) => {
      try {
        const s = await this.call([ep], (c) => c.maintenance.status());
        out.set(ep, s.version);
      } catch {
        // an endpoint that does not answer has no version to report
      }
    }));
    return out;
  }

  forget(): void {}

  private async call<T>(endpoints: string[], fn: (c: Etcd3) => Promise<T>): Promise<T> {
    if (endpoints.length === 0) throw new Error('no etcd endpoint to call');
    const timeout = this.opts.callTimeoutMs ?? 10_000;
    const client = new Etcd3({
      hosts: endpoints,
      dialTimeout: this.opts.dialTimeoutMs ?? 3000,
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + timeout }),
    });
    try {
      return await fn(client);
    } catch (e) {
      throw new Error(`etcd ${endpoints.join(',')}: ${e instanceof EtcdError || e instanceof Error ? e.message : String(e)}`);
    } finally {
      client.close();
    }
  }
}

function info(m: { ID: string; name: string; peerURLs: string[]; clientURLs: string[] }): EtcdMemberInfo {
  // A member added but not started yet has no name: it is known by its peer URL, which the operator built from it.
  const name = m.name || memberNameFromURL(m.peerURLs[0] ?? '') || '';
  return { id: m.ID, name, peerURLs: m.peerURLs, clientURLs: m.clientURLs };
}
