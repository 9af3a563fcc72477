// batch/v1 Job: SetDefaults_Job, ValidateJob* (pkg/apis/batch/validation) and pkg/registry/batch/job/strategy.go,
// including the generated selector (controller-uid / batch.kubernetes.io/controller-uid labels) set at create.
import { FieldError, FieldPath, invalid, notSupported, required } from '../../apimachinery/field-errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { isDNS1123Label, nameIsDNSSubdomain } from '../../apimachinery/validation/names.js';
import { validateImmutableField, validateLabelSelector } from '../../apimachinery/validation/objectmeta.js';
import { validateCoreMeta, validateCoreMetaUpdate } from '../core/def.js';
import { setDefaultsPodTemplateSpec } from '../core/pod-defaults.js';
import { validatePodTemplateSpec } from '../core/pod-validation.js';
import { ensureObj, fp, goLabelSelector, goStringMap, invalidGo, isObj, nonNegative, Obj, semanticEqual, specOf, statusOf, str, toSelector } from '../apps/shared.js';
import type { ResourceDef, Strategy } from '../types.js';
import { DEFAULT_VERBS } from '../types.js';

export const LEGACY_JOB_NAME_LABEL = 'job-name';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
const MAX_PARALLELISM_FOR_INDEXED_JOB = 100000;
const MAX_INT32 = 2147483647;

const isSet = (v: unknown): boolean => v !== undefined && v !== null;

export function setDefaultsJobSpec(spec: Obj): void {
  // A non-parallel Job may leave both unset; then both are 1.
  if (!isSet(spec.completions) && !isSet(spec.parallelism)) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  if (!isSet(spec.parallelism)) spec.parallelism = 1;
  if (!isSet(spec.backoffLimit)) spec.backoffLimit = isSet(spec.backoffLimitPerIndex) ? MAX_INT32 : 6;
  if (!isSet(spec.completionMode)) spec.completionMode = 'NonIndexed';
  if (!isSet(spec.suspend)) spec.suspend = false;
  if (!isSet(spec.manualSelector)) spec.manualSelector = false;
  if (isObj(spec.podFailurePolicy) && Array.isArray(spec.podFailurePolicy.rules)) {
    for (const rule of spec.podFailurePolicy.rules as Obj[]) {
      for (const pattern of Array.isArray(rule?.onPodConditions) ? (rule.onPodConditions as Obj[]) : []) if (!pattern.status) pattern.status = 'True';
    }
  }
  if (!isSet(spec.podReplacementPolicy)) spec.podReplacementPolicy = isSet(spec.podFailurePolicy) ? 'Failed' : 'TerminatingOrFailed';
  setDefaultsPodTemplateSpec(ensureObj(spec, 'template'));
}

export function setDefaultsJob(obj: KubeObject): void {
  const spec = ensureObj(obj, 'spec');
  setDefaultsJobSpec(spec);
  const tplLabels = isObj(spec.template?.metadata) ? spec.template.metadata.labels : undefined;
  if (isObj(tplLabels) && Object.keys(obj.metadata.labels ?? {}).length === 0) obj.metadata.labels = { ...tplLabels };
}

/** generateSelector: label the template with the job name and uid and select on the uid (user values are kept). */
export function generateJobSelector(obj: KubeObject): void {
  const spec = ensureObj(obj, 'spec');
  const tplMeta = ensureObj(ensureObj(spec, 'template'), 'metadata');
  const labels: Record<string, string> = isObj(tplMeta.labels) ? tplMeta.labels : (tplMeta.labels = {});
  const name = obj.metadata.name ?? '';
  const uid = obj.metadata.uid ?? '';
  for (const k of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) if (!(k in labels)) labels[k] = name;
  for (const k of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) if (!(k in labels)) labels[k] = uid;
  const selector = ensureObj(spec, 'selector');
  const matchLabels = ensureObj(selector, 'matchLabels');
  if (!(CONTROLLER_UID_LABEL in matchLabels)) matchLabels[CONTROLLER_UID_LABEL] = uid;
}

function validateHasLabel(labels: Record<string, string> | undefined, key: string, expected: string): FieldError[] {
  const path = fp('spec', 'template', 'metadata', 'labels').key(key).toString();
  if (!labels || !(key in labels)) return [required(path, expected)];
  return labels[key] === expected ? [] : [invalidGo(path, goStringMap(labels), `must be '${expected}'`)];
}

function validateGeneratedSelector(obj: KubeObject, requirePrefixedLabels: boolean): FieldError[] {
  const spec = specOf(obj);
  if (spec.manualSelector === true || !isSet(spec.selector)) return [];
  const errs: FieldError[] = [];
  if (!obj.metadata.uid) errs.push(required('metadata.uid'));
  if (requirePrefixedLabels) {
    const labels = isObj(spec.template?.metadata) ? spec.template.metadata.labels : undefined;
    errs.push(...validateHasLabel(labels, CONTROLLER_UID_LABEL, obj.metadata.uid ?? ''));
    errs.push(...validateHasLabel(labels, JOB_NAME_LABEL, obj.metadata.name ?? ''));
    const sel = toSelector(spec.selector);
    if (sel && !sel.matches({ [CONTROLLER_UID_LABEL]: obj.metadata.uid ?? '', [JOB_NAME_LABEL]: obj.metadata.name ?? '' })) {
      errs.push(invalidGo('spec.selector', goLabelSelector(spec.selector), '`selector` not auto-generated'));
    }
  }
  return errs;
}

/** validateJobSpec: the part shared with CronJob job templates. */
export function validateJobSpecCommon(spec: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of ['parallelism', 'completions']) if (isSet(spec[k])) errs.push(...nonNegative(spec[k], path.child(k)));
  if (isSet(spec.activeDeadlineSeconds) && spec.activeDeadlineSeconds <= 0) {
    errs.push(invalid(path.child('activeDeadlineSeconds').toString(), spec.activeDeadlineSeconds, 'must be greater than zero'));
  }
  for (const k of ['backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex']) if (isSet(spec[k])) errs.push(...nonNegative(spec[k], path.child(k)));
  if (isSet(spec.maxFailedIndexes)) {
    errs.push(...nonNegative(spec.maxFailedIndexes, path.child('maxFailedIndexes')));
    if (!isSet(spec.backoffLimitPerIndex)) errs.push(required(path.child('backoffLimitPerIndex').toString(), 'when maxFailedIndexes is specified'));
  }
  const mode = spec.completionMode;
  if (isSet(mode)) {
    if (mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(notSupported(path.child('completionMode').toString(), mode, ['NonIndexed', 'Indexed']));
    if (mode === 'Indexed') {
      if (!isSet(spec.completions)) errs.push(required(path.child('completions').toString(), 'when completion mode is Indexed'));
      if (isSet(spec.parallelism) && spec.parallelism > MAX_PARALLELISM_FOR_INDEXED_JOB) {
        errs.push(invalid(path.child('parallelism').toString(), spec.parallelism, `must be less than or equal to ${MAX_PARALLELISM_FOR_INDEXED_JOB} when completion mode is Indexed`));
      }
      if (isSet(spec.completions) && isSet(spec.maxFailedIndexes) && spec.maxFailedIndexes > spec.completions) {
        errs.push(invalid(path.child('maxFailedIndexes').toString(), spec.maxFailedIndexes, 'must be less than or equal to completions'));
      }
    }
  }
  if (!isSet(mode) || mode === 'NonIndexed') {
    for (const k of ['backoffLimitPerIndex', 'maxFailedIndexes']) if (isSet(spec[k])) errs.push(invalid(path.child(k).toString(), spec[k], 'requires indexed completion mode'));
  }
  if (isSet(spec.podReplacementPolicy)) {
    const prp = spec.podReplacementPolicy;
    if (isSet(spec.podFailurePolicy)) {
      if (prp !== 'Failed') errs.push(notSupported(path.child('podReplacementPolicy').toString(), prp, ['Failed']));
    } else if (prp !== 'Failed' && prp !== 'TerminatingOrFailed') {
      errs.push(notSupported(path.child('podReplacementPolicy').toString(), prp, ['Failed', 'TerminatingOrFailed']));
    }
  }
  const tpl = isObj(spec.template) ? spec.template : {};
  errs.push(...validatePodTemplateSpec(tpl, path.child('template')));
  const restartPolicy = str(isObj(tpl.spec) ? tpl.spec.restartPolicy : '');
  const rpPath = path.child('template').child('spec').child('restartPolicy').toString();
  if (restartPolicy === 'Always' || restartPolicy === '') {
    errs.push(required(rpPath, 'valid values: "OnFailure", "Never"'));
  } else if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    errs.push(notSupported(rpPath, restartPolicy, ['OnFailure', 'Never']));
  } else if (isSet(spec.podFailurePolicy) && restartPolicy !== 'Never') {
    errs.push(invalid(rpPath, restartPolicy, 'only "Never" is supported when podFailurePolicy is specified'));
  }
  return errs;
}

export function validateJobSpec(spec: Obj, path: FieldPath): FieldError[] {
  const errs = validateJobSpecCommon(spec, path);
  if (!isSet(spec.selector)) errs.push(required(path.child('selector').toString()));
  else errs.push(...validateLabelSelector(spec.selector, {}, path.child('selector')));
  const sel = toSelector(spec.selector);
  const labels = isObj(spec.template?.metadata) ? spec.template.metadata.labels : undefined;
  if (sel && !sel.matches(labels ?? undefined)) {
    errs.push(invalidGo(path.child('template').child('metadata').child('labels'), goStringMap(labels), '`selector` does not match template `labels`'));
  }
  return errs;
}

function validateJobWith(obj: KubeObject, requirePrefixedLabels: boolean): FieldError[] {
  const errs = [...validateCoreMeta(obj.metadata, true, nameIsDNSSubdomain), ...validateGeneratedSelector(obj, requirePrefixedLabels), ...validateJobSpec(specOf(obj), fp('spec'))];
  const spec = specOf(obj);
  if (spec.completionMode === 'Indexed' && typeof spec.completions === 'number' && spec.completions > 0) {
    // Pod hostnames get a `-<index>` suffix; the largest one must still be a DNS label.
    const maxHostname = `${obj.metadata.name ?? ''}-${spec.completions - 1}`;
    if (isDNS1123Label(maxHostname).length) errs.push(invalid('metadata.name', obj.metadata.name ?? '', `will not able to create pod with invalid DNS label: ${maxHostname}`));
  }
  return errs;
}

export const validateJob = (obj: KubeObject): FieldError[] => validateJobWith(obj, true);

/** Template immutability, except the scheduling directives of a suspended Job that never started. */
function validateTemplateUpdate(spec: Obj, oldSpec: Obj, mutableScheduling: boolean): FieldError[] {
  let oldTpl: Obj = isObj(oldSpec.template) ? oldSpec.template : {};
  const tpl: Obj = isObj(spec.template) ? spec.template : {};
  if (mutableScheduling) {
    oldTpl = structuredClone(oldTpl);
    const podSpec: Obj = isObj(tpl.spec) ? tpl.spec : {};
    const oldPodSpec = ensureObj(oldTpl, 'spec');
    const aff = podSpec.affinity, oldAff = oldPodSpec.affinity;
    if (!isSet(aff) && isObj(oldAff)) {
      delete oldAff.nodeAffinity;
      if (Object.keys(oldAff).length === 0) delete oldPodSpec.affinity;
    } else if (isObj(aff) && !isSet(oldAff)) {
      oldPodSpec.affinity = { nodeAffinity: aff.nodeAffinity };
    } else if (isObj(aff) && isObj(oldAff)) {
      oldAff.nodeAffinity = aff.nodeAffinity;
    }
    oldPodSpec.nodeSelector = podSpec.nodeSelector;
    oldPodSpec.tolerations = podSpec.tolerations;
    oldPodSpec.schedulingGates = podSpec.schedulingGates;
    const oldMeta = ensureObj(oldTpl, 'metadata');
    const meta: Obj = isObj(tpl.metadata) ? tpl.metadata : {};
    oldMeta.annotations = meta.annotations;
    oldMeta.labels = meta.labels;
  }
  return semanticEqual(tpl, oldTpl) ? [] : [invalid('spec.template', tpl, 'field is immutable')];
}

function validateCompletionsUpdate(spec: Obj, oldSpec: Obj): FieldError[] {
  if (spec.completionMode !== 'Indexed') return validateImmutableField(spec.completions ?? null, oldSpec.completions ?? null, 'spec.completions');
  // Elastic Indexed Jobs: completions may change together with parallelism.
  if (semanticEqual(spec.completions, oldSpec.completions) || !isSet(spec.completions)) return [];
  return spec.completions !== spec.parallelism ? [invalid('spec.completions', spec.completions, 'can only be modified in tandem with spec.parallelism')] : [];
}

export function validateJobUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = specOf(obj), oldSpec = specOf(old);
  const oldLabels = isObj(oldSpec.template?.metadata) ? oldSpec.template.metadata.labels ?? {} : {};
  // Jobs created before the prefixed labels existed are not required to carry them.
  const requirePrefixed = JOB_NAME_LABEL in oldLabels && CONTROLLER_UID_LABEL in oldLabels;
  const mutableScheduling = oldSpec.suspend === true && !isSet(statusOf(old).startTime);
  return [
    ...validateJobWith(obj, requirePrefixed),
    ...validateCoreMetaUpdate(obj.metadata, old.metadata),
    ...validateCompletionsUpdate(spec, oldSpec),
    ...(semanticEqual(spec.selector, oldSpec.selector) ? [] : [invalidGo('spec.selector', goLabelSelector(spec.selector), 'field is immutable')]),
    ...validateTemplateUpdate(spec, oldSpec, mutableScheduling),
    ...['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy'].flatMap((k) =>
      validateImmutableField(spec[k] ?? null, oldSpec[k] ?? null, `spec.${k}`)),
  ];
}

export function validateJobStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const s = statusOf(obj);
  const errs = validateCoreMetaUpdate(obj.metadata, old.metadata);
  for (const k of ['active', 'succeeded', 'failed']) errs.push(...nonNegative(s[k], fp('status', k)));
  for (const k of ['ready', 'terminating']) if (isSet(s[k])) errs.push(...nonNegative(s[k], fp('status', k)));
  return errs;
}

function jobWarnings(obj: KubeObject, old?: KubeObject): string[] {
  if (old) return [];
  const msgs = isDNS1123Label(obj.metadata.name ?? '');
  if (!msgs.length) return [];
  return [`metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [${msgs.join(' ')}]`];
}

export const jobStrategy: Strategy = {
  defaults: setDefaultsJob,
  prepareForCreate(obj) {
    const labelsAliased = semanticEqual(obj.metadata.labels, specOf(obj).template?.metadata?.labels);
    if (specOf(obj).manualSelector !== true) generateJobSelector(obj);
    obj.status = {};
    // Upstream's defaulting aliases metadata.labels to the template's label map, so the generated labels show up
    // on the Job itself too (and a Job without labels gets the template's on the next read).
    const tplLabels = specOf(obj).template?.metadata?.labels;
    if (isObj(tplLabels) && (labelsAliased || Object.keys(obj.metadata.labels ?? {}).length === 0)) obj.metadata.labels = { ...tplLabels };
  },
  validate: validateJob,
  validateUpdate: validateJobUpdate,
  validateStatusUpdate: validateJobStatusUpdate,
  selectableFields: (obj) => ({ 'status.successful': String(statusOf(obj).succeeded ?? 0) }),
  warnings: jobWarnings,
};

export const jobResource: ResourceDef = {
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  listKind: 'JobList',
  resource: 'jobs',
  singular: 'job',
  namespaced: true,
  shortNames: [],
  categories: ['all'],
  verbs: DEFAULT_VERBS,
  subresources: { status: true },
  tracksGeneration: true,
  strategy: jobStrategy,
  schemaName: 'io.k8s.api.batch.v1.Job',
};
