// What the local provisioner created: PV name → directory (and the PV's UID once created), kept in
// <data-dir>/provisioner/provisioned.json (0600). Deletion consults it, so a PV someone writes by hand — even with the
// provisioner's annotation and a path under <data-dir>/volumes — never makes the provisioner delete a directory.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Entry { path: string; uid?: string }

export class ProvisionedVolumes {
  private readonly file: string;
  private entries: Record<string, Entry>;

  constructor(dataDir: string) {
    const dir = join(dataDir, 'provisioner');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = join(dir, 'provisioned.json');
    this.entries = existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, Entry>) : {};
  }

  record(pvName: string, path: string, uid?: string): void {
    this.entries[pvName] = uid ? { path, uid } : { path };
    this.save();
  }

  forget(pvName: string): void {
    if (!(pvName in this.entries)) return;
    delete this.entries[pvName];
    this.save();
  }

  /** Whether this PV (name, and UID when recorded) is the one the provisioner made for `path`. */
  owns(pvName: string, path: string, uid: string | undefined): boolean {
    const e = this.entries[pvName];
    return !!e && e.path === path && (!e.uid || e.uid === uid);
  }

  private save(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.entries), { mode: 0o600 });
    renameSync(tmp, this.file);
    chmodSync(this.file, 0o600);
  }
}
