import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModel } from '../../../src/apimachinery/schema/index.js';
import {
  buildAllDocs,
  buildGroupVersionDoc,
  buildRootIndex,
  customResourceSchemaName,
  serializeDoc,
  type JsonSchema,
} from '../../../src/openapi/v3.js';

const model = builtinModel();

const appsDoc = buildGroupVersionDoc({
  group: 'apps',
  version: 'v1',
  model,
  resources: [
    { resource: 'statefulsets', kind: 'StatefulSet', namespaced: true, subresources: { status: true, scale: true } },
    { resource: 'deployments', kind: 'Deployment', namespaced: true, subresources: { status: true, scale: true } },
    { resource: 'controllerrevisions', kind: 'ControllerRevision', namespaced: true },
  ],
});

type Obj = Record<string, any>;
const schemas = (doc: JsonSchema) => (doc.components as Obj).schemas as Obj;
const paths = (doc: JsonSchema) => doc.paths as Obj;

/** Every $ref in the document points at a component schema that exists. */
function assertRefsResolve(doc: JsonSchema) {
  const all = schemas(doc);
  let count = 0;
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (typeof v !== 'object' || v === null) return;
    for (const [k, child] of Object.entries(v)) {
      if (k === '$ref') {
        count++;
        assert.match(String(child), /^#\/components\/schemas\//);
        const name = String(child).slice('#/components/schemas/'.length);
        assert.ok(all[name], `unresolved ${name}`);
      } else walk(child);
    }
  };
  walk(doc);
  assert.ok(count > 100);
}

/** What kubectl's query-param verifier does: the first PATCH operation of the GVK must list the parameter. */
function supportsQueryParam(doc: JsonSchema, gvk: Obj, param: string): boolean {
  let found = false;
  for (const item of Object.values(paths(doc))) {
    const op = item.patch;
    if (!op) continue;
    const g = op['x-kubernetes-group-version-kind'];
    if (g?.group !== gvk.group || g?.version !== gvk.version || g?.kind !== gvk.kind) continue;
    // Go map iteration order is random, so every such operation has to carry it.
    if (!op.parameters.some((p: Obj) => p.name === param)) return false;
    found = true;
  }
  return found;
}

/** A small version of kubectl explain's walk: follow $ref/allOf/items/additionalProperties, then properties. */
function explain(doc: JsonSchema, gvk: Obj, fieldPath: string[]): Obj {
  const all = schemas(doc);
  const resolve = (s: Obj): Obj => {
    if (s.$ref) return resolve(all[s.$ref.split('/').pop()]);
    if (s.items) return resolve(s.items);
    if (s.additionalProperties && typeof s.additionalProperties === 'object') return resolve(s.additionalProperties);
    if (!s.properties && s.allOf?.length === 1) return resolve(s.allOf[0]);
    return s;
  };
  let schema = Object.values(all).find((s: Obj) =>
    (s['x-kubernetes-group-version-kind'] ?? []).some((g: Obj) => JSON.stringify(g) === JSON.stringify(gvk)),
  ) as Obj;
  assert.ok(schema, 'schema with the operation GVK');
  for (const field of fieldPath) {
    const next = resolve(schema).properties?.[field];
    assert.ok(next, `field ${field}`);
    schema = next;
  }
  return resolve(schema);
}

test('apps/v1: PATCH operations carry the GVK and a fieldValidation parameter', () => {
  assert.ok(supportsQueryParam(appsDoc, { group: 'apps', version: 'v1', kind: 'StatefulSet' }, 'fieldValidation'));
  assert.ok(supportsQueryParam(appsDoc, { group: 'apps', version: 'v1', kind: 'Deployment' }, 'fieldValidation'));
  assert.ok(!supportsQueryParam(appsDoc, { group: 'apps', version: 'v1', kind: 'DaemonSet' }, 'fieldValidation'));
  const patch = paths(appsDoc)['/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}'].patch;
  assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'apps', kind: 'StatefulSet', version: 'v1' });
  assert.equal(patch['x-kubernetes-action'], 'patch');
  assert.deepEqual(
    patch.parameters.map((p: Obj) => p.name),
    ['dryRun', 'fieldManager', 'fieldValidation', 'force'],
  );
  assert.deepEqual(Object.keys(patch.requestBody.content).sort(), [
    'application/apply-patch+yaml',
    'application/json-patch+json',
    'application/merge-patch+json',
    'application/strategic-merge-patch+json',
  ]);
  assert.equal(patch.operationId, 'patchAppsV1NamespacedStatefulSet');
});

test('apps/v1: collection, item, all-namespaces, status and scale paths', () => {
  const p = paths(appsDoc);
  const base = '/apis/apps/v1/namespaces/{namespace}/statefulsets';
  for (const path of [base, `${base}/{name}`, `${base}/{name}/status`, `${base}/{name}/scale`, '/apis/apps/v1/statefulsets']) {
    assert.ok(p[path], path);
  }
  assert.equal(p[base].get['x-kubernetes-action'], 'list');
  assert.equal(p[base].post['x-kubernetes-action'], 'post');
  assert.equal(p[base].delete['x-kubernetes-action'], 'deletecollection');
  assert.equal(p[`${base}/{name}`].delete['x-kubernetes-action'], 'delete');
  assert.equal(p[`${base}/{name}`].put['x-kubernetes-action'], 'put');
  assert.equal(p[`${base}/{name}`].get.responses['200'].content['application/json'].schema.$ref,
    '#/components/schemas/io.k8s.api.apps.v1.StatefulSet');
  assert.deepEqual(p[`${base}/{name}/scale`].patch['x-kubernetes-group-version-kind'],
    { group: 'autoscaling', kind: 'Scale', version: 'v1' });
  assert.deepEqual(p[`${base}/{name}`].parameters.map((x: Obj) => [x.name, x.in]),
    [['name', 'path'], ['namespace', 'path'], ['pretty', 'query']]);
  assert.ok(p[base].get.parameters.some((x: Obj) => x.name === 'watch'));
  assert.ok(p[`${base}/{name}`].put.parameters.some((x: Obj) => x.name === 'fieldValidation'));
});

test('apps/v1: every $ref resolves and components are named like upstream', () => {
  assertRefsResolve(appsDoc);
  const s = schemas(appsDoc);
  assert.deepEqual(s['io.k8s.api.apps.v1.StatefulSet']['x-kubernetes-group-version-kind'],
    [{ group: 'apps', kind: 'StatefulSet', version: 'v1' }]);
  assert.ok(s['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
  assert.ok(s['io.k8s.api.autoscaling.v1.Scale']);
  assert.equal(s['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].format, 'int-or-string');
  assert.ok(s['io.k8s.apimachinery.pkg.api.resource.Quantity'].oneOf.some((o: Obj) => o.type === 'string'));
  assert.deepEqual(
    [s['io.k8s.apimachinery.pkg.apis.meta.v1.Time'].type, s['io.k8s.apimachinery.pkg.apis.meta.v1.Time'].format],
    ['string', 'date-time'],
  );
  assert.equal(s['io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector']['x-kubernetes-map-type'], 'atomic');
  // Fields that hold structs: allOf + default {} like upstream v3.
  const spec = s['io.k8s.api.apps.v1.StatefulSet'].properties.spec;
  assert.deepEqual(spec.allOf, [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.StatefulSetSpec' }]);
  assert.deepEqual(spec.default, {});
  const specSchema = s['io.k8s.api.apps.v1.StatefulSetSpec'];
  assert.deepEqual(specSchema.required, ['selector', 'template']);
  assert.deepEqual(specSchema.properties.podManagementPolicy.enum, ['OrderedReady', 'Parallel']);
  const containers = s['io.k8s.api.core.v1.PodSpec'].properties.containers;
  assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
  assert.equal(containers['x-kubernetes-list-type'], 'map');
  assert.deepEqual(containers['x-kubernetes-list-map-keys'], ['name']);
  assert.ok(s['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions']['x-kubernetes-group-version-kind']
    .some((g: Obj) => g.group === 'apps' && g.kind === 'DeleteOptions'));
  // Inline-only Go structs are not definitions of their own.
  assert.equal(s['io.k8s.api.core.v1.VolumeSource'], undefined);
});

test('kubectl explain statefulset.spec.updateStrategy finds the fields', () => {
  const gvk = { group: 'apps', kind: 'StatefulSet', version: 'v1' };
  const strategy = explain(appsDoc, gvk, ['spec', 'updateStrategy']);
  assert.deepEqual(Object.keys(strategy.properties).sort(), ['rollingUpdate', 'type']);
  assert.ok(strategy.properties.type.description);
  const rolling = explain(appsDoc, gvk, ['spec', 'updateStrategy', 'rollingUpdate']);
  assert.deepEqual(Object.keys(rolling.properties).sort(), ['maxUnavailable', 'partition']);
  const container = explain(appsDoc, gvk, ['spec', 'template', 'spec', 'containers']);
  assert.ok(container.properties.image);
  assert.ok(explain(appsDoc, gvk, ['spec', 'volumeClaimTemplates', 'spec', 'resources']).properties.requests);
});

test('core/v1 paths are under /api/v1, cluster-scoped resources have no namespace segment', () => {
  const doc = buildGroupVersionDoc({
    group: '', version: 'v1', model,
    resources: [
      { resource: 'pods', kind: 'Pod', namespaced: true, subresources: { status: true } },
      { resource: 'namespaces', kind: 'Namespace', namespaced: false, subresources: { status: true } },
    ],
  });
  const p = paths(doc);
  assert.ok(p['/api/v1/namespaces/{namespace}/pods/{name}']);
  assert.ok(p['/api/v1/namespaces/{name}']);
  assert.ok(p['/api/v1/namespaces/{name}/status']);
  assert.ok(p['/api/v1/pods']);
  assert.equal(p['/api/v1/namespaces/{namespace}/pods/{name}'].get.operationId, 'readCoreV1NamespacedPod');
  assert.equal(p['/api/v1/namespaces/{name}'].get.operationId, 'readCoreV1Namespace');
  assert.deepEqual(p['/api/v1/namespaces/{name}'].patch['x-kubernetes-group-version-kind'], { group: '', kind: 'Namespace', version: 'v1' });
  assert.ok(supportsQueryParam(doc, { group: '', version: 'v1', kind: 'Namespace' }, 'fieldValidation'));
  assertRefsResolve(doc);
});

test('custom resources use their own schema with metadata and GVK, and no strategic merge patch', () => {
  const doc = buildGroupVersionDoc({
    group: 'stable.example.com', version: 'v1', model,
    resources: [{
      resource: 'crontabs', kind: 'CronTab', namespaced: true, subresources: { status: true, scale: true },
      jsonSchema: { type: 'object', properties: { spec: { type: 'object', properties: { cronSpec: { type: 'string' } } } } },
    }],
  });
  const name = customResourceSchemaName('stable.example.com', 'v1', 'CronTab');
  assert.equal(name, 'com.example.stable.v1.CronTab');
  const s = schemas(doc)[name];
  assert.ok(s.properties.metadata && s.properties.spec.properties.cronSpec);
  assert.deepEqual(s['x-kubernetes-group-version-kind'], [{ group: 'stable.example.com', kind: 'CronTab', version: 'v1' }]);
  const patch = paths(doc)['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}'].patch;
  assert.ok(!('application/strategic-merge-patch+json' in patch.requestBody.content));
  assertRefsResolve(doc);
});

test('root index and hashes', () => {
  const { body, hash } = serializeDoc(appsDoc);
  assert.match(hash, /^[0-9A-F]{128}$/);
  assert.equal(serializeDoc(JSON.parse(body)).hash, hash);
  assert.deepEqual(buildRootIndex([{ path: 'apis/apps/v1', hash: 'AB' }, { path: 'api/v1', hash: 'CD' }]), {
    paths: {
      'api/v1': { serverRelativeURL: '/openapi/v3/api/v1?hash=CD' },
      'apis/apps/v1': { serverRelativeURL: '/openapi/v3/apis/apps/v1?hash=AB' },
    },
  });
  const all = buildAllDocs([{ group: 'batch', version: 'v1', model, resources: [{ resource: 'jobs', kind: 'Job', namespaced: true }] }]);
  const entry = all.index.paths['apis/batch/v1'];
  assert.ok(entry);
  assert.equal(entry.serverRelativeURL, `/openapi/v3/apis/batch/v1?hash=${all.docs.get('apis/batch/v1')!.hash}`);
});

test('create-only resources (access reviews) document just the POST, with no list schema or item path', () => {
  const doc = buildGroupVersionDoc({
    group: 'authorization.k8s.io', version: 'v1', model,
    resources: [
      { resource: 'selfsubjectaccessreviews', kind: 'SelfSubjectAccessReview', namespaced: false, verbs: ['create'] },
      { resource: 'localsubjectaccessreviews', kind: 'LocalSubjectAccessReview', namespaced: true, verbs: ['create'] },
    ],
  }) as { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
  const ssar = doc.paths['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews']!;
  assert.deepEqual(Object.keys(ssar).sort(), ['parameters', 'post']);
  assert.equal((ssar.post as { operationId: string }).operationId, 'createAuthorizationV1SelfSubjectAccessReview');
  assert.deepEqual(Object.keys(doc.paths).sort(), [
    '/apis/authorization.k8s.io/v1/namespaces/{namespace}/localsubjectaccessreviews',
    '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
  ]);
  assert.ok(doc.components.schemas['io.k8s.api.authorization.v1.SelfSubjectAccessReview']);
  assert.ok(!Object.keys(doc.components.schemas).some((name) => name.endsWith('ReviewList')));
});
