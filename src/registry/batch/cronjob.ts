// batch/v1 CronJob: SetDefaults_CronJob, ValidateCronJob* and pkg/registry/batch/cronjob/strategy.go.
import { FieldError, FieldPath, invalid, notSupported, required } from '../../apimachinery/field-errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { nameIsDNSSubdomain } from '../../apimachinery/validation/names.js';
import { validateCoreMeta, validateCoreMetaUpdate } from '../core/def.js';
import { defaultNil, ensureObj, fp, goLabelSelector, invalidGo, isObj, nonNegative, Obj, specOf, str } from '../apps/shared.js';
import type { ResourceDef, Strategy } from '../types.js';
import { DEFAULT_VERBS } from '../types.js';
import { cronScheduleError, isValidTimeZone } from './cron.js';
import { validateJobSpecCommon } from './job.js';
import { setDefaultsPodTemplateSpec } from '../core/pod-defaults.js';

/** Job names are `<cronjob>-<11-char timestamp>` and must fit a 63-character label. */
const MAX_CRONJOB_NAME_LENGTH = 52;

export function setDefaultsCronJob(obj: KubeObject): void {
  const spec = ensureObj(obj, 'spec');
  if (!spec.concurrencyPolicy) spec.concurrencyPolicy = 'Allow';
  defaultNil(spec, { suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
  // SetDefaults_Job applies to Job objects only; the embedded template gets just the pod defaults (Jobs created
  // from it are defaulted when the controller creates them).
  setDefaultsPodTemplateSpec(ensureObj(ensureObj(ensureObj(spec, 'jobTemplate'), 'spec'), 'template'));
}

function validateScheduleFormat(schedule: string, allowTZ: boolean, timeZone: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const parseErr = cronScheduleError(schedule);
  if (parseErr) errs.push(invalid(path.toString(), schedule, parseErr));
  if (allowTZ && schedule.includes('TZ') && timeZone !== undefined && timeZone !== null) {
    errs.push(invalid(path.toString(), schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
  } else if (!allowTZ && schedule.includes('TZ')) {
    errs.push(invalid(path.toString(), schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  return errs;
}

function validateTimeZone(tz: unknown, path: FieldPath): FieldError[] {
  if (tz === undefined || tz === null) return [];
  const p = path.toString();
  const zone = str(tz);
  if (zone.length === 0) return [invalid(p, zone, 'timeZone must be nil or non-empty string')];
  for (const part of zone.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !/^[A-Za-z.\-_0-9+]{1,14}$/.test(part)) return [invalid(p, zone, `unknown time zone ${zone}`)];
  }
  const errs: FieldError[] = [];
  if (zone.toLowerCase() === 'local') errs.push(invalid(p, zone, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  if (!isValidTimeZone(zone)) errs.push(invalid(p, zone, `unknown time zone ${zone}`));
  return errs;
}

function validateJobTemplateSpec(tpl: Obj, path: FieldPath): FieldError[] {
  const spec = isObj(tpl.spec) ? tpl.spec : {};
  const errs = validateJobSpecCommon(spec, path.child('spec'));
  if (spec.selector !== undefined && spec.selector !== null) {
    errs.push(invalidGo(path.child('spec').child('selector'), goLabelSelector(spec.selector), '`selector` will be auto-generated'));
  }
  if (spec.manualSelector === true) errs.push(notSupported(path.child('spec').child('manualSelector').toString(), true, ['nil', 'false']));
  return errs;
}

function validateCronJobSpec(spec: Obj, oldSpec: Obj | undefined): FieldError[] {
  const path = fp('spec');
  const errs: FieldError[] = [];
  const schedule = str(spec.schedule);
  if (schedule === '') errs.push(required(path.child('schedule').toString()));
  else errs.push(...validateScheduleFormat(schedule, oldSpec ? str(oldSpec.schedule).includes('TZ') : false, spec.timeZone, path.child('schedule')));
  if (spec.startingDeadlineSeconds !== undefined && spec.startingDeadlineSeconds !== null) errs.push(...nonNegative(spec.startingDeadlineSeconds, path.child('startingDeadlineSeconds')));
  if (!oldSpec || (oldSpec.timeZone ?? null) !== (spec.timeZone ?? null)) errs.push(...validateTimeZone(spec.timeZone, path.child('timeZone')));
  const policy = str(spec.concurrencyPolicy);
  if (policy === '') errs.push(required(path.child('concurrencyPolicy').toString()));
  else if (!['Allow', 'Forbid', 'Replace'].includes(policy)) errs.push(notSupported(path.child('concurrencyPolicy').toString(), policy, ['Allow', 'Forbid', 'Replace']));
  errs.push(...validateJobTemplateSpec(isObj(spec.jobTemplate) ? spec.jobTemplate : {}, path.child('jobTemplate')));
  for (const k of ['successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) {
    if (spec[k] !== undefined && spec[k] !== null) errs.push(...nonNegative(spec[k], path.child(k)));
  }
  return errs;
}

export function validateCronJob(obj: KubeObject): FieldError[] {
  const errs = [...validateCoreMeta(obj.metadata, true, nameIsDNSSubdomain), ...validateCronJobSpec(specOf(obj), undefined)];
  const name = obj.metadata.name ?? '';
  if (name.length > MAX_CRONJOB_NAME_LENGTH) errs.push(invalid('metadata.name', name, `must be no more than ${MAX_CRONJOB_NAME_LENGTH} characters`));
  return errs;
}

/** The 52-character limit is not applied on update, so old long-named CronJobs stay editable. */
export const validateCronJobUpdate = (obj: KubeObject, old: KubeObject): FieldError[] => [
  ...validateCoreMetaUpdate(obj.metadata, old.metadata),
  ...validateCronJobSpec(specOf(obj), specOf(old)),
];

export const cronJobStrategy: Strategy = {
  defaults: setDefaultsCronJob,
  prepareForCreate(obj) {
    obj.status = {};
  },
  validate: validateCronJob,
  validateUpdate: validateCronJobUpdate,
  validateStatusUpdate: (obj, old) => validateCoreMetaUpdate(obj.metadata, old.metadata),
};

export const cronJobResource: ResourceDef = {
  group: 'batch',
  version: 'v1',
  kind: 'CronJob',
  listKind: 'CronJobList',
  resource: 'cronjobs',
  singular: 'cronjob',
  namespaced: true,
  shortNames: ['cj'],
  categories: ['all'],
  verbs: DEFAULT_VERBS,
  subresources: { status: true },
  tracksGeneration: true,
  strategy: cronJobStrategy,
  schemaName: 'io.k8s.api.batch.v1.CronJob',
};
