// The csrsigning controller (pkg/controller/certificates/signer/signer.go) for the kube-apiserver-client-kubelet and
// kube-apiserver-client signers, with the cluster CA: an approved CSR without a certificate and not Failed is checked
// against its signer's rules (a violation is a Failed condition, reason SignerValidationFailure) and signed, for
// spec.expirationSeconds capped at --cluster-signing-duration (a year).
import { readFileSync } from 'node:fs';
import type { ReconcileResult } from '../../client/controller.js';
import type { SharedInformerFactory } from '../../client/informer.js';
import { builtin } from '../../client/resources.js';
import type { KubeClient } from '../../client/client.js';
import { parseCsr, signCsr, type ParsedCsr } from '../../pki/csr.js';
import { csrDer, KUBE_APISERVER_CLIENT_KUBELET_SIGNER, KUBE_APISERVER_CLIENT_SIGNER } from '../../registry/certificates/index.js';
import { CsrController, type Csr } from './csr-controller.js';
import { kubeletClientCsrError } from './kubelet-csr.js';
import { rfc3339 } from '../../apimachinery/time.js';

/** kube-controller-manager's --cluster-signing-duration default (8760h). */
export const CLUSTER_SIGNING_DURATION_MS = 365 * 24 * 3600 * 1000;
const MIN_DURATION_MS = 10 * 60 * 1000;
const CLIENT_USAGES = new Set(['digital signature', 'key encipherment', 'client auth']);

/** Whether this signer signs the request: undefined = not its signer; an error string = its, but refused. */
function validateForSigner(signer: string, csr: ParsedCsr, usages: string[]): string | undefined | false {
  if (signer === KUBE_APISERVER_CLIENT_KUBELET_SIGNER) return kubeletClientCsrError(csr, usages);
  if (signer === KUBE_APISERVER_CLIENT_SIGNER) {
    const bad = usages.filter((u) => !CLIENT_USAGES.has(u));
    if (bad.length) return `invalid usage for client certificate: ${bad[0]}`;
    if (!usages.includes('client auth')) return 'missing required usage for client certificate: client auth';
    return undefined;
  }
  return false;
}

export class CsrSigningController extends CsrController {
  /** The CA's files: kube-controller-manager's --cluster-signing-cert-file and --cluster-signing-key-file. */
  constructor(client: KubeClient, informers: SharedInformerFactory, private readonly caFiles: { certFile: string; keyFile: string }) {
    super(client, informers, 'csrsigning');
  }

  protected async sync(key: string): Promise<ReconcileResult> {
    const csr = this.csrs.store.get(key);
    if (!csr) return;
    const conds = csr.status?.conditions ?? [];
    const approved = conds.some((c) => c.type === 'Approved' && c.status === 'True') && !conds.some((c) => c.type === 'Denied' && c.status === 'True');
    if (!approved || conds.some((c) => c.type === 'Failed' && c.status === 'True') || csr.status?.certificate) return;
    const { der, error } = csrDer(csr.spec.request);
    if (!der) throw new Error(`unable to parse csr "${csr.metadata.name}": ${error}`);
    const parsed = await parseCsr(der);
    const usages = csr.spec.usages ?? [];
    const refusal = validateForSigner(csr.spec.signerName, parsed, usages);
    if (refusal === false) return;
    const why = refusal ?? (parsed.signatureValid ? undefined : 'x509: ECDSA verification failure');
    if (why) {
      await this.writeStatus(csr, { conditions: [...conds, { type: 'Failed', status: 'True', reason: 'SignerValidationFailure', message: why, lastUpdateTime: rfc3339(new Date()) }] });
      return;
    }
    const ca = { certPem: readFileSync(this.caFiles.certFile, 'utf8'), keyPem: readFileSync(this.caFiles.keyFile, 'utf8') };
    const requested = csr.spec.expirationSeconds ? csr.spec.expirationSeconds * 1000 : CLUSTER_SIGNING_DURATION_MS;
    const durationMs = Math.max(MIN_DURATION_MS, Math.min(requested, CLUSTER_SIGNING_DURATION_MS));
    const certPem = await signCsr(ca, der, usages, durationMs);
    await this.writeStatus(csr, { conditions: conds, certificate: Buffer.from(certPem).toString('base64') });
  }

  private async writeStatus(csr: Csr, status: NonNullable<Csr['status']>): Promise<void> {
    await this.client.updateStatus(builtin.certificateSigningRequests, { ...csr, status });
  }
}
