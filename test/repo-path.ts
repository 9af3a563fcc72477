// Paths of files in the repository, the same whether a test runs from source (tsx) or compiled (dist/).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
  return dir;
}

const ROOT = findRoot();

/** e.g. repoPath('test/e2e/fixtures/statefulset-demo.yaml') */
export function repoPath(...parts: string[]): string {
  return join(ROOT, ...parts);
}
