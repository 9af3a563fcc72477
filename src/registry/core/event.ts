// core/v1 Event (pkg/apis/core/validation/events.go legacyValidateEvent, pkg/registry/core/event/strategy.go).
import { FieldError, invalid, required } from '../../apimachinery/field-errors.js';
import { isDNS1123Subdomain, isQualifiedName, nameIsDNSSubdomain } from '../../apimachinery/validation/names.js';
import type { ResourceDef } from '../types.js';
import { coreDef, o, validateCoreMeta, validateCoreMetaUpdate } from './def.js';
import { isObj, Obj, str } from './helpers.js';

const REPORTING_INSTANCE_LIMIT = 128;
const ACTION_LIMIT = 128;
const REASON_LIMIT = 128;
const NOTE_LIMIT = 1024;

/** Checks for a v1 Event; `eventTime` marks "new" events that need the reporting fields. */
export function validateEventBody(ev: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const ns = str(ev.metadata?.namespace);
  const involved: Obj = isObj(ev.involvedObject) ? ev.involvedObject : {};
  const involvedNs = str(involved.namespace);
  if (!ev.eventTime) {
    if (!involvedNs) {
      if (ns !== '' && ns !== 'default') errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    } else if (ns !== involvedNs) {
      errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    }
  } else {
    if (!involvedNs && ns !== 'default' && ns !== 'kube-system') errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    const rc = str(ev.reportingComponent);
    if (!rc) errs.push(required('reportingComponent'));
    errs.push(...isQualifiedName(rc).map((m) => invalid('reportingComponent', rc, m)));
    const ri = str(ev.reportingInstance);
    if (!ri) errs.push(required('reportingInstance'));
    if (ri.length > REPORTING_INSTANCE_LIMIT) errs.push(invalid('reportingInstance', '', `can have at most ${REPORTING_INSTANCE_LIMIT} characters`));
    const action = str(ev.action);
    if (!action) errs.push(required('action'));
    if (action.length > ACTION_LIMIT) errs.push(invalid('action', '', `can have at most ${ACTION_LIMIT} characters`));
    const reason = str(ev.reason);
    if (!reason) errs.push(required('reason'));
    if (reason.length > REASON_LIMIT) errs.push(invalid('reason', '', `can have at most ${REASON_LIMIT} characters`));
    if (str(ev.message).length > NOTE_LIMIT) errs.push(invalid('message', '', `can have at most ${NOTE_LIMIT} characters`));
  }
  errs.push(...isDNS1123Subdomain(ns).map((m) => invalid('namespace', ns, m)));
  return errs;
}

/** EventToSelectableFields. */
export function eventSelectableFields(ev: Obj): Record<string, string> {
  const io: Obj = isObj(ev.involvedObject) ? ev.involvedObject : {};
  return {
    'involvedObject.kind': str(io.kind),
    'involvedObject.namespace': str(io.namespace),
    'involvedObject.name': str(io.name),
    'involvedObject.uid': str(io.uid),
    'involvedObject.apiVersion': str(io.apiVersion),
    'involvedObject.resourceVersion': str(io.resourceVersion),
    'involvedObject.fieldPath': str(io.fieldPath),
    reason: str(ev.reason),
    reportingComponent: str(ev.reportingComponent),
    source: str(ev.source?.component),
    type: str(ev.type),
  };
}

export const eventResource: ResourceDef = coreDef({
  kind: 'Event',
  resource: 'events',
  namespaced: true,
  shortNames: ['ev'],
  strategy: {
    validate: (obj) => [...validateCoreMeta(obj.metadata, true, nameIsDNSSubdomain), ...validateEventBody(o(obj))],
    validateUpdate: (obj, old) => [...validateCoreMetaUpdate(obj.metadata, old.metadata), ...validateEventBody(o(obj))],
    selectableFields: (obj) => eventSelectableFields(o(obj)),
  },
});
