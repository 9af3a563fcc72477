// End-to-end harness: starts the real `berth up` in a temp dir on a free port and runs the real kubectl against it.
import { ChildProcess, spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, readFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
export const KUBECTL = '/usr/bin/kubectl';
export const kubectlVersion = (minor: number) => `/usr/lib/google-cloud-sdk/bin/kubectl.1.${minor}`;

export interface Cluster {
  dataDir: string;
  home: string;
  kubeconfig: string;
  url: string;
  proc: ChildProcess;
  /** Ctrl-C style stop. */
  stop(): Promise<void>;
  /** kill -9. */
  kill(): Promise<void>;
  /** Removes the temp dir (after stop). */
  cleanup(): void;
}

export async function startCluster(opts: { dataDir?: string; args?: string[]; startTimeoutMs?: number } = {}): Promise<Cluster> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'berth-e2e-'));
  const home = join(dataDir, 'home');
  mkdirSync(home, { recursive: true });
  // Simulated pods unless a test asks for real ones (`--runtime process`, see runtime-harness.ts).
  const args = opts.args ?? [];
  const runtime = args.includes('--runtime') ? [] : ['--runtime', 'sim'];
  const proc = spawn(process.execPath, [CLI, 'up', '--data-dir', dataDir, '--port', '0', ...runtime, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (d) => { stderr += d; });
  const { kubeconfig, url } = await new Promise<{ kubeconfig: string; url: string }>((resolve, reject) => {
    let out = '';
    let kubeconfig = '';
    let timer: NodeJS.Timeout | undefined;
    const onData = (d: Buffer) => {
      out += d.toString();
      const k = /^kubeconfig: (.+)$/m.exec(out);
      const s = /^server: (.+)$/m.exec(out);
      if (k) kubeconfig = k[1];
      if (k && s) {
        proc.stdout!.off('data', onData);
        clearTimeout(timer);
        resolve({ kubeconfig, url: s[1] });
      }
    };
    proc.stdout!.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`berth up exited with ${code}: ${stderr}`)));
    // Generous: the machine is shared, and under other engineers' load a start takes well over 20 s. A server that
    // did not start is killed, or the test process would wait on it forever.
    timer = setTimeout(() => {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      reject(new Error(`berth up did not start in time: ${stderr}`));
    }, opts.startTimeoutMs ?? 60_000).unref();
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    dataDir, home, kubeconfig, url, proc,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGINT');
      await exited;
      assertNoSharedObjectWrites(stderr);
    },
    async kill() {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await exited;
    },
    cleanup() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// Watch events reach the in-process components as deeply frozen objects shared by all of them; a component that
// changes one throws a TypeError, which a reconcile loop would log and retry. Any such line fails the test.
const SHARED_OBJECT_WRITE = /Cannot (?:assign to read only property|add property|delete property|define property)|object is not extensible/;

function assertNoSharedObjectWrites(stderr: string): void {
  const line = stderr.split('\n').find((l) => SHARED_OBJECT_WRITE.test(l));
  if (line) throw new Error(`a component changed a shared watch object: ${line}`);
}

export interface KubectlResult { code: number; stdout: string; stderr: string }

export function kubectl(c: Pick<Cluster, 'kubeconfig' | 'home'>, args: string[], opts: { input?: string; bin?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = execFile(opts.bin ?? KUBECTL, args, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: c.home, KUBECONFIG: c.kubeconfig, ...(opts.env ?? {}) },
      timeout: opts.timeoutMs ?? 30000,
      maxBuffer: 16 * 1024 * 1024,
    }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (opts.input !== undefined) {
      child.stdin!.end(opts.input);
    }
  });
}

/** Runs kubectl and fails with its output when it exits non-zero. */
export async function kubectlOk(c: Pick<Cluster, 'kubeconfig' | 'home'>, args: string[], opts: Parameters<typeof kubectl>[2] = {}): Promise<string> {
  const r = await kubectl(c, args, opts);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

/** Polls until fn returns a truthy value or the time runs out. */
export async function eventually<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Credentials from the cluster's kubeconfig, for raw HTTPS requests in tests. */
export function credentials(c: Pick<Cluster, 'kubeconfig'>): { ca: string; cert: string; key: string; server: string } {
  const text = readFileSync(c.kubeconfig, 'utf8');
  const field = (name: string) => {
    const m = new RegExp(`${name}: (\\S+)`).exec(text);
    if (!m) throw new Error(`kubeconfig has no ${name}`);
    return m[1];
  };
  const b64 = (name: string) => Buffer.from(field(name), 'base64').toString('utf8');
  return { ca: b64('certificate-authority-data'), cert: b64('client-certificate-data'), key: b64('client-key-data'), server: field('server') };
}

export interface RawResponse { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** One HTTPS request with the admin client certificate (or none, with anonymous: true). */
export function rawRequest(c: Pick<Cluster, 'kubeconfig'>, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}, opts: { anonymous?: boolean; agent?: https.Agent } = {}): Promise<RawResponse> {
  const cred = credentials(c);
  const url = new URL(path, cred.server);
  return new Promise((resolve, reject) => {
    const req = https.request(url, {
      method, ca: cred.ca, ...(opts.anonymous ? {} : { cert: cred.cert, key: cred.key }),
      agent: opts.agent,
      headers: { ...(body !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) } : {}), ...headers },
    }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { data += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
