// Seed 002, operator运行etcd: the EtcdCluster `example-etcd-cluster` under Berth's EtcdCluster operator (`berth up
// --operator etcd`), which changes a real etcd cluster's membership through etcd's member API: it creates the
// members one at a time, grows 3→5 and shrinks 5→3 keeping the data, and replaces a member whose pod was deleted.
// The README shows this transcript; run it with `node dist/examples/etcd-operator/lab.js`.
import { allRunningAndReady } from '../lib/checks.js';
import { check, isMain, Lab, LabDefinition, same } from '../lib/lab.js';
import { runStandalone } from '../lib/standalone.js';

const CLUSTER = 'example-etcd-cluster';
const MEMBERS = `-l etcd_cluster=${CLUSTER}`;
const ETCDCTL = `kubectl exec etcdctl -- etcdctl --endpoints ${CLUSTER}-client:2379`;
const MEMBER_NAME = new RegExp(`\\b${CLUSTER}-[a-z0-9]{10}\\b`, 'g');

interface EtcdCluster {
  status?: {
    phase?: string; size?: number; simulated?: boolean; simulatedSteps?: string[]; serverVersion?: string;
    members?: { ready?: string[] }; conditions?: { type: string; status: string; reason?: string }[];
  };
}
interface PodList { items: { metadata: { name: string; deletionTimestamp?: string } }[] }

/** The member pods' names, as the API lists them (off the record). */
async function memberPods(lab: Lab): Promise<string[]> {
  const pods = await lab.json<PodList>(`get pods ${MEMBERS}`);
  return pods.items.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name).sort();
}

/** `member list` shows exactly `n` started members, each named as its pod, each reachable by its DNS name. */
function started(output: string, n: number): string[] | undefined {
  const rows = output.trim().split('\n').filter((l) => l.trim());
  const url = (port: number) => `http://\\1\\.${CLUSTER}\\.default\\.svc:${port}`;
  const row = new RegExp(`^[0-9a-f]+, started, (${CLUSTER}-[a-z0-9]{10}), ${url(2380)}, ${url(2379)}, false$`);
  const names = rows.map((l) => row.exec(l.trim())?.[1]);
  return rows.length === n && names.every(Boolean) ? (names as string[]).sort() : undefined;
}

async function cluster(lab: Lab): Promise<EtcdCluster> {
  return lab.json<EtcdCluster>(`get etcdcluster ${CLUSTER}`);
}

/** Waits until the cluster has `n` members in etcd and in pods, all ready; shows `member list`. */
async function settled(lab: Lab, n: number): Promise<string[]> {
  await lab.waitFor(`${n} ready members`, async () => {
    const c = await cluster(lab);
    return c.status?.members?.ready?.length === n && (await memberPods(lab)).length === n;
  }, 300_000);
  const list = await lab.sh(`${ETCDCTL} member list`, { until: (r) => !!started(r.output, n), unordered: true });
  const names = started(list.output, n)!;
  same(names, await memberPods(lab), 'etcd\'s members are the member pods');
  return names;
}

const lab: LabDefinition = {
  name: 'etcd-operator',
  title: 'Seed 002: the EtcdCluster operator on a real etcd cluster',
  normalizers: [{ pattern: MEMBER_NAME, replacement: '<member>' }],
  async run(lab) {
    lab.section('The operator');
    // `berth up --operator etcd` runs the operator; it installs the EtcdCluster CRD as etcd-operator v0.9 does.
    await lab.sh('kubectl wait --for=condition=Established crd/etcdclusters.etcd.database.coreos.com --timeout=60s', {
      until: (r) => r.output.includes('condition met'), timeoutMs: 120_000,
    });

    lab.section('The EtcdCluster');
    same((await lab.sh('kubectl apply -f example-etcd-cluster.yaml')).lines(), [`etcdcluster.etcd.database.coreos.com/${CLUSTER} created`], 'apply');
    // A client pod with etcdctl (the etcd image), to talk to the cluster through its client Service.
    same((await lab.sh('kubectl run etcdctl --image=quay.io/coreos/etcd:v3.2.13 --restart=Never --command -- sleep infinity')).lines(), ['pod/etcdctl created'], 'run');
    await lab.sh('kubectl wait --for=condition=Ready pod/etcdctl --timeout=120s', { until: (r) => r.output.includes('condition met') });
    const first = await settled(lab, 3);
    const pods = await lab.sh(`kubectl get pods ${MEMBERS}`);
    same(pods.column('NAME').sort(), first, 'member pods');
    check(allRunningAndReady(pods), 'every member pod is Running and 1/1');
    const table = await lab.sh('kubectl get etcdcluster');
    same(table.table().map((r) => [r.NAME, r.SIZE, r.VERSION, r.PHASE]), [[CLUSTER, '3', '3.2.13', 'Running']], 'the EtcdCluster');
    const c = await cluster(lab);
    check(!c.status?.simulated && !c.status?.simulatedSteps, `the operator changed a real etcd cluster (status: ${JSON.stringify(c.status)})`);
    check(/^3\.4\./.test(c.status?.serverVersion ?? ''), `status.serverVersion is the catalog's etcd (${c.status?.serverVersion})`);
    same(c.status?.conditions?.find((x) => x.type === 'VersionMapped')?.reason, 'CatalogVersion', 'VersionMapped condition');
    same((await lab.sh(`${ETCDCTL} put greeting hello`)).lines(), ['OK'], 'put');
    same((await lab.sh(`${ETCDCTL} get greeting`)).lines(), ['greeting', 'hello'], 'get');

    lab.section('Scale 3 → 5 → 3');
    same((await lab.sh(`kubectl patch etcdcluster ${CLUSTER} --type=merge -p '{"spec":{"size":5}}'`)).lines(), [`etcdcluster.etcd.database.coreos.com/${CLUSTER} patched`], 'patch');
    const five = await settled(lab, 5);
    check(first.every((m) => five.includes(m)), 'the first three members stay');
    same((await lab.sh(`${ETCDCTL} put while-five yes`)).lines(), ['OK'], 'put');
    same((await lab.sh(`kubectl patch etcdcluster ${CLUSTER} --type=merge -p '{"spec":{"size":3}}'`)).lines(), [`etcdcluster.etcd.database.coreos.com/${CLUSTER} patched`], 'patch');
    const three = await settled(lab, 3);
    check(three.every((m) => five.includes(m)), 'the three left are members from before');
    same((await lab.sh(`${ETCDCTL} get greeting`)).lines(), ['greeting', 'hello'], 'get after the scale-down');
    same((await lab.sh(`${ETCDCTL} get while-five`)).lines(), ['while-five', 'yes'], 'get after the scale-down');

    lab.section('Failure drill: delete a member pod');
    const victim = three[0];
    const deleted = await lab.sh(`kubectl delete $(kubectl get pod ${MEMBERS} -o name | sort | head -1)`);
    same(deleted.lines(), [`pod "${victim}" deleted`], 'delete');
    // The operator removes the dead member from etcd (MemberRemove), then adds a new one (MemberAdd, then its pod).
    await lab.waitFor('the dead member to be replaced', async () => {
      const names = await memberPods(lab);
      return names.length === 3 && !names.includes(victim) && (await cluster(lab)).status?.members?.ready?.length === 3;
    }, 300_000);
    const replaced = await settled(lab, 3);
    check(!replaced.includes(victim), `${victim} is no longer a member`);
    same((await lab.sh(`${ETCDCTL} get greeting`)).lines(), ['greeting', 'hello'], 'get after the replacement');
    const events = await lab.sh(`kubectl get events --field-selector involvedObject.name=${CLUSTER} --sort-by=.metadata.resourceVersion -o custom-columns=REASON:.reason,MESSAGE:.message`);
    const reasons = events.column('REASON');
    same(reasons.filter((r) => r === 'New Member Added').length, 3 + 2 + 1, 'members added (3 at creation, 2 scaling up, 1 replacing)');
    same(reasons.filter((r) => r === 'Member Removed').length, 2 + 1, 'members removed (2 scaling down, the dead one)');
    check(reasons.includes('Replacing Dead Member'), 'a Replacing Dead Member event');
  },
};

export default lab;
if (isMain(import.meta.url)) await runStandalone(lab);
