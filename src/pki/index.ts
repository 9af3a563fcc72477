export { ensurePki, caCertPath, issueClientCertificate, ADMIN_GROUP, ADMIN_USER, type Pki, type EnsurePkiOptions } from './pki.js';
export { writeKubeconfig, kubeconfigYaml, type KubeconfigOptions } from './kubeconfig.js';
export { authenticateRequest, AUTHENTICATED_GROUP, type AuthMaterial } from './authn.js';
