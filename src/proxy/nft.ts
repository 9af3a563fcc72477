// The `nft` command as the proxy uses it: every change is one script, which nftables applies as a single transaction
// (all of it or none of it), always inside the instance's own table `inet berth-<id>`. Small scripts go to a
// long-lived `nft -i` (nft-session.ts), large ones (a full sync) to a fresh `nft -f -`. The pids of the proxy's own
// nft processes are remembered so that `nft monitor` can tell its changes from anyone else's.
import { run, runQuiet } from '../networking/command.js';
import { NftSession } from './nft-session.js';

export const NFT_MISSING = "Berth's service proxy needs nftables, and the nft command was not found in /usr/sbin, /usr/bin, /sbin or /bin: install the nftables package (e.g. apt-get install nftables)";

/** How many of its own nft pids the runner remembers (a monitor event names the pid that made it). */
const REMEMBERED_PIDS = 256;
/** Scripts up to this size go to the interactive session (which reads its input slowly); larger ones to `nft -f`. */
const SESSION_MAX_BYTES = 32 * 1024;

export class NftTable {
  private readonly pids: number[] = [];
  private readonly session: NftSession;

  constructor(readonly binary: string, readonly family: 'inet', readonly name: string) {
    this.session = new NftSession(binary, `${name}-sync`, (pid) => this.remember(pid));
  }

  /** `inet berth-<id>`: how scripts name the table. */
  get ref(): string {
    return `${this.family} ${this.name}`;
  }

  /** Applies a script (one command per line) as one transaction; rejects with nft's error (nothing applied then). */
  async apply(script: string): Promise<void> {
    if (script.length <= SESSION_MAX_BYTES) return this.session.apply(script.split('\n').filter((l) => l.trim()));
    await run(this.binary, ['-f', '-'], { input: script, timeoutMs: 60_000, onSpawn: (pid) => this.remember(pid) });
  }

  /** Ends the interactive nft (the proxy is stopping). */
  close(): void {
    this.session.close();
  }

  /** Whether a change reported by `nft monitor` came from one of this runner's transactions. */
  isOwnPid(pid: number): boolean {
    return this.pids.includes(pid);
  }

  /** Removes the table and everything in it; a missing table is fine. */
  async delete(): Promise<void> {
    await run(this.binary, ['delete', 'table', this.family, this.name], { onSpawn: (pid) => this.remember(pid) }).catch(() => undefined);
  }

  /** The table as `nft list` prints it, or undefined when it does not exist. */
  async list(): Promise<string | undefined> {
    return runQuiet(this.binary, ['list', 'table', this.family, this.name]);
  }

  private remember(pid: number): void {
    this.pids.push(pid);
    if (this.pids.length > REMEMBERED_PIDS) this.pids.shift();
  }
}
