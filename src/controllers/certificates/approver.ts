// The csrapproving controller (pkg/controller/certificates/approver/sarapprove.go): a pending kubelet client CSR is
// approved when its requester may create certificatesigningrequests/selfnodeclient (renewing its own certificate)
// or certificatesigningrequests/nodeclient (a bootstrap token's group, via kubeadm's binding), asked through a
// SubjectAccessReview for the identity the API server recorded in spec. Anything else is left for a person.
import type { ReconcileResult } from '../../client/controller.js';
import type { SharedInformerFactory } from '../../client/informer.js';
import type { KubeClient } from '../../client/client.js';
import { parseCsr } from '../../pki/csr.js';
import { csrDer, KUBE_APISERVER_CLIENT_KUBELET_SIGNER } from '../../registry/certificates/index.js';
import { CsrController, type Csr } from './csr-controller.js';
import { kubeletClientCsrError } from './kubelet-csr.js';

const hasCondition = (csr: Csr, type: string) => (csr.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');

interface Recognizer {
  subresource: 'selfnodeclient' | 'nodeclient';
  successMessage: string;
  recognize(csr: Csr, commonName: string): boolean;
}

const RECOGNIZERS: Recognizer[] = [
  {
    subresource: 'selfnodeclient', successMessage: 'Auto approving self kubelet client certificate after SubjectAccessReview.',
    recognize: (csr, cn) => csr.spec.username === cn,
  },
  { subresource: 'nodeclient', successMessage: 'Auto approving kubelet client certificate after SubjectAccessReview.', recognize: () => true },
];

export class CsrApprovingController extends CsrController {
  constructor(client: KubeClient, informers: SharedInformerFactory) {
    super(client, informers, 'csrapproving');
  }

  protected async sync(key: string): Promise<ReconcileResult> {
    const csr = this.csrs.store.get(key);
    if (!csr || csr.status?.certificate || hasCondition(csr, 'Approved') || hasCondition(csr, 'Denied')) return;
    if (csr.spec.signerName !== KUBE_APISERVER_CLIENT_KUBELET_SIGNER) return;
    const { der, error } = csrDer(csr.spec.request);
    if (!der) throw new Error(`unable to parse csr "${csr.metadata.name}": ${error}`);
    const parsed = await parseCsr(der);
    if (kubeletClientCsrError(parsed, csr.spec.usages ?? [])) return;
    const tried: string[] = [];
    for (const r of RECOGNIZERS) {
      if (!r.recognize(csr, parsed.commonName)) continue;
      tried.push(r.subresource);
      if (!(await this.authorized(csr, r.subresource))) continue;
      const conditions = [...(csr.status?.conditions ?? []), { type: 'Approved', status: 'True', reason: 'AutoApproved', message: r.successMessage }];
      await this.client.rest.request({
        method: 'PUT', path: `/apis/certificates.k8s.io/v1/certificatesigningrequests/${encodeURIComponent(csr.metadata.name!)}/approval`,
        body: { ...csr, status: { ...(csr.status ?? {}), conditions } },
      });
      return;
    }
    // upstream's IgnorableError: logged, not retried
    console.warn(`csrapproving: recognized csr "${csr.metadata.name}" as [${tried.join(' ')}] but subject access review was not approved`);
  }

  private async authorized(csr: Csr, subresource: string): Promise<boolean> {
    const review = await this.client.rest.request<{ status?: { allowed?: boolean } }>({
      method: 'POST', path: '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      body: {
        apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview',
        spec: {
          user: csr.spec.username, uid: csr.spec.uid, groups: csr.spec.groups, extra: csr.spec.extra,
          resourceAttributes: { group: 'certificates.k8s.io', resource: 'certificatesigningrequests', verb: 'create', subresource, version: '*' },
        },
      },
    });
    return review.status?.allowed === true;
  }
}
