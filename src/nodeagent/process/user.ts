// The user a container runs as, as containerd's WithUser/WithAdditionalGIDs work it out: the image's USER
// (`name`, `uid`, `name:group`, `uid:gid`) resolved in the container's /etc/passwd and /etc/group — the image
// layer's copy if it has one, else the host's, which is the container's root here — overridden by
// runAsUser/runAsGroup; supplementary groups from /etc/group plus the pod's supplementalGroups and fsGroup.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProcessUser {
  uid: number;
  gid: number;
  groups: number[];
}

interface PasswdEntry { name: string; uid: number; gid: number }
interface GroupEntry { name: string; gid: number; members: string[] }

function readDb(roots: string[], file: string): string {
  for (const root of roots) {
    try {
      return readFileSync(join(root, file), 'utf8');
    } catch {
      // not in this layer: the next one
    }
  }
  return '';
}

function passwd(roots: string[]): PasswdEntry[] {
  return readDb(roots, 'etc/passwd').split('\n').map((l) => l.split(':')).filter((f) => f.length >= 4)
    .map((f) => ({ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]) }));
}

function groups(roots: string[]): GroupEntry[] {
  return readDb(roots, 'etc/group').split('\n').map((l) => l.split(':')).filter((f) => f.length >= 3)
    .map((f) => ({ name: f[0]!, gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) }));
}

export class UserError extends Error {}

/**
 * `roots`: directories holding the container's /etc (image layer first, then `/`). Throws UserError with
 * containerd's wording when a named user or group does not exist.
 */
export function resolveUser(opts: { imageUser?: string; runAsUser?: number; runAsGroup?: number; supplementalGroups?: number[]; fsGroup?: number; roots: string[] }): ProcessUser {
  const users = passwd(opts.roots);
  let uid = 0;
  let gid: number | undefined;
  let name: string | undefined;
  const [userPart, groupPart] = (opts.imageUser ?? '').split(':');
  if (userPart) {
    if (/^\d+$/.test(userPart)) {
      uid = Number(userPart);
    } else {
      const u = users.find((e) => e.name === userPart);
      if (!u) throw new UserError(`unable to find user ${userPart}: no matching entries in passwd file`);
      uid = u.uid;
      gid = u.gid;
      name = u.name;
    }
  }
  if (groupPart) {
    if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else {
      const g = groups(opts.roots).find((e) => e.name === groupPart);
      if (!g) throw new UserError(`unable to find group ${groupPart}: no matching entries in group file`);
      gid = g.gid;
    }
  }
  if (opts.runAsUser !== undefined) {
    uid = opts.runAsUser;
    name = undefined;
    gid = undefined;
  }
  const entry = users.find((e) => e.uid === uid);
  name ??= entry?.name;
  gid = opts.runAsGroup ?? gid ?? entry?.gid ?? 0;
  const extra = new Set<number>();
  if (name) for (const g of groups(opts.roots)) if (g.members.includes(name) && g.gid !== gid) extra.add(g.gid);
  for (const g of opts.supplementalGroups ?? []) extra.add(g);
  if (opts.fsGroup !== undefined) extra.add(opts.fsGroup);
  return { uid, gid, groups: [...extra] };
}
