// Seed 002, operator运行etcd: etcd-operator's Deployment (the notes' deployment.yaml, its image Berth's EtcdCluster
// operator in the catalog) runs in a pod as its ServiceAccount, and the EtcdCluster `example-etcd-cluster` gets a
// real etcd cluster whose membership the operator changes through etcd's member API: members created one at a time,
// 3→5→3 keeping the data, a version upgrade one member at a time, a member whose pod (and then whose claim and pod)
// was deleted replaced, and a Ctrl-C restart of Berth that every member and the data outlive.
// The README shows this transcript; run it with `node dist/examples/etcd-operator/lab.js`.
import { allRunningAndReady } from '../lib/checks.js';
import { check, isMain, Lab, LabDefinition, LabError, same } from '../lib/lab.js';
import { runStandalone } from '../lib/standalone.js';

const CLUSTER = 'example-etcd-cluster';
const MEMBERS = `-l etcd_cluster=${CLUSTER}`;
const ETCDCTL = `kubectl exec etcdctl -- etcdctl --endpoints ${CLUSTER}-client:2379`;
const MEMBER_NAME = new RegExp(`\\b${CLUSTER}-[a-z0-9]{10}\\b`, 'g');

interface EtcdCluster {
  status?: {
    phase?: string; size?: number; simulated?: boolean; simulatedSteps?: string[]; serverVersion?: string; currentVersion?: string;
    members?: { ready?: string[] }; conditions?: { type: string; status: string; reason?: string }[];
  };
}
interface MemberPod {
  metadata: { name: string; deletionTimestamp?: string; annotations?: Record<string, string> };
  spec: { serviceAccountName?: string; containers: { name: string; image: string }[]; volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[] };
  status?: { conditions?: { type: string; status: string }[]; containerStatuses?: { name: string; restartCount: number; image?: string }[] };
}
interface PodList { items: MemberPod[] }

const UPGRADE_TO = '3.3.25';
// A claim for every member created from here on (etcd-operator's pod policy; the default StorageClass provisions it).
const CLAIMS = '{"spec":{"pod":{"persistentVolumeClaimSpec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}}}';

/** The member pods' names, as the API lists them (off the record). */
async function memberPods(lab: Lab): Promise<string[]> {
  return (await memberPodObjects(lab)).map((p) => p.metadata.name).sort();
}

async function memberPodObjects(lab: Lab): Promise<MemberPod[]> {
  const pods = await lab.json<PodList>(`get pods ${MEMBERS}`);
  return pods.items.filter((p) => !p.metadata.deletionTimestamp);
}

/** `kubectl rollout status` found the rollout done at once: its only line says so. */
const rolledOut = (r: { output: string }) => r.output.trim() === 'deployment "etcd-operator" successfully rolled out';
const isReady = (p: MemberPod) => !!p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
const etcdRestarts = (p: MemberPod) => p.status?.containerStatuses?.find((c) => c.name === 'etcd')?.restartCount ?? -1;
const claimOf = (p: MemberPod) => p.spec.volumes?.find((v) => v.name === 'etcd-data')?.persistentVolumeClaim?.claimName;

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
    // The notes' Deployment, as the ServiceAccount rbac.yaml grants; the operator installs the EtcdCluster CRD when it
    // starts, as etcd-operator v0.9 does.
    same((await lab.sh('kubectl apply -f rbac.yaml')).lines(), [
      'serviceaccount/etcd-operator created',
      'clusterrole.rbac.authorization.k8s.io/etcd-operator created',
      'clusterrolebinding.rbac.authorization.k8s.io/etcd-operator created',
    ], 'apply rbac.yaml');
    same((await lab.sh('kubectl apply -f deployment.yaml')).lines(), ['deployment.apps/etcd-operator created'], 'apply deployment.yaml');
    // kubectl prints "Waiting for deployment … rollout to finish" lines while the pod starts; the transcript keeps the
    // run that found the rollout done, as the README shows it.
    await lab.sh('kubectl rollout status deployment/etcd-operator --timeout=180s', { until: rolledOut, timeoutMs: 240_000 });
    await lab.sh('kubectl wait --for=condition=Established crd/etcdclusters.etcd.database.coreos.com --timeout=60s', {
      until: (r) => r.output.includes('condition met'), timeoutMs: 120_000,
    });
    const operator = await lab.json<PodList>('get pods -l name=etcd-operator');
    same(operator.items.map((p) => p.spec.serviceAccountName), ['etcd-operator'], 'the operator pod\'s ServiceAccount');

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

    lab.section('Upgrade one member at a time');
    const before = await memberPodObjects(lab);
    same((await lab.sh(`kubectl patch etcdcluster ${CLUSTER} --type=merge -p '{"spec":{"version":"${UPGRADE_TO}"}}'`)).lines(), [`etcdcluster.etcd.database.coreos.com/${CLUSTER} patched`], 'patch');
    // Watched off the record: never more than one member down, every member's etcd restarted once on the new image.
    let mostDown = 0;
    await lab.waitFor(`every member at ${UPGRADE_TO}`, async () => {
      const now = await memberPodObjects(lab);
      mostDown = Math.max(mostDown, now.filter((p) => !isReady(p)).length);
      const upgraded = now.filter((p) => p.metadata.annotations?.['etcd.version'] === UPGRADE_TO && isReady(p)
        && p.status?.containerStatuses?.find((s) => s.name === 'etcd')?.image?.endsWith(`quay.io/coreos/etcd:v${UPGRADE_TO}`));
      return upgraded.length === 3 && (await cluster(lab)).status?.currentVersion === UPGRADE_TO;
    }, 300_000);
    check(mostDown <= 1, `members were down together during the upgrade (${mostDown} at once)`);
    const after = await memberPodObjects(lab);
    same(after.map((p) => p.metadata.name).sort(), three, 'the same three members, upgraded in place');
    same(after.map((p) => etcdRestarts(p) - etcdRestarts(before.find((b) => b.metadata.name === p.metadata.name)!)), [1, 1, 1], 'each member\'s etcd restarted once');
    const upgradedTable = await lab.sh('kubectl get etcdcluster', { until: (r) => r.table()[0]?.VERSION === UPGRADE_TO });
    same(upgradedTable.table().map((r) => [r.NAME, r.SIZE, r.VERSION, r.PHASE]), [[CLUSTER, '3', UPGRADE_TO, 'Running']], 'the EtcdCluster');
    const versions = await lab.sh(`kubectl get etcdcluster ${CLUSTER} -o jsonpath='{.status.serverVersion}{"\\n"}{.status.conditions[?(@.type=="VersionMapped")].message}{"\\n"}'`);
    check(/^3\.4\.\d+$/.test(versions.lines()[0] ?? ''), `status.serverVersion after the upgrade (${versions.lines()[0]})`);
    same(versions.lines()[1], `spec.version ${UPGRADE_TO} runs as etcd ${versions.lines()[0]}: the image quay.io/coreos/etcd:v${UPGRADE_TO} is the image catalog's etcd`, 'VersionMapped message');
    same((await lab.sh(`${ETCDCTL} get greeting`)).lines(), ['greeting', 'hello'], 'get after the upgrade');
    await settled(lab, 3);

    lab.section('Failure drill: delete a member pod');
    // Members created from now on get a claim each (etcd-operator's spec.pod.persistentVolumeClaimSpec).
    same((await lab.sh(`kubectl patch etcdcluster ${CLUSTER} --type=merge -p '${CLAIMS}'`)).lines(), [`etcdcluster.etcd.database.coreos.com/${CLUSTER} patched`], 'patch');
    const victim = three[0];
    const deleted = await lab.sh(`kubectl delete $(kubectl get pod ${MEMBERS} -o name | sort | head -1)`);
    same(deleted.lines(), [`pod "${victim}" deleted`], 'delete');
    // The operator removes the dead member from etcd (MemberRemove), then adds a new one (MemberAdd, then its pod).
    const replaced = await replacedMember(lab, victim);
    same((await lab.sh(`${ETCDCTL} get greeting`)).lines(), ['greeting', 'hello'], 'get after the replacement');
    const newcomer = replaced.find((m) => !three.includes(m))!;
    const claimed = await lab.sh(`kubectl get pvc ${MEMBERS}`, { until: (r) => r.table().length === 1 && r.table()[0].STATUS === 'Bound' });
    same(claimed.column('NAME'), [newcomer], 'the new member\'s claim');

    lab.section('Failure drill: delete a member\'s claim and pod');
    // The one claim is the new member's: its claim and its pod go in one command.
    const gone = await lab.sh(`kubectl delete pvc,pod $(kubectl get pvc ${MEMBERS} -o name | cut -d/ -f2)`);
    same(gone.lines(), [`persistentvolumeclaim "${newcomer}" deleted`, `pod "${newcomer}" deleted`], 'delete');
    const again = await replacedMember(lab, newcomer);
    const third = again.find((m) => !replaced.includes(m))!;
    const claims = await lab.sh(`kubectl get pvc ${MEMBERS}`, { until: (r) => r.table().length === 1 && r.table()[0].NAME === third && r.table()[0].STATUS === 'Bound' });
    same(claims.column('NAME'), [third], 'the replacement\'s claim (the deleted one is gone)');
    same((await lab.sh(`${ETCDCTL} get greeting`)).lines(), ['greeting', 'hello'], 'get after the second replacement');
    same((await lab.sh(`${ETCDCTL} get while-five`)).lines(), ['while-five', 'yes'], 'get after the second replacement');
    const events = await lab.sh(`kubectl get events --field-selector involvedObject.name=${CLUSTER} --sort-by=.metadata.resourceVersion -o custom-columns=REASON:.reason,MESSAGE:.message`);
    const reasons = events.column('REASON');
    same(reasons.filter((r) => r === 'New Member Added').length, 3 + 2 + 1 + 1, 'members added (3 at creation, 2 scaling up, 2 replacing)');
    same(reasons.filter((r) => r === 'Member Removed').length, 2 + 1 + 1, 'members removed (2 scaling down, 2 dead ones)');
    same(reasons.filter((r) => r === 'Member Upgraded').length, 3, 'members upgraded');
    same(reasons.filter((r) => r === 'Replacing Dead Member').length, 2, 'Replacing Dead Member events');

    lab.section('Data safety: stop Berth in the middle');
    same((await lab.sh(`${ETCDCTL} put before-restart kept`)).lines(), ['OK'], 'put');
    const members = await lab.quiet(`${ETCDCTL} member list`);
    const counts = new Map((await memberPodObjects(lab)).map((p) => [p.metadata.name, etcdRestarts(p)]));
    await lab.restartBerth();
    if (!lab.skipped.size) {
      // The pods run again as after a node reboot, the operator's too; the members rejoin on their data. The same
      // pods, each etcd started again (a member that exits while its peers are still coming up is restarted more).
      await lab.waitFor('every member to run again', async () => {
        const now = await memberPodObjects(lab);
        const again = (p: MemberPod) => isReady(p) && etcdRestarts(p) > (counts.get(p.metadata.name) ?? Infinity);
        if (now.length === 3 && now.every(again)) return true;
        const state = now.map((p) => `${p.metadata.name} ready=${isReady(p)} restarts ${counts.get(p.metadata.name) ?? 'new'}→${etcdRestarts(p)}`);
        const all = await lab.quiet(`kubectl get pods -o wide ${MEMBERS}; kubectl get events --field-selector involvedObject.name=${CLUSTER} -o custom-columns=REASON:.reason,MESSAGE:.message | tail -5`);
        throw new LabError(`members: ${state.join(', ') || 'none'}\n${all}`);
      }, 300_000);
      await lab.sh('kubectl rollout status deployment/etcd-operator --timeout=180s', { until: rolledOut, timeoutMs: 240_000 });
    }
    const kept = await settled(lab, 3);
    same(kept, again, 'the same three members after the restart');
    same((await lab.quiet(`${ETCDCTL} member list`)).trim().split('\n').sort(), members.trim().split('\n').sort(), 'member IDs and URLs after the restart');
    same((await lab.sh(`${ETCDCTL} get before-restart`)).lines(), ['before-restart', 'kept'], 'get after the restart');
    same((await lab.sh(`${ETCDCTL} get greeting`)).lines(), ['greeting', 'hello'], 'get after the restart');
    same(claimOf((await memberPodObjects(lab)).find((p) => p.metadata.name === third)!), third, 'the replacement keeps its claim');
    // The operator keeps acting after the restart: one more member joins and leaves.
    same((await lab.sh(`kubectl patch etcdcluster ${CLUSTER} --type=merge -p '{"spec":{"size":4}}'`)).lines(), [`etcdcluster.etcd.database.coreos.com/${CLUSTER} patched`], 'patch');
    await settled(lab, 4);
    same((await lab.sh(`${ETCDCTL} put after-restart yes`)).lines(), ['OK'], 'put');
    same((await lab.sh(`${ETCDCTL} get before-restart`)).lines(), ['before-restart', 'kept'], 'get with four members');
  },
};

/** Waits until the dead member `victim` is out of etcd and a new member took its place; returns the members. */
async function replacedMember(lab: Lab, victim: string): Promise<string[]> {
  await lab.waitFor(`${victim} to be replaced`, async () => {
    const names = await memberPods(lab);
    return names.length === 3 && !names.includes(victim) && (await cluster(lab)).status?.members?.ready?.length === 3;
  }, 300_000);
  const members = await settled(lab, 3);
  check(!members.includes(victim), `${victim} is no longer a member`);
  return members;
}

export default lab;
if (isMain(import.meta.url)) await runStandalone(lab);
