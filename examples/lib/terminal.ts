// Runs one shell command the way a learner runs it at a terminal: `bash -c` under a pseudo-terminal (node-pty), so
// `kubectl exec -it` gets its TTY, stdout and stderr interleave as they would on screen, and a watch
// (`kubectl get pod -w`) can be stopped with Ctrl-C. Lines can be typed at a prompt (an interactive `mysql` session).
import { createRequire } from 'node:module';
import type * as NodePty from 'node-pty';

const pty = createRequire(import.meta.url)('node-pty') as typeof NodePty;

export interface TerminalOptions {
  cwd: string;
  env: Record<string, string>;
  /** Lines typed one at a time, each once `prompt` shows after what was typed before. */
  input?: { prompt: RegExp; lines: string[] };
  /** Ctrl-C as soon as the output so far satisfies this (how a learner ends `kubectl get -w`). */
  interruptWhen?: (output: string) => boolean;
  timeoutMs: number;
}

export interface TerminalRun {
  /** What the screen showed: carriage returns and terminal control sequences removed. */
  output: string;
  exitCode: number;
  interrupted: boolean;
}

export class TerminalTimeout extends Error {
  constructor(readonly command: string, readonly output: string, timeoutMs: number) {
    super(`\`${command}\` did not finish in ${Math.round(timeoutMs / 1000)} s; the screen shows:\n${screenText(output)}`);
  }
}

// Wide enough that kubectl's tables and mysql's result grids never wrap.
const COLUMNS = 250;
const ROWS = 50;
/** How long the screen stays still after a prompt before the next line is typed. */
const PROMPT_SETTLE_MS = 150;

export function runInTerminal(command: string, opts: TerminalOptions): Promise<TerminalRun> {
  const term = pty.spawn('/bin/bash', ['-c', command], {
    name: 'xterm', cols: COLUMNS, rows: ROWS, cwd: opts.cwd,
    env: { TERM: 'xterm', LANG: 'C.UTF-8', ...opts.env },
  });
  return new Promise((resolve, reject) => {
    let raw = '';
    let typed = 0;
    let since = 0; // where the output after the last typed line starts
    let interrupted = false;
    const timer = setTimeout(() => {
      term.kill('SIGKILL');
      reject(new TerminalTimeout(command, raw, opts.timeoutMs));
    }, opts.timeoutMs);
    // A line is typed once the prompt has shown and the screen stayed still for a moment, as a person types: a
    // line typed the instant the prompt appeared could reach the terminal before the program's line editor took
    // it over, and the terminal's own echo then put it on a line of its own.
    let typing: NodeJS.Timeout | undefined;
    const promptShows = () => !!opts.input && typed < opts.input.lines.length && opts.input.prompt.test(screenText(raw.slice(since)));
    const typeNext = () => {
      typing = undefined;
      if (!promptShows()) return;
      since = raw.length;
      term.write(`${opts.input!.lines[typed++]}\r`);
    };
    term.onData((d) => {
      raw += d;
      if (typing) clearTimeout(typing);
      typing = promptShows() ? setTimeout(typeNext, PROMPT_SETTLE_MS) : undefined;
      if (!interrupted && opts.interruptWhen?.(screenText(raw))) {
        interrupted = true;
        term.write('\x03');
      }
    });
    term.onExit(({ exitCode }) => {
      clearTimeout(timer);
      if (typing) clearTimeout(typing);
      // node-pty may deliver the last output after the exit event.
      setImmediate(() => resolve({ output: screenText(raw), exitCode, interrupted }));
    });
  });
}

/** Terminal output as text: CR/LF to LF, escape sequences (colours, bracketed paste, titles) removed. */
export function screenText(raw: string): string {
  return raw
    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, '') // OSC (window titles)
    .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '') // CSI
    .replace(/\x1b[()][A-Z0-9]|\x1b[=>]/g, '')
    .replace(/\r+\n/g, '\n')
    .replace(/[^\n]*\r(?!\n)/g, '') // a line rewritten in place: what is left on screen
    .replace(/\x07|\x08/g, '');
}
