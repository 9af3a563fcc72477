// The long-lived `nft -i`: each script is one transaction (all or nothing), errors come back as nft words them, and a
// dead session is replaced. Needs root and nft; works in a table of its own without base chains (no traffic passes).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { findProgram } from '../../../src/networking/command.js';
import { NftTable } from '../../../src/proxy/nft.js';

const nft = process.getuid?.() === 0 ? findProgram('nft') : undefined;
const name = `berth-unit-${process.pid}`;
const list = () => execFileSync(nft!, ['list', 'table', 'inet', name], { encoding: 'utf8' });

describe('nft session', { skip: nft ? false : 'needs root and nft' }, () => {
  const table = new NftTable(nft ?? 'nft', 'inet', name);
  after(async () => {
    table.close();
    await table.delete();
  });

  it('applies a script as one transaction and reports nft\'s error for one that fails, applying nothing of it', async () => {
    await table.apply(`add table inet ${name}\nadd chain inet ${name} a\nadd rule inet ${name} a counter\n`);
    assert.match(list(), /chain a \{\n\s+counter packets 0 bytes 0/);
    await assert.rejects(table.apply(`add chain inet ${name} b\nadd rule inet ${name} absent counter\n`), /Error: Could not process rule: No such file or directory\n.*add rule inet [^\n]+ absent counter/s);
    assert.doesNotMatch(list(), /chain b/);
    await table.apply(`add chain inet ${name} c\n`);
    assert.match(list(), /chain c/);
  });

  it('a session that died is replaced on the next script', async () => {
    table.close();
    await table.apply(`add chain inet ${name} d\n`);
    assert.match(list(), /chain d/);
  });

  it('a large script goes to nft -f, still one transaction', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `add chain inet ${name} big-${i}`);
    await table.apply(`${lines.join('\n')}\n`);
    assert.equal(list().match(/chain big-/g)?.length, 2000);
  });
});
