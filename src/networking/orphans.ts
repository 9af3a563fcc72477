// What Berths that are gone left on the host and no later start will clean: a Berth killed with -9 whose data dir
// was then deleted (a test's temp dir, a killed test runner) never starts again on that dir. Its bridge stays, down
// but with its addresses and "linkdown" routes, which the kernel still chooses: a new instance given the same range
// sent the host's traffic for its pods to the dead bridge ("no route to host"). Every instance is named
// berth<id> (bridge) / berth-<id> (nftables table, cgroups) after its data dir; an id without a live instance in
// the registry is an orphan. Its unreachable routes carry no name: the registry's record of its ranges says which
// they are, so a dead instance's record stays until the sweep has removed them.
import { run, runQuiet } from './command.js';
import { forgetInstance, inOwnNetns, instanceRecords } from './instance.js';

const BRIDGE = /^berth([0-9a-f]{6})$/;
const TABLE = /^table inet berth-([0-9a-f]{6})$/;

/** Ids of berth bridges and nftables tables on the host. */
export async function instanceIdsOnHost(): Promise<{ bridges: string[]; tables: string[] }> {
  const links = JSON.parse((await run('ip', ['-j', 'link', 'show', 'type', 'bridge'])) || '[]') as { ifname: string }[];
  const bridges = links.map((l) => BRIDGE.exec(l.ifname)?.[1]).filter((id): id is string => !!id);
  let tables: string[] = [];
  try {
    tables = (await run('nft', ['list', 'tables'])).split('\n').map((l) => TABLE.exec(l.trim())?.[1]).filter((id): id is string => !!id);
  } catch {
    // no nftables: no tables of ours either
  }
  return { bridges, tables };
}

/** Removes the bridges and nftables tables of instances that are not live; returns the orphans' ids. */
export async function sweepOrphans(isLive: (id: string) => boolean): Promise<string[]> {
  const { bridges, tables } = await instanceIdsOnHost();
  const orphans = [...new Set([...bridges, ...tables])].filter((id) => !isLive(id));
  for (const id of orphans) {
    if (bridges.includes(id)) await runQuiet('ip', ['link', 'del', `berth${id}`]);
    if (tables.includes(id)) await runQuiet('nft', ['delete', 'table', 'inet', `berth-${id}`]);
  }
  await sweepDeadRoutes();
  return orphans;
}

/** The unreachable routes of instances that are gone (unless a live one holds the same range), then their records. */
async function sweepDeadRoutes(): Promise<void> {
  const { dead, live } = instanceRecords();
  const held = new Set(live.filter(inOwnNetns).flatMap((r) => [r.clusterCidr, r.serviceCidr]));
  for (const r of dead) {
    if (inOwnNetns(r)) {
      for (const cidr of [r.clusterCidr, r.serviceCidr]) if (!held.has(cidr)) await runQuiet('ip', ['route', 'del', 'unreachable', cidr]);
    }
    forgetInstance(r);
  }
}
