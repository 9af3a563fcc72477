import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toTable } from '../../../src/printers/table.js';
import { printerFor } from '../../../src/printers/index.js';
import type { KubeObject } from '../../../src/apimachinery/types.js';

const now = new Date('2024-05-01T12:00:00Z');
const cm: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cfg', namespace: 'prod', labels: { app: 'web' }, resourceVersion: '42', creationTimestamp: '2024-05-01T11:59:15Z' },
  data: { a: '1' },
};

test('Table JSON with PartialObjectMetadata rows by default', () => {
  const table = toTable(printerFor('', 'ConfigMap')!, [cm], { now, resourceVersion: '100', continue: 'abc', remainingItemCount: 3 });
  assert.deepEqual(JSON.parse(JSON.stringify(table)), {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: '100', continue: 'abc', remainingItemCount: 3 },
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', description: 'Name of the object, unique within its namespace.', priority: 0 },
      { name: 'Data', type: 'string', format: '', description: 'Number of data and binaryData keys.', priority: 0 },
      { name: 'Age', type: 'string', format: '', description: 'Time since the object was created.', priority: 0 },
    ],
    rows: [
      {
        cells: ['cfg', 1, '45s'],
        object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: cm.metadata },
      },
    ],
  });
});

test('includeObject None/Object, noHeaders, empty list', () => {
  const printer = printerFor('', 'ConfigMap')!;
  const none = toTable(printer, [cm], { now, includeObject: 'None' });
  assert.equal(none.rows[0].object, null);
  assert.deepEqual(none.metadata, {});
  const full = toTable(printer, [cm], { now, includeObject: 'Object', noHeaders: true });
  assert.equal(full.rows[0].object, cm);
  assert.equal(full.columnDefinitions, null);
  const empty = toTable(printer, [], { now, resourceVersion: '7' });
  assert.deepEqual(empty.rows, []);
  assert.equal(JSON.stringify(empty).includes('"rows":[]'), true);
});
