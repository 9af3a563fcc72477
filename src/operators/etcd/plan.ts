// One reconcile step of a running EtcdCluster, decided as etcd-operator's reconcile()/reconcileMembers() does:
//  1. pods that are not members are deleted;
//  2. if every member runs, resize by one member (add, or remove) toward spec.size;
//  3. with members down but quorum kept, remove one dead member (it is replaced by a later add);
//  4. without quorum, do nothing and report it;
//  5. with membership settled, upgrade one member whose version differs from spec.version.
// Pure: the caller gathers the inputs and carries the step out, so every rule is testable on plain data.
import { quorum } from './members.js';

export interface MemberPodView {
  name: string;
  /** Pod phase (Running pods are members' processes; Pending ones are still starting). */
  phase: string;
  ready: boolean;
  /** The etcd.version annotation. */
  version: string;
  creationTimestamp?: string;
  podIP?: string;
  /** The etcd container's ID (`<runtime>://…`) once it ran: says whether a real process runs in the pod. */
  containerID?: string;
  /** Why the etcd container waits (ErrImagePull, CrashLoopBackOff…), with the kubelet's message. */
  waiting?: { reason: string; message?: string };
  /** The etcd container runs the image the pod's spec names (false while an upgrade's restart is due). */
  imageCurrent?: boolean;
}

export type Step =
  | { kind: 'wait'; reason: string }
  | { kind: 'addMember' }
  | { kind: 'removeMember'; name: string }
  | { kind: 'removeDeadMember'; name: string }
  | { kind: 'lostQuorum'; running: number; members: number }
  | { kind: 'upgradeMember'; name: string; from: string; to: string }
  | { kind: 'settled' };

export interface Plan {
  /** Running pods that are not members of the etcd cluster (deleted first). */
  deletePods: string[];
  step: Step;
}

export interface PlanInput {
  size: number;
  version: string;
  /** Member pods that are not being deleted. */
  pods: MemberPodView[];
  /** Current membership (names), as MemberList / MemberAdd / MemberRemove left it. */
  members: string[];
  /** Upgrades wait until every member is ready (a restarting member must rejoin before the next goes down). */
  upgradeNeedsReady?: boolean;
  /**
   * Adding or removing a member waits until every running member is ready: with real etcd processes a member that
   * has not joined yet does not count toward quorum, and etcd refuses a reconfiguration that could lose it.
   */
  membershipNeedsReady?: boolean;
}

export function planStep(input: PlanInput): Plan {
  const pending = input.pods.filter((p) => p.phase === 'Pending');
  if (pending.length > 0) return { deletePods: [], step: { kind: 'wait', reason: `pods pending: ${pending.map((p) => p.name).join(', ')}` } };
  const running = input.pods.filter((p) => p.phase === 'Running');
  if (running.length === 0) return { deletePods: [], step: { kind: 'wait', reason: 'all etcd pods are dead' } };

  const members = new Set(input.members);
  const runningNames = new Set(running.map((p) => p.name));
  if (!sameSet(runningNames, members) || members.size !== input.size) {
    const deletePods = running.filter((p) => !members.has(p.name)).map((p) => p.name);
    const live = running.filter((p) => members.has(p.name));
    if (live.length === members.size) {
      const unready = live.filter((p) => !p.ready).map((p) => p.name);
      if (input.membershipNeedsReady && members.size !== input.size && unready.length > 0) {
        return { deletePods, step: { kind: 'wait', reason: `members not ready: ${unready.join(', ')}` } };
      }
      if (members.size < input.size) return { deletePods, step: { kind: 'addMember' } };
      if (members.size > input.size) return { deletePods, step: { kind: 'removeMember', name: pickMemberToRemove(live) } };
      return { deletePods, step: { kind: 'settled' } };
    }
    if (live.length < quorum(members.size)) return { deletePods, step: { kind: 'lostQuorum', running: live.length, members: members.size } };
    const liveNames = new Set(live.map((p) => p.name));
    const dead = input.members.filter((m) => !liveNames.has(m)).sort()[0];
    return { deletePods, step: { kind: 'removeDeadMember', name: dead } };
  }

  // etcd-operator upgrades only at full size: len(pods) == spec.size.
  const old = running.length === input.size ? oldestFirst(running).find((p) => p.version !== input.version) : undefined;
  if (old) {
    if (input.upgradeNeedsReady !== false && running.some((p) => !p.ready)) {
      return { deletePods: [], step: { kind: 'wait', reason: `members not ready: ${running.filter((p) => !p.ready).map((p) => p.name).join(', ')}` } };
    }
    return { deletePods: [], step: { kind: 'upgradeMember', name: old.name, from: old.version, to: input.version } };
  }
  return { deletePods: [], step: { kind: 'settled' } };
}

/** Scale-down removes the youngest member: the oldest ones have served longest and stay. */
function pickMemberToRemove(live: MemberPodView[]): string {
  return oldestFirst(live)[live.length - 1].name;
}

function oldestFirst(pods: MemberPodView[]): MemberPodView[] {
  return [...pods].sort((a, b) => (a.creationTimestamp ?? '').localeCompare(b.creationTimestamp ?? '') || a.name.localeCompare(b.name));
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}
