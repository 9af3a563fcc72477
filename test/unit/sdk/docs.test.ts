// docs/sdk.md shows the tutorial files verbatim (import paths aside); this keeps the page from drifting.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

// The repository root, from test/unit/sdk/ (tsx) or dist/test/unit/sdk/ (compiled).
const repo = new URL(import.meta.url.includes('/dist/test/') ? '../../../../' : '../../../', import.meta.url);
const read = (p: string) => readFileSync(new URL(p, repo), 'utf8');

const asDocumented = (src: string) => src
  .replaceAll("'../../../../src/sdk/index.js'", "'berth/sdk'")
  .replaceAll("'../../../src/sdk/index.js'", "'berth/sdk'")
  .replaceAll("'../../../src/testing/index.js'", "'berth/testing'")
  .replaceAll("'./tutorial/", "'./")
  .trimEnd();

test('every file block in docs/sdk.md matches its source file', () => {
  const doc = read('docs/sdk.md');
  const blocks = [...doc.matchAll(/<!-- file: (\S+) -->\n```ts\n([\s\S]*?)\n```/g)];
  assert.ok(blocks.length >= 5, 'the tutorial shows its files');
  for (const [, path, body] of blocks) assert.equal(body, asDocumented(read(path)), `${path} differs from docs/sdk.md`);
});

test('the vitest example is the node:test file with vitest hooks', () => {
  const doc = read('docs/sdk.md');
  const vitest = /### With vitest[\s\S]*?```ts\n([\s\S]*?)\n```/.exec(doc)?.[1];
  assert.ok(vitest);
  const fromNodeTest = asDocumented(read('test/unit/sdk/tutorial.test.ts'))
    .replace(/^\/\/.*\n/, '')
    .replace("import { after, before, describe, test } from 'node:test';", "import { afterAll, beforeAll, describe, it } from 'vitest';")
    .replace('before(async', 'beforeAll(async').replace('after(async', 'afterAll(async')
    .replaceAll("  test('", "  it('");
  assert.equal(vitest, fromNodeTest);
});
