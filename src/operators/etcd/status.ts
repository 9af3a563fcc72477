// Status bookkeeping with etcd-operator's condition texts. A condition is replaced only when its status, reason or
// message changes; lastTransitionTime moves only when the status itself flips (apimachinery's rule).
import type { ClusterCondition, ClusterConditionType, EtcdClusterStatus } from './types.js';

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export function findCondition(status: EtcdClusterStatus, type: ClusterConditionType): ClusterCondition | undefined {
  return status.conditions?.find((c) => c.type === type);
}

export function setCondition(status: EtcdClusterStatus, type: ClusterConditionType, cs: 'True' | 'False', reason: string, message: string, at = now()): void {
  const conditions = status.conditions ?? (status.conditions = []);
  const i = conditions.findIndex((c) => c.type === type);
  const prior = i >= 0 ? conditions[i] : undefined;
  if (prior && prior.status === cs && (prior.reason ?? '') === reason && (prior.message ?? '') === message) return;
  const next: ClusterCondition = {
    type, status: cs, lastUpdateTime: at,
    lastTransitionTime: prior && prior.status === cs && prior.lastTransitionTime ? prior.lastTransitionTime : at,
    ...(reason ? { reason } : {}), ...(message ? { message } : {}),
  };
  if (i >= 0) conditions[i] = next;
  else conditions.push(next);
}

export function clearCondition(status: EtcdClusterStatus, type: ClusterConditionType): void {
  if (status.conditions) status.conditions = status.conditions.filter((c) => c.type !== type);
}

const scalingMsg = (from: number, to: number) => `Current cluster size: ${from}, desired cluster size: ${to}`;
export const setScalingUp = (s: EtcdClusterStatus, from: number, to: number) => setCondition(s, 'Scaling', 'True', 'Scaling up', scalingMsg(from, to));
export const setScalingDown = (s: EtcdClusterStatus, from: number, to: number) => setCondition(s, 'Scaling', 'True', 'Scaling down', scalingMsg(from, to));
export const setUpgrading = (s: EtcdClusterStatus, to: string) => setCondition(s, 'Upgrading', 'True', 'Cluster upgrading', `upgrading to ${to}`);
export const setAvailable = (s: EtcdClusterStatus) => setCondition(s, 'Available', 'True', 'Cluster available', '');
export const setRecovering = (s: EtcdClusterStatus, reason: string, message: string) => setCondition(s, 'Recovering', 'True', reason, message);

/** Same content, ignoring condition timestamps' formatting noise; decides whether a status write is needed. */
export function statusEqual(a: EtcdClusterStatus | undefined, b: EtcdClusterStatus | undefined): boolean {
  return JSON.stringify(normalize(a ?? {})) === JSON.stringify(normalize(b ?? {}));
}

function normalize(s: EtcdClusterStatus): unknown {
  const keys = Object.keys(s).sort() as (keyof EtcdClusterStatus)[];
  return keys.filter((k) => s[k] !== undefined).map((k) => [k, s[k]]);
}
