// The EtcdCluster operator (etcd.database.coreos.com/v1beta2), reconciling as etcd-operator v0.9 does.
export * from './types.js';
export * from './members.js';
export * from './membership.js';
export * from './manifests.js';
export * from './status.js';
export * from './plan.js';
export * from './crd.js';
export * from './operator.js';
export * from './install.js';
export * from './run.js';
export { etcdOperatorComponent } from './component.js';
