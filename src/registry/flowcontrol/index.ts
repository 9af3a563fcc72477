// flowcontrol.apiserver.k8s.io/v1 FlowSchema and PriorityLevelConfiguration: the v1 defaults (SetDefaults_* of
// pkg/apis/flowcontrol/v1/defaults.go) and the checks of pkg/apis/flowcontrol/validation that keep the API priority
// and fairness filter's input sane.
import { FieldError, invalid, notSupported, required } from '../../apimachinery/field-errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { nameIsDNSSubdomain } from '../../apimachinery/validation/names.js';
import { validateCoreMeta, validateCoreMetaUpdate } from '../core/def.js';
import { builtinResource } from '../resource-def.js';
import type { ResourceDef } from '../types.js';
import type { FlowSchemaSpec, PriorityLevelConfigurationSpec } from '../../flowcontrol/types.js';

const GROUP = 'flowcontrol.apiserver.k8s.io';

function defaultFlowSchema(obj: KubeObject): void {
  const spec = (obj.spec ??= {}) as FlowSchemaSpec;
  spec.matchingPrecedence ??= 1000;
}

function defaultPriorityLevel(obj: KubeObject): void {
  const spec = (obj.spec ??= {}) as PriorityLevelConfigurationSpec;
  if (spec.limited) {
    spec.limited.nominalConcurrencyShares ??= 30;
    spec.limited.lendablePercent ??= 0;
    const lr = (spec.limited.limitResponse ??= { type: 'Reject' });
    if (lr.type === 'Queue') {
      const q = (lr.queuing ??= {});
      q.queues ??= 64;
      q.handSize ??= 8;
      q.queueLengthLimit ??= 50;
    }
  }
  if (spec.exempt) {
    spec.exempt.nominalConcurrencyShares ??= 0;
    spec.exempt.lendablePercent ??= 0;
  }
}

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', '*'];

function validateFlowSchemaSpec(spec: FlowSchemaSpec | undefined): FieldError[] {
  const errs: FieldError[] = [];
  if (!spec) return [required('spec', '')];
  const p = spec.matchingPrecedence ?? 0;
  if (p <= 0 || p > 10000) errs.push(invalid('spec.matchingPrecedence', p, 'must be between 1 and 10000, inclusive'));
  if (!spec.priorityLevelConfiguration?.name) errs.push(required('spec.priorityLevelConfiguration.name', 'must reference a priority level'));
  const dm = spec.distinguisherMethod?.type;
  if (spec.distinguisherMethod && dm !== 'ByUser' && dm !== 'ByNamespace') errs.push(notSupported('spec.distinguisherMethod.type', dm ?? '', ['ByNamespace', 'ByUser']));
  (spec.rules ?? []).forEach((rule, i) => {
    const at = `spec.rules[${i}]`;
    if (!rule.subjects?.length) errs.push(required(`${at}.subjects`, 'subjects must contain at least one value'));
    if (!rule.resourceRules?.length && !rule.nonResourceRules?.length) errs.push(required(at, 'at least one of resourceRules and nonResourceRules has to be non-empty'));
    (rule.subjects ?? []).forEach((s, j) => {
      const sat = `${at}.subjects[${j}]`;
      if (s.kind === 'User' ? !s.user?.name : s.kind === 'Group' ? !s.group?.name : s.kind === 'ServiceAccount' ? !s.serviceAccount?.name || !s.serviceAccount.namespace : true) {
        if (!['User', 'Group', 'ServiceAccount'].includes(s.kind)) errs.push(notSupported(`${sat}.kind`, s.kind ?? '', ['Group', 'ServiceAccount', 'User']));
        else errs.push(required(`${sat}.${s.kind === 'User' ? 'user' : s.kind === 'Group' ? 'group' : 'serviceAccount'}`, `${s.kind} is required when subject kind is '${s.kind}'`));
      }
    });
    (rule.resourceRules ?? []).forEach((r, j) => {
      for (const v of r.verbs ?? []) if (!VERBS.includes(v)) errs.push(notSupported(`${at}.resourceRules[${j}].verbs`, v, VERBS));
      if (!r.verbs?.length) errs.push(required(`${at}.resourceRules[${j}].verbs`, 'verbs must contain at least one value'));
      if (!r.apiGroups?.length) errs.push(required(`${at}.resourceRules[${j}].apiGroups`, 'resource rules must supply at least one api group'));
      if (!r.resources?.length) errs.push(required(`${at}.resourceRules[${j}].resources`, 'resource rules must supply at least one resource'));
    });
  });
  return errs;
}

function validatePriorityLevelSpec(name: string, spec: PriorityLevelConfigurationSpec | undefined): FieldError[] {
  const errs: FieldError[] = [];
  if (!spec) return [required('spec', '')];
  if (spec.type !== 'Exempt' && spec.type !== 'Limited') return [notSupported('spec.type', spec.type ?? '', ['Exempt', 'Limited'])];
  if (name === 'exempt' && spec.type !== 'Exempt') errs.push(invalid('spec.type', spec.type, "type must be 'Exempt' if and only if name is 'exempt'"));
  if (name !== 'exempt' && spec.type === 'Exempt') errs.push(invalid('spec.type', spec.type, "type must be 'Exempt' if and only if name is 'exempt'"));
  if (spec.type === 'Limited') {
    const l = spec.limited;
    if (!l) return [...errs, required('spec.limited', 'must not be empty when type is Limited')];
    if ((l.nominalConcurrencyShares ?? 0) < 0) errs.push(invalid('spec.limited.nominalConcurrencyShares', l.nominalConcurrencyShares, 'must be a non-negative integer'));
    const lr = l.limitResponse;
    if (lr?.type !== 'Queue' && lr?.type !== 'Reject') errs.push(notSupported('spec.limited.limitResponse.type', lr?.type ?? '', ['Queue', 'Reject']));
    const q = lr?.queuing;
    if (lr?.type === 'Queue' && q) {
      const at = 'spec.limited.limitResponse.queuing';
      if ((q.queues ?? 0) <= 0) errs.push(invalid(`${at}.queues`, q.queues, 'must be positive'));
      if ((q.queueLengthLimit ?? 0) <= 0) errs.push(invalid(`${at}.queueLengthLimit`, q.queueLengthLimit, 'must be positive'));
      if ((q.handSize ?? 0) <= 0) errs.push(invalid(`${at}.handSize`, q.handSize, 'must be positive'));
      else if ((q.handSize ?? 0) > (q.queues ?? 0)) errs.push(invalid(`${at}.handSize`, q.handSize, `should not be greater than queues (${q.queues})`));
    }
  }
  return errs;
}

export function flowcontrolResources(): ResourceDef[] {
  return [
    builtinResource({
      group: GROUP, kind: 'FlowSchema', resource: 'flowschemas', namespaced: false, status: true, schemaPackage: 'flowcontrol.v1',
      strategy: {
        defaults: defaultFlowSchema,
        validate: (obj) => [...validateCoreMeta(obj.metadata, false, nameIsDNSSubdomain), ...validateFlowSchemaSpec(obj.spec as FlowSchemaSpec)],
        validateUpdate: (obj, old) => [...validateCoreMetaUpdate(obj.metadata, old.metadata), ...validateFlowSchemaSpec(obj.spec as FlowSchemaSpec)],
      },
    }),
    builtinResource({
      group: GROUP, kind: 'PriorityLevelConfiguration', resource: 'prioritylevelconfigurations', namespaced: false, status: true, schemaPackage: 'flowcontrol.v1',
      strategy: {
        defaults: defaultPriorityLevel,
        validate: (obj) => [...validateCoreMeta(obj.metadata, false, nameIsDNSSubdomain), ...validatePriorityLevelSpec(obj.metadata.name ?? '', obj.spec as PriorityLevelConfigurationSpec)],
        validateUpdate: (obj, old) => [...validateCoreMetaUpdate(obj.metadata, old.metadata), ...validatePriorityLevelSpec(obj.metadata.name ?? '', obj.spec as PriorityLevelConfigurationSpec)],
      },
    }),
  ];
}
