// The ServiceAccounts controller (pkg/controller/serviceaccount/serviceaccounts_controller.go): every active
// namespace has the service accounts to ensure (`default`); one deleted is made again. Keys are namespace names.
import { isAlreadyExistsOrConflict } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { KubeClient } from '../../client/client.js';
import type { ReconcileResult } from '../../client/controller.js';
import type { SharedInformer, SharedInformerFactory } from '../../client/informer.js';
import { builtin } from '../../client/resources.js';
import { isNamespaceTerminating } from '../common/errors.js';
import { QueueController, type QueueControllerOptions } from '../common/queue-controller.js';
import type { Namespace } from '../../api/generated/core-v1.js';

/** DefaultServiceAccountsControllerOptions: the accounts every namespace gets. */
export const SERVICE_ACCOUNTS_TO_ENSURE = ['default'];

export class ServiceAccountsController extends QueueController {
  private readonly serviceAccounts: SharedInformer<KubeObject>;
  private readonly namespaces: SharedInformer<Namespace>;

  constructor(client: KubeClient, factory: SharedInformerFactory, opts: QueueControllerOptions = {}) {
    super(client, 'serviceaccount-controller', 'serviceaccount', { workers: 1, ...opts });
    this.serviceAccounts = factory.informerFor<KubeObject>(builtin.serviceAccounts);
    this.namespaces = factory.informerFor<Namespace>(builtin.namespaces);
    // a deleted account is recreated; only namespaces are keys
    this.serviceAccounts.addEventHandler({
      onDelete: (sa) => {
        if (SERVICE_ACCOUNTS_TO_ENSURE.includes(sa.metadata.name ?? '')) this.queue.add(sa.metadata.namespace ?? '');
      },
    });
    this.namespaces.addEventHandler(this.enqueueHandlers());
  }

  protected caches() {
    return [this.serviceAccounts, this.namespaces];
  }

  /** syncNamespace: create the missing accounts of an active namespace. */
  protected async sync(namespace: string): Promise<ReconcileResult> {
    const ns = this.namespaces.store.getByName(undefined, namespace);
    if (ns?.status?.phase !== 'Active') return;
    const failures: string[] = [];
    for (const name of SERVICE_ACCOUNTS_TO_ENSURE) {
      if (this.serviceAccounts.store.getByName(namespace, name)) continue;
      try {
        await this.client.create(builtin.serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } });
      } catch (e) {
        if (isAlreadyExistsOrConflict(e)) continue;
        if (isNamespaceTerminating(e)) continue;
        failures.push(e instanceof Error ? e.message : String(e));
      }
    }
    if (failures.length) throw new Error(failures.join('; '));
  }
}
