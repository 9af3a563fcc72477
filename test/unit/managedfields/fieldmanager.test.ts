import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../../src/apimachinery/errors.js';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { apply, fieldSetFromPaths, updateManagedFields, prefixFromUserAgent, managerOrUserAgent, LAST_APPLIED_ANNOTATION, type ApplyOptions } from '../../../src/apimachinery/managedfields/index.js';
import { deployment, deploymentType } from './fixture.js';

let clock = Date.parse('2025-01-02T03:04:05.678Z');
const scope = {
  schema: deploymentType,
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  resetFields: fieldSetFromPaths('status'),
  now: () => new Date(clock),
};
const tick = () => (clock += 60_000);
/** The entry time for a write happening now (RFC 3339, seconds). */
const stamp = () => new Date(clock).toISOString().replace(/\.\d+Z$/, 'Z');

/** What the registry would add when persisting. */
function stored(obj: KubeObject): KubeObject {
  const out = structuredClone(obj);
  out.metadata.uid ??= '11111111-2222-3333-4444-555555555555';
  out.metadata.creationTimestamp ??= '2025-01-01T00:00:00Z';
  out.metadata.resourceVersion = String(Number(out.metadata.resourceVersion ?? '0') + 1);
  return out;
}

function doApply(live: KubeObject | undefined, applied: Record<string, unknown>, manager = 'kubectl', force = false, extra: Partial<ApplyOptions> = {}) {
  const r = apply({ ...scope, live, applied: structuredClone(applied), manager, force, ...extra });
  return { ...r, object: r.changed ? stored(r.object) : r.object };
}

function doUpdate(live: KubeObject | undefined, obj: KubeObject, manager: string, extra: Record<string, unknown> = {}): KubeObject {
  return stored(updateManagedFields({ ...scope, live, object: structuredClone(obj), manager, ...extra }));
}

const spec = (o: KubeObject) => o.spec as { replicas?: number; template: { spec: { containers: { image: string }[] } } };
const entry = (o: KubeObject, manager: string) => o.metadata.managedFields?.find((e) => e.manager === manager);

function conflictOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError, String(e));
    return e;
  }
  assert.fail('expected a conflict');
}

test('apply creates the object and records an Apply entry with upstream FieldsV1', () => {
  const time = stamp();
  const { object, changed } = doApply(undefined, deployment({ replicas: 2 }));
  assert.equal(changed, true);
  assert.equal(spec(object).replicas, 2);
  assert.deepEqual(object.metadata.managedFields, [
    {
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      time,
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': {
          'f:replicas': {},
          'f:selector': {},
          'f:template': {
            'f:metadata': { 'f:labels': { 'f:app': {} } },
            'f:spec': {
              'f:containers': {
                'k:{"name":"nginx"}': {
                  '.': {},
                  'f:image': {},
                  'f:name': {},
                  'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
                },
              },
            },
          },
        },
      },
    },
  ]);
  // Key order of the JSON form is upstream's (fields sorted, "." first).
  assert.equal(
    JSON.stringify(object.metadata.managedFields![0].fieldsV1!['f:spec']),
    '{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{}}}}}}}}',
  );
});

test('applying the same configuration again is a no-op', () => {
  const first = doApply(undefined, deployment({ replicas: 2 })).object;
  tick();
  const again = doApply(first, deployment({ replicas: 2 }));
  assert.equal(again.changed, false);
  assert.deepEqual(again.object, first);
});

test('a field dropped from the configuration is removed, unless another manager owns it', () => {
  const first = doApply(undefined, deployment({ replicas: 2, labels: { app: 'web', tier: 'front' } })).object;
  const second = doApply(first, deployment({ replicas: 2 })).object;
  assert.deepEqual(second.metadata.labels, { app: 'web' });
  assert.equal(spec(second).replicas, 2);

  // Another applier shares replicas (same value, no conflict); dropping it from kubectl's config keeps it.
  const shared = doApply(second, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2 } }, 'scaler').object;
  assert.ok(entry(shared, 'scaler'));
  const third = doApply(shared, deployment()).object;
  assert.equal(spec(third).replicas, 2);
  assert.deepEqual(entry(third, 'scaler')!.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
  assert.equal((entry(third, 'kubectl')!.fieldsV1!['f:spec'] as Record<string, unknown>)['f:replicas'], undefined);
});

test('a container removed from the configuration disappears, its siblings stay', () => {
  const two = deployment();
  const containers = (two.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers;
  containers.push({ name: 'sidecar', image: 'busybox' });
  const first = doApply(undefined, two).object;
  assert.equal(spec(first).template.spec.containers.length, 2);
  const second = doApply(first, deployment()).object;
  assert.deepEqual(
    spec(second).template.spec.containers.map((c) => (c as { name?: string }).name),
    ['nginx'],
  );
});

test('an Update moves ownership; re-applying the old value conflicts; force takes it back', () => {
  const applied = doApply(undefined, deployment({ replicas: 2 })).object;
  tick();
  const edited = structuredClone(applied);
  spec(edited).template.spec.containers[0].image = 'nginx:1.28';
  const afterEdit = doUpdate(applied, edited, 'kubectl-edit');

  const edit = entry(afterEdit, 'kubectl-edit')!;
  assert.equal(edit.operation, 'Update');
  assert.equal(edit.time, stamp());
  assert.deepEqual(edit.fieldsV1, {
    'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { 'f:image': {} } } } } },
  });
  const kubectlContainer = ((((entry(afterEdit, 'kubectl')!.fieldsV1!['f:spec'] as any)['f:template']['f:spec']['f:containers']) as any)['k:{"name":"nginx"}']) as Record<string, unknown>;
  assert.equal(kubectlContainer['f:image'], undefined);
  // Apply entries sort before Update entries.
  assert.deepEqual(afterEdit.metadata.managedFields!.map((e) => e.manager), ['kubectl', 'kubectl-edit']);

  const err = conflictOf(() => doApply(afterEdit, deployment({ replicas: 2 })));
  assert.equal(err.code, 409);
  assert.equal(err.reason, 'Conflict');
  assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.template.spec.containers[name="nginx"].image');
  assert.deepEqual(err.details?.causes, [
    { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-edit" using apps/v1', field: '.spec.template.spec.containers[name="nginx"].image' },
  ]);
  assert.equal(err.toStatus().code, 409);

  // Applying the edited value is fine: both own it.
  const agree = doApply(afterEdit, deployment({ replicas: 2, image: 'nginx:1.28' }));
  assert.ok(entry(agree.object, 'kubectl-edit'));

  const forced = doApply(afterEdit, deployment({ replicas: 2 }), 'kubectl', true).object;
  assert.equal(spec(forced).template.spec.containers[0].image, 'nginx:1.27');
  assert.equal(entry(forced, 'kubectl-edit'), undefined);
});

test('several conflicts are grouped per manager', () => {
  const created = doUpdate(undefined, deployment({ replicas: 1 }) as KubeObject, 'kubectl-client-side-apply');
  const err = conflictOf(() => doApply(created, deployment({ replicas: 3, image: 'nginx:2' }), 'm'));
  assert.equal(
    err.message,
    'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image',
  );
  assert.equal(err.details?.causes?.length, 2);
  assert.equal(err.details?.causes?.[0].field, '.spec.replicas');
});

test('create through Update owns every set field, with "." for new maps and items', () => {
  const obj = deployment({ replicas: 1 }) as KubeObject;
  (obj.spec as Record<string, unknown>).strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
  obj.status = { replicas: 0 };
  const time = stamp();
  const created = doUpdate(undefined, obj, 'kubectl-create');
  assert.deepEqual(created.metadata.managedFields, [
    {
      manager: 'kubectl-create',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time,
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': {
          'f:replicas': {},
          'f:selector': {},
          'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} },
          'f:template': {
            'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
            'f:spec': {
              'f:containers': {
                'k:{"name":"nginx"}': {
                  '.': {},
                  'f:image': {},
                  'f:name': {},
                  'f:ports': { '.': {}, 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
                },
              },
            },
          },
        },
      },
    },
  ]);
});

test('an Update that changes nothing keeps managedFields as they were', () => {
  const created = doUpdate(undefined, deployment({ replicas: 1 }) as KubeObject, 'kubectl-create');
  tick();
  const again = doUpdate(created, created, 'other');
  assert.deepEqual(again.metadata.managedFields, created.metadata.managedFields);
});

test('status writes: the main endpoint ignores status, the status subresource gets its own entry', () => {
  const created = doApply(undefined, deployment({ replicas: 1 })).object;
  const withStatus = structuredClone(created);
  withStatus.status = { replicas: 1 };
  const viaMain = doUpdate(created, withStatus, 'someone');
  assert.equal(entry(viaMain, 'someone'), undefined);

  const viaStatus = doUpdate(created, withStatus, 'deployment-controller', { subresource: 'status', resetFields: fieldSetFromPaths('spec') });
  const e = entry(viaStatus, 'deployment-controller')!;
  assert.equal(e.subresource, 'status');
  assert.deepEqual(e.fieldsV1, { 'f:status': { 'f:replicas': {} } });
});

test('managedFields: [] in a request resets tracking; the next apply starts with before-first-apply', () => {
  const created = doApply(undefined, deployment({ replicas: 1 })).object;
  const reset = structuredClone(created);
  reset.metadata.managedFields = [];
  const afterReset = doUpdate(created, reset, 'kubectl-edit');
  assert.equal(afterReset.metadata.managedFields, undefined);

  // Further updates stay untracked.
  const changed = structuredClone(afterReset);
  spec(changed).replicas = 5;
  assert.equal(doUpdate(afterReset, changed, 'kubectl-edit').metadata.managedFields, undefined);

  const err = conflictOf(() => doApply(afterReset, deployment({ replicas: 3 }), 'm'));
  assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas');
  const ok = doApply(afterReset, deployment({ replicas: 1 }), 'm').object;
  assert.deepEqual(ok.metadata.managedFields!.map((e) => `${e.manager}/${e.operation}`), ['m/Apply', 'before-first-apply/Update']);
});

test('sending managedFields unchanged keeps tracking', () => {
  const created = doUpdate(undefined, deployment({ replicas: 1 }) as KubeObject, 'kubectl-create');
  const next = structuredClone(created);
  spec(next).replicas = 4;
  const updated = doUpdate(created, next, 'kubectl-scale');
  assert.deepEqual(entry(updated, 'kubectl-scale')!.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
  assert.equal(((entry(updated, 'kubectl-create')!.fieldsV1!['f:spec']) as Record<string, unknown>)['f:replicas'], undefined);
});

test('finalizers form a set: entries owned by different managers merge', () => {
  const cfg = deployment();
  (cfg.metadata as Record<string, unknown>).finalizers = ['a.example.com/x'];
  const first = doApply(undefined, cfg).object;
  assert.deepEqual(entry(first, 'kubectl')!.fieldsV1!['f:metadata'], { 'f:finalizers': { 'v:"a.example.com/x"': {} }, 'f:labels': { 'f:app': {} } });
  const added = structuredClone(first);
  added.metadata.finalizers = ['a.example.com/x', 'b.example.com/y'];
  const updated = doUpdate(first, added, 'controller');
  assert.deepEqual(entry(updated, 'controller')!.fieldsV1, { 'f:metadata': { 'f:finalizers': { 'v:"b.example.com/y"': {} } } });
  const reapplied = doApply(updated, cfg).object;
  assert.deepEqual(reapplied.metadata.finalizers, ['a.example.com/x', 'b.example.com/y']);
});

test('kubectl upgrading from client-side apply takes over fields matching last-applied', () => {
  const csa = deployment({ replicas: 1 }) as KubeObject;
  const lastApplied = JSON.stringify(csa);
  csa.metadata.annotations = { [LAST_APPLIED_ANNOTATION]: lastApplied };
  const created = doUpdate(undefined, csa, 'kubectl-client-side-apply');

  const next = deployment({ replicas: 3 });
  const upgraded = doApply(created, next).object;
  assert.equal(spec(upgraded).replicas, 3);
  assert.equal(upgraded.metadata.annotations![LAST_APPLIED_ANNOTATION], JSON.stringify(sortDeep(next)) + '\n');
  // Another manager gets no such pass.
  const err = conflictOf(() => doApply(created, deployment({ replicas: 3 }), 'other'));
  assert.match(err.message, /conflict with "kubectl-client-side-apply" using apps\/v1: \.spec\.replicas/);
});

test('apply rejects a wrong kind, managedFields in the body, and duplicate list keys', () => {
  const wrongKind = { ...deployment(), kind: 'StatefulSet' };
  assert.throws(() => doApply(undefined, wrongKind), (e: unknown) => e instanceof ApiError && e.code === 400 && e.message === 'invalid object type: apps/v1, Kind=StatefulSet');
  const withMF = deployment();
  (withMF.metadata as Record<string, unknown>).managedFields = [];
  assert.throws(() => doApply(undefined, withMF), (e: unknown) => e instanceof ApiError && e.message === 'metadata.managedFields must be nil');
  const dup = deployment();
  const cs = (dup.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers;
  cs.push({ name: 'nginx', image: 'x' });
  assert.throws(
    () => doApply(undefined, dup),
    (e: unknown) => e instanceof ApiError && e.code === 400 && e.reason === 'BadRequest' && e.message.includes('.spec.template.spec.containers: duplicate entries for key [name="nginx"]'),
  );
});

test('more than ten Update managers fold the oldest into ancient-changes', () => {
  let obj = doUpdate(undefined, deployment({ replicas: 0 }) as KubeObject, 'creator');
  for (let i = 1; i <= 11; i++) {
    tick();
    const next = structuredClone(obj);
    next.metadata.labels = { ...next.metadata.labels, [`l${i}`]: 'x' };
    obj = doUpdate(obj, next, `m${i}`);
  }
  const managers = obj.metadata.managedFields!.map((e) => e.manager);
  assert.equal(managers.length, 10);
  assert.ok(managers.includes('ancient-changes'));
  assert.ok(!managers.includes('creator') && !managers.includes('m1'));
});

test('manager names default to the User-Agent prefix', () => {
  assert.equal(prefixFromUserAgent('kubectl-edit/v1.33.0 (linux/amd64) kubernetes/8adc0f0'), 'kubectl-edit');
  assert.equal(prefixFromUserAgent('kube-controller-manager/v1.33.0 (linux/amd64) kubernetes/x/system:serviceaccount:kube-system:deployment-controller'), 'kube-controller-manager');
  assert.equal(prefixFromUserAgent('a\u0007b'), 'ab');
  assert.equal(prefixFromUserAgent('x'.repeat(200)).length, 128);
  assert.equal(managerOrUserAgent('', 'curl/8.0'), 'curl');
  assert.equal(managerOrUserAgent('kubectl', 'curl/8.0'), 'kubectl');
});

test('repeated server-side applies of a Deployment take each config in turn and keep one entry for the manager', () => {
  let live = doApply(undefined, deployment({ replicas: 2 })).object;
  const configs = [deployment({ replicas: 2 }), deployment({ replicas: 3, image: 'nginx:2' })];
  for (let i = 0; i < 50; i++) {
    live = doApply(live, configs[i % 2]).object;
    assert.equal(spec(live).replicas, i % 2 ? 3 : 2);
    assert.equal(spec(live).template.spec.containers[0].image, i % 2 ? 'nginx:2' : deploymentImage(configs[0]));
    assert.deepEqual(live.metadata.managedFields?.map((e) => `${e.manager}/${e.operation}`), ['kubectl/Apply']);
  }
});

const deploymentImage = (o: Record<string, unknown>) => spec(o as unknown as KubeObject).template.spec.containers[0].image;

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortDeep((v as Record<string, unknown>)[k])]));
}
