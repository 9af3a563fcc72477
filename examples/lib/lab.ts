// The lab runner: a lab is a sequence of the commands its README shows, each run as a learner runs it (a shell at a
// terminal, in the lab's folder, against the cluster of KUBECONFIG) and checked for what its output means — names,
// order, values — by the lab's script. Everything shown on screen is kept as the transcript, which the README must
// match. Checks that need more than the screen read the API quietly (`lab.json`); they are not part of the transcript.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInTerminal, TerminalTimeout } from './terminal.js';
import type { Entry, Normalizer } from './transcript.js';

export interface LabDefinition {
  /** The lab's folder under examples/. */
  name: string;
  title: string;
  /** Masks for outputs that change from run to run beyond the common ones (connection ids, versions…). */
  normalizers?: Normalizer[];
  run(lab: Lab): Promise<void>;
}

export interface LabOptions {
  kubeconfig: string;
  /** HOME for the commands (kubectl's cache); the caller's when unset. */
  home?: string;
  /** Directories put in front of PATH (e.g. where a helm binary is). */
  path?: string[];
  /**
   * Stops Berth as Ctrl-C does and starts it again on the same data dir; resolves once it answers. Without it the
   * restart steps are skipped (and said to be).
   */
  restart?: () => Promise<void>;
  /** Each transcript entry as it happens (the standalone runner prints them). */
  onEntry?: (entry: Entry, section: string) => void;
  log?: (line: string) => void;
  /** Multiplies every timeout (slow machines). */
  timeScale?: number;
}

export class LabError extends Error {}

/** One command's run: what the screen showed and the exit code. */
export class Result {
  constructor(readonly command: string, readonly output: string, readonly code: number) {}

  lines(): string[] {
    return this.output.split('\n').filter((l) => l.trim() !== '');
  }

  /** The output as a kubectl table: one object per row, keyed by the header's column names. */
  table(): Record<string, string>[] {
    const lines = this.lines().filter((l) => !/^(Defaulted container|Warning:)/.test(l));
    const header = lines.findIndex((l) => /^[A-Z][A-Z -]*[A-Z]( |$)/.test(l));
    if (header < 0) throw new LabError(`\`${this.command}\` printed no table:\n${this.output}`);
    // Column starts: where each header word begins after two or more blanks (headers such as "NOMINATED NODE").
    const head = lines[header];
    const starts: number[] = [0];
    for (const m of head.matchAll(/ {2,}(\S)/g)) starts.push(m.index! + m[0].length - 1);
    const names = starts.map((s, i) => head.slice(s, starts[i + 1] ?? undefined).trim());
    return lines.slice(header + 1).map((l) => Object.fromEntries(names.map((n, i) => [n, l.slice(starts[i], starts[i + 1] ?? undefined).trim()])));
  }

  column(name: string): string[] {
    return this.table().map((r) => {
      if (!(name in r)) throw new LabError(`\`${this.command}\` has no column ${name}`);
      return r[name];
    });
  }
}

export interface StepOptions {
  /** Run again (every 2 s) until this holds; the transcript keeps the last run. */
  until?: (r: Result) => boolean;
  timeoutMs?: number;
  /** Lines typed at the prompt, one at a time (an interactive session). */
  type?: string[];
  prompt?: RegExp;
  /** Ctrl-C once the output so far satisfies this (ends a watch). */
  interruptWhen?: (output: string) => boolean;
  /** The exit code the step must end with (default 0; an interrupted watch is not checked). */
  exitCode?: number;
  /** The output's lines come in no fixed order. */
  unordered?: boolean;
}

export const RESTART_COMMAND = '# Ctrl-C in the terminal of `berth up`, then start it again the same way';

export class Lab {
  readonly dir: string;
  readonly sections: { title: string; entries: Entry[] }[] = [{ title: '', entries: [] }];
  /** Commands left out of this run (a restart nobody could do). */
  readonly skipped = new Set<string>();
  private readonly env: Record<string, string>;
  private readonly scale: number;

  constructor(readonly definition: LabDefinition, readonly options: LabOptions) {
    this.dir = labDir(definition.name);
    const path = [...(options.path ?? []), process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin'].join(':');
    this.env = { PATH: path, HOME: options.home ?? process.env.HOME ?? '/root', KUBECONFIG: options.kubeconfig };
    this.scale = options.timeScale ?? 1;
  }

  get transcript(): Entry[] {
    return this.sections.flatMap((s) => s.entries);
  }

  /** Starts a README section (the transcript entries that follow go under this title). */
  section(title: string): void {
    this.sections.push({ title, entries: [] });
    this.options.log?.(`== ${title}`);
  }

  /** Runs a command as the learner does and records it; fails when it exits otherwise than expected. */
  async sh(command: string, opts: StepOptions = {}): Promise<Result> {
    const timeoutMs = (opts.timeoutMs ?? (opts.until ? 240_000 : 120_000)) * this.scale;
    const deadline = Date.now() + timeoutMs;
    let last: { output: string; exitCode: number; ms: number } | undefined;
    for (;;) {
      // Not enough time left for another run as long as the last one: report what the last run showed.
      if (opts.until && last && Date.now() + last.ms + 2000 > deadline) {
        throw new LabError(`\`${command}\` never showed what the lab waits for in ${Math.round(timeoutMs / 1000)} s; last output (exit ${last.exitCode}):\n${last.output}`);
      }
      const started = Date.now();
      let run;
      try {
        run = await runInTerminal(command, {
          cwd: this.dir, env: this.env, timeoutMs: Math.max(1000, deadline - Date.now()),
          input: opts.type ? { prompt: opts.prompt ?? /[>#$] $/, lines: opts.type } : undefined,
          interruptWhen: opts.interruptWhen,
        });
      } catch (e) {
        if (e instanceof TerminalTimeout) throw new LabError(e.message);
        throw e;
      }
      const result = new Result(command, run.output, run.exitCode);
      const codeOk = run.interrupted || run.exitCode === (opts.exitCode ?? 0);
      if (opts.until && !(codeOk && safe(() => opts.until!(result)))) {
        last = { output: run.output, exitCode: run.exitCode, ms: Date.now() - started };
        await sleep(2000);
        continue;
      }
      if (!codeOk) throw new LabError(`\`${command}\` exited with ${run.exitCode}${opts.exitCode !== undefined ? ` (expected ${opts.exitCode})` : ''}:\n${run.output}`);
      this.record({ command, output: run.output, ...(opts.unordered ? { unordered: true } : {}) });
      return result;
    }
  }

  /** Runs a command off the record (no terminal) and returns its stdout; fails on a non-zero exit. */
  quiet(command: string, timeoutMs = 60_000): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile('/bin/bash', ['-c', command], { cwd: this.dir, env: this.env, timeout: timeoutMs * this.scale, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (err) reject(new LabError(`\`${command}\` failed: ${stderr || err.message}`));
        else resolve(stdout);
      });
    });
  }

  /**
   * Starts a long-running command off the record (a watch) and collects its stdout; `stop()` ends it. It also ends by
   * itself after `timeoutMs`, so a lab that fails midway leaves nothing running.
   */
  background(command: string, timeoutMs = 900_000): { output(): string; stop(): void } {
    const child = spawn('/bin/bash', ['-c', command], { cwd: this.dir, env: this.env, detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    const stop = () => {
      clearTimeout(timer);
      if (child.exitCode === null && child.pid) try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
    };
    const timer = setTimeout(stop, timeoutMs * this.scale);
    // Nothing here keeps the lab's process alive; when it exits, the command goes with it.
    timer.unref();
    child.unref();
    (child.stdout as unknown as { unref(): void }).unref();
    process.once('exit', stop);
    return { output: () => out, stop: () => { process.removeListener('exit', stop); stop(); } };
  }

  /** A kubectl command's `-o json` output, off the record. */
  async json<T>(kubectlArgs: string): Promise<T> {
    return JSON.parse(await this.quiet(`kubectl ${kubectlArgs} -o json`)) as T;
  }

  /** Polls `fn` off the record until it returns a truthy value. */
  async waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 180_000): Promise<T> {
    const deadline = Date.now() + timeoutMs * this.scale;
    let last: unknown;
    for (;;) {
      try {
        const v = await fn();
        if (v) return v;
      } catch (e) {
        last = e;
      }
      if (Date.now() > deadline) throw new LabError(`waited ${Math.round((timeoutMs * this.scale) / 1000)} s for ${what}${last ? `: ${last instanceof Error ? last.message : String(last)}` : ''}`);
      await sleep(1000);
    }
  }

  /** The learner stops Berth with Ctrl-C and starts it again; the pods come back as after a node reboot. */
  async restartBerth(): Promise<void> {
    this.record({ command: RESTART_COMMAND, output: '' });
    if (!this.options.restart) {
      this.skipped.add(RESTART_COMMAND);
      this.options.log?.('(restart skipped: this run does not control Berth)');
      return;
    }
    await this.options.restart();
    await this.waitFor('the API server after the restart', async () => (await this.quiet('kubectl get --raw /readyz')).trim() === 'ok', 60_000);
    // The Berth that came back must run real pods too (a restart with another runtime would simulate the rest).
    await assertRealRuntime(this);
  }

  private record(entry: Entry): void {
    const section = this.sections[this.sections.length - 1];
    section.entries.push(entry);
    this.options.onEntry?.(entry, section.title);
  }
}

/** Fails the lab with `message` unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new LabError(message);
}

/** Fails unless `actual` equals `expected` (compared as JSON); `what` names the value in the message. */
export function same<T>(actual: T, expected: T, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new LabError(`${what}: expected ${e}, got ${a}`);
}

/** Runs a lab: checks the cluster runs real pods, runs the steps, checks again that every pod was a real process. */
export async function runLab(definition: LabDefinition, options: LabOptions): Promise<Lab> {
  const lab = new Lab(definition, options);
  await assertRealRuntime(lab);
  await definition.run(lab);
  await assertRealRuntime(lab);
  return lab;
}

interface NodeList { items: { metadata: { name: string }; status?: { nodeInfo?: { containerRuntimeVersion?: string } } }[] }
interface PodList { items: { metadata: { namespace: string; name: string }; status?: { containerStatuses?: { containerID?: string }[]; initContainerStatuses?: { containerID?: string }[] } }[] }

/** Labs run on real processes only: every node must be the process runtime's, every container a process. */
export async function assertRealRuntime(lab: Lab): Promise<void> {
  const nodes = await lab.json<NodeList>('get nodes');
  check(nodes.items.length > 0, 'the cluster has no nodes');
  for (const n of nodes.items) {
    const rt = n.status?.nodeInfo?.containerRuntimeVersion ?? '';
    check(rt.startsWith('berth://'), `node ${n.metadata.name} runs ${rt || 'no runtime'}: the labs need real pods (berth up --runtime process, as root)`);
  }
  const pods = await lab.json<PodList>('get pods --all-namespaces');
  for (const p of pods.items) {
    for (const s of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
      check(!s.containerID || s.containerID.startsWith('berth://'), `pod ${p.metadata.namespace}/${p.metadata.name} has a simulated container (${s.containerID})`);
    }
  }
}

/** The lab's source folder (manifests, README), whether the script runs compiled (dist/examples/…) or from source. */
export function labDir(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
  const folder = join(dir, 'examples', name);
  if (!existsSync(folder)) throw new Error(`no lab folder ${folder}`);
  return folder;
}

export const isMain = (metaUrl: string) => !!process.argv[1] && fileURLToPath(metaUrl).replace(/\.ts$/, '.js') === process.argv[1].replace(/\.ts$/, '.js');

function safe(fn: () => boolean): boolean {
  try {
    return fn();
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
