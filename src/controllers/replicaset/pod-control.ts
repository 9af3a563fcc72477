// Creating and deleting a ReplicaSet's pods with the events upstream's RealPodControl records, and the slow-start
// batching that keeps a failing create (quota, admission) from being attempted hundreds of times at once.
import { isNotFound } from '../../apimachinery/errors.js';
import type { KubeObject, OwnerReference } from '../../apimachinery/types.js';
import type { KubeClient } from '../../client/client.js';
import type { EventRecorder } from '../../client/events.js';
import { builtin } from '../../client/resources.js';
import { isNamespaceTerminating } from '../common/errors.js';
import type { Pod, PodTemplateSpec } from './types.js';

export const FAILED_CREATE_POD_REASON = 'FailedCreate';
export const SUCCESSFUL_CREATE_POD_REASON = 'SuccessfulCreate';
export const FAILED_DELETE_POD_REASON = 'FailedDelete';
export const SUCCESSFUL_DELETE_POD_REASON = 'SuccessfulDelete';

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** getPodsPrefix: `<owner>-`, unless that is not a valid generateName (then the bare name). */
export function podsPrefix(ownerName: string): string {
  const prefix = `${ownerName}-`;
  // the server appends 5 characters; DNS-1123 subdomain names are at most 253
  return prefix.length + 5 <= 253 ? prefix : ownerName;
}

/**
 * GetPodFromTemplate: labels, annotations and finalizers of the template, generateName from the owner (or the one
 * given, as CreatePodsWithGenerateName), the ref.
 */
export function podFromTemplate(template: PodTemplateSpec, owner: KubeObject, controllerRef: OwnerReference, generateName?: string): Pod {
  const meta = template.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: generateName || podsPrefix(owner.metadata.name ?? ''),
      namespace: owner.metadata.namespace,
      ownerReferences: [controllerRef],
    },
    spec: structuredClone(template.spec ?? { containers: [] }),
  };
  if (meta.labels) pod.metadata.labels = { ...meta.labels };
  if (meta.annotations) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers) pod.metadata.finalizers = [...meta.finalizers];
  return pod;
}

export class PodControl {
  constructor(private readonly client: KubeClient, private readonly recorder: EventRecorder, private readonly ownerRef: { kind: string; apiVersion: string }) {}

  async createPod(template: PodTemplateSpec, owner: KubeObject, controllerRef: OwnerReference, generateName?: string): Promise<Pod> {
    const pod = podFromTemplate(template, owner, controllerRef, generateName);
    if (!pod.metadata.labels || Object.keys(pod.metadata.labels).length === 0) throw new Error('unable to create pods, no labels');
    try {
      const created = await this.client.create<Pod>(builtin.pods, pod);
      this.recorder.event(owner, 'Normal', SUCCESSFUL_CREATE_POD_REASON, `Created pod: ${created.metadata.name}`, this.ownerRef);
      return created;
    } catch (e) {
      // a terminating namespace refuses every create: not worth an event each time
      if (!isNamespaceTerminating(e)) this.recorder.event(owner, 'Warning', FAILED_CREATE_POD_REASON, `Error creating: ${errText(e)}`, this.ownerRef);
      throw e;
    }
  }

  async deletePod(namespace: string, name: string, owner: KubeObject): Promise<void> {
    try {
      await this.client.delete(builtin.pods, name, { namespace });
    } catch (e) {
      if (isNotFound(e)) throw e; // already gone: the caller decides
      this.recorder.event(owner, 'Warning', FAILED_DELETE_POD_REASON, `Error deleting: ${errText(e)}`, this.ownerRef);
      throw e;
    }
    this.recorder.event(owner, 'Normal', SUCCESSFUL_DELETE_POD_REASON, `Deleted pod: ${name}`, this.ownerRef);
  }
}

/**
 * slowStartBatch: calls fn `count` times in batches of 1, 2, 4, … run concurrently, stopping after the first batch
 * with a failure. Resolves with the number of successful calls and the first error, if any.
 */
export async function slowStartBatch(count: number, initialBatchSize: number, fn: () => Promise<void>): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += batch - failures.length;
    if (failures.length > 0) return { successes, error: failures[0].reason };
    remaining -= batch;
  }
  return { successes };
}
