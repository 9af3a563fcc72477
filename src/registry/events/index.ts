import { eventFromCore, eventToCore } from './conversion.js';
// events.k8s.io/v1 Event: the strict create validation upstream applies to events written through this API
// (pkg/apis/core/validation/events.go). Objects share storage with core v1 events, so error paths use the
// internal (core) field names, as upstream's do: `message` for note, `involvedObject` for regarding, …
import { FieldError, invalid, required } from '../../apimachinery/field-errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { isDNS1123Subdomain, isQualifiedName, nameIsDNSSubdomain } from '../../apimachinery/validation/names.js';
import { validateCoreMeta, validateCoreMetaUpdate } from '../core/def.js';
import { builtinResource } from '../resource-def.js';
import { isObj, semanticEqual, str } from '../apps/shared.js';
import type { ResourceDef } from '../types.js';

const REPORTING_INSTANCE_LIMIT = 128;
const ACTION_LIMIT = 128;
const REASON_LIMIT = 128;
const NOTE_LIMIT = 1024;

function validateSeries(obj: KubeObject): FieldError[] {
  if (!isObj(obj.series)) return [];
  const errs: FieldError[] = [];
  if ((obj.series.count ?? 0) < 2) errs.push(invalid('series.count', '', 'should be at least 2'));
  if (!obj.series.lastObservedTime) errs.push(required('series.lastObservedTime'));
  return errs;
}

export function validateEventsV1Event(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const namespace = obj.metadata.namespace ?? '';
  const regarding = isObj(obj.regarding) ? obj.regarding : {};
  if (obj.eventTime) {
    if (!regarding.namespace && namespace !== 'default' && namespace !== 'kube-system') {
      errs.push(invalid('involvedObject.namespace', str(regarding.namespace), 'does not match event.namespace'));
    }
    const controller = str(obj.reportingController);
    if (!controller) errs.push(required('reportingController'));
    errs.push(...isQualifiedName(controller).map((m) => invalid('reportingController', controller, m)));
    const checks: [string, unknown, number][] = [['reportingInstance', obj.reportingInstance, REPORTING_INSTANCE_LIMIT], ['action', obj.action, ACTION_LIMIT], ['reason', obj.reason, REASON_LIMIT]];
    for (const [field, value, limit] of checks) {
      if (!str(value)) errs.push(required(field));
      if (str(value).length > limit) errs.push(invalid(field, '', `can have at most ${limit} characters`));
    }
    if (str(obj.note).length > NOTE_LIMIT) errs.push(invalid('message', '', `can have at most ${NOTE_LIMIT} characters`));
  }
  errs.push(...isDNS1123Subdomain(namespace).map((m) => invalid('namespace', namespace, m)));
  errs.push(...validateCoreMeta(obj.metadata, true, nameIsDNSSubdomain));
  errs.push(...validateSeries(obj));
  if (!obj.eventTime) errs.push(required('eventTime'));
  if (obj.type !== 'Normal' && obj.type !== 'Warning') errs.push(invalid('type', '', `has invalid value: ${str(obj.type)}`));
  if (obj.deprecatedFirstTimestamp) errs.push(invalid('deprecatedFirstTimestamp', '', 'needs to be unset'));
  if (obj.deprecatedLastTimestamp) errs.push(invalid('deprecatedLastTimestamp', '', 'needs to be unset'));
  if (obj.deprecatedCount) errs.push(invalid('deprecatedCount', '', 'needs to be unset'));
  if (isObj(obj.deprecatedSource) && (obj.deprecatedSource.component || obj.deprecatedSource.host)) errs.push(invalid('deprecatedSource', '', 'needs to be unset'));
  return errs;
}

/** events.k8s.io field → the internal name upstream reports for an immutable-field change. */
const IMMUTABLE_FIELDS: [string, string][] = [
  ['regarding', 'involvedObject'], ['reason', 'reason'], ['note', 'message'], ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'], ['deprecatedLastTimestamp', 'lastTimestamp'], ['deprecatedCount', 'count'],
  ['type', 'type'], ['eventTime', 'eventTime'], ['action', 'action'], ['related', 'related'],
  ['reportingController', 'reportingController'], ['reportingInstance', 'reportingInstance'],
];

export function validateEventsV1EventUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateCoreMetaUpdate(obj.metadata, old.metadata);
  for (const [field, internalName] of IMMUTABLE_FIELDS) {
    if (!semanticEqual(obj[field], old[field])) errs.push(invalid(internalName, obj[field] ?? null, 'field is immutable'));
  }
  return errs;
}

export function eventsResources(): ResourceDef[] {
  const def = builtinResource({
    group: 'events.k8s.io', kind: 'Event', resource: 'events', namespaced: true, shortNames: ['ev'], schemaPackage: 'events.v1',
    strategy: { validate: validateEventsV1Event, validateUpdate: validateEventsV1EventUpdate },
  });
  def.storageResource = { group: '', resource: 'events' };
  def.conversion = { toStorage: eventToCore, fromStorage: eventFromCore };
  return [def];
}
