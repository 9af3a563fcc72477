// The protobuf encoder against the decoder: what kubectl sent decodes, re-encodes and decodes to the same object;
// objects of many shapes (inlined volume sources, quantities, int-or-strings, times and micro-times, bytes, maps of
// lists, lists of kinds, Status) survive encode → decode; a watch frame carries its event and enveloped object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import protobuf from 'protobufjs/minimal.js';
import { builtinModel } from '../../../src/apimachinery/schema/index.js';
import { decodeKubernetesProtobuf, PROTOBUF_MAGIC } from '../../../src/apimachinery/protobuf/decode.js';
import { encodeKubernetesProtobuf, encodeWatchFrame } from '../../../src/apimachinery/protobuf/encode.js';
import { parseGoDuration, formatGoDuration } from '../../../src/apimachinery/protobuf/go-duration.js';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { repoPath } from '../../repo-path.js';

const model = builtinModel();
const DIR = repoPath('test/unit/protobuf/fixtures');
const roundTrip = (obj: object) => decodeKubernetesProtobuf(model, encodeKubernetesProtobuf(model, obj)!);

for (const bin of readdirSync(DIR).filter((f) => f.endsWith('.bin'))) {
  test(`re-encoding what a real client sent gives the same object: ${bin}`, () => {
    const decoded = decodeKubernetesProtobuf(model, readFileSync(`${DIR}/${bin}`));
    assert.deepEqual(roundTrip(decoded), decoded);
  });
}

test('a pod of many field shapes survives encode and decode', () => {
  const pod: KubeObject = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name: 'web-0', namespace: 'default', uid: 'f0e1d2c3-0000-4000-8000-000000000001', resourceVersion: '42', generation: 3,
      creationTimestamp: '2026-12-06T10:11:12Z', labels: { app: 'web' }, annotations: { note: 'x' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true, blockOwnerDeletion: true }],
      managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2026-12-06T10:11:12Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } } }],
    },
    spec: {
      containers: [{
        name: 'c', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }],
        resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '1' } },
        readinessProbe: { httpGet: { path: '/', port: 'http', scheme: 'HTTP' }, periodSeconds: 10, successThreshold: 1, failureThreshold: 3, timeoutSeconds: 1 },
        livenessProbe: { tcpSocket: { port: 80 }, initialDelaySeconds: 4, periodSeconds: 5, successThreshold: 1, failureThreshold: 3, timeoutSeconds: 1 },
        env: [{ name: 'A', value: 'b' }, { name: 'FROM', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }],
      }],
      volumes: [
        { name: 'data', persistentVolumeClaim: { claimName: 'data-web-0' } },
        { name: 'cfg', configMap: { name: 'cfg', defaultMode: 420, items: [{ key: 'a', path: 'a.txt' }] } },
        { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
      ],
      terminationGracePeriodSeconds: 30, restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', enableServiceLinks: true,
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
      priority: 0,
    },
    status: {
      phase: 'Running', podIP: '10.244.0.5', startTime: '2026-12-06T10:11:13Z',
      conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-12-06T10:11:14Z' }],
      containerStatuses: [{ name: 'c', ready: true, restartCount: 0, image: 'nginx', imageID: '', started: true, state: { running: { startedAt: '2026-12-06T10:11:13Z' } }, lastState: {} }],
    },
  };
  const back = roundTrip(pod) as KubeObject & { status: { conditions: object[] } };
  // A null time is "unset" on the wire, as in Go.
  const want = structuredClone(pod) as typeof back;
  delete (want.status.conditions[0] as { lastProbeTime?: null }).lastProbeTime;
  assert.deepEqual(back, want);
});

test('micro-times, bytes, maps of lists, lists of a kind and Status', () => {
  const event = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e1', namespace: 'default' }, eventTime: '2026-12-06T10:11:12.123456Z', reportingController: 'c', reportingInstance: 'i', action: 'A', reason: 'R', type: 'Normal', regarding: { kind: 'Pod', name: 'p' } };
  assert.deepEqual(roundTrip(event), event);
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque', data: { a: Buffer.from([0, 1, 2, 250]).toString('base64'), empty: '' } };
  assert.deepEqual(roundTrip(secret), secret);
  const sar = { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', metadata: {}, spec: { user: 'jane', groups: ['a'], extra: { scopes: ['x', 'y'], none: [] }, resourceAttributes: { verb: 'get', resource: 'pods' } }, status: { allowed: true } };
  assert.deepEqual(roundTrip(sar), sar);
  const list = { apiVersion: 'v1', kind: 'ConfigMapList', metadata: { resourceVersion: '77', continue: 'abc', remainingItemCount: 3 }, items: [{ metadata: { name: 'a' }, data: { k: 'v' } }, { metadata: { name: 'b' } }] };
  assert.deepEqual(roundTrip(list), list);
  const status = { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: 'nope', reason: 'NotFound', details: { name: 'x', kind: 'pods' }, code: 404 };
  assert.deepEqual(roundTrip(status), status);
  assert.equal(encodeKubernetesProtobuf(model, { apiVersion: 'example.com/v1', kind: 'Widget' }), undefined, 'no message for a custom kind');
});

test('Go durations parse back to what they print', () => {
  for (const ns of [0n, 1n, 1500n, 2_000_000n, 1_500_000_000n, 90_000_000_000n, 3_723_000_000_000n, -5_000_000_000n]) {
    assert.equal(parseGoDuration(formatGoDuration(ns)), ns, formatGoDuration(ns));
  }
  assert.equal(parseGoDuration('1h30m'), 5_400_000_000_000n);
  assert.equal(parseGoDuration('soon'), undefined);
});

test('a watch frame: length prefix, WatchEvent{type, object{raw}}, the object enveloped', () => {
  const obj = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', resourceVersion: '9' }, spec: { replicas: 2 } };
  const frame = encodeWatchFrame('MODIFIED', encodeKubernetesProtobuf(model, obj)!);
  assert.equal(frame.readUInt32BE(0), frame.length - 4);
  const r = protobuf.Reader.create(frame.subarray(4));
  let type = '';
  let raw: Uint8Array = new Uint8Array();
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) type = r.string();
    else if (tag >>> 3 === 2) {
      const inner = protobuf.Reader.create(r.bytes());
      while (inner.pos < inner.len) if (inner.uint32() >>> 3 === 1) raw = inner.bytes();
    }
  }
  assert.equal(type, 'MODIFIED');
  assert.deepEqual([...raw.subarray(0, 4)], [...PROTOBUF_MAGIC]);
  assert.deepEqual(decodeKubernetesProtobuf(model, raw), obj);
});
