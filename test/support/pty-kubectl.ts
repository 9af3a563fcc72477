// Runs a real kubectl under a pseudo-terminal (node-pty), as a user at a terminal would: `exec -it` and `run -it`
// see a TTY, go raw, send the terminal size and follow resizes (SIGWINCH).
import { createRequire } from 'node:module';
import type * as NodePty from 'node-pty';

const pty = createRequire(import.meta.url)('node-pty') as typeof NodePty;

export interface TerminalSession {
  /** Everything kubectl wrote to the terminal so far. */
  output(): string;
  type(text: string): void;
  resize(cols: number, rows: number): void;
  /** Resolves once `text` appeared in the output (rejects after timeoutMs). */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<{ exitCode: number; signal?: number }>;
  kill(): void;
}

export function kubectlInTerminal(bin: string, args: string[], env: Record<string, string>, size = { cols: 101, rows: 33 }): TerminalSession {
  const term = pty.spawn(bin, args, { name: 'xterm', cols: size.cols, rows: size.rows, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm', ...env } });
  let out = '';
  const waiters = new Set<() => void>();
  term.onData((d) => {
    out += d;
    for (const w of [...waiters]) w();
  });
  const exited = new Promise<{ exitCode: number; signal?: number }>((resolve) => term.onExit((e) => resolve(e)));
  return {
    output: () => out,
    type: (text) => term.write(text),
    resize: (cols, rows) => term.resize(cols, rows),
    waitFor: (text, timeoutMs = 20_000) => new Promise<void>((resolve, reject) => {
      const check = () => {
        if (typeof text === 'string' ? out.includes(text) : text.test(out)) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`terminal never showed ${String(text)}; it shows: ${JSON.stringify(out)}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    }),
    exited,
    kill: () => term.kill('SIGKILL'),
  };
}
