// A small hand-written type model for the patch tests, with patch markers exactly as upstream's Go types carry them
// (k8s.io/api core/v1 and apps/v1, k8s.io/apimachinery meta/v1).
import { FieldDef, StructDef, TypeModel, TypeRef } from '../../../src/apimachinery/schema/types.js';

const str: TypeRef = { kind: 'string' };
const int32: TypeRef = { kind: 'integer', format: 'int32' };
const bool: TypeRef = { kind: 'boolean' };
const ref = (name: string): TypeRef => ({ kind: 'ref', name });
const arr = (items: TypeRef): TypeRef => ({ kind: 'array', items });
const map = (values: TypeRef): TypeRef => ({ kind: 'map', values });
const f = (name: string, type: TypeRef, extra: Partial<FieldDef> = {}): FieldDef => ({ name, type, ...extra });
const mergeBy = (patchMergeKey: string, strategy = 'merge'): Partial<FieldDef> => ({ patchStrategy: strategy, patchMergeKey });

const structs: StructDef[] = [
  { name: 'ObjectMeta', fields: [
    f('name', str), f('namespace', str), f('labels', map(str)), f('annotations', map(str)),
    f('finalizers', arr(str), { patchStrategy: 'merge' }),
    f('ownerReferences', arr(ref('OwnerReference')), mergeBy('uid')),
  ] },
  { name: 'OwnerReference', fields: [f('apiVersion', str), f('kind', str), f('name', str), f('uid', str), f('controller', bool)] },
  { name: 'Pod', fields: [f('apiVersion', str), f('kind', str), f('metadata', ref('ObjectMeta')), f('spec', ref('PodSpec')), f('status', ref('PodStatus'))] },
  { name: 'PodStatus', fields: [f('phase', str), f('conditions', arr(ref('PodCondition')), mergeBy('type'))] },
  { name: 'PodCondition', fields: [f('type', str), f('status', str)] },
  { name: 'PodTemplateSpec', fields: [f('metadata', ref('ObjectMeta')), f('spec', ref('PodSpec'))] },
  { name: 'PodSpec', fields: [
    f('volumes', arr(ref('Volume')), mergeBy('name', 'merge,retainKeys')),
    f('initContainers', arr(ref('Container')), mergeBy('name')),
    f('containers', arr(ref('Container')), mergeBy('name')),
    f('restartPolicy', str), f('nodeSelector', map(str)),
    f('imagePullSecrets', arr(ref('LocalObjectReference')), mergeBy('name')),
    f('tolerations', arr(ref('Toleration')), { listType: 'atomic' }),
    f('hostAliases', arr(ref('HostAlias')), mergeBy('ip')),
  ] },
  { name: 'LocalObjectReference', fields: [f('name', str)] },
  { name: 'HostAlias', fields: [f('ip', str), f('hostnames', arr(str), { listType: 'atomic' })] },
  { name: 'Toleration', fields: [f('key', str), f('operator', str), f('value', str), f('effect', str)] },
  { name: 'Volume', fields: [
    f('name', str), f('emptyDir', ref('EmptyDirVolumeSource')), f('configMap', ref('ConfigMapVolumeSource')),
    f('hostPath', ref('HostPathVolumeSource')),
  ] },
  { name: 'EmptyDirVolumeSource', fields: [f('medium', str), f('sizeLimit', { kind: 'quantity' })] },
  { name: 'ConfigMapVolumeSource', fields: [f('name', str), f('items', arr(ref('KeyToPath')), { listType: 'atomic' })] },
  { name: 'KeyToPath', fields: [f('key', str), f('path', str)] },
  { name: 'HostPathVolumeSource', fields: [f('path', str), f('type', str)] },
  { name: 'Container', fields: [
    f('name', str), f('image', str), f('command', arr(str), { listType: 'atomic' }), f('args', arr(str), { listType: 'atomic' }),
    f('ports', arr(ref('ContainerPort')), { ...mergeBy('containerPort'), listType: 'map', listMapKeys: ['containerPort', 'protocol'] }),
    f('env', arr(ref('EnvVar')), { ...mergeBy('name'), listType: 'map', listMapKeys: ['name'] }),
    f('resources', ref('ResourceRequirements')),
    f('volumeMounts', arr(ref('VolumeMount')), mergeBy('mountPath')),
  ] },
  { name: 'ContainerPort', fields: [f('name', str), f('containerPort', int32), f('protocol', str)] },
  { name: 'EnvVar', fields: [f('name', str), f('value', str), f('valueFrom', ref('EnvVarSource'))] },
  { name: 'EnvVarSource', fields: [f('fieldRef', ref('ObjectFieldSelector'))] },
  { name: 'ObjectFieldSelector', fields: [f('apiVersion', str), f('fieldPath', str)] },
  { name: 'ResourceRequirements', fields: [f('limits', map({ kind: 'quantity' })), f('requests', map({ kind: 'quantity' }))] },
  { name: 'VolumeMount', fields: [f('name', str), f('mountPath', str), f('readOnly', bool)] },
  { name: 'Deployment', fields: [f('apiVersion', str), f('kind', str), f('metadata', ref('ObjectMeta')), f('spec', ref('DeploymentSpec'))] },
  { name: 'DeploymentSpec', fields: [
    f('replicas', int32), f('selector', ref('LabelSelector')), f('template', ref('PodTemplateSpec')),
    f('strategy', ref('DeploymentStrategy'), { patchStrategy: 'retainKeys' }),
  ] },
  { name: 'DeploymentStrategy', fields: [f('type', str), f('rollingUpdate', ref('RollingUpdateDeployment'))] },
  { name: 'RollingUpdateDeployment', fields: [f('maxSurge', { kind: 'intOrString' }), f('maxUnavailable', { kind: 'intOrString' })] },
  { name: 'LabelSelector', fields: [f('matchLabels', map(str))] },
  { name: 'StatefulSet', fields: [f('apiVersion', str), f('kind', str), f('metadata', ref('ObjectMeta')), f('spec', ref('StatefulSetSpec'))] },
  { name: 'StatefulSetSpec', fields: [f('replicas', int32), f('serviceName', str), f('template', ref('PodTemplateSpec'))] },
  { name: 'Service', fields: [f('metadata', ref('ObjectMeta')), f('spec', ref('ServiceSpec'))] },
  { name: 'ServiceSpec', fields: [f('ports', arr(ref('ServicePort')), mergeBy('port')), f('type', str), f('selector', map(str))] },
  { name: 'ServicePort', fields: [f('name', str), f('port', int32), f('targetPort', { kind: 'intOrString' }), f('protocol', str)] },
  { name: 'ConfigMap', fields: [f('metadata', ref('ObjectMeta')), f('data', map(str))] },
  // A custom-resource-like wrapper: `spec` is free-form JSON.
  { name: 'Widget', fields: [f('metadata', ref('ObjectMeta')), f('spec', { kind: 'rawExtension' })] },
];

export function fixtureModel(): TypeModel {
  return { structs: new Map(structs.map((s) => [s.name, s])), kinds: new Map() };
}

/** Freeze a JSON value deeply, so a test fails if the engine writes into its inputs. */
export function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}
