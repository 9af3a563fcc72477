// Checks several labs share: what a StatefulSet's pods, claims and events must show.
import { check, Lab, LabError, Result, same } from './lab.js';

interface Pod {
  metadata: { name: string; uid: string; creationTimestamp: string };
  status?: { phase?: string; podIP?: string; conditions?: { type: string; status: string; lastTransitionTime?: string }[]; containerStatuses?: { name: string; restartCount: number }[] };
}
interface EventList { items: { reason: string; message: string; metadata: { creationTimestamp: string; resourceVersion: string } }[] }

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

interface WatchedPod { type: string; name: string; uid: string; ready: boolean; readySince?: string }

/**
 * Every change to a namespace's pods from the moment it starts, in the API server's order: a watch from a list's
 * resourceVersion, read off the record through `kubectl get --raw`. It shows what a pod's timestamps cannot: the
 * Ready condition keeps only its latest transition, so a pod whose readiness probe flapped later (the notes' MySQL
 * probe has a 1 s timeout) looks as if it turned Ready after pods that were rightly created once it was Ready.
 */
export class PodWatch {
  private constructor(private readonly stream: { output(): string; stop(): void }) {}

  static async start(lab: Lab, namespace = 'default'): Promise<PodWatch> {
    const base = `/api/v1/namespaces/${namespace}/pods`;
    const list = JSON.parse(await lab.quiet(`kubectl get --raw '${base}?limit=1'`)) as { metadata: { resourceVersion: string } };
    const watch = `${base}?watch=1&resourceVersion=${list.metadata.resourceVersion}&timeoutSeconds=1800`;
    return new PodWatch(lab.background(`kubectl get --raw '${watch}'`, 1_800_000));
  }

  /** The events received so far (complete lines only). */
  events(): WatchedPod[] {
    const lines = this.stream.output().split('\n');
    lines.pop(); // an event still arriving
    return lines.filter(Boolean).map((line) => {
      const e = JSON.parse(line) as { type: string; object: Pod };
      const condition = e.object.status?.conditions?.find((c) => c.type === 'Ready');
      return { type: e.type, name: e.object.metadata.name, uid: e.object.metadata.uid, ready: condition?.status === 'True', readySince: condition?.lastTransitionTime };
    });
  }

  stop(): void {
    this.stream.stop();
  }
}

/**
 * OrderedReady creation, as the API server saw it: when each pod was (last) created, the pod before it existed and
 * was Ready.
 */
export async function createdInOrder(lab: Lab, watch: PodWatch, podNames: string[]): Promise<void> {
  const last = podNames[podNames.length - 1];
  const events = await lab.waitFor(`the pod watch to show ${last}`, async () => {
    const seen = watch.events();
    return seen.some((e) => e.name === last) && seen;
  }, 30_000);
  // The kubelet moves a condition's lastTransitionTime only when its status changes.
  const previous = new Map<string, WatchedPod>();
  for (const e of events) {
    const before = previous.get(e.uid);
    check(!(before?.ready && e.ready && before.readySince !== e.readySince), `${e.name}'s Ready condition moved its lastTransitionTime from ${before?.readySince} to ${e.readySince} while it stayed True`);
    previous.set(e.uid, e);
  }
  for (let i = 1; i < podNames.length; i++) {
    const created = events.findLastIndex((e) => e.name === podNames[i] && e.type === 'ADDED');
    check(created >= 0, `the pod watch never showed ${podNames[i]} created`);
    const before = events.slice(0, created).findLast((e) => e.name === podNames[i - 1]);
    check(before && before.type !== 'DELETED' && before.ready, `${podNames[i]} was created while ${podNames[i - 1]} was ${before?.type === 'DELETED' || !before ? 'absent' : 'not Ready'}`);
  }
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

interface PodStatuses { items: { metadata: { name: string }; status?: { containerStatuses?: { name: string; restartCount: number; lastState?: { terminated?: unknown } }[] } }[] }

/**
 * No container of the namespace's pods has restarted (the notes' `kubectl get pod` shows RESTARTS 0). When one has,
 * the failure says how its last run ended and what it printed, while that run's log still exists.
 */
export async function noRestarts(lab: Lab, namespace = 'default'): Promise<void> {
  const pods = await lab.json<PodStatuses>(`get pods -n ${namespace}`);
  const restarted: string[] = [];
  for (const p of pods.items) {
    for (const c of p.status?.containerStatuses ?? []) {
      if (!c.restartCount) continue;
      const log = await lab.quiet(`kubectl logs -n ${namespace} ${p.metadata.name} -c ${c.name} --previous --tail=30 2>&1 || true`);
      restarted.push(`${p.metadata.name}/${c.name} restarted ${c.restartCount}×, last run ${JSON.stringify(c.lastState?.terminated ?? {})}:\n${log.trimEnd()}`);
    }
  }
  check(restarted.length === 0, `containers restarted:\n${restarted.join('\n')}`);
}
