// Pod, Binding and PodTemplate (pkg/registry/core/pod/strategy.go, podtemplate/strategy.go).
import { FieldPath } from '../../apimachinery/field-errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { nameIsDNSSubdomain } from '../../apimachinery/validation/names.js';
import type { ResourceDef } from '../types.js';
import { coreDef, o, validateCoreMeta, validateCoreMetaUpdate } from './def.js';
import { arr, isObj, str } from './helpers.js';
import { deepClone } from '../object-meta.js';
import { setDefaultsPod, setDefaultsPodTemplateSpec } from './pod-defaults.js';
import {
  validateEphemeralContainersUpdate, validatePodBinding, validatePodCreate, validatePodStatusUpdate,
  validatePodTemplateSpec, validatePodUpdate,
} from './pod-validation.js';
import { computeQOSClass } from './resources.js';

export { validatePodBinding, validateEphemeralContainersUpdate };

/** PodToSelectableFields. */
export function podSelectableFields(pod: KubeObject): Record<string, string> {
  const spec = isObj(o(pod).spec) ? o(pod).spec : {};
  const status = isObj(o(pod).status) ? o(pod).status : {};
  return {
    'spec.nodeName': str(spec.nodeName),
    'spec.restartPolicy': str(spec.restartPolicy),
    'spec.schedulerName': str(spec.schedulerName),
    'spec.serviceAccountName': str(spec.serviceAccountName),
    'spec.hostNetwork': String(spec.hostNetwork === true),
    'status.phase': str(status.phase),
    'status.podIP': str(arr(status.podIPs)[0]?.ip),
    'status.nominatedNodeName': str(status.nominatedNodeName),
  };
}

function podWarnings(pod: KubeObject): string[] {
  const warnings: string[] = [];
  const spec = isObj(o(pod).spec) ? o(pod).spec : {};
  if (typeof spec.terminationGracePeriodSeconds === 'number' && spec.terminationGracePeriodSeconds < 0) {
    warnings.push(`spec.terminationGracePeriodSeconds: must be >= 0; negative values are invalid and will be treated as 1`);
  }
  return warnings;
}

export const podResource: ResourceDef = coreDef({
  kind: 'Pod',
  resource: 'pods',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  subresources: {
    status: true,
    others: [
      { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
      { name: 'binding', kind: 'Binding', verbs: ['create'] },
      { name: 'ephemeralcontainers', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
      { name: 'eviction', kind: 'Eviction', verbs: ['create'], group: 'policy', version: 'v1' },
      { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
      { name: 'log', kind: 'Pod', verbs: ['get'] },
      { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
      { name: 'proxy', kind: 'PodProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
      { name: 'resize', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
    ],
  },
  strategy: {
    defaults(obj) {
      setDefaultsPod(o(obj));
    },
    subresources: {
      // podEphemeralContainersStrategy (kubectl debug): of the written pod only spec.ephemeralContainers counts
      // (dropNonEphemeralContainerUpdates); existing ephemeral containers may not change or go.
      ephemeralcontainers: {
        prepareForUpdate(obj, old) {
          const pod = deepClone(old);
          pod.metadata.resourceVersion = obj.metadata.resourceVersion;
          const spec = o(pod).spec as Record<string, unknown>;
          const sent = isObj(o(obj).spec) ? (o(obj).spec as Record<string, unknown>).ephemeralContainers : undefined;
          if (sent === undefined) delete spec.ephemeralContainers;
          else spec.ephemeralContainers = deepClone(sent);
          setDefaultsPod(o(pod));
          return pod;
        },
        validateUpdate: (obj, old) => validateEphemeralContainersUpdate(o(obj), o(old)),
      },
    },
    prepareForCreate(obj) {
      const x = o(obj);
      const spec = isObj(x.spec) ? x.spec : (x.spec = {});
      // The ServiceAccount admission plugin's default, applied here so every pod carries one.
      if (!spec.serviceAccountName) {
        spec.serviceAccountName = 'default';
        spec.serviceAccount = 'default';
      }
      x.status = { phase: 'Pending', qosClass: computeQOSClass(spec) };
    },
    prepareForUpdate(obj, old) {
      o(obj).status = structuredClone(o(old).status ?? {});
    },
    validate: (obj) => validatePodCreate(o(obj)),
    validateUpdate: (obj, old) => validatePodUpdate(o(obj), o(old)),
    prepareForStatusUpdate(obj, old) {
      // nodeName is set only via binding; keep old spec wholesale (done by the caller) and the QoS class
      const st = isObj(o(obj).status) ? o(obj).status : (o(obj).status = {});
      const oldQos = o(old).status?.qosClass;
      if (oldQos) st.qosClass = oldQos;
    },
    validateStatusUpdate: (obj, old) => validatePodStatusUpdate(o(obj), o(old)),
    selectableFields: podSelectableFields,
    warnings: (obj) => podWarnings(obj),
  },
});

/** bindings: create-only; the REST layer applies it to the pod. */
export const bindingResource: ResourceDef = coreDef({
  kind: 'Binding',
  resource: 'bindings',
  namespaced: true,
  verbs: ['create'],
  strategy: {
    validate(obj) {
      return validatePodBinding(o(obj));
    },
  },
});

const podTemplatePath = FieldPath.root('template');

export const podTemplateResource: ResourceDef = coreDef({
  kind: 'PodTemplate',
  resource: 'podtemplates',
  namespaced: true,
  strategy: {
    defaults(obj) {
      const x = o(obj);
      if (isObj(x.template)) setDefaultsPodTemplateSpec(x.template);
    },
    validate(obj) {
      return [...validateCoreMeta(obj.metadata, true, nameIsDNSSubdomain), ...validatePodTemplateSpec(o(obj).template, podTemplatePath)];
    },
    validateUpdate(obj, old) {
      return [...validateCoreMetaUpdate(obj.metadata, old.metadata), ...validatePodTemplateSpec(o(obj).template, podTemplatePath)];
    },
  },
});
