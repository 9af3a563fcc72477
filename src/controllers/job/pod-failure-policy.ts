// podFailurePolicy, after pkg/controller/job/pod_failure_policy.go: the first rule a failed pod matches (by a
// container's non-zero exit code or by a pod condition) decides whether the failure counts towards backoffLimit,
// is ignored, fails the whole Job or (with backoffLimitPerIndex) its index.
import type { ContainerStatus } from '../../api/core.js';
import type { Pod } from '../statefulset/types.js';
import { containerStatuses, type JobSpec, type PodFailurePolicyRule } from './types.js';

export interface PodFailureMatch {
  /** Set when a FailJob rule matched: the Job's failure message. */
  jobFailureMessage?: string;
  /** Whether the failure counts towards backoffLimit (false only for Ignore). */
  countFailed: boolean;
  action?: PodFailurePolicyRule['action'];
}

/** matchPodFailurePolicy. */
export function getPodFailureMatch(policy: NonNullable<JobSpec['podFailurePolicy']>, pod: Pod): PodFailureMatch {
  for (const [index, rule] of policy.rules.entries()) {
    let matched: string | undefined;
    if (rule.onExitCodes) {
      const cs = matchOnExitCodes(pod, rule.onExitCodes);
      if (cs) matched = `Container ${cs.name} for pod ${pod.metadata.namespace}/${pod.metadata.name} failed with exit code ${cs.state?.terminated?.exitCode} matching ${rule.action} rule at index ${index}`;
    } else if (rule.onPodConditions) {
      const cond = (pod.status?.conditions ?? []).find((c) => rule.onPodConditions!.some((p) => p.type === c.type && p.status === c.status));
      if (cond) matched = `Pod ${pod.metadata.namespace}/${pod.metadata.name} has condition ${cond.type} matching ${rule.action} rule at index ${index}`;
    }
    if (matched === undefined) continue;
    switch (rule.action) {
      case 'Ignore':
        return { countFailed: false, action: 'Ignore' };
      case 'FailIndex':
        return { countFailed: true, action: 'FailIndex' };
      case 'Count':
        return { countFailed: true, action: 'Count' };
      case 'FailJob':
        return { jobFailureMessage: matched, countFailed: true, action: 'FailJob' };
      default:
        // an unknown action matches nothing: the next rule gets its turn (as upstream's switch falls out)
        continue;
    }
  }
  return { countFailed: true };
}

type ExitCodes = NonNullable<PodFailurePolicyRule['onExitCodes']>;

/** A terminated container (app containers first, then init containers) with a non-zero code the rule matches. */
function matchOnExitCodes(pod: Pod, req: ExitCodes): ContainerStatus | undefined {
  return matchingContainer(containerStatuses(pod), req) ?? matchingContainer(containerStatuses(pod, true), req);
}

function matchingContainer(statuses: ContainerStatus[], req: ExitCodes): ContainerStatus | undefined {
  return statuses.find((cs) => {
    const t = cs.state?.terminated;
    if (!t || (req.containerName && req.containerName !== cs.name) || t.exitCode === 0) return false;
    if (req.operator === 'In') return req.values.includes(t.exitCode);
    if (req.operator === 'NotIn') return !req.values.includes(t.exitCode);
    return false;
  });
}
