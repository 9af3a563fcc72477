import { test } from 'node:test';
import assert from 'node:assert/strict';
import { customResourcePrinter, DEFAULT_CR_COLUMNS } from '../../../src/printers/custom.js';
import type { KubeObject } from '../../../src/apimachinery/types.js';

const now = new Date('2024-05-01T12:00:00Z');
const cr = {
  apiVersion: 'stable.example.com/v1',
  kind: 'CronTab',
  metadata: { name: 'my-cron', creationTimestamp: '2024-05-01T11:00:00Z', labels: { 'app.kubernetes.io/name': 'x' } },
  spec: { cronSpec: '* * * * */5', replicas: 3.0, image: 'my-image', suspended: false, ratio: 0.5 },
  status: { conditions: [{ type: 'Synced', status: 'False' }, { type: 'Ready', status: 'True' }] },
} as KubeObject;

test('additionalPrinterColumns cells by type, missing values as null', () => {
  const printer = customResourcePrinter([
    { name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' },
    { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
    { name: 'Ratio', type: 'number', jsonPath: '.spec.ratio', priority: 1 },
    { name: 'Suspended', type: 'boolean', jsonPath: '.spec.suspended' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: 'Missing', type: 'string', jsonPath: '.spec.nothing' },
    { name: 'AsText', type: 'string', jsonPath: '.spec.replicas' },
    { name: 'Label', type: 'string', jsonPath: ".metadata.labels['app.kubernetes.io/name']" },
    { name: 'First', type: 'string', jsonPath: '.status.conditions[0].type' },
    ...DEFAULT_CR_COLUMNS,
  ]);
  assert.deepEqual(printer.columns.map((c) => [c.name, c.type, c.priority]).slice(0, 4), [['Name', 'string', 0], ['Spec', 'string', 0], ['Replicas', 'integer', 0], ['Ratio', 'number', 1]]);
  assert.equal(printer.columns[1].description, 'Custom resource definition column (in JSONPath format): .spec.cronSpec');
  assert.deepEqual(printer.cells(cr, now), ['my-cron', '* * * * */5', 3, 0.5, false, 'True', null, '3', 'x', 'Synced', '60m']);
  assert.throws(() => customResourcePrinter([{ name: 'X', type: 'string', jsonPath: 'spec(' }]), { message: 'unrecognized column definition "spec("' });
});
