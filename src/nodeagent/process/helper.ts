// Starting berth-run (native/berth-run.c): the directives it carries out, and the process it becomes. With pipes
// the helper reports on fd 3 (`pid`, `exit`, `signal`, `error`); under a terminal (node-pty) there is no fd 3, so
// the program's pid is read from /proc and a start failure shows as exit code 127 with the message on the terminal.
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** The helper binary, built by tools/build-native.sh into dist/native/. */
export const HELPER_PATH = fileURLToPath(new URL('../../../native/berth-run', import.meta.url));

export const helperAvailable = () => existsSync(HELPER_PATH);

export interface ExitStatus {
  /** The program's exit code; 128+n when a signal killed it. */
  exitCode: number;
  signal?: number;
}

/** A failure of the helper before the program ran (a mount, a missing executable): StartError / CreateContainerError. */
export class StartError extends Error {}

export interface Launched {
  /** The helper's pid: the relay when it forked, else the program itself. */
  readonly pid: number;
  /** The program's host pid once it runs; rejects with StartError when it could not be started. */
  readonly started: Promise<number>;
  readonly exited: Promise<ExitStatus>;
  /** Set once it exited. */
  readonly exitStatus?: ExitStatus;
  readonly stdin?: Writable;
  readonly stdout?: Readable;
  readonly stderr?: Readable;
  /** The terminal, when launched with one. */
  readonly pty?: import('node-pty').IPty;
  /** With receiveSocket: the socket the helper handed over; rejects when it exits without one. */
  readonly socket?: Promise<Socket>;
  /** Sends a signal to the helper; the relay forwards catchable ones to the program, SIGKILL takes both down. */
  kill(signal: NodeJS.Signals): void;
}

export interface LaunchOptions {
  /** The program's environment (the helper passes it on unchanged). */
  env: Record<string, string>;
  /** Keep a stdin pipe open (stdin: true containers, exec -i). */
  stdin?: boolean;
  /** Run under a new terminal of this size instead of pipes. */
  tty?: { cols: number; rows: number };
  /** Directives run with fd 3 closed (nothing to report to). */
  quiet?: boolean;
  /** Open a Node IPC channel (fd 5, NODE_CHANNEL_FD) on which the helper can hand over a socket (`handoff`). */
  receiveSocket?: boolean;
}

/** A signal's number (SIGTERM → 15); 15 for names this platform does not know. */
export function signalNumber(name: string): number {
  return (constants.signals as Record<string, number>)[name] ?? 15;
}

/**
 * The first socket the helper hands over on its IPC channel (Node's own handle passing: the fd arrives as SCM_RIGHTS
 * with a NODE_HANDLE message and becomes a net.Socket); the channel is closed then, which lets the helper exit.
 */
function receiveSocket(child: ChildProcess): Promise<Socket> {
  const got = new Promise<Socket>((resolve, reject) => {
    child.on('message', (_msg, handle) => {
      if (!handle || !('remoteAddress' in handle)) return;
      resolve(handle as Socket);
      if (child.connected) child.disconnect();
    });
    child.once('close', () => reject(new Error('the helper handed over no socket')));
    child.once('error', reject);
  });
  got.catch(() => {});
  return got;
}

/** Spawns berth-run with `directives` (see berth-run.c for the list). */
export function launch(directives: string[], opts: LaunchOptions): Launched {
  if (opts.tty) return launchPty(directives, opts, opts.tty);
  // The directives travel on fd 4 (`berth-run -`), which keeps `ps` readable.
  const child: ChildProcess = spawn(HELPER_PATH, ['-'], {
    env: opts.env,
    stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe', opts.quiet ? 'ignore' : 'pipe', 'pipe', ...(opts.receiveSocket ? ['ipc' as const] : [])],
  });
  const socket = opts.receiveSocket ? receiveSocket(child) : undefined;
  const spec = child.stdio[4] as Writable | null;
  spec?.on('error', () => {}); // a helper that failed to start
  spec?.end(directives.join('\0'));
  let pidSeen: number | undefined;
  let error: string | undefined;
  let finalStatus: ExitStatus | undefined;
  const statusLines = new Promise<void>((resolve) => {
    const status = child.stdio[3] as Readable | null;
    if (!status) return resolve();
    let buf = '';
    status.setEncoding('utf8');
    status.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const [word, ...rest] = line.split(' ');
        const value = rest.join(' ');
        if (word === 'pid') pidSeen = Number(value);
        else if (word === 'error') error = value;
        else if (word === 'exit') finalStatus = { exitCode: Number(value) };
        else if (word === 'signal') finalStatus = { exitCode: 128 + Number(value), signal: Number(value) };
      }
    });
    status.on('error', () => resolve());
    status.on('close', () => resolve());
  });
  const exited = new Promise<ExitStatus>((resolve) => {
    child.on('error', (e) => {
      error ??= e.message;
      resolve({ exitCode: 127 });
    });
    child.on('close', (code, signal) => {
      void statusLines.then(() => {
        if (finalStatus) return resolve(finalStatus);
        if (signal) return resolve({ exitCode: 128 + signalNumber(signal), signal: signalNumber(signal) });
        resolve({ exitCode: code ?? 255 });
      });
    });
  });
  const started = new Promise<number>((resolve, reject) => {
    const status = child.stdio[3] as Readable | null;
    const settle = () => {
      if (error) reject(new StartError(error));
      else if (pidSeen) resolve(pidSeen);
      else resolve(child.pid ?? 0); // no fork: the helper became the program
    };
    if (!status) {
      child.once('spawn', () => resolve(child.pid ?? 0));
      child.once('error', (e) => reject(new StartError(e.message)));
      return;
    }
    // The relay reports `pid` once the program exec'd; without a fork, the fd closes at exec.
    status.on('data', () => { if (pidSeen || error) settle(); });
    status.on('close', settle);
  });
  started.catch(() => {});
  let exitStatus: ExitStatus | undefined;
  void exited.then((st) => { exitStatus = st; });
  return {
    get pid() { return child.pid ?? 0; },
    get exitStatus() { return exitStatus; },
    started, exited,
    stdin: child.stdin ?? undefined,
    stdout: child.stdout ?? undefined,
    stderr: child.stderr ?? undefined,
    socket,
    kill: (signal) => {
      try {
        child.kill(signal);
      } catch {
        // already gone
      }
    },
  };
}

function launchPty(directives: string[], opts: LaunchOptions, size: { cols: number; rows: number }): Launched {
  // Loaded only for terminals: node-pty is native code that most starts never need.
  const pty = createRequire(import.meta.url)('node-pty') as typeof import('node-pty');
  const term = pty.spawn(HELPER_PATH, directives, { name: 'xterm', cols: size.cols, rows: size.rows, env: opts.env, encoding: null } as import('node-pty').IPtyForkOptions);
  const exited = new Promise<ExitStatus>((resolve) => {
    term.onExit(({ exitCode, signal }) => {
      if (signal) resolve({ exitCode: 128 + signal, signal });
      else resolve({ exitCode });
    });
  });
  const started = (async () => {
    for (let i = 0; i < 200; i++) {
      const child = childOf(term.pid);
      if (child) return child;
      if (!existsSync(`/proc/${term.pid}`)) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    return term.pid;
  })();
  let exitStatus: ExitStatus | undefined;
  void exited.then((st) => { exitStatus = st; });
  return {
    pid: term.pid, started, exited, pty: term,
    get exitStatus() { return exitStatus; },
    kill: (signal) => {
      try {
        process.kill(term.pid, signal);
      } catch {
        // already gone
      }
    },
  };
}

/** The first child of `pid` (the relay's program), from /proc. */
export function childOf(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    const first = Number(text.split(/\s+/)[0]);
    return first > 0 ? first : undefined;
  } catch {
    return undefined;
  }
}
