// Runs one course lab (examples/<lab>/lab.ts) end to end on a Berth of its own with real pods: the lab's own checks,
// a Ctrl-C restart of Berth where the lab asks for one (stop with SIGINT, start again on the same data dir and
// ranges), and then the lab's README must show the transcript this run saw.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { Lab, LabDefinition, runLab } from '../../../examples/lib/lab.js';
import { compareTranscripts, readmeTranscript, renderTranscript } from '../../../examples/lib/transcript.js';
import { kubectl } from '../harness.js';
import { needsPrograms, needsRealPods, RealCluster, startRealCluster } from '../process/harness.js';

export interface LabRun {
  lab: Lab;
  cluster: RealCluster;
}

export async function runLabOnRealCluster(t: TestContext, definition: LabDefinition, opts: { programs?: string[]; args?: string[]; path?: string[] } = {}): Promise<LabRun | undefined> {
  if (!needsRealPods(t) || !needsPrograms(t, ...(opts.programs ?? []))) return undefined;
  let cluster = await startRealCluster({ args: opts.args });
  const ranges = { clusterCidr: cluster.clusterCidr, serviceCidr: cluster.serviceCidr };
  const { dataDir, home } = cluster;
  t.after(async () => {
    await cluster.stop();
    cluster.cleanup();
  });
  let restarts = 0;
  const lab = await runLab(definition, {
    kubeconfig: cluster.kubeconfig, home, path: opts.path,
    log: process.env.BERTH_LABS_VERBOSE ? (l) => console.log(l) : undefined,
    onEntry: process.env.BERTH_LABS_VERBOSE ? (e) => console.log(`$ ${e.command}\n${e.output}`) : undefined,
    restart: async () => {
      await cluster.stop();
      cluster = await startRealCluster({ dataDir, ranges, args: opts.args });
      restarts++;
    },
  }).catch(async (e) => {
    throw new Error(`lab ${definition.name}: ${e instanceof Error ? e.message : String(e)}${await restartedContainers(cluster)}${podDeletions(dataDir)}`);
  });
  t.diagnostic(`lab ${definition.name}: ${lab.transcript.length} steps, ${restarts} Berth restart(s)`);
  if (process.env.BERTH_LABS_TRANSCRIPT) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(process.env.BERTH_LABS_TRANSCRIPT, `${definition.name}.md`), renderTranscript(lab.sections));
  }
  const readme = readmeTranscript(readFileSync(join(lab.dir, 'README.md'), 'utf8'));
  assert.ok(readme.length > 0, `examples/${definition.name}/README.md has no transcript`);
  const differences = compareTranscripts(readme, lab.transcript, definition.normalizers, lab.skipped);
  if (differences.length) t.diagnostic(await restartedContainers(cluster));
  assert.deepEqual(differences, [], `examples/${definition.name}/README.md differs from what the lab saw`);
  return { lab, cluster };
}

interface AuditEvent {
  stage?: string; verb?: string; stageTimestamp?: string; userAgent?: string; user?: { username?: string };
  objectRef?: { resource?: string; subresource?: string; namespace?: string; name?: string }; responseStatus?: { code?: number };
}

/** For a failed lab: who deleted or evicted pods, from the audit log (a lab whose pods vanish says by whom). */
function podDeletions(dataDir: string): string {
  let lines: string[];
  try {
    lines = readFileSync(join(dataDir, 'audit', 'audit.log'), 'utf8').split('\n');
  } catch {
    return '';
  }
  const rows: string[] = [];
  for (const line of lines) {
    if (!line.includes('"pods"')) continue;
    const e = JSON.parse(line) as AuditEvent;
    const ref = e.objectRef ?? {};
    const deletes = (e.verb === 'delete' || e.verb === 'deletecollection') && !ref.subresource;
    const evicts = e.verb === 'create' && ref.subresource === 'eviction';
    if (ref.resource !== 'pods' || e.stage !== 'ResponseComplete' || !(deletes || evicts)) continue;
    rows.push(`${e.stageTimestamp} ${e.verb}${evicts ? ' (eviction)' : ''} ${ref.namespace}/${ref.name ?? '*'} by ${e.user?.username} (${e.userAgent}) → ${e.responseStatus?.code}`);
  }
  return rows.length ? `\npod deletions (audit log, last 30):\n${rows.slice(-30).join('\n')}` : '';
}

interface PodList { items: { metadata: { namespace: string; name: string }; status?: { initContainerStatuses?: ContainerStatus[]; containerStatuses?: ContainerStatus[] } }[] }
interface ContainerStatus { name: string; restartCount: number; lastState?: { terminated?: { exitCode: number; reason?: string } } }

/** For a failed lab: every container that restarted, how its last run ended and the end of that run's log. */
async function restartedContainers(cluster: RealCluster): Promise<string> {
  try {
    const pods = JSON.parse((await kubectl(cluster, ['get', 'pods', '-A', '-o', 'json'])).stdout) as PodList;
    const out: string[] = [];
    for (const p of pods.items) {
      for (const c of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
        if (!c.restartCount) continue;
        const logs = async (...flags: string[]) => {
          const r = await kubectl(cluster, ['logs', '-n', p.metadata.namespace, p.metadata.name, '-c', c.name, '--tail=20', ...flags]);
          return (r.stdout || r.stderr).trimEnd();
        };
        out.push(`${p.metadata.namespace}/${p.metadata.name} ${c.name}: ${c.restartCount} restart(s), last run ${JSON.stringify(c.lastState?.terminated ?? {})}\n${await logs('--previous')}\n-- this run:\n${await logs()}`);
      }
    }
    return out.length ? `\nrestarted containers:\n${out.join('\n')}` : '';
  } catch {
    return ''; // the cluster is gone: nothing more to say
  }
}
