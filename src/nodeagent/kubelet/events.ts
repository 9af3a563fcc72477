// Event texts and object formats the kubelet uses in its messages (pkg/kubelet/util/format, pkg/kubelet/events).
import type { Pod } from '../../api/core.js';

/** An event the caller records on the pod (or the container, with `fieldPath`). */
export interface KubeletEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** format.Pod: `name_namespace(uid)`. */
export function formatPod(pod: Pod): string {
  return `${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid ?? ''})`;
}

/** utilerrors.NewAggregate's text: one message as is, several as `[a, b]`. */
export function aggregateMessage(msgs: string[]): string {
  return msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`;
}
