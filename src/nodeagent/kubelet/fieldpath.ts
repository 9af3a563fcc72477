// Downward API values: pod fields (kubernetes pkg/fieldpath/fieldpath.go ExtractFieldPathAsString and FormatMap,
// pkg/apis/core/pods ConvertDownwardAPIFieldLabel, kubelet_pods.go podFieldSelectorRuntimeValue) and container
// resources (pkg/api/v1/resource/helpers.go ExtractContainerResourceValue, MergeContainerResourceLimits).
import { Quantity, tryParseQuantity } from '../../apimachinery/quantity.js';
import { isQualifiedName } from '../../apimachinery/validation/names.js';
import type { ContainerSpec, ObjectFieldSelector, Pod, ResourceFieldSelector, ResourceList } from '../../api/core.js';

/** SplitMaybeSubscriptedPath: `metadata.labels['key']` → path and subscript. */
export function splitMaybeSubscriptedPath(fieldPath: string): { path: string; subscript: string } | undefined {
  if (!fieldPath.endsWith("']")) return undefined;
  const s = fieldPath.slice(0, -2);
  const i = s.indexOf("['");
  if (i <= 0) return undefined;
  return { path: s.slice(0, i), subscript: s.slice(i + 2) };
}

const DOWNWARD_API_FIELDS = new Set([
  'metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName',
  'spec.restartPolicy', 'spec.serviceAccountName', 'spec.schedulerName', 'status.phase', 'status.hostIP',
  'status.hostIPs', 'status.podIP', 'status.podIPs',
]);

/** ConvertDownwardAPIFieldLabel: the internal field path of a v1 downward API label. */
export function convertDownwardAPIFieldLabel(version: string, label: string): string {
  if (version !== 'v1') throw new Error(`unsupported pod version: ${version}`);
  const sub = splitMaybeSubscriptedPath(label);
  if (sub) {
    if (sub.path === 'metadata.annotations' || sub.path === 'metadata.labels') return label;
    throw new Error(`field label does not support subscript: ${label}`);
  }
  if (DOWNWARD_API_FIELDS.has(label)) return label;
  if (label === 'spec.host') return 'spec.nodeName';
  throw new Error(`field label not supported: ${label}`);
}

/** FormatMap: `key="value"` lines sorted by key, values quoted as Go's %q. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort(byteOrder)
    .map((k) => `${k}=${goQuote(m![k])}`)
    .join('\n');
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** strconv.Quote: printable characters stay, the rest is escaped as Go does. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\x07': out += '\\a'; continue;
      case '\b': out += '\\b'; continue;
      case '\f': out += '\\f'; continue;
      case '\n': out += '\\n'; continue;
      case '\r': out += '\\r'; continue;
      case '\t': out += '\\t'; continue;
      case '\v': out += '\\v'; continue;
    }
    if (cp === 0xfffd && ch !== '\ufffd') out += '\\ufffd';
    else if (isPrint(ch)) out += ch;
    else if (cp < 0x80) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return out + '"';
}

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const isPrint = (ch: string) => ch === ' ' || /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch);

/** ExtractFieldPathAsString: metadata fields only (labels, annotations, name, namespace, uid). */
export function extractFieldPathAsString(pod: Pod, fieldPath: string): string {
  const meta = pod.metadata;
  const sub = splitMaybeSubscriptedPath(fieldPath);
  if (sub) {
    if (sub.path === 'metadata.annotations') {
      const errs = isQualifiedName(sub.subscript.toLowerCase());
      if (errs.length) throw new Error(`invalid key subscript in ${fieldPath}: ${errs.join(';')}`);
      return meta.annotations?.[sub.subscript] ?? '';
    }
    if (sub.path === 'metadata.labels') {
      const errs = isQualifiedName(sub.subscript);
      if (errs.length) throw new Error(`invalid key subscript in ${fieldPath}: ${errs.join(';')}`);
      return meta.labels?.[sub.subscript] ?? '';
    }
    throw new Error(`fieldPath ${JSON.stringify(fieldPath)} does not support subscript`);
  }
  switch (fieldPath) {
    case 'metadata.annotations': return formatMap(meta.annotations);
    case 'metadata.labels': return formatMap(meta.labels);
    case 'metadata.name': return meta.name ?? '';
    case 'metadata.namespace': return meta.namespace ?? '';
    case 'metadata.uid': return meta.uid ?? '';
  }
  throw new Error(`unsupported fieldPath: ${fieldPath}`);
}

/** Addresses the kubelet knows when it builds a container's environment. */
export interface PodAddresses {
  /** The sandbox's IPs (podIPs); the first is status.podIP. */
  podIPs?: string[];
  /** The node's IPs; the first is status.hostIP. */
  hostIPs?: string[];
}

/** podFieldSelectorRuntimeValue: env fieldRef values, including node, service account and addresses. */
export function podFieldSelectorRuntimeValue(fs: ObjectFieldSelector, pod: Pod, addrs: PodAddresses): string {
  const path = convertDownwardAPIFieldLabel(fs.apiVersion ?? 'v1', fs.fieldPath);
  const podIPs = addrs.podIPs ?? [];
  switch (path) {
    case 'spec.nodeName': return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec.serviceAccountName ?? '';
    case 'status.hostIP': return hostIPsOrFail(addrs)[0];
    case 'status.hostIPs': return hostIPsOrFail(addrs).join(',');
    case 'status.podIP': return podIPs[0] ?? '';
    case 'status.podIPs': return podIPs.join(',');
  }
  return extractFieldPathAsString(pod, path);
}

function hostIPsOrFail(addrs: PodAddresses): string[] {
  if (!addrs.hostIPs?.length) throw new Error('host IP unknown; known addresses: []');
  return addrs.hostIPs;
}

const MAX_INT64 = (1n << 63n) - 1n;
const digits = (v: bigint) => (v < 0n ? -v : v).toString().length;

/**
 * convertQuantityToString: ceil(value / divisor) as an integer, computed exactly; "0" for a non-positive value or
 * divisor, saturating at the int64 maximum.
 */
export function divideQuantityCeil(q: Quantity | undefined, divisor: Quantity): string {
  if (!q || q.sign() <= 0 || divisor.sign() <= 0) return '0';
  // Decimal magnitude first, so 1e1000000 does not build a million-digit number.
  const magnitude = digits(q.mantissa) + q.exponent - (digits(divisor.mantissa) + divisor.exponent);
  if (magnitude > 20) return MAX_INT64.toString();
  if (magnitude < -2) return '1';
  let num = q.mantissa;
  let den = divisor.mantissa;
  const shift = q.exponent - divisor.exponent;
  if (shift > 0) num *= 10n ** BigInt(shift);
  else if (shift < 0) den *= 10n ** BigInt(-shift);
  const res = (num + den - 1n) / den;
  return (res > MAX_INT64 ? MAX_INT64 : res).toString();
}

const DOWNWARD_API_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

const quantityOf = (list: ResourceList | undefined, name: string) => tryParseQuantity(list?.[name]) ?? undefined;

/** ExtractContainerResourceValue for a known container: limits/requests of cpu, memory, ephemeral-storage, hugepages. */
export function extractContainerResourceValue(fs: ResourceFieldSelector, container: ContainerSpec): string {
  const parsed = fs.divisor === undefined || fs.divisor === null ? null : tryParseQuantity(fs.divisor);
  const divisor = !parsed || parsed.isZero() ? Quantity.fromInt(1) : parsed;
  const m = /^(limits|requests)\.(.+)$/.exec(fs.resource);
  if (m && (DOWNWARD_API_RESOURCES.has(m[2]) || m[2].startsWith('hugepages-'))) {
    const list = m[1] === 'limits' ? container.resources?.limits : container.resources?.requests;
    return divideQuantityCeil(quantityOf(list, m[2]), divisor);
  }
  throw new Error(`unsupported container resource : ${fs.resource}`);
}

/** MergeContainerResourceLimits: a copy whose missing or zero cpu/memory/ephemeral-storage limits are the node's allocatable. */
export function mergeContainerResourceLimits(container: ContainerSpec, allocatable: ResourceList): ContainerSpec {
  const limits: ResourceList = { ...(container.resources?.limits ?? {}) };
  for (const name of ['cpu', 'memory', 'ephemeral-storage']) {
    const q = tryParseQuantity(limits[name]);
    if ((!q || q.isZero()) && allocatable[name] !== undefined) limits[name] = allocatable[name];
  }
  return { ...container, resources: { ...container.resources, limits } };
}

/** findContainerInPod: app containers, then init containers. */
export function findContainerInPod(pod: Pod, name: string): ContainerSpec {
  const c = pod.spec.containers.find((x) => x.name === name) ?? (pod.spec.initContainers ?? []).find((x) => x.name === name);
  if (!c) throw new Error(`container ${name} not found`);
  return c;
}

/**
 * An env resourceFieldRef's value (defaultPodLimitsForDownwardAPI + containerResourceRuntimeValue): the selector's
 * container, else `container`; limits not set default to the node's allocatable — for app containers only, as
 * upstream defaults `container` and the pod's app containers.
 */
export function envResourceFieldRefValue(fs: ResourceFieldSelector, pod: Pod, container: ContainerSpec, allocatable: ResourceList): string {
  if (!fs.containerName) return extractContainerResourceValue(fs, mergeContainerResourceLimits(container, allocatable));
  const target = findContainerInPod(pod, fs.containerName);
  const defaulted = pod.spec.containers.includes(target) ? mergeContainerResourceLimits(target, allocatable) : target;
  return extractContainerResourceValue(fs, defaulted);
}

/** A downwardAPI volume item's resourceFieldRef (ExtractResourceValueByContainerNameAndNodeAllocatable). */
export function volumeResourceFieldRefValue(fs: ResourceFieldSelector, pod: Pod, allocatable: ResourceList): string {
  const target = findContainerInPod(pod, fs.containerName ?? '');
  return extractContainerResourceValue(fs, mergeContainerResourceLimits(target, allocatable));
}
