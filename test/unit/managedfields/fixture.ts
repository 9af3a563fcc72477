// A small hand-written model of a Deployment-like kind for the managedFields tests.
import type { StructDef, TypeModel } from '../../../src/apimachinery/schema/types.js';
import { modelType } from '../../../src/apimachinery/managedfields/index.js';

const str = { kind: 'string' } as const;
const int = { kind: 'integer', format: 'int32' } as const;
const ref = (name: string) => ({ kind: 'ref', name }) as const;

const defs: StructDef[] = [
  {
    name: 'test.Deployment',
    fields: [
      { name: 'apiVersion', type: str },
      { name: 'kind', type: str },
      { name: 'metadata', type: ref('test.ObjectMeta') },
      { name: 'spec', type: ref('test.DeploymentSpec') },
      { name: 'status', type: ref('test.DeploymentStatus') },
    ],
  },
  {
    name: 'test.ObjectMeta',
    fields: [
      { name: 'name', type: str },
      { name: 'namespace', type: str },
      { name: 'uid', type: str },
      { name: 'resourceVersion', type: str },
      { name: 'generation', type: { kind: 'integer', format: 'int64' } },
      { name: 'creationTimestamp', type: { kind: 'time' } },
      { name: 'labels', type: { kind: 'map', values: str } },
      { name: 'annotations', type: { kind: 'map', values: str } },
      { name: 'finalizers', type: { kind: 'array', items: str }, patchStrategy: 'merge', listType: 'set' },
      { name: 'managedFields', type: { kind: 'array', items: { kind: 'rawExtension' } }, listType: 'atomic' },
    ],
  },
  {
    name: 'test.DeploymentSpec',
    fields: [
      { name: 'replicas', type: int, optional: true },
      { name: 'selector', type: ref('test.LabelSelector'), required: true },
      { name: 'template', type: ref('test.PodTemplateSpec'), required: true },
      { name: 'strategy', type: ref('test.DeploymentStrategy') },
    ],
  },
  { name: 'test.LabelSelector', structType: 'atomic', fields: [{ name: 'matchLabels', type: { kind: 'map', values: str } }] },
  { name: 'test.DeploymentStrategy', fields: [{ name: 'type', type: str }, { name: 'rollingUpdate', type: ref('test.RollingUpdate'), optional: true }] },
  { name: 'test.RollingUpdate', fields: [{ name: 'maxSurge', type: { kind: 'intOrString' } }, { name: 'maxUnavailable', type: { kind: 'intOrString' } }] },
  { name: 'test.PodTemplateSpec', fields: [{ name: 'metadata', type: ref('test.ObjectMeta') }, { name: 'spec', type: ref('test.PodSpec') }] },
  {
    name: 'test.PodSpec',
    fields: [
      // No listType: the merge key alone makes this a list-map keyed by name.
      { name: 'containers', type: { kind: 'array', items: ref('test.Container') }, patchStrategy: 'merge', patchMergeKey: 'name', required: true },
    ],
  },
  {
    name: 'test.Container',
    fields: [
      { name: 'name', type: str },
      { name: 'image', type: str },
      { name: 'args', type: { kind: 'array', items: str } },
      { name: 'ports', type: { kind: 'array', items: ref('test.ContainerPort') }, patchMergeKey: 'containerPort', listType: 'map', listMapKeys: ['containerPort', 'protocol'] },
    ],
  },
  { name: 'test.ContainerPort', fields: [{ name: 'containerPort', type: int }, { name: 'protocol', type: str }, { name: 'name', type: str }] },
  { name: 'test.DeploymentStatus', fields: [{ name: 'replicas', type: int }] },
];

export const model: TypeModel = {
  structs: new Map(defs.map((d) => [d.name, d])),
  kinds: new Map([['apps/v1/Deployment', 'test.Deployment']]),
};

export const deploymentType = modelType(model, 'test.Deployment');

export function deployment(overrides: { replicas?: number; image?: string; labels?: Record<string, string> } = {}): Record<string, unknown> {
  const labels = overrides.labels ?? { app: 'web' };
  const spec: Record<string, unknown> = {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'nginx', image: overrides.image ?? 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
    },
  };
  if (overrides.replicas !== undefined) spec.replicas = overrides.replicas;
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', labels }, spec };
}
