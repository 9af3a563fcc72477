import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from '../../../src/storage/sqlite.js';
import { INITIAL_REVISION } from '../../../src/storage/schema.js';
import { tempDir } from './fixtures/temp-store.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const runningFromSource = import.meta.url.endsWith('.ts');
const writer = join(here, 'fixtures', runningFromSource ? 'kill-writer.ts' : 'kill-writer.js');

/** Starts the writer, SIGKILLs it once `killAfter` writes were acknowledged, and returns every acknowledged key. */
function runAndKill(path: string, durability: string, killAfter: number): Promise<{ acked: string[]; signal: string | null }> {
  const args = runningFromSource ? ['--import', 'tsx', writer, path, durability] : [writer, path, durability];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const acked: string[] = [];
  let buffered = '';
  let killed = false;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!; // a torn last line was not acknowledged
    for (const line of lines) if (line.startsWith('/registry/')) acked.push(line);
    if (!killed && acked.length >= killAfter) {
      killed = true;
      child.kill('SIGKILL');
    }
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (_code, signal) => resolve({ acked, signal }));
  });
}

for (const durability of ['normal', 'full'] as const) {
  test(`every acknowledged write survives kill -9 (durability ${durability})`, async (t) => {
    const path = join(tempDir(t), 'state.db');
    const { acked, signal } = await runAndKill(path, durability, 400);
    assert.equal(signal, 'SIGKILL', 'the writer was killed mid-stream, not finished');
    assert.ok(acked.length >= 400);
    assert.ok(existsSync(`${path}-wal`), 'the crash left a WAL to recover from');

    const store = openSqliteStore({ path });
    t.after(() => store.close());
    assert.equal(store.integrityCheck(), 'ok');
    for (const key of acked) assert.ok(await store.get(key), `acknowledged ${key} is missing after the crash`);

    // Consistent: revisions are contiguous from the empty store, history ends at the current revision, and every
    // object's revisions are within it.
    const all = await store.list('/registry/');
    const updates = all.items.filter((i) => i.modRevision !== i.createRevision).length;
    assert.ok(all.items.length >= acked.length);
    t.diagnostic(`acknowledged ${acked.length}, recovered ${all.items.length} objects at revision ${store.currentRevision()}`);
    assert.equal(store.currentRevision(), INITIAL_REVISION + all.items.length + updates);
    assert.equal(store.historyStats().newest, store.currentRevision());
    for (const item of all.items) {
      assert.ok(item.modRevision <= store.currentRevision());
      assert.equal(item.value.metadata.resourceVersion, String(item.modRevision));
    }
    // And it keeps working, continuing the revision sequence.
    const next = await store.create('/registry/configmaps/default/after-crash', { metadata: { name: 'after-crash' } });
    assert.equal(next.modRevision, INITIAL_REVISION + all.items.length + updates + 1);
  });
}
