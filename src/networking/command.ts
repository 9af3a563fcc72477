// Runs the host's networking and mount tools (ip, nft, …) as child processes: namespaces, links and rules are
// changed by those programs, never from inside Node (see src/nodeagent/process/README.md).
import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';

/** Where the host's tools are looked for (and the PATH they run with). */
const SYSTEM_PATH = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** The first executable `name` in the system directories, or undefined. */
export function findProgram(name: string): string | undefined {
  for (const dir of SYSTEM_PATH) {
    const path = `${dir}/${name}`;
    try {
      accessSync(path, constants.X_OK);
      if (statSync(path).isFile()) return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

export class CommandError extends Error {
  constructor(readonly command: string, readonly code: number | string | null, readonly stderr: string) {
    super(`${command}: ${stderr.trim() || `exit ${code}`}`);
  }
}

/**
 * Runs `file args…` (with optional stdin) and resolves with its stdout; rejects with its stderr. `onSpawn` learns the
 * child's pid before it reads its input (e.g. to recognise its own changes in `nft monitor`).
 */
export function run(file: string, args: string[], opts: { input?: string; timeoutMs?: number; onSpawn?: (pid: number) => void } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { timeout: opts.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024, env: { PATH: SYSTEM_PATH.join(':'), LC_ALL: 'C' } }, (err, stdout, stderr) => {
      if (err) reject(new CommandError(`${file} ${args.join(' ')}`.slice(0, 300), (err as NodeJS.ErrnoException).code ?? null, stderr || err.message));
      else resolve(stdout);
    });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    if (opts.input !== undefined) {
      child.stdin!.on('error', () => { /* the program exited without reading; its exit status says why */ });
      child.stdin!.end(opts.input);
    }
  });
}

/** Like run, but a failure is ignored (cleanup of things that may already be gone). */
export async function runQuiet(file: string, args: string[], opts: { input?: string } = {}): Promise<string | undefined> {
  try {
    return await run(file, args, opts);
  } catch {
    return undefined;
  }
}

/** Several `ip` commands in one process (`ip -batch -`); `-force` goes on after a failing line. */
export function ipBatch(lines: string[], opts: { force?: boolean; netnsPid?: number } = {}): Promise<string> {
  const args = ['-batch', '-'];
  if (opts.force) args.unshift('-force');
  if (opts.netnsPid !== undefined) return run('nsenter', ['-t', String(opts.netnsPid), '-n', 'ip', ...args], { input: lines.join('\n') + '\n' });
  return run('ip', args, { input: lines.join('\n') + '\n' });
}
