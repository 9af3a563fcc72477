// The noisy neighbour (issue 19): one client lists a namespace on 8 connections in a loop while another user GETs
// one object, one request at a time; the GET's p99 is the figure, next to its p99 with nobody else around. Both
// clients are impersonated ordinary users (the admin certificate would put them in the exempt level).
import { LoadSample, newPool, runLoad, Tls } from './load.js';

export interface NoisyNeighbourResult {
  /** alice's GET p99 with nobody else around, and beside the lister (ms). */
  quietP99Ms: number;
  noisyP99Ms: number;
  noisyP50Ms: number;
  /** Lists the lister completed while alice was measured, and their p50 (ms). */
  lists: number;
  listP50Ms: number;
  /** alice's GETs that did not answer 200 (a 429 counts). */
  errors: number;
}

const p = (s: LoadSample, q: number) => s.latencies[Math.min(s.latencies.length - 1, Math.floor(s.latencies.length * q))] ?? NaN;

/** Gives the impersonated users the right to read (cluster-admin, as the e2e test does). */
export async function allowImpersonatedUsers(origin: string, tls: Tls): Promise<void> {
  const pool = newPool(origin, tls, 1);
  try {
    const res = await pool.request({
      method: 'POST', path: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ metadata: { name: 'bench-users' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'Group', name: 'system:authenticated', apiGroup: 'rbac.authorization.k8s.io' }] }),
    });
    await res.body.dump();
    if (res.statusCode !== 201 && res.statusCode !== 409) throw new Error(`clusterrolebinding: HTTP ${res.statusCode}`);
  } finally {
    await pool.destroy();
  }
}

export async function measureNoisyNeighbour(opts: { origin: string; tls: Tls; getPath: string; listPath: string; durationMs: number }): Promise<NoisyNeighbourResult> {
  const get = (user: string) => () => ({ method: 'GET' as const, path: opts.getPath, headers: { 'Impersonate-User': user } });
  const alice = (durationMs: number) => runLoad({ origin: opts.origin, tls: opts.tls, concurrency: 1, durationMs, maxRequests: 20_000, warmupMs: 250, expectStatus: 200, request: get('alice') });
  const quiet = await alice(opts.durationMs);
  const lister = runLoad({
    origin: opts.origin, tls: opts.tls, concurrency: 8, durationMs: opts.durationMs + 1500, maxRequests: 100_000, warmupMs: 1000, expectStatus: 200,
    request: () => ({ method: 'GET', path: opts.listPath, accept: 'application/json', headers: { 'Impersonate-User': 'lister' } }),
  });
  await new Promise((r) => setTimeout(r, 1000)); // the lister at full speed
  const noisy = await alice(opts.durationMs);
  const lists = await lister;
  return { quietP99Ms: p(quiet, 0.99), noisyP99Ms: p(noisy, 0.99), noisyP50Ms: p(noisy, 0.5), lists: lists.latencies.length, listP50Ms: p(lists, 0.5), errors: noisy.errors };
}
