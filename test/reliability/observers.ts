// Two informers watching the same ConfigMaps through the fault proxy, each wrapped to record what it does:
// Berth's SharedInformer (the SDK's) and @kubernetes/client-node 1.x's makeInformer.
import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '../../src/apimachinery/types.js';
import { KubeClient } from '../../src/client/client.js';
import { clientListerWatcher, SharedInformer } from '../../src/client/informer.js';
import { builtin } from '../../src/client/resources.js';

export const SELECTOR = 'app=reliability';

export interface Observation {
  adds: number;
  updates: number;
  deletes: number;
  /** Handler calls for a (name, resourceVersion) already delivered. */
  duplicates: number;
  /** List requests (initial list included). */
  lists: number;
  /** Errors surfaced to the user (error callbacks / onError). */
  errors: number;
  /** Times user code had to restart the informer. */
  restarts: number;
}

export interface Observer {
  readonly name: string;
  readonly obs: Observation;
  /** name → resourceVersion of every cached object. */
  cache(): Map<string, string>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Counters since the last mark. */
  mark(): Observation;
}

function tracker() {
  const obs: Observation = { adds: 0, updates: 0, deletes: 0, duplicates: 0, lists: 0, errors: 0, restarts: 0 };
  const delivered = new Set<string>();
  const seen = (o: KubeObject) => {
    const k = `${o.metadata.name}@${o.metadata.resourceVersion}`;
    if (delivered.has(k)) obs.duplicates++;
    delivered.add(k);
  };
  let base = { ...obs };
  return {
    obs,
    onAdd: (o: KubeObject) => { obs.adds++; seen(o); },
    onUpdate: (o: KubeObject) => { obs.updates++; seen(o); },
    onDelete: () => { obs.deletes++; },
    mark: (): Observation => {
      const d = Object.fromEntries(Object.entries(obs).map(([k, v]) => [k, v - base[k as keyof Observation]])) as unknown as Observation;
      base = { ...obs };
      return d;
    },
  };
}

export class BerthObserver implements Observer {
  readonly name = 'Berth SDK informer';
  private readonly t = tracker();
  private readonly client: KubeClient;
  private readonly informer: SharedInformer;

  constructor(kubeconfig: string) {
    this.client = KubeClient.fromKubeconfig({ path: kubeconfig }, { retry: { baseDelayMs: 50, maxDelayMs: 1000, maxRetries: 20 } });
    const lw = clientListerWatcher(this.client, builtin.configMaps, { namespace: 'default', labelSelector: SELECTOR });
    this.informer = new SharedInformer({
      list: (o) => { this.t.obs.lists++; return lw.list(o); },
      watch: (o) => lw.watch(o),
    }, { name: 'configmaps', backoff: { initialMs: 50, maxMs: 1000 }, onError: () => { this.t.obs.errors++; } });
    this.informer.addEventHandler({ onAdd: this.t.onAdd, onUpdate: (_o, n) => this.t.onUpdate(n), onDelete: this.t.onDelete });
  }

  get obs() { return this.t.obs; }
  mark() { return this.t.mark(); }

  cache(): Map<string, string> {
    return new Map(this.informer.store.list().map((o) => [o.metadata.name!, o.metadata.resourceVersion!]));
  }

  async start(): Promise<void> {
    this.informer.run();
    await this.informer.waitForSync();
  }

  async stop(): Promise<void> {
    await this.informer.stop();
    await this.client.close();
  }
}

/**
 * client-node as its README shows it: with `restartDelayMs` the documented restart-on-error handler
 * (`informer.on('error', () => setTimeout(() => informer.start(), …))`), without it none.
 */
export class ClientNodeObserver implements Observer {
  readonly name: string;
  private readonly t = tracker();
  private readonly informer: k8s.Informer<k8s.V1ConfigMap> & k8s.ObjectCache<k8s.V1ConfigMap>;
  private stopped = false;
  private restartTimer?: NodeJS.Timeout;

  constructor(kubeconfig: string, restartDelayMs?: number) {
    this.name = `@kubernetes/client-node 1.x makeInformer, ${restartDelayMs === undefined ? 'no error handler' : 'restart on error'}`;
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    const api = kc.makeApiClient(k8s.CoreV1Api);
    const list = () => { this.t.obs.lists++; return api.listNamespacedConfigMap({ namespace: 'default', labelSelector: SELECTOR }); };
    this.informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', list, SELECTOR);
    this.informer.on('add', (o) => this.t.onAdd(o as KubeObject));
    this.informer.on('update', (o) => this.t.onUpdate(o as KubeObject));
    this.informer.on('delete', () => this.t.onDelete());
    this.informer.on('error', () => {
      this.t.obs.errors++;
      if (this.stopped || restartDelayMs === undefined) return;
      clearTimeout(this.restartTimer);
      this.restartTimer = setTimeout(() => {
        if (this.stopped) return;
        this.t.obs.restarts++;
        this.informer.start().catch(() => { this.t.obs.errors++; });
      }, restartDelayMs);
    });
  }

  get obs() { return this.t.obs; }
  mark() { return this.t.mark(); }

  cache(): Map<string, string> {
    return new Map(this.informer.list('default').map((o) => [o.metadata!.name!, o.metadata!.resourceVersion!]));
  }

  async start(): Promise<void> {
    await this.informer.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    await this.informer.stop();
  }
}
