// Checks several labs share: what a StatefulSet's pods, claims and events must show.
import { check, Lab, LabError, Result, same } from './lab.js';

interface Pod {
  metadata: { name: string; uid: string; creationTimestamp: string };
  status?: { phase?: string; podIP?: string; conditions?: { type: string; status: string; lastTransitionTime?: string }[]; containerStatuses?: { name: string; restartCount: number }[] };
}
interface EventList { items: { reason: string; message: string; lastTimestamp?: string; eventTime?: string; metadata: { creationTimestamp: string; resourceVersion: string } }[] }

export async function pod(lab: Lab, name: string, namespace = 'default'): Promise<Pod> {
  return lab.json<Pod>(`get pod ${name} -n ${namespace}`);
}

/** Every row of a `kubectl get pods` table is Running with all containers ready. */
export function allRunningAndReady(r: Result): boolean {
  const rows = r.table();
  return rows.length > 0 && rows.every((row) => row.STATUS === 'Running' && /^(\d+)\/\1$/.test(row.READY));
}

/** The NAME column equals `names`, in that order. */
export function names(r: Result, expected: string[], what = 'pods'): void {
  same(r.column('NAME'), expected, `${what} listed by \`${r.command}\``);
}

/**
 * OrderedReady creation: each pod was created only once the one before it was Ready (timestamps have one-second
 * resolution, hence "not before"). The Ready condition keeps only its latest transition: a pod whose readiness probe
 * failed after the next pod was created (a flap under load: the notes' MySQL probe has a 1 s timeout) turned Ready
 * again later, so for it the failed probe's event is the evidence that it had been Ready before.
 */
export async function createdInOrder(lab: Lab, podNames: string[], namespace = 'default'): Promise<void> {
  const pods = await Promise.all(podNames.map((n) => pod(lab, n, namespace)));
  for (let i = 1; i < pods.length; i++) {
    const prevReady = pods[i - 1].status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
    check(prevReady, `${podNames[i - 1]} has no Ready time`);
    const created = pods[i].metadata.creationTimestamp;
    if (created >= prevReady) continue;
    const flapped = (await readinessFailures(lab, podNames[i - 1], namespace)).some((at) => at >= created);
    check(flapped, `${podNames[i]} was created at ${created}, before ${podNames[i - 1]} was Ready (${prevReady})`);
  }
}

/** When the kubelet last reported each failed readiness probe of `name` (its Unhealthy events). */
async function readinessFailures(lab: Lab, name: string, namespace: string): Promise<string[]> {
  const events = await lab.json<EventList>(`get events -n ${namespace} --field-selector involvedObject.kind=Pod,involvedObject.name=${name},reason=Unhealthy`);
  return events.items.filter((e) => /^Readiness probe/.test(e.message))
    .map((e) => (e as { lastTimestamp?: string }).lastTimestamp ?? '').filter(Boolean);
}

/** The StatefulSet controller's SuccessfulDelete events for `sts`, oldest first: the pods it deleted, in order. */
export async function deletedPods(lab: Lab, sts: string, namespace = 'default'): Promise<string[]> {
  const events = await lab.json<EventList>(`get events -n ${namespace} --field-selector involvedObject.kind=StatefulSet,involvedObject.name=${sts},reason=SuccessfulDelete`);
  return events.items
    .sort((a, b) => Number(BigInt(a.metadata.resourceVersion) - BigInt(b.metadata.resourceVersion)))
    .map((e) => /delete Pod (\S+) in StatefulSet/.exec(e.message)?.[1] ?? '?');
}

/** Waits until the pod `name` is a new pod (another UID) and Ready; returns the new pod. */
export async function replaced(lab: Lab, name: string, oldUid: string, namespace = 'default'): Promise<Pod> {
  return lab.waitFor(`a new ${name} to be Ready`, async () => {
    const p = await pod(lab, name, namespace).catch(() => undefined);
    const ready = p?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    return p && p.metadata.uid !== oldUid && ready ? p : undefined;
  });
}

/** A container's restart count. */
export async function restarts(lab: Lab, podName: string, container: string, namespace = 'default'): Promise<number> {
  const p = await pod(lab, podName, namespace);
  const s = p.status?.containerStatuses?.find((c) => c.name === container);
  if (!s) throw new LabError(`${podName} has no status for container ${container}`);
  return s.restartCount;
}
