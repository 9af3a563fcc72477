// A container's environment as kubernetes pkg/kubelet/kubelet_pods.go makeEnvironmentVariables builds it: envFrom
// first (configMaps and secrets, with prefix and optional), then env in order — `$(VAR)` expansion against what is
// defined so far and the service variables, or a valueFrom source — then the remaining service variables. Errors
// carry upstream's text; the runtime reports them as CreateContainerConfigError.
import type { ConfigMap, ContainerSpec, Pod, Secret } from '../../api/core.js';
import { expand, mappingFuncFor } from './expansion.js';
import { envResourceFieldRefValue, podFieldSelectorRuntimeValue, type PodAddresses } from './fieldpath.js';
import { serviceEnvVarMap, type Service } from './service-env.js';

export interface EnvInput extends PodAddresses {
  pod: Pod;
  container: ContainerSpec;
  /** Every Service the node knows (all namespaces): the pod's and `default/kubernetes` give link variables. */
  services: Service[];
  /** The pod namespace's ConfigMap / Secret by name, undefined when it does not exist. May throw other errors. */
  getConfigMap: (namespace: string, name: string) => ConfigMap | undefined;
  getSecret: (namespace: string, name: string) => Secret | undefined;
  /** The node's status.allocatable: the default for resourceFieldRef limits a container does not set. */
  nodeAllocatable: Record<string, string>;
}

export interface EnvVarValue {
  name: string;
  value: string;
}

/** A failure the kubelet reports as CreateContainerConfigError (the message is upstream's). */
export class ContainerConfigError extends Error {
  readonly reason = 'CreateContainerConfigError';
}

/** The kubelet's configmap/secret managers answer a missing object with NotFound for resource "configmap"/"secret". */
export const configMapNotFound = (name: string) => `configmap ${JSON.stringify(name)} not found`;
export const secretNotFound = (name: string) => `secret ${JSON.stringify(name)} not found`;

const decodeSecretValue = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

/**
 * makeEnvironmentVariables. Upstream builds the list from Go maps (random order); here envFrom and env variables
 * come in first-definition order, followed by the remaining service variables sorted by name.
 */
export function makeEnvironmentVariables(input: EnvInput): EnvVarValue[] {
  try {
    return buildEnvironment(input);
  } catch (e) {
    // Any failure here stops the container from being created.
    throw e instanceof ContainerConfigError ? e : new ContainerConfigError((e as Error).message);
  }
}

function buildEnvironment(input: EnvInput): EnvVarValue[] {
  const { pod, container } = input;
  const ns = pod.metadata.namespace ?? '';
  // The API server defaults enableServiceLinks to true.
  const serviceEnv = serviceEnvVarMap(input.services, ns, pod.spec.enableServiceLinks ?? true);
  const tmpEnv = new Map<string, string>();
  const configMap = cachedLookup((name) => input.getConfigMap(ns, name), configMapNotFound);
  const secret = cachedLookup((name) => input.getSecret(ns, name), secretNotFound);

  // envFrom first, so that env overrides it.
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const cm = configMap(from.configMapRef.name ?? '', from.configMapRef.optional === true);
      for (const [k, v] of Object.entries(cm?.data ?? {})) tmpEnv.set(prefix + k, v);
    } else if (from.secretRef) {
      const s = secret(from.secretRef.name ?? '', from.secretRef.optional === true);
      for (const [k, v] of Object.entries(s?.data ?? {})) tmpEnv.set(prefix + k, decodeSecretValue(v));
    }
  }

  // tmpEnv grows as env is processed, so a value sees the variables declared before it.
  const mapping = mappingFuncFor(tmpEnv, serviceEnv);
  for (const env of container.env ?? []) {
    let value = env.value ?? '';
    if (value !== '') {
      value = expand(value, mapping);
    } else if (env.valueFrom) {
      const from = env.valueFrom;
      if (from.fieldRef) {
        value = podFieldSelectorRuntimeValue(from.fieldRef, pod, input);
      } else if (from.resourceFieldRef) {
        value = envResourceFieldRefValue(from.resourceFieldRef, pod, container, input.nodeAllocatable);
      } else if (from.configMapKeyRef || from.secretKeyRef) {
        const fromConfigMap = !!from.configMapKeyRef;
        const ref = (from.configMapKeyRef ?? from.secretKeyRef)!;
        const optional = ref.optional === true;
        const obj = fromConfigMap ? configMap(ref.name ?? '', optional) : secret(ref.name ?? '', optional);
        if (!obj) continue;
        const raw = obj.data?.[ref.key];
        if (raw === undefined) {
          if (optional) continue;
          throw new ContainerConfigError(`couldn't find key ${ref.key} in ${fromConfigMap ? 'ConfigMap' : 'Secret'} ${ns}/${ref.name ?? ''}`);
        }
        value = fromConfigMap ? raw : decodeSecretValue(raw);
      }
    }
    tmpEnv.set(env.name, value);
  }

  const result: EnvVarValue[] = [...tmpEnv].map(([name, value]) => ({ name, value }));
  for (const name of [...serviceEnv.keys()].sort()) {
    if (!tmpEnv.has(name)) result.push({ name, value: serviceEnv.get(name)! });
  }
  return result;
}

/**
 * A lookup that remembers what it found (one fetch per object and container, as upstream): a missing object is
 * undefined when optional and a NotFound error otherwise.
 */
function cachedLookup<T>(get: (name: string) => T | undefined, notFound: (name: string) => string) {
  const found = new Map<string, T>();
  return (name: string, optional: boolean): T | undefined => {
    let obj = found.get(name);
    if (obj === undefined) {
      obj = get(name);
      if (obj === undefined) {
        if (optional) return undefined;
        throw new ContainerConfigError(notFound(name));
      }
      found.set(name, obj);
    }
    return obj;
  };
}

/** The environment as a map (what command/args and subPathExpr expansion read). */
export const envMap = (env: EnvVarValue[]): Map<string, string> => new Map(env.map((e) => [e.name, e.value]));
