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
  /**
   * Asks the shell in the container for its terminal size (`stty size`) until it is `rows cols`; fails with every size
   * it saw. The size travels on a stream of its own, so what is typed may reach the shell before a resize does.
   */
  waitForSize(rows: number, cols: number, timeoutMs?: number): Promise<void>;
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
  let asked = 0;
  const session: TerminalSession = {
    output: () => out,
    type: (text) => term.write(text),
    resize: (cols, rows) => term.resize(cols, rows),
    async waitForSize(rows, cols, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      const seen: string[] = [];
      for (;;) {
        const marker = `size-${++asked}-`;
        const from = out.length;
        // The marker is printed as `size-N-` + `end`, so the echoed command line does not match it.
        term.write(`stty size; echo ${marker}$(echo end)\r`);
        await session.waitFor(`${marker}end`, Math.max(1000, deadline - Date.now()));
        const answer = out.slice(from, out.indexOf(`${marker}end`, from));
        const size = [...answer.matchAll(/^(\d+ \d+)\r?$/gm)].at(-1)?.[1];
        if (size) seen.push(size);
        if (size === `${rows} ${cols}`) return;
        if (Date.now() > deadline) throw new Error(`the shell's terminal never was ${rows} ${cols}: it said ${seen.join(', ')}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
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
  return session;
}
