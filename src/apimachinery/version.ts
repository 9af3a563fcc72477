// The Kubernetes version Berth serves and speaks as, spelled once: /version, OpenAPI's info, the kubelet's
// nodeInfo and every component's User-Agent say it (kubectl and client-go dispatch on the minor).
export const KUBE_MAJOR = '1';
export const KUBE_MINOR = '33';
export const KUBE_VERSION = `v${KUBE_MAJOR}.${KUBE_MINOR}.0`;
