// defineKind: TypeBox schema → structural CRD manifest, accepted and enforced by a real Berth.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApiError, defineKind, toOpenApi, Type, type KindObject } from '../../../src/sdk/index.js';
import { startTestCluster, type TestCluster } from '../../../src/testing/index.js';

export const Database = defineKind({
  group: 'example.com', version: 'v1alpha1', kind: 'Database', plural: 'databases', shortNames: ['db'], scope: 'Namespaced',
  categories: ['all'],
  schema: Type.Object({
    engine: Type.Union([Type.Literal('postgres'), Type.Literal('mysql')]),
    replicas: Type.Integer({ minimum: 1, maximum: 9, default: 1 }),
    storage: Type.Optional(Type.String({ pattern: '^[0-9]+Gi$' })),
    labels: Type.Optional(Type.Record(Type.String(), Type.String())),
    paused: Type.Optional(Type.Boolean()),
  }),
  status: Type.Object({
    phase: Type.Optional(Type.String()),
    readyReplicas: Type.Optional(Type.Integer()),
  }),
  subresources: { scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.readyReplicas' } },
  printerColumns: [{ name: 'Engine', type: 'string', jsonPath: '.spec.engine' }, { name: 'Phase', type: 'string', jsonPath: '.status.phase' }],
});
export type Database = KindObject<typeof Database>;

describe('defineKind → CRD manifest', () => {
  test('names, scope, version, subresources and printer columns', () => {
    const crd = Database.crd();
    assert.equal(crd.metadata.name, 'databases.example.com');
    const spec = crd.spec as any;
    assert.deepEqual(spec.names, { kind: 'Database', listKind: 'DatabaseList', plural: 'databases', singular: 'database', shortNames: ['db'], categories: ['all'] });
    assert.equal(spec.scope, 'Namespaced');
    const v = spec.versions[0];
    assert.equal(v.name, 'v1alpha1');
    assert.equal(v.served && v.storage, true);
    assert.deepEqual(v.subresources, { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.readyReplicas' } });
    assert.equal(v.additionalPrinterColumns.length, 2);
    assert.deepEqual(Database.resource, { group: 'example.com', version: 'v1alpha1', resource: 'databases', kind: 'Database', namespaced: true });
  });

  test('structural openAPIV3Schema: literal unions as enum, records as additionalProperties, no TypeBox leftovers', () => {
    const schema = (Database.crd().spec as any).versions[0].schema.openAPIV3Schema;
    const spec = schema.properties.spec;
    assert.deepEqual(spec.properties.engine, { type: 'string', enum: ['postgres', 'mysql'] });
    assert.deepEqual(spec.properties.replicas, { type: 'integer', minimum: 1, maximum: 9, default: 1 });
    assert.deepEqual(spec.properties.labels, { type: 'object', additionalProperties: { type: 'string' } });
    assert.deepEqual(spec.required, ['engine', 'replicas']);
    assert.equal(schema.properties.metadata.type, 'object');
    const text = JSON.stringify(schema);
    assert.ok(!text.includes('patternProperties') && !text.includes('$id') && !text.includes('anyOf') && !text.includes('"const"'));
  });

  test('other TypeBox shapes', () => {
    assert.deepEqual(toOpenApi(Type.Union([Type.String(), Type.Null()])), { type: 'string', nullable: true });
    assert.deepEqual(toOpenApi(Type.Union([Type.Integer(), Type.String()])), { 'x-kubernetes-int-or-string': true });
    assert.deepEqual(toOpenApi(Type.Any()), { 'x-kubernetes-preserve-unknown-fields': true });
    assert.deepEqual(toOpenApi(Type.Number({ exclusiveMinimum: 0 })), { type: 'number', minimum: 0, exclusiveMinimum: true });
    assert.deepEqual(toOpenApi(Type.Object({}, { additionalProperties: true })), { type: 'object', properties: {}, 'x-kubernetes-preserve-unknown-fields': true });
    assert.deepEqual(toOpenApi(Type.Array(Type.String(), { 'x-kubernetes-list-type': 'set' })), { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' });
    assert.deepEqual(toOpenApi(Type.Literal(3)), { type: 'number', enum: [3] });
  });
});

describe('defineKind CRD on Berth', () => {
  let cluster: TestCluster;
  before(async () => { cluster = await startTestCluster({ crds: [Database] }); });
  after(() => cluster.stop());

  test('is Established, serves typed objects, defaults and validates them', async () => {
    const db: Database = Database.create({ name: 'orders', namespace: 'default' }, { engine: 'postgres', replicas: 3, storage: '10Gi' });
    const created = await cluster.client.create<Database>(Database.resource, db);
    assert.equal(created.spec.engine, 'postgres');
    const defaulted = await cluster.client.create<Database>(Database.resource, { apiVersion: Database.apiVersion, kind: 'Database', metadata: { name: 'd2', namespace: 'default' }, spec: { engine: 'mysql' } as any });
    assert.equal(defaulted.spec.replicas, 1, 'default from the TypeBox schema');
    await assert.rejects(
      cluster.client.create(Database.resource, Database.create({ name: 'bad', namespace: 'default' }, { engine: 'oracle' as any, replicas: 1 })),
      (e: unknown) => e instanceof ApiError && e.code === 422 && /spec\.engine: Unsupported value: "oracle"/.test(e.message),
    );
  });
});
