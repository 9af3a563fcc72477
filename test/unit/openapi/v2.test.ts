import { test } from 'node:test';
import assert from 'node:assert/strict';
import YAML from 'yaml';
import { builtinModel } from '../../../src/apimachinery/schema/index.js';
import { buildOpenApiV2, wantsOpenApiV2Protobuf, OPENAPI_V2_PROTOBUF_CONTENT_TYPE } from '../../../src/openapi/v2.js';
import { decodeOpenApiV2, encodeOpenApiV2 } from '../../../src/openapi/v2-proto.js';
import { toV2Schema } from '../../../src/openapi/v2-schema.js';

type Obj = Record<string, any>;
const model = builtinModel();

const doc = buildOpenApiV2([
  {
    group: '', version: 'v1', model,
    resources: [
      { resource: 'namespaces', kind: 'Namespace', namespaced: false, subresources: { status: true } },
      { resource: 'configmaps', kind: 'ConfigMap', namespaced: true },
    ],
  },
  {
    group: 'apps', version: 'v1', model,
    resources: [
      { resource: 'statefulsets', kind: 'StatefulSet', namespaced: true, subresources: { status: true, scale: true } },
    ],
  },
  {
    group: 'example.com', version: 'v1', model,
    resources: [{
      resource: 'widgets', kind: 'Widget', namespaced: true,
      jsonSchema: {
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            required: ['size', 'note'],
            properties: {
              size: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
              note: { type: 'string', nullable: true },
              extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { a: { type: 'string' } } },
            },
          },
        },
      },
    }],
  },
]);
const decoded = decodeOpenApiV2(encodeOpenApiV2(doc));

const extensions = (msg: Obj | undefined): Record<string, unknown> =>
  Object.fromEntries((msg?.vendorExtension ?? []).map((e: Obj) => [e.name, YAML.parse(e.value.yaml)]));
const definition = (name: string): Obj => decoded.definitions.additionalProperties.find((d: Obj) => d.name === name)?.value;
const property = (schema: Obj, name: string): Obj => schema.properties.additionalProperties.find((p: Obj) => p.name === name)?.value;

/** kubectl's QueryParamVerifier: the first path whose PATCH carries the GVK decides. */
function patchSupportsParam(gvk: Obj, param: string): boolean | undefined {
  for (const path of decoded.paths.path) {
    const patch = path.value.patch;
    const found = extensions(patch)['x-kubernetes-group-version-kind'] as Obj | undefined;
    if (!found || found.group !== gvk.group || found.version !== gvk.version || found.kind !== gvk.kind) continue;
    return patch.parameters.some((p: Obj) => p.parameter?.nonBodyParameter?.queryParameterSubSchema?.name === param);
  }
  return undefined;
}

test('protobuf round trip: the StatefulSet PATCH operation carries its GVK and the fieldValidation parameter', () => {
  assert.equal(decoded.swagger, '2.0');
  assert.equal(patchSupportsParam({ group: 'apps', version: 'v1', kind: 'StatefulSet' }, 'fieldValidation'), true);
  assert.equal(patchSupportsParam({ group: '', version: 'v1', kind: 'Namespace' }, 'fieldValidation'), true);
  assert.equal(patchSupportsParam({ group: 'apps', version: 'v1', kind: 'Nope' }, 'fieldValidation'), undefined);

  const item = decoded.paths.path.find((p: Obj) => p.name === '/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}').value;
  const patch = item.patch;
  assert.equal(patch.operationId, 'patchAppsV1NamespacedStatefulSet');
  assert.deepEqual(extensions(patch)['x-kubernetes-action'], 'patch');
  assert.ok(patch.consumes.includes('application/strategic-merge-patch+json'));
  const body = patch.parameters[0].parameter.bodyParameter;
  assert.deepEqual([body.in, body.name, body.required, body.schema.ref], ['body', 'body', true, '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch']);
  const names = patch.parameters.slice(1).map((p: Obj) => p.parameter.nonBodyParameter.queryParameterSubSchema.name);
  assert.deepEqual(names, ['dryRun', 'fieldManager', 'fieldValidation', 'force']);
  const ok = patch.responses.responseCode.find((r: Obj) => r.name === '200').value.response;
  assert.equal(ok.schema.schema.ref, '#/definitions/io.k8s.api.apps.v1.StatefulSet');
  const pathParams = item.parameters.map((p: Obj) => p.parameter.nonBodyParameter);
  assert.deepEqual(pathParams[0].pathParameterSubSchema, {
    required: true, in: 'path', description: 'name of the StatefulSet', name: 'name', type: 'string', uniqueItems: true,
  });
  for (const method of ['get', 'put', 'delete']) assert.ok(item[method], method);
  assert.ok(decoded.paths.path.some((p: Obj) => p.name === '/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}/scale'));
});

test('definitions parse the way kubectl reads them: GVK lists, plain $refs with siblings, strategic merge keys', () => {
  const sts = definition('io.k8s.api.apps.v1.StatefulSet');
  assert.deepEqual(extensions(sts)['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'StatefulSet', version: 'v1' }]);
  assert.deepEqual(sts.type.value, ['object']);
  const spec = property(sts, 'spec');
  assert.equal(spec.ref, '#/definitions/io.k8s.api.apps.v1.StatefulSetSpec');
  assert.equal(spec.type, undefined);
  assert.ok(spec.description);

  const containers = property(definition('io.k8s.api.core.v1.PodSpec'), 'containers');
  assert.deepEqual(extensions(containers), {
    'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-list-type': 'map', 'x-kubernetes-patch-merge-key': 'name',
    'x-kubernetes-patch-strategy': 'merge',
  });
  assert.equal(containers.items.schema.length, 1);
  assert.equal(containers.items.schema[0].ref, '#/definitions/io.k8s.api.core.v1.Container');

  assert.deepEqual(definition('io.k8s.apimachinery.pkg.api.resource.Quantity').type.value, ['string']);
  const intOrString = definition('io.k8s.apimachinery.pkg.util.intstr.IntOrString');
  assert.deepEqual([intOrString.type.value, intOrString.format], [['string'], 'int-or-string']);
});

test('every definition satisfies kube-openapi proto parsing rules', () => {
  const names = new Set(decoded.definitions.additionalProperties.map((d: Obj) => d.name));
  let refs = 0;
  const check = (s: Obj, path: string): void => {
    if (s.ref) {
      refs++;
      assert.ok(s.ref.startsWith('#/definitions/'), path);
      assert.ok(names.has(s.ref.slice('#/definitions/'.length)), `${path}: unknown model ${s.ref}`);
      assert.equal(s.type, undefined, `${path}: typed reference`);
      assert.equal(s.properties, undefined, `${path}: reference with properties`);
      return;
    }
    assert.ok((s.type?.value ?? []).length <= 1, `${path}: multiple types`);
    if (s.type?.value?.[0] === 'array') assert.equal(s.items?.schema?.length, 1, `${path}: array needs one item schema`);
    for (const p of s.properties?.additionalProperties ?? []) check(p.value, `${path}.${p.name}`);
    for (const item of s.items?.schema ?? []) check(item, `${path}[]`);
    if (s.additionalProperties?.schema) check(s.additionalProperties.schema, `${path}{}`);
    assert.equal(s.allOf, undefined, `${path}: allOf`);
  };
  for (const d of decoded.definitions.additionalProperties) check(d.value, d.name);
  assert.ok(refs > 100);
});

test('custom resource schemas are pruned to what v2 can say', () => {
  const widget = definition('com.example.v1.Widget');
  assert.deepEqual(extensions(widget)['x-kubernetes-group-version-kind'], [{ group: 'example.com', kind: 'Widget', version: 'v1' }]);
  assert.equal(property(widget, 'metadata').ref, '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  const spec = property(widget, 'spec');
  const size = property(spec, 'size');
  assert.equal(size.type, undefined); // int-or-string: anyOf dropped, left untyped
  assert.equal(extensions(size)['x-kubernetes-int-or-string'], true);
  assert.equal(property(spec, 'note').type, undefined); // nullable → untyped
  assert.deepEqual(spec.required, ['size']); // nullable fields are no longer required
  const extra = property(spec, 'extra');
  assert.deepEqual([extra.type.value, extra.properties], [['object'], undefined]);
});

test('toV2Schema leaves its input alone and drops v3-only keywords', () => {
  const input = { allOf: [{ $ref: '#/components/schemas/a.B' }], default: {}, description: 'd', nullable: false, oneOf: [] };
  const before = structuredClone(input);
  assert.deepEqual(toV2Schema(input), { $ref: '#/definitions/a.B', default: {}, description: 'd' });
  assert.deepEqual(input, before);
  assert.deepEqual(toV2Schema({ type: 'array', 'x-kubernetes-preserve-unknown-fields': true, items: { type: 'string' } }), {
    'x-kubernetes-preserve-unknown-fields': true,
  });
});

test('the JSON form has Swagger 2.0 operations with body parameters and media types', () => {
  const post = (doc.paths as Obj)['/api/v1/namespaces/{namespace}/configmaps'].post;
  assert.deepEqual(post.consumes, ['*/*']);
  assert.deepEqual(post.produces, ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']);
  assert.deepEqual(post.parameters[0], { name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.api.core.v1.ConfigMap' } });
  assert.deepEqual(post.parameters.find((p: Obj) => p.name === 'fieldValidation').type, 'string');
  assert.deepEqual(post['x-kubernetes-group-version-kind'], { group: '', kind: 'ConfigMap', version: 'v1' });
  assert.deepEqual(Object.keys(post.responses), ['200', '201', '202', '401']);
  assert.deepEqual((doc.securityDefinitions as Obj).BearerToken.type, 'apiKey');
  assert.deepEqual(decoded.securityDefinitions.additionalProperties[0].value.apiKeySecurity.name, 'authorization');
  assert.deepEqual(decoded.security[0].additionalProperties[0].name, 'BearerToken');
});

test('Accept negotiation: kubectl asks for protobuf, everything else gets JSON', () => {
  assert.equal(wantsOpenApiV2Protobuf('application/com.github.proto-openapi.spec.v2@v1.0+protobuf'), true);
  assert.equal(wantsOpenApiV2Protobuf('application/com.github.proto-openapi.spec.v2.v1.0+protobuf, application/json'), true);
  assert.equal(wantsOpenApiV2Protobuf('application/json, application/com.github.proto-openapi.spec.v2@v1.0+protobuf'), false);
  assert.equal(wantsOpenApiV2Protobuf('application/com.github.proto-openapi.spec.v2@v1.0+protobuf;q=0, */*'), false);
  assert.equal(wantsOpenApiV2Protobuf(undefined), false);
  assert.equal(OPENAPI_V2_PROTOBUF_CONTENT_TYPE.includes('@'), false);
});
