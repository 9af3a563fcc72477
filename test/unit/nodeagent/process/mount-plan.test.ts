// The container filesystem plan: Berth's data dir stays hidden even when a volume's host directory contains it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ContainerFilesystem, mountDirectives } from '../../../../src/nodeagent/process/mount-plan.js';

const base: ContainerFilesystem = {
  rootfs: '/c/rootfs', upper: '/c/upper', work: '/c/work', readOnlyRoot: false, privileged: false,
  hide: ['/srv/berth/.berth'], volumes: [], workingDir: '/',
};

/** The directive lists (name + arguments) in order, as pairs of [name, first argument]. */
function steps(d: string[]): string[] {
  const arity: Record<string, number> = { mount: 5, symlink: 2, mask: 1, mkdir: 1, mkfile: 1, rdonly: 1, rootfs: 1, pivot: 1, chdir: 1 };
  const out: string[] = [];
  for (let i = 0; i < d.length;) {
    const name = d[i]!;
    const n = arity[name];
    assert.ok(n !== undefined, `unknown directive ${name}`);
    out.push(`${name} ${d.slice(i + 1, i + 1 + n).join(' ')}`);
    i += 1 + n;
  }
  return out;
}

test('the data dir is masked on the root before anything else is mounted', () => {
  const s = steps(mountDirectives(base));
  const mask = s.indexOf('mask @/srv/berth/.berth');
  assert.ok(mask >= 0 && mask < s.findIndex((x) => x.startsWith('mount proc')));
});

test('a volume whose host directory holds the data dir gets it masked again inside the volume, after the bind', () => {
  const s = steps(mountDirectives({
    ...base,
    volumes: [
      { source: '/srv/berth', target: '/srv/berth', readOnly: true }, // the Berth image's installation
      { source: '/', target: '/host', readOnly: false }, // a hostPath of /
      { source: '/srv/berth/.berth', target: '/state', readOnly: false }, // the data dir itself
      { source: '/var/data', target: '/data', readOnly: false }, // unrelated
    ],
  }));
  for (const [bound, masked] of [['/srv/berth', '@/srv/berth/.berth'], ['/host', '@/host/srv/berth/.berth'], ['/state', '@/state']]) {
    const bind = s.findIndex((x) => x.startsWith('mount ') && x.split(' ')[2] === `@${bound}`);
    const mask = s.lastIndexOf(`mask ${masked}`);
    assert.ok(bind >= 0 && mask > bind, `${masked} masked after ${bound} is bound:\n${s.join('\n')}`);
  }
  assert.ok(!s.some((x) => x.startsWith('mask @/data')), 'an unrelated volume is left alone');
});
