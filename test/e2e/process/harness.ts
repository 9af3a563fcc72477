// Real pods in e2e tests: `berth up --runtime process` (root on Linux only; tests skip with a clear message
// elsewhere) with pod and Service ranges of its own, so that parallel test files never collide: each cluster takes
// 10.<k>.0.0/17 for pods and 10.<k>.128.0/17 for Services, k picked at random and retried when another running
// Berth already has it (Berth refuses overlapping ranges and names the other data dir).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { instanceNames } from '../../../src/networking/instance.js';
import { clusterDnsIP } from '../../../src/registry/core-service-alloc/ranges.js';
import { Cluster, eventually, kubectl, kubectlOk, startCluster } from '../harness.js';

const HELPER = fileURLToPath(new URL('../../../native/berth-run', import.meta.url));

/** Why real-pod tests cannot run here, or undefined. */
export function realPodsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'real pods need Linux';
  if (process.getuid?.() !== 0) return 'real pods need root (run the suite as root, as CI does)';
  if (!existsSync(HELPER)) return 'the berth-run helper is not built (npm run build needs a C compiler)';
  return undefined;
}

/** Skips the test (with the reason) when real pods cannot run; true when it may go on. */
export function needsRealPods(t: TestContext): boolean {
  const why = realPodsUnavailable();
  if (why) t.skip(why);
  return !why;
}

/** Skips when a host program a test needs is missing (CI installs them in .ci/run). */
export function needsPrograms(t: TestContext, ...programs: string[]): boolean {
  const missing = programs.filter((p) => !['/usr/bin', '/usr/sbin', '/bin', '/sbin'].some((d) => existsSync(`${d}/${p}`)));
  if (missing.length) t.skip(`needs ${missing.join(', ')} (apt-get install)`);
  return missing.length === 0;
}

export interface RealCluster extends Cluster {
  clusterCidr: string;
  serviceCidr: string;
  /** The kube-dns Service IP, where Berth's DNS answers pods (and the host). */
  dnsIP: string;
}

export async function startRealCluster(opts: { args?: string[]; dataDir?: string; ranges?: { clusterCidr: string; serviceCidr: string } } = {}): Promise<RealCluster> {
  for (let attempt = 0; ; attempt++) {
    const k = opts.ranges ? 0 : 100 + Math.floor(Math.random() * 100);
    const clusterCidr = opts.ranges?.clusterCidr ?? `10.${k}.0.0/17`;
    const serviceCidr = opts.ranges?.serviceCidr ?? `10.${k}.128.0/17`;
    try {
      const c = await startCluster({ dataDir: opts.dataDir, startTimeoutMs: 60_000, args: ['--runtime', 'process', '--cluster-cidr', clusterCidr, '--service-cidr', serviceCidr, ...(opts.args ?? [])] });
      return Object.assign(c, { clusterCidr, serviceCidr, dnsIP: clusterDnsIP(serviceCidr) });
    } catch (e) {
      if (opts.ranges || attempt >= 10 || !/overlaps/.test(String(e))) throw e;
    }
  }
}

/** What kubectl needs of a cluster (the netns test's control plane is no `berth up`). */
type KubectlTarget = Pick<Cluster, 'kubeconfig' | 'home'>;

/** A pod's field through kubectl jsonpath. */
export async function podField(c: KubectlTarget, ns: string, pod: string, jsonpath: string): Promise<string> {
  return (await kubectlOk(c, ['get', 'pod', pod, '-n', ns, '-o', `jsonpath=${jsonpath}`])).trim();
}

/** Waits until the pod is Running and Ready; returns its IP. */
export async function waitReady(c: KubectlTarget, ns: string, pod: string, timeoutMs = 60_000): Promise<string> {
  try {
    await eventually(async () => (await podField(c, ns, pod, '{.status.conditions[?(@.type=="Ready")].status}')) === 'True', timeoutMs, 200);
  } catch (e) {
    throw new Error(`pod ${ns}/${pod} not Ready: ${(e as Error).message}\n${await podDiagnosis(c, ns, pod)}`);
  }
  return podField(c, ns, pod, '{.status.podIP}');
}

/** What a failed wait shows: the pod's status, its events and its logs (so a CI failure explains itself). */
export async function podDiagnosis(c: KubectlTarget, ns: string, pod: string): Promise<string> {
  const parts = await Promise.all([
    kubectl(c, ['get', 'pod', pod, '-n', ns, '-o', 'jsonpath={.status}']),
    kubectl(c, ['get', 'events', '-n', ns, '--field-selector', `involvedObject.name=${pod}`, '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']),
    kubectl(c, ['logs', pod, '-n', ns, '--all-containers', '--tail=20']),
  ]);
  return parts.map((r, i) => `${['status', 'events', 'logs'][i]}: ${r.stdout}${r.stderr}`).join('\n');
}

export async function applyYaml(c: Cluster, yaml: string, ns?: string): Promise<string> {
  return kubectlOk(c, ['apply', ...(ns ? ['-n', ns] : []), '-f', '-'], { input: yaml });
}

export async function createNamespace(c: Cluster, ns: string): Promise<void> {
  await kubectlOk(c, ['create', 'namespace', ns]);
}

/** What this Berth instance left on the host: processes in its cgroups, mounts under its data dir, its bridge and veths. */
export function hostLeftovers(c: Cluster): { processes: number; mounts: string[]; links: string[]; cgroups: string[]; routes: string[] } {
  const id = instanceId(c);
  // Every process of the instance (sandboxes, relays, pod programs) runs in its cgroup tree.
  const procs = cgroupProcesses(existsSync('/sys/fs/cgroup/cgroup.controllers') ? `/sys/fs/cgroup/berth-${id}` : `/sys/fs/cgroup/memory/berth-${id}`);
  const mounts = readFileSync('/proc/mounts', 'utf8').split('\n').filter((l) => l.includes(c.dataDir));
  const links = execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(`berth${id}`) || l.includes(`bv${id}`));
  const cgroups = ['memory', 'cpu', 'pids', ''].filter((ctl) => existsSync(`/sys/fs/cgroup/${ctl ? `${ctl}/` : ''}berth-${id}`));
  const routes = execFileSync('ip', ['-4', 'route', 'show', 'type', 'unreachable'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes((c as RealCluster).clusterCidr ?? '-') || l.includes((c as RealCluster).serviceCidr ?? '-'));
  return { processes: procs.length, mounts, links, cgroups, routes };
}

function cgroupProcesses(dir: string): number[] {
  if (!existsSync(dir)) return [];
  const out: number[] = [];
  for (const line of readFileSync(`${dir}/cgroup.procs`, 'utf8').split('\n')) if (line) out.push(Number(line));
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) out.push(...cgroupProcesses(`${dir}/${e.name}`));
  return out;
}

/** The instance id Berth derives from the data dir (names of its bridge, veths, cgroups and nftables table). */
export function instanceId(c: Cluster): string {
  return instanceNames(c.dataDir).id;
}

export { eventually, kubectl, kubectlOk };

/** A container's output as written to its CRI log file (what `kubectl logs` serves), without the CRI prefixes. */
export async function containerLog(c: Cluster, ns: string, pod: string, container: string, restart = 0): Promise<string> {
  const uid = await podField(c, ns, pod, '{.metadata.uid}');
  const file = `${c.dataDir}/logs/pods/${ns}_${pod}_${uid}/${container}/${restart}.log`;
  if (!existsSync(file)) return '';
  let out = '';
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\S+ (?:stdout|stderr) ([FP]) (.*)$/.exec(line);
    if (m) out += m[2] + (m[1] === 'F' ? '\n' : '');
  }
  return out;
}

/** Waits for a container to have terminated (this run) and returns its terminated state. */
export async function waitTerminated(c: Cluster, ns: string, pod: string, timeoutMs = 60_000): Promise<{ exitCode: number; reason?: string; message?: string; signal?: number }> {
  return eventually(async () => {
    const t = await podField(c, ns, pod, '{.status.containerStatuses[0].state.terminated}');
    return t ? JSON.parse(t) : undefined;
  }, timeoutMs, 200);
}
