// The committed API types in src/api/generated are what tools/gen-api-types.ts makes of the type model today: a
// model change without `npm run gen:api` fails here, as does a hand edit of a generated file.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generateApiTypes } from '../../../tools/gen-api-types.js';

const repo = fileURLToPath(new URL(import.meta.url.includes('/dist/test/') ? '../../../../' : '../../../', import.meta.url));
const dir = join(repo, 'src', 'api', 'generated');

describe('src/api/generated', () => {
  const expected = generateApiTypes();

  test('holds exactly the files the generator writes', () => {
    const committed = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();
    assert.deepEqual(committed, [...expected.keys()].sort());
  });

  test('every file equals the generator output (run `npm run gen:api` after changing the model)', () => {
    for (const [name, text] of expected) {
      assert.equal(readFileSync(join(dir, name), 'utf8'), text, `src/api/generated/${name} is stale`);
    }
  });

  test('the generator maps the model as documented', () => {
    const core = expected.get('core-v1.ts')!;
    // A top-level kind extends KubeObject; required fields stay required, the rest are optional.
    assert.match(core, /^export interface Pod extends KubeObject \{$/m);
    assert.match(core, /^export interface PodSpec \{[^}]*\n {2}containers: Container\[\];$/m);
    assert.match(core, /^export interface PodSpec \{[^}]*\n {2}nodeName\?: string;$/m);
    // Quantities and IntOrString accept both JSON forms; maps are Records; times may be null.
    assert.match(core, /^export interface ResourceRequirements \{[^}]*\n {2}limits\?: Record<string, string \| number>;$/m);
    assert.match(core, /^export interface HTTPGetAction \{[^}]*\n {2}port: string \| number;$/m);
    assert.match(core, /^export interface PodCondition \{[^}]*\n {2}lastProbeTime\?: string \| null;$/m);
    // Other groups' structs are imported by name.
    assert.match(expected.get('apps-v1.ts')!, /^import type \{ PersistentVolumeClaim, PodTemplateSpec \} from '\.\/core-v1\.js';$/m);
    // metav1 types apimachinery already defines are re-exported, not generated twice.
    assert.match(expected.get('meta-v1.ts')!, /^export type \{ LabelSelector, LabelSelectorRequirement \} from '\.\.\/\.\.\/apimachinery\/labels\.js';$/m);
    for (const text of expected.values()) {
      for (const line of text.split('\n')) assert.ok(line.length < 160, `line too long: ${line}`);
    }
  });
});
