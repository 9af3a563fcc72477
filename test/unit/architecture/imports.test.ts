// The direction of imports between the folders of src/ (docs/architecture.md): the bottom rooms know nothing of the
// ones above them, and no two folders import each other, directly or round a loop. Type-only imports count: a type
// from above is still a dependency on the room above.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL(import.meta.url.includes('/dist/test/') ? '../../../../' : '../../../', import.meta.url));
const srcDir = join(repo, 'src');

/** Static imports, re-exports and dynamic `import('…')` of relative paths. */
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

interface Edge { from: string; to: string; files: string[] }

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The top-level folder of src/ a path is in ('' for src/index.ts and other files at the top). */
function folderOf(path: string): string {
  const parts = relative(srcDir, path).split(sep);
  return parts.length > 1 ? parts[0] : '';
}

function folderEdges(): Map<string, Edge> {
  const edges = new Map<string, Edge>();
  for (const file of sourceFiles(srcDir)) {
    const from = folderOf(file);
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = join(dirname(file), m[1]);
      if (relative(srcDir, target).startsWith('..')) continue;
      const to = folderOf(target);
      if (to === from) continue;
      const key = `${from} -> ${to}`;
      const edge = edges.get(key) ?? { from, to, files: [] };
      edge.files.push(relative(repo, file).split(sep).join(posix.sep));
      edges.set(key, edge);
    }
  }
  return edges;
}

/** Strongly connected components (Tarjan): folders that reach each other round a loop. */
function cycles(edges: Iterable<Edge>): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return out;
}

/** The edges between folders that lie on a loop. */
function cycleEdges(edges: Map<string, Edge>): Edge[] {
  const loopOf = new Map<string, number>();
  cycles(edges.values()).forEach((c, i) => {
    for (const f of c) loopOf.set(f, i);
  });
  return [...edges.values()].filter((e) => loopOf.has(e.from) && loopOf.get(e.from) === loopOf.get(e.to));
}

const key = (e: Edge) => `${e.from} -> ${e.to}`;
const show = (es: Edge[]) => es.map((e) => `${e.from || '(src)'} -> ${e.to || '(src)'} (${[...new Set(e.files)].join(', ')})`).join('\n  ');

describe('imports between the folders of src/', () => {
  const edges = folderEdges();

  test('storage/, client/, apimachinery/ and api/ import nothing from server/, registry/, controllers/ or host/', () => {
    const low = new Set(['storage', 'client', 'apimachinery', 'api']);
    const high = new Set(['server', 'registry', 'controllers', 'host']);
    const upward = [...edges.values()].filter((e) => low.has(e.from) && high.has(e.to));
    assert.deepEqual(upward.map(key), [], `upward imports:\n  ${show(upward)}`);
  });

  test('only the composition root (host/, cli/, testing/) imports host/', () => {
    const allowed = new Set(['host', 'cli', 'testing']);
    const into = [...edges.values()].filter((e) => e.to === 'host' && !allowed.has(e.from));
    assert.deepEqual(into.map(key), [], `imports of host/:\n  ${show(into)}`);
  });

  test('controllers/common/ (the scaffold the SDK exports) imports no controller folder beside it', () => {
    const common = join(srcDir, 'controllers', 'common');
    const sideways = sourceFiles(common).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(IMPORT)]
      .map((m) => relative(srcDir, join(dirname(file), m[1])).split(sep).join(posix.sep))
      .filter((target) => target.startsWith('controllers/') && !target.startsWith('controllers/common/'))
      .map((target) => `${relative(repo, file)} -> ${target}`));
    assert.deepEqual(sideways, []);
  });

  test('component/ is a types-only contract', () => {
    for (const file of sourceFiles(join(srcDir, 'component'))) {
      const text = readFileSync(file, 'utf8');
      const valueImports = [...text.matchAll(/^import (?!type )[^\n]*$/gm)].map((m) => m[0]);
      assert.deepEqual(valueImports, [], `${relative(repo, file)} imports values`);
      const values = [...text.matchAll(/^export (?:const|let|var|function|class|async|default|enum)\b[^\n]*$/gm)].map((m) => m[0]);
      assert.deepEqual(values, [], `${relative(repo, file)} exports values`);
    }
  });

  test('no import loop between folders', () => {
    const loops = cycleEdges(edges);
    assert.deepEqual(loops.map(key), [], `these folder imports close a loop (move what both sides need below both):\n  ${show(loops)}`);
  });

  test('api/ (the shared API types) imports only apimachinery/', () => {
    const up = [...edges.values()].filter((e) => e.from === 'api' && e.to !== 'apimachinery');
    assert.deepEqual(up.map(key), [], show(up));
  });

  test('the folder loops are found: a two-folder loop made up here is reported', () => {
    const made = new Map<string, Edge>([
      ['a -> b', { from: 'a', to: 'b', files: ['src/a/x.ts'] }],
      ['b -> a', { from: 'b', to: 'a', files: ['src/b/y.ts'] }],
      ['b -> c', { from: 'b', to: 'c', files: ['src/b/z.ts'] }],
    ]);
    assert.deepEqual(cycleEdges(made).map(key).sort(), ['a -> b', 'b -> a']);
  });
});
