// `berth crd print`: finds defineKind exports in a module and prints their CRDs as YAML.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { crdYaml, kindsInModule } from '../../../src/cli/crd-print.js';

const kindModule = fileURLToPath(new URL('./tutorial/website-kind' + (import.meta.url.endsWith('.ts') ? '.ts' : '.js'), import.meta.url));

test('prints the CRD of every defineKind export, or of the named one', async () => {
  const kinds = await kindsInModule(kindModule);
  assert.deepEqual(kinds.map((k) => k.kind), ['Website']);
  const docs = parseAllDocuments(crdYaml(kinds)).map((d) => d.toJS());
  assert.equal(docs.length, 1);
  assert.equal(docs[0].kind, 'CustomResourceDefinition');
  assert.equal(docs[0].metadata.name, 'websites.tutorial.berth.dev');
  assert.deepEqual(docs[0].spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.theme, { type: 'string', enum: ['light', 'dark'], default: 'light' });
  assert.equal((await kindsInModule(kindModule, 'Website'))[0].plural, 'websites');
  await assert.rejects(kindsInModule(kindModule, 'Nope'), /has no export named "Nope"/);
});
