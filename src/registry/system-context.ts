// The context of the API server's own writes (defaults it creates, status it keeps, objects it cleans up): the
// loopback identity, system:apiserver in system:masters, and kube-apiserver as field manager. A fresh one each
// time: its warnings are per request, never shared between writes.
import type { RequestContext } from './generic-store.js';

export function systemRequestContext(): RequestContext {
  return { user: { username: 'system:apiserver', groups: ['system:masters'] }, dryRun: false, fieldManager: 'kube-apiserver', warnings: [] };
}
