// The events a kubelet records for container lifecycle steps, derived from what changed between two statuses.
import type { EventType } from '../client/events.js';
import type { ContainerStatus, Pod, PodStatus } from '../api/core.js';

export interface ContainerEvent {
  type: EventType;
  reason: string;
  message: string;
  fieldPath: string;
}

export function containerEvents(pod: Pod, before: PodStatus | undefined, after: PodStatus): ContainerEvent[] {
  const out: ContainerEvent[] = [];
  const walk = (field: 'initContainers' | 'containers', prev: ContainerStatus[], next: ContainerStatus[]) => {
    const specs = pod.spec[field] ?? [];
    for (const s of next) {
      const p = prev.find((x) => x.name === s.name);
      const fieldPath = `spec.${field}{${s.name}}`;
      const image = specs.find((c) => c.name === s.name)?.image ?? s.image;
      if (s.containerID && s.containerID !== p?.containerID && (s.state?.running || s.state?.terminated)) {
        out.push({ type: 'Normal', reason: 'Pulled', message: `Container image ${JSON.stringify(image)} already present on machine`, fieldPath });
        out.push({ type: 'Normal', reason: 'Created', message: `Created container: ${s.name}`, fieldPath });
        out.push({ type: 'Normal', reason: 'Started', message: `Started container ${s.name}`, fieldPath });
      }
      if (s.state?.waiting?.reason === 'CrashLoopBackOff' && p?.state?.waiting?.reason !== 'CrashLoopBackOff') {
        const podRef = `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
        out.push({ type: 'Warning', reason: 'BackOff', message: `Back-off restarting failed container ${s.name} in pod ${podRef}`, fieldPath });
      }
    }
  };
  walk('initContainers', before?.initContainerStatuses ?? [], after.initContainerStatuses ?? []);
  walk('containers', before?.containerStatuses ?? [], after.containerStatuses ?? []);
  return out;
}
