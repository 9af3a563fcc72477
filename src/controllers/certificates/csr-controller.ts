// What the csrapproving and csrsigning controllers share: one worker over the CertificateSigningRequest informer.
import type { KubeObject } from '../../apimachinery/types.js';
import type { KubeClient } from '../../client/client.js';
import type { SharedInformer, SharedInformerFactory } from '../../client/informer.js';
import { builtin } from '../../client/resources.js';
import { QueueController, type Syncable } from '../common/queue-controller.js';

export interface Csr extends KubeObject {
  spec: { request: string; signerName: string; usages?: string[]; expirationSeconds?: number; username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string; lastUpdateTime?: string }[]; certificate?: string };
}

export abstract class CsrController extends QueueController {
  protected readonly csrs: SharedInformer<Csr>;

  constructor(client: KubeClient, informers: SharedInformerFactory, name: string) {
    super(client, name, 'certificate', { workers: 1 });
    this.csrs = informers.informerFor<Csr>(builtin.certificateSigningRequests);
    this.csrs.addEventHandler(this.enqueueHandlers());
  }

  protected caches(): Syncable[] {
    return [this.csrs];
  }
}
