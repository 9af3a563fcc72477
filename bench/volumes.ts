// Binding benchmark: N claims against N static PVs with the binder's VolumeIndex versus upstream's matching
// written plainly (every PV looked at for every claim), in one process. Both must choose the same volumes.
// Run: node dist/bench/volumes.js [N=1000] [rounds=5]
import { performance } from 'node:perf_hooks';
import { naiveFindBestMatch } from '../src/volume/matching.js';
import type { PersistentVolume, PersistentVolumeClaim } from '../src/volume/types.js';
import { VolumeIndex } from '../src/volume/volume-index.js';

const N = Number(process.argv[2] ?? 1000);
const ROUNDS = Number(process.argv[3] ?? 5);
const MODE_SETS = [['ReadWriteOnce'], ['ReadWriteOnce', 'ReadOnlyMany'], ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany']];

function fixtures(n: number): { volumes: PersistentVolume[]; claims: PersistentVolumeClaim[] } {
  const volumes: PersistentVolume[] = [], claims: PersistentVolumeClaim[] = [];
  for (let i = 0; i < n; i++) {
    volumes.push({
      metadata: { name: `pv-${String(i).padStart(5, '0')}`, labels: { rack: `r${i % 4}` } },
      spec: { capacity: { storage: `${1 + ((i * 7) % 50)}Gi` }, accessModes: MODE_SETS[i % 3], persistentVolumeReclaimPolicy: 'Retain' },
      status: { phase: 'Available' },
    });
    claims.push({
      metadata: { name: `data-${i}`, namespace: 'bench', uid: `uid-${i}` },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: `${1 + ((i * 13) % 40)}Gi` } } },
    });
  }
  return { volumes, claims };
}

const bindTo = (pv: PersistentVolume, c: PersistentVolumeClaim): PersistentVolume => ({
  ...pv, spec: { ...pv.spec, claimRef: { namespace: c.metadata.namespace, name: c.metadata.name, uid: c.metadata.uid } }, status: { phase: 'Bound' },
});

function runIndexed(n: number): { ms: number; chosen: (string | undefined)[] } {
  const { volumes, claims } = fixtures(n);
  const t0 = performance.now();
  const index = new VolumeIndex();
  for (const v of volumes) index.upsert(v);
  const chosen = claims.map((c) => {
    const pv = index.findBestMatch(c);
    if (pv) index.upsert(bindTo(pv, c));
    return pv?.metadata.name;
  });
  return { ms: performance.now() - t0, chosen };
}

function runNaive(n: number): { ms: number; chosen: (string | undefined)[] } {
  const { volumes, claims } = fixtures(n);
  const t0 = performance.now();
  const byName = new Map(volumes.map((v, i) => [v.metadata.name, i]));
  const chosen = claims.map((c) => {
    const pv = naiveFindBestMatch(c, volumes);
    if (pv) volumes[byName.get(pv.metadata.name)!] = bindTo(pv, c);
    return pv?.metadata.name;
  });
  return { ms: performance.now() - t0, chosen };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const indexed: number[] = [], naive: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const a = runIndexed(N), b = runNaive(N);
  if (JSON.stringify(a.chosen) !== JSON.stringify(b.chosen)) throw new Error('indexed and naive matching chose different volumes');
  indexed.push(a.ms);
  naive.push(b.ms);
  if (r === 0) console.log(`claims ${N}, volumes ${N}: ${a.chosen.filter(Boolean).length} bound, ${a.chosen.filter((x) => !x).length} left Pending`);
}
const mi = median(indexed), mn = median(naive);
console.log(`indexed binder : ${mi.toFixed(1)} ms (median of ${ROUNDS})`);
console.log(`naive O(n²)    : ${mn.toFixed(1)} ms (median of ${ROUNDS})`);
console.log(`speed-up       : ${(mn / mi).toFixed(1)}x`);
