// Downward API values against kubernetes pkg/fieldpath (ExtractFieldPathAsString, FormatMap), pkg/apis/core/pods
// ConvertDownwardAPIFieldLabel and pkg/api/v1/resource (ExtractContainerResourceValue, convertQuantityToString).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tryParseQuantity } from '../../../../src/apimachinery/quantity.js';
import {
  convertDownwardAPIFieldLabel, divideQuantityCeil, envResourceFieldRefValue, extractContainerResourceValue,
  extractFieldPathAsString, formatMap, goQuote, podFieldSelectorRuntimeValue, volumeResourceFieldRefValue,
} from '../../../../src/nodeagent/kubelet/fieldpath.js';
import type { ContainerSpec, Pod } from '../../../../src/api/core.js';

const pod: Pod = {
  metadata: {
    name: 'web-0', namespace: 'prod', uid: 'uid-7',
    labels: { app: 'web', 'statefulset.kubernetes.io/pod-name': 'web-0' },
    annotations: { 'b/note': 'say "hi"\nbye', a: 'é ok\u00a0' },
  },
  spec: {
    nodeName: 'berth-node-2', serviceAccountName: 'default',
    containers: [
      { name: 'app', resources: { limits: { cpu: '500m' }, requests: { cpu: '250m', memory: '64Mi' } } },
      { name: 'side' },
    ],
    initContainers: [{ name: 'init' }],
  },
};
const q = (s: string) => tryParseQuantity(s)!;

test('goQuote matches strconv.Quote', () => {
  assert.equal(goQuote('plain'), '"plain"');
  assert.equal(goQuote('say "hi"\nbye'), '"say \\"hi\\"\\nbye"');
  assert.equal(goQuote('tab\there\\'), '"tab\\there\\\\"');
  assert.equal(goQuote('é'), '"é"');
  assert.equal(goQuote('\u00a0'), '"\\u00a0"');
  assert.equal(goQuote('\x01\x7f'), '"\\x01\\x7f"');
  assert.equal(goQuote('😀'), '"😀"');
});

test('metadata fields, whole maps as sorted key="value" lines and single keys', () => {
  assert.equal(extractFieldPathAsString(pod, 'metadata.name'), 'web-0');
  assert.equal(extractFieldPathAsString(pod, 'metadata.namespace'), 'prod');
  assert.equal(extractFieldPathAsString(pod, 'metadata.uid'), 'uid-7');
  assert.equal(extractFieldPathAsString(pod, 'metadata.labels'), 'app="web"\nstatefulset.kubernetes.io/pod-name="web-0"');
  assert.equal(extractFieldPathAsString(pod, 'metadata.annotations'), 'a="é ok\\u00a0"\nb/note="say \\"hi\\"\\nbye"');
  assert.equal(formatMap({}), '');
  assert.equal(extractFieldPathAsString(pod, "metadata.labels['app']"), 'web');
  assert.equal(extractFieldPathAsString(pod, "metadata.labels['missing']"), '');
  assert.equal(extractFieldPathAsString(pod, "metadata.annotations['b/note']"), 'say "hi"\nbye');
  assert.throws(() => extractFieldPathAsString(pod, "metadata.labels['a b']"), { message: /^invalid key subscript in metadata\.labels\['a b'\]: name part must consist of alphanumeric characters/ });
  assert.throws(() => extractFieldPathAsString(pod, "metadata.name['x']"), { message: 'fieldPath "metadata.name[\'x\']" does not support subscript' });
  assert.throws(() => extractFieldPathAsString(pod, 'spec.nodeName'), { message: 'unsupported fieldPath: spec.nodeName' });
});

test('ConvertDownwardAPIFieldLabel', () => {
  assert.equal(convertDownwardAPIFieldLabel('v1', 'spec.host'), 'spec.nodeName');
  assert.equal(convertDownwardAPIFieldLabel('v1', "metadata.annotations['x']"), "metadata.annotations['x']");
  assert.throws(() => convertDownwardAPIFieldLabel('v2', 'metadata.name'), { message: 'unsupported pod version: v2' });
  assert.throws(() => convertDownwardAPIFieldLabel('v1', "spec.nodeName['x']"), { message: "field label does not support subscript: spec.nodeName['x']" });
  assert.throws(() => convertDownwardAPIFieldLabel('v1', 'spec.foo'), { message: 'field label not supported: spec.foo' });
});

test('env fieldRef: every field the kubelet supports', () => {
  const addrs = { podIPs: ['10.244.1.5', 'fd00::5'], hostIPs: ['172.18.0.3', 'fd00::3'] };
  const v = (fieldPath: string) => podFieldSelectorRuntimeValue({ apiVersion: 'v1', fieldPath }, pod, addrs);
  assert.equal(v('metadata.name'), 'web-0');
  assert.equal(v('metadata.namespace'), 'prod');
  assert.equal(v('metadata.uid'), 'uid-7');
  assert.equal(v("metadata.labels['app']"), 'web');
  assert.equal(v("metadata.annotations['a']"), 'é ok\u00a0');
  assert.equal(v('spec.nodeName'), 'berth-node-2');
  assert.equal(v('spec.serviceAccountName'), 'default');
  assert.equal(v('status.podIP'), '10.244.1.5');
  assert.equal(v('status.podIPs'), '10.244.1.5,fd00::5');
  assert.equal(v('status.hostIP'), '172.18.0.3');
  assert.equal(v('status.hostIPs'), '172.18.0.3,fd00::3');
  assert.equal(podFieldSelectorRuntimeValue({ fieldPath: 'status.podIP' }, pod, {}), '', 'before the sandbox has an IP');
  assert.throws(() => podFieldSelectorRuntimeValue({ fieldPath: 'status.hostIP' }, pod, {}), { message: 'host IP unknown; known addresses: []' });
});

test('convertQuantityToString: exact ceiling of value / divisor', () => {
  const cases: [string, string, string][] = [
    ['250m', '1m', '250'], ['1', '1m', '1000'], ['1.5', '1', '2'], ['500m', '1', '1'], ['64Mi', '1Mi', '64'],
    ['100M', '1Mi', '96'], ['1Gi', '1', '1073741824'], ['0', '1', '0'], ['1e30', '1', '9223372036854775807'],
    ['1', '1e30', '1'], ['3', '2', '2'],
  ];
  for (const [v, d, want] of cases) assert.equal(divideQuantityCeil(q(v), q(d)), want, `${v}/${d}`);
  assert.equal(divideQuantityCeil(undefined, q('1')), '0');
});

test('ExtractContainerResourceValue: limits/requests of cpu, memory, ephemeral-storage and hugepages; divisor 0 means 1', () => {
  const c: ContainerSpec = { name: 'c', resources: { limits: { cpu: '2', memory: '1Gi', 'hugepages-2Mi': '4Mi' }, requests: { cpu: '250m', 'ephemeral-storage': '2Gi' } } };
  assert.equal(extractContainerResourceValue({ resource: 'limits.cpu' }, c), '2');
  assert.equal(extractContainerResourceValue({ resource: 'limits.cpu', divisor: '1m' }, c), '2000');
  assert.equal(extractContainerResourceValue({ resource: 'requests.cpu', divisor: 0 }, c), '1');
  assert.equal(extractContainerResourceValue({ resource: 'limits.memory', divisor: '1Mi' }, c), '1024');
  assert.equal(extractContainerResourceValue({ resource: 'requests.memory' }, c), '0');
  assert.equal(extractContainerResourceValue({ resource: 'requests.ephemeral-storage', divisor: '1Gi' }, c), '2');
  assert.equal(extractContainerResourceValue({ resource: 'limits.hugepages-2Mi', divisor: '2Mi' }, c), '2');
  assert.throws(() => extractContainerResourceValue({ resource: 'limits.gpu' }, c), { message: 'unsupported container resource : limits.gpu' });
});

test('resourceFieldRef: missing limits default to node allocatable; named containers; init containers are not defaulted for env', () => {
  const alloc = { cpu: '4', memory: '8Gi', 'ephemeral-storage': '100Gi' };
  const [app, side] = pod.spec.containers;
  assert.equal(envResourceFieldRefValue({ resource: 'limits.cpu', divisor: '1m' }, pod, app, alloc), '500');
  assert.equal(envResourceFieldRefValue({ resource: 'limits.memory', divisor: '1Mi' }, pod, app, alloc), '8192');
  assert.equal(envResourceFieldRefValue({ resource: 'requests.memory', divisor: '1Mi' }, pod, app, alloc), '64');
  assert.equal(envResourceFieldRefValue({ containerName: 'side', resource: 'limits.cpu' }, pod, app, alloc), '4');
  assert.equal(envResourceFieldRefValue({ resource: 'limits.ephemeral-storage', divisor: '1Gi' }, pod, side, alloc), '100');
  assert.equal(envResourceFieldRefValue({ containerName: 'init', resource: 'limits.cpu' }, pod, app, alloc), '0');
  assert.throws(() => envResourceFieldRefValue({ containerName: 'nope', resource: 'limits.cpu' }, pod, app, alloc), { message: 'container nope not found' });
  assert.equal(volumeResourceFieldRefValue({ containerName: 'init', resource: 'limits.cpu' }, pod, alloc), '4');
});
