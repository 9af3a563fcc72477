// DefaultTolerationSeconds admission (plugin/pkg/admission/defaulttolerationseconds): a new pod that does not
// already tolerate the node lifecycle controller's NoExecute taints node.kubernetes.io/not-ready and
// node.kubernetes.io/unreachable gets a toleration of each for 300 s (--default-not-ready-toleration-seconds,
// --default-unreachable-toleration-seconds), so a node that misses heartbeats for a moment does not evict its pods.
import type { Pod, Toleration } from '../api/core.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../registry/types.js';

export const NOT_READY_TAINT_KEY = 'node.kubernetes.io/not-ready';
export const UNREACHABLE_TAINT_KEY = 'node.kubernetes.io/unreachable';
const DEFAULT_TOLERATION_SECONDS = 300;

/** Whether a toleration already tolerates the NoExecute taint `key` (any value), as upstream's check. */
function toleratesNoExecute(t: Toleration, key: string): boolean {
  const effectMatches = !t.effect || t.effect === 'NoExecute';
  const keyMatches = t.key === key || (!t.key && t.operator === 'Exists');
  return effectMatches && keyMatches;
}

export function defaultTolerationSeconds(seconds = { notReady: DEFAULT_TOLERATION_SECONDS, unreachable: DEFAULT_TOLERATION_SECONDS }): AdmissionPlugin {
  return {
    name: 'DefaultTolerationSeconds',
    async admit(a: AdmissionAttributes) {
      if (a.operation !== 'CREATE' || a.subresource || a.def.group !== '' || a.def.resource !== 'pods' || !a.object) return;
      const pod = a.object as Pod;
      pod.spec ??= {} as Pod['spec'];
      const tolerations = pod.spec!.tolerations ?? [];
      const added: Toleration[] = [];
      for (const [key, tolerationSeconds] of [[NOT_READY_TAINT_KEY, seconds.notReady], [UNREACHABLE_TAINT_KEY, seconds.unreachable]] as const) {
        if (!tolerations.some((t) => toleratesNoExecute(t, key))) added.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds });
      }
      if (added.length) pod.spec!.tolerations = [...tolerations, ...added];
    },
  };
}
