// The token cleaner (pkg/controller/bootstrap/tokencleaner.go): a bootstrap token Secret whose `expiration` has
// passed is deleted (with its UID as precondition), one that has not is looked at again when it expires.
import { isNotFound } from '../../apimachinery/errors.js';
import type { KubeClient } from '../../client/client.js';
import type { ReconcileResult } from '../../client/controller.js';
import type { SharedInformer, SharedInformerFactory } from '../../client/informer.js';
import { builtin } from '../../client/resources.js';
import type { Secret } from '../../api/core.js';
import { BOOTSTRAP_TOKEN_SECRET_TYPE, tokenExpiration } from '../../authentication/bootstrap-token.js';
import { QueueController, type QueueControllerOptions } from '../common/queue-controller.js';

const NAMESPACE = 'kube-system';
/** setTimeout's longest delay; a later expiry is looked at again then. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export class TokenCleaner extends QueueController {
  private readonly secrets: SharedInformer<Secret>;

  constructor(client: KubeClient, factory: SharedInformerFactory, opts: QueueControllerOptions = {}) {
    super(client, 'token-cleaner', 'token_cleaner', { workers: 1, ...opts });
    this.secrets = factory.informerFor<Secret>(builtin.secrets, { namespace: NAMESPACE });
    const changed = (s: Secret) => {
      if (s.type === BOOTSTRAP_TOKEN_SECRET_TYPE) this.enqueue(s);
    };
    this.secrets.addEventHandler({ onAdd: changed, onUpdate: (_o, s) => changed(s) });
  }

  protected caches() {
    return [this.secrets];
  }

  /** evalSecret. */
  protected async sync(key: string): Promise<ReconcileResult> {
    const [namespace, name] = key.split('/') as [string, string];
    const secret = this.secrets.store.getByName(namespace, name);
    if (!secret || secret.type !== BOOTSTRAP_TOKEN_SECRET_TYPE || secret.metadata.deletionTimestamp) return;
    const expiresAt = tokenExpiration(secret);
    // upstream logs an expiration that does not parse and leaves the Secret alone
    if (expiresAt === undefined || Number.isNaN(expiresAt)) return;
    const left = expiresAt - this.now();
    if (left > 0) return { requeueAfter: Math.min(left, MAX_DELAY_MS) };
    try {
      await this.client.delete(builtin.secrets, name, { namespace, preconditions: { uid: secret.metadata.uid } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    return undefined;
  }
}
