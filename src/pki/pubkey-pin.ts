// Public key pins as kubeadm writes and checks them (cmd/kubeadm/app/util/pubkeypin): `sha256:<hex>` of a
// certificate's DER SubjectPublicKeyInfo. `berth token create --print-join-command` prints the CA's pin; `berth node
// join --discovery-token-ca-cert-hash` trusts the CA it discovered only when its pin is one of those given.
import { createHash, X509Certificate } from 'node:crypto';

const FORMAT = /^sha256:[0-9a-f]{64}$/;

/** The pin of the (first) certificate in `pem`. */
export function publicKeyPin(pem: string): string {
  const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}

/** A pin as given on the command line, checked (kubeadm accepts upper-case hex, and so do we). */
export function parsePin(value: string): string {
  const pin = value.trim().toLowerCase();
  if (!FORMAT.test(pin)) throw new Error(`invalid hash ${JSON.stringify(value)}, expected format "sha256:<64 hex characters>"`);
  return pin;
}
