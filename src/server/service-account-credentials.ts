// kube-controller-manager's --use-service-account-credentials outside the API server's process (upstream's
// DynamicControllerClientBuilder, k8s.io/controller-manager/pkg/clientbuilder): each controller's client speaks with
// a token for its ServiceAccount in kube-system, which the manager's own client makes when missing and requests
// through TokenRequest, renewed once 80% of its lifetime has passed.
import { ApiError } from '../apimachinery/errors.js';
import type { KubeClient } from '../client/client.js';
import { builtin } from '../client/resources.js';

/** A bearer token, fetched or renewed when needed. */
export type TokenSource = () => Promise<string>;

/** Upstream's default: tokens of an hour. */
const EXPIRATION_SECONDS = 3600;

export function serviceAccountTokenSource(manager: KubeClient, account: { namespace: string; name: string }, now: () => number = Date.now): TokenSource {
  let current: { token: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;
  const issue = async (): Promise<string> => {
    await ensureServiceAccount(manager, account);
    const path = `/api/v1/namespaces/${encodeURIComponent(account.namespace)}/serviceaccounts/${encodeURIComponent(account.name)}/token`;
    const issuedAt = now();
    const out = await manager.rest.request<{ status: { token: string; expirationTimestamp: string } }>({
      method: 'POST', path,
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: EXPIRATION_SECONDS } },
    });
    const expires = Date.parse(out.status.expirationTimestamp);
    current = { token: out.status.token, renewAt: issuedAt + 0.8 * (expires - issuedAt) };
    return current.token;
  };
  return () => {
    if (current && now() < current.renewAt) return Promise.resolve(current.token);
    return (pending ??= issue().finally(() => (pending = undefined)));
  };
}

async function ensureServiceAccount(manager: KubeClient, account: { namespace: string; name: string }): Promise<void> {
  try {
    await manager.get(builtin.serviceAccounts, account.name, { namespace: account.namespace });
  } catch (e) {
    if (!(e instanceof ApiError && e.code === 404)) throw e;
    try {
      await manager.create(builtin.serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: account.name, namespace: account.namespace } });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409)) throw err;
    }
  }
}
