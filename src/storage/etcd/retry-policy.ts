// Which failed etcd calls are sent again (to another member), as clientv3's retry interceptor decides
// (client/v3/retry_interceptor.go isSafeRetry, retry.go's repeatable/nonRepeatable): a read after any transient
// failure; a write (Put, DeleteRange, Txn, Compact, member and auth changes, …) only when the request never left
// this process. A write whose answer was lost may have committed: sent again, a create would answer AlreadyExists
// and an update Conflict for a change that succeeded. Such a write fails with its transient error instead (the API
// server answers 504 and the client reads back, as with upstream).
//
// The etcd3 client runs every unary call through one global fault-handling policy that does not see the call. The
// call options factory does (it runs inside each attempt): `noteEtcdCall` records there, in the attempt's async
// context, whether the call mutates, and the policy's retry predicate reads it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { handleWhen, retry, type IDefaultPolicyContext, type IPolicy } from 'cockatiel';
import { isRecoverableError, type CallContext } from 'etcd3';

/** clientv3's repeatable calls: reads, safe to send again. Every other unary call is nonRepeatable. */
const REPEATABLE = new Set([
  'KV.range', 'Lease.leaseTimeToLive', 'Lease.leaseLeases', 'Cluster.memberList',
  'Maintenance.status', 'Maintenance.hash', 'Maintenance.hashKV', 'Maintenance.snapshot',
  'Auth.authStatus', 'Auth.userGet', 'Auth.userList', 'Auth.roleGet', 'Auth.roleList',
]);

/** Retries after the first attempt, as etcd3's default global policy. */
export const ETCD_CALL_RETRIES = 3;

export function isMutatingCall(call: Pick<CallContext, 'service' | 'method'>): boolean {
  return !REPEATABLE.has(`${call.service}.${call.method}`);
}

/**
 * The request was never sent: grpc-js failed the call before it had a connection to write it on (the member's
 * channel is in transient failure, or was closed), clientv3's "there is no connection available".
 */
export function neverSent(err: Error): boolean {
  return /\bUNAVAILABLE: (?:\w+: )?No connection established|Channel closed before call started/.test(err.message);
}

/** Whether a call that failed with `err` may be sent again. */
export function mayRetry(mutating: boolean, err: unknown): boolean {
  if (!(err instanceof Error) || !isRecoverableError(err)) return false;
  return !mutating || neverSent(err);
}

interface Attempt { mutating: boolean }
const attempt = new AsyncLocalStorage<Attempt>();

/** Records the call being attempted; the client's call options factory calls it. */
export function noteEtcdCall(call: Pick<CallContext, 'service' | 'method'>): void {
  const a = attempt.getStore();
  if (a) a.mutating = isMutatingCall(call);
}

/** The client's global policy: retries reads on transient failures, writes only when they were never sent. */
export function etcdCallPolicy(retries = ETCD_CALL_RETRIES): IPolicy<IDefaultPolicyContext> {
  // Until the options factory has seen the call, it counts as a write: nothing unknown is sent twice.
  const inner = retry(handleWhen((e) => mayRetry(attempt.getStore()?.mutating ?? true, e)), { maxAttempts: retries });
  return {
    _altReturn: undefined as never,
    onSuccess: inner.onSuccess,
    onFailure: inner.onFailure,
    execute: (fn, signal) => attempt.run({ mutating: true }, () => inner.execute(fn, signal)),
  };
}
