// The options of a list or watch request, decoded from the query and checked as upstream's ListResource does it:
// metainternalversion.ListOptions from url.Values (query-params.ts), SetListOptionsDefaults with the WatchList
// feature on (apimachinery pkg/apis/meta/internalversion/defaults.go), then ValidateListOptions
// (.../internalversion/validation/validation.go), whose failures are a 422 on `ListOptions.meta.k8s.io ""`.
import { errInvalid } from '../apimachinery/errors.js';
import { FieldError, forbidden, notSupported } from '../apimachinery/field-errors.js';
import { boolParam, int64Param } from '../apimachinery/query-params.js';

export const EXACT = 'Exact';
export const NOT_OLDER_THAN = 'NotOlderThan';

export interface ListOptions {
  watch: boolean;
  /** '' when absent. */
  resourceVersion: string;
  /** '', 'Exact' or 'NotOlderThan' once validated. */
  resourceVersionMatch: string;
  /** undefined when absent (a nil *bool): only then does a watch keep its legacy start semantics. */
  sendInitialEvents?: boolean;
  allowWatchBookmarks: boolean;
  /** 0: no limit. */
  limit: number;
  continue: string;
  timeoutSeconds?: number;
}

/** `forceWatch` for the deprecated /watch/ paths. */
export function listOptionsFrom(query: URLSearchParams, forceWatch = false): ListOptions {
  const opts: ListOptions = {
    watch: forceWatch || (boolParam(query, 'watch') ?? false),
    resourceVersion: query.get('resourceVersion') ?? '',
    resourceVersionMatch: query.get('resourceVersionMatch') ?? '',
    sendInitialEvents: boolParam(query, 'sendInitialEvents'),
    allowWatchBookmarks: boolParam(query, 'allowWatchBookmarks') ?? false,
    limit: int64Param(query, 'limit') ?? 0,
    continue: query.get('continue') ?? '',
    timeoutSeconds: int64Param(query, 'timeoutSeconds'),
  };
  setListOptionsDefaults(opts);
  const errs = validateListOptions(opts);
  if (errs.length) throw errInvalid('meta.k8s.io', 'ListOptions', '', errs);
  return opts;
}

/** A watch from "now" (no resourceVersion, or 0) that did not choose gets the initial state as WatchList streams it. */
function setListOptionsDefaults(opts: ListOptions): void {
  if (opts.sendInitialEvents !== undefined || opts.resourceVersionMatch) return;
  if (opts.watch && (opts.resourceVersion === '' || opts.resourceVersion === '0')) {
    opts.sendInitialEvents = true;
    opts.resourceVersionMatch = NOT_OLDER_THAN;
  }
}

export function validateListOptions(opts: ListOptions): FieldError[] {
  if (opts.watch) return validateWatchOptions(opts);
  const errs: FieldError[] = [];
  const match = opts.resourceVersionMatch;
  if (match) {
    if (!opts.resourceVersion) errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    if (opts.continue) errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    if (match !== EXACT && match !== NOT_OLDER_THAN) errs.push(notSupported('resourceVersionMatch', match, [EXACT, NOT_OLDER_THAN, '']));
    if (match === EXACT && opts.resourceVersion === '0') errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
  }
  if (opts.sendInitialEvents !== undefined) errs.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  return errs;
}

function validateWatchOptions(opts: ListOptions): FieldError[] {
  const errs: FieldError[] = [];
  const match = opts.resourceVersionMatch;
  if (opts.sendInitialEvents !== undefined && match !== NOT_OLDER_THAN) {
    errs.push(forbidden('resourceVersionMatch', `sendInitialEvents requires setting resourceVersionMatch to ${NOT_OLDER_THAN}`));
  }
  if (match) {
    if (opts.sendInitialEvents === undefined) errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
    if (match !== NOT_OLDER_THAN) errs.push(notSupported('resourceVersionMatch', match, [NOT_OLDER_THAN]));
    if (opts.continue) errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
  }
  return errs;
}
