// The member API on real etcd processes (Debian's etcd-server, on 127.0.0.1 only): removing a member the operator
// knows only by name — the seed member, which joined by bootstrapping and never had a MemberAdd — finds its ID in
// etcd's member list, as etcd-operator fills IDs from MemberList.
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EtcdClientMembership } from '../../../src/operators/etcd/etcd-membership.js';

const ETCD = '/usr/bin/etcd';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function until<T>(fn: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('memberRemove without an ID removes the member etcd lists under that name', { skip: !existsSync(ETCD) && 'needs etcd (apt-get install etcd-server)', timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-etcd-membership-'));
  const procs: ChildProcess[] = [];
  const [pa, ca, pb, cb] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const url = (p: number) => `http://127.0.0.1:${p}`;
  const start = (name: string, peer: number, client: number, cluster: string, state: 'new' | 'existing') => {
    const p = spawn(ETCD, [
      '--name', name, '--data-dir', join(dir, name),
      '--listen-peer-urls', url(peer), '--initial-advertise-peer-urls', url(peer),
      '--listen-client-urls', url(client), '--advertise-client-urls', url(client),
      '--initial-cluster', cluster, '--initial-cluster-state', state,
    ], { stdio: 'ignore' });
    procs.push(p);
  };
  const api = new EtcdClientMembership();
  try {
    start('seed', pa, ca, `seed=${url(pa)}`, 'new');
    const endpoints = [url(ca)];
    await until(async () => (await api.memberList('k', endpoints)).length === 1 || undefined, 20_000);
    await api.memberAdd('k', endpoints, 'second', url(pb));
    start('second', pb, cb, `seed=${url(pa)},second=${url(pb)}`, 'existing');
    const both = [url(ca), url(cb)];
    await until(async () => (await api.memberList('k', both)).filter((m) => m.clientURLs.length).length === 2 || undefined, 20_000);
    // The seed member by name alone, asked through the other member.
    // (etcd refuses with 'unhealthy cluster' until the new member has been active for its health interval, 5 s)
    await until(async () => { await api.memberRemove('k', [url(cb)], '', 'seed'); return true; }, 30_000);
    const left = await until(async () => { const l = await api.memberList('k', [url(cb)]); return l.length === 1 ? l : undefined; }, 20_000);
    assert.deepEqual(left.map((m) => m.name), ['second']);
    // A name etcd does not list: nothing to do, no error.
    await api.memberRemove('k', [url(cb)], '', 'gone');
  } finally {
    for (const p of procs) p.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
