// API errors as upstream's k8s.io/apimachinery/pkg/api/errors builds them: every failure leaves the server as a
// metav1.Status, so kubectl prints the same `Error from server (Reason): message` lines it prints for upstream.
import { FieldError } from './field-errors.js';
import { GroupResource, qualifiedKind, qualifiedResource, Status, StatusCause, StatusDetails } from './types.js';

export class ApiError extends Error {
  /** ListMeta of the Status (a 410 for a continued list carries the token to go on with). */
  listMeta?: { continue?: string };

  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }

  toStatus(): Status {
    const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: { ...this.listMeta }, status: 'Failure', message: this.message, reason: this.reason, code: this.code };
    if (this.details) s.details = this.details;
    return s;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

// What an error is, as k8s.io/apimachinery/pkg/api/errors asks it (IsNotFound, IsAlreadyExists, IsConflict): the
// one place callers test a failure, instead of comparing codes inline.

/** apierrors.IsNotFound: the object (or its namespace, or the resource) is not there. */
export const isNotFound = (e: unknown): e is ApiError => e instanceof ApiError && e.code === 404;

/** apierrors.IsAlreadyExists: a create found the name taken. */
export const isAlreadyExists = (e: unknown): e is ApiError => e instanceof ApiError && e.code === 409 && e.reason === 'AlreadyExists';

/** apierrors.IsConflict: a write lost a resourceVersion race (read again and retry). */
export const isConflict = (e: unknown): e is ApiError => e instanceof ApiError && e.code === 409 && e.reason === 'Conflict';

/** Either 409 (the name is taken, or the object changed under the write): for callers that treat both alike. */
export const isAlreadyExistsOrConflict = (e: unknown): e is ApiError => e instanceof ApiError && e.code === 409;

export const errNotFound = (gr: GroupResource, name: string) =>
  new ApiError(404, 'NotFound', `${qualifiedResource(gr)} "${name}" not found`, { name, group: gr.group, kind: gr.resource });

export const errAlreadyExists = (gr: GroupResource, name: string) =>
  new ApiError(409, 'AlreadyExists', `${qualifiedResource(gr)} "${name}" already exists`, { name, group: gr.group, kind: gr.resource });

/** Optimistic-concurrency failure, upstream wording. */
export const errConflict = (gr: GroupResource, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again') =>
  new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${why}`, { name, group: gr.group, kind: gr.resource });

export function errInvalid(group: string, kind: string, name: string, errs: FieldError[]): ApiError {
  const causes: StatusCause[] = errs.map((e) => ({ reason: e.type, message: e.errorBody(), field: e.field }));
  const list = errs.map((e) => e.toString());
  const joined = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${qualifiedKind(group, kind)} "${name}" is invalid: ${joined}`, { name, group, kind, causes });
}

export const errBadRequest = (message: string) => new ApiError(400, 'BadRequest', message);

/** NewForbidden: `<resource> "<name>" is forbidden: why`, without the name when there is none. */
export const errForbidden = (gr: GroupResource, name: string, why: string) => {
  const what = gr.resource ? (name ? `${qualifiedResource(gr)} ${JSON.stringify(name)} is forbidden` : `${qualifiedResource(gr)} is forbidden`) : 'forbidden';
  return new ApiError(403, 'Forbidden', `${what}: ${why}`, { name, group: gr.group, kind: gr.resource });
};

export const errMethodNotSupported = (gr: GroupResource, action: string) =>
  new ApiError(405, 'MethodNotAllowed', `${action} is not supported on resources of kind "${qualifiedResource(gr)}"`, { group: gr.group, kind: gr.resource });

export const errUnsupportedMediaType = (contentType: string, supported: string[]) =>
  new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${supported.join(', ')}`, { causes: [{ reason: 'UnexpectedHeader', message: `the body of the request was in an unknown format: ${contentType}`, field: 'Content-Type header' }] });

export const errNotAcceptable = (supported: string[]) =>
  new ApiError(406, 'NotAcceptable', `only the following media types are accepted: ${supported.join(', ')}`);

export const errRequestEntityTooLarge = (message = 'the server has received a request that is too large') =>
  new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: ${message}`);

/** A watch or list from a resourceVersion older than the retained history. */
export const errExpired = (message: string) => new ApiError(410, 'Expired', message);
export const errGone = (message: string) => new ApiError(410, 'Gone', message);

export const errUnauthorized = () => new ApiError(401, 'Unauthorized', 'Unauthorized');

export const errTooManyRequests = (retryAfterSeconds: number) =>
  new ApiError(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds }, { 'Retry-After': String(retryAfterSeconds) });

export const errInternal = (err: unknown) =>
  new ApiError(500, 'InternalError', `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`, { causes: [{ message: err instanceof Error ? err.message : String(err) }] });

export const errServiceUnavailable = (message: string) => new ApiError(503, 'ServiceUnavailable', message);

/**
 * A list or watch that asked for a state at least as new as a revision the store has not reached (storage's
 * NewTooLargeResourceVersionError, an errors.NewTimeoutError: 504, `Timeout: ` prefixed, retry hint).
 */
export const errTooLargeResourceVersion = (minimum: number, current: number, retryAfterSeconds: number) =>
  new ApiError(504, 'Timeout', `Timeout: Too large resource version: ${minimum}, current: ${current}`,
    { retryAfterSeconds, causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }] },
    retryAfterSeconds > 0 ? { 'Retry-After': String(retryAfterSeconds) } : undefined);

export const errTimeout = (message: string, retryAfterSeconds = 0) =>
  new ApiError(504, 'Timeout', message, { retryAfterSeconds });
