// The kubelet's image manager over the catalog: pull policy, the per-pod pull back-off and the events, with
// upstream's reasons and wording (pkg/kubelet/images/image_manager.go EnsureImageExists, and the "Error: <reason>"
// event kuberuntime_container.go startContainer records when it fails). A "pull" checks the host for the
// entry's programs and writes its layer; no registry is ever contacted.
import { goDuration } from '../../apimachinery/duration.js';
import type { ImageCatalog, PulledImage } from './catalog.js';
import { parseImageReference } from './reference.js';

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

export interface ImageEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** Container waiting reasons the kubelet reports for image trouble. */
export type ImageErrorReason = 'InvalidImageName' | 'ErrImagePull' | 'ImagePullBackOff' | 'ErrImageNeverPull';

export type EnsureResult =
  | { ok: true; image: PulledImage; events: ImageEvent[] }
  /** `reason` and `message` go into the container's `state.waiting`; `events` are to be recorded in order. */
  | { ok: false; reason: ImageErrorReason; message: string; events: ImageEvent[] };

export interface ImageManagerOptions {
  /** Image pull back-off: first delay and cap (kubelet: 10 s doubling to 300 s). */
  backOffBaseMs?: number;
  backOffMaxMs?: number;
  now?: () => number;
}

interface BackOffEntry {
  backOffMs: number;
  lastUpdate: number;
}

/** The API server's default imagePullPolicy: Always for :latest or no tag, else IfNotPresent. */
export function defaultPullPolicy(image: string): PullPolicy {
  try {
    const ref = parseImageReference(image);
    if (ref.digest) return 'IfNotPresent';
    return !ref.tag || ref.tag === 'latest' ? 'Always' : 'IfNotPresent';
  } catch {
    return 'IfNotPresent';
  }
}

export class ImageManager {
  private readonly backOff = new Map<string, BackOffEntry>();
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly now: () => number;

  constructor(readonly catalog: ImageCatalog, opts: ImageManagerOptions = {}) {
    this.baseMs = opts.backOffBaseMs ?? 10_000;
    this.maxMs = opts.backOffMaxMs ?? 300_000;
    this.now = opts.now ?? Date.now;
  }

  /**
   * Makes sure a container's image can run, as the kubelet does before creating the container. `image` is the
   * container's `image` field as written; `pullPolicy` its imagePullPolicy (the API default when unset).
   */
  ensureImageExists(podUID: string, image: string, pullPolicy?: PullPolicy): EnsureResult {
    const policy = pullPolicy ?? defaultPullPolicy(image);
    const events: ImageEvent[] = [];
    const fail = (reason: ImageErrorReason, message: string): EnsureResult => {
      events.push({ type: 'Warning', reason: 'Failed', message: `Error: ${reason}` });
      return { ok: false, reason, message, events };
    };

    const resolution = this.catalog.resolve(image);
    if (resolution.kind === 'invalid') {
      const message = `Failed to apply default image tag ${JSON.stringify(image)}: ${resolution.message}`;
      events.push({ type: 'Warning', reason: 'InspectFailed', message });
      return fail('InvalidImageName', message);
    }
    const present = resolution.kind === 'found' && resolution.missing.length === 0;
    const shouldPull = policy === 'Always' || (policy === 'IfNotPresent' && !present);
    if (!shouldPull) {
      if (!present) {
        const message = `Container image ${JSON.stringify(image)} is not present with pull policy of Never`;
        events.push({ type: 'Warning', reason: 'ErrImageNeverPull', message });
        return fail('ErrImageNeverPull', message);
      }
      // Present: the layer still has to exist on disk (it is written once, then found).
      const pulled = this.catalog.pull(image);
      if (!pulled.ok) return fail(pulled.reason, pulled.message);
      events.push({ type: 'Normal', reason: 'Pulled', message: `Container image ${JSON.stringify(image)} already present on machine` });
      return { ok: true, image: pulled.image, events };
    }

    const key = `${podUID}_${image}`;
    const now = this.now();
    if (this.inBackOff(key, now)) {
      const message = `Back-off pulling image ${JSON.stringify(image)}`;
      events.push({ type: 'Normal', reason: 'BackOff', message });
      return fail('ImagePullBackOff', message);
    }
    events.push({ type: 'Normal', reason: 'Pulling', message: `Pulling image ${JSON.stringify(image)}` });
    const started = this.now();
    const pulled = this.catalog.pull(image);
    if (!pulled.ok) {
      events.push({ type: 'Warning', reason: 'Failed', message: `Failed to pull image ${JSON.stringify(image)}: ${pulled.message}` });
      this.next(key, this.now());
      return fail(pulled.reason, pulled.message);
    }
    const took = goDuration(Math.max(0, this.now() - started));
    events.push({
      type: 'Normal', reason: 'Pulled',
      message: `Successfully pulled image ${JSON.stringify(image)} in ${took} (${took} including waiting). Image size: ${pulled.image.sizeBytes} bytes.`,
    });
    this.gc(this.now());
    return { ok: true, image: pulled.image, events };
  }

  /** Forgets a pod's back-off state (when the pod is gone). */
  forgetPod(podUID: string): void {
    for (const key of this.backOff.keys()) if (key.startsWith(`${podUID}_`)) this.backOff.delete(key);
  }

  // flowcontrol.Backoff: IsInBackOffSinceUpdate, Next (reset after 2× the cap without failures) and GC.
  private inBackOff(key: string, now: number): boolean {
    const e = this.backOff.get(key);
    return !!e && now - e.lastUpdate < e.backOffMs;
  }

  private next(key: string, now: number): void {
    const e = this.backOff.get(key);
    if (!e || now - e.lastUpdate > 2 * this.maxMs) this.backOff.set(key, { backOffMs: this.baseMs, lastUpdate: now });
    else this.backOff.set(key, { backOffMs: Math.min(e.backOffMs * 2, this.maxMs), lastUpdate: now });
  }

  private gc(now: number): void {
    for (const [key, e] of this.backOff) if (now - e.lastUpdate > 2 * this.maxMs) this.backOff.delete(key);
  }
}
