// Who each of Berth's own components is to the API server: the users upstream gives them, so that the bootstrap
// RBAC policy holds them exactly as it holds kube-controller-manager, kube-scheduler, kube-proxy and CoreDNS.
// kube-controller-manager runs each controller under its own ServiceAccount in kube-system
// (--use-service-account-credentials, as kubeadm sets it), bound to its system:controller:<name> role; its shared
// informers and leader election use its own user. Inside `berth up` the user is set on each in-process request;
// `berth controller-manager` gets TokenRequest tokens for those accounts (component-client.ts), and the
// controller-manager / scheduler kubeconfigs carry certificates for their users (pki/component-kubeconfigs.ts).
import { serviceAccountGroups, serviceAccountUsername } from './serviceaccount/tokens.js';
import type { UserInfo } from '../api/identity.js';
import type { ClientIdentity } from '../component/contract.js';

const VERSION_SUFFIX = 'v1.33.0 (linux/amd64) kubernetes/berth';

export const CONTROLLER_MANAGER_USER = 'system:kube-controller-manager';
export const SCHEDULER_USER = 'system:kube-scheduler';
export const KUBE_PROXY_USER = 'system:kube-proxy';

/** A user as client certificates and the authenticator name it: always in system:authenticated. */
const user = (username: string, groups: string[] = []): UserInfo => ({ username, groups: [...groups, 'system:authenticated'] });

/** A ServiceAccount's user, as its token authenticates. */
export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return user(serviceAccountUsername(namespace, name), serviceAccountGroups(namespace));
}

/** kube-controller-manager itself: shared informers (list/watch everything), its Lease, ServiceAccount tokens. */
export const CONTROLLER_MANAGER_IDENTITY: ClientIdentity = {
  userAgent: `kube-controller-manager/${VERSION_SUFFIX}`,
  fieldManager: 'kube-controller-manager',
  user: user(CONTROLLER_MANAGER_USER),
};

/**
 * One controller of kube-controller-manager, as ServiceAccount kube-system/<serviceAccount> (bound to
 * system:controller:<serviceAccount>); the user agent gets the account's name appended, as upstream's client builder does.
 */
export function controllerIdentity(serviceAccount: string): ClientIdentity {
  return {
    userAgent: `${CONTROLLER_MANAGER_IDENTITY.userAgent}/${serviceAccount}`,
    fieldManager: 'kube-controller-manager',
    user: serviceAccountUser('kube-system', serviceAccount),
    serviceAccount: { namespace: 'kube-system', name: serviceAccount },
  };
}

export const SCHEDULER_IDENTITY: ClientIdentity = {
  userAgent: `kube-scheduler/${VERSION_SUFFIX}`, fieldManager: 'kube-scheduler', user: user(SCHEDULER_USER),
};

/** kube-proxy, as kubeadm's kube-proxy kubeconfig names it: held by system:node-proxier. */
export const KUBE_PROXY_IDENTITY: ClientIdentity = {
  userAgent: `kube-proxy/${VERSION_SUFFIX}`, fieldManager: 'kube-proxy', user: user(KUBE_PROXY_USER),
};

/** Cluster DNS, as kubeadm's CoreDNS addon runs it: ServiceAccount kube-system/coredns, ClusterRole system:coredns. */
export const DNS_IDENTITY: ClientIdentity = {
  userAgent: `coredns/1.11.3 berth/${VERSION_SUFFIX}`, user: serviceAccountUser('kube-system', 'coredns'),
  serviceAccount: { namespace: 'kube-system', name: 'coredns' },
};

/**
 * The local provisioner, as external provisioners run (minikube's storage-provisioner): its own ServiceAccount
 * bound to the bootstrap role system:persistent-volume-provisioner.
 */
export const PROVISIONER_SERVICE_ACCOUNT = 'berth-local-provisioner';
export const PROVISIONER_IDENTITY: ClientIdentity = {
  userAgent: `berth-local-provisioner/${VERSION_SUFFIX}`, fieldManager: 'berth-local-provisioner',
  user: serviceAccountUser('kube-system', PROVISIONER_SERVICE_ACCOUNT),
  serviceAccount: { namespace: 'kube-system', name: PROVISIONER_SERVICE_ACCOUNT },
};

/**
 * What kubeadm (or an addon manager) does with the admin credentials when it sets a cluster up: kube-public/cluster-info,
 * the default StorageClass. No `user`: the loopback user in-process, the kubeconfig's credentials otherwise.
 */
export const ADDON_MANAGER_IDENTITY: ClientIdentity = { userAgent: `kubeadm/${VERSION_SUFFIX}`, fieldManager: 'kubeadm' };
