// Seeds 000/001 (the upstream "Run a Replicated Stateful Application" tutorial): a MySQL primary and replicas from a
// StatefulSet whose init containers clone each new replica from the one before it with xtrabackup. The README shows
// this transcript; run it with `node dist/examples/mysql/lab.js`.
import { allRunningAndReady, createdInOrder, names, noRestarts, pod, PodWatch, replaced, restarts } from '../lib/checks.js';
import { check, isMain, Lab, LabDefinition, same } from '../lib/lab.js';
import { runStandalone } from '../lib/standalone.js';

const PODS = ['mysql-0', 'mysql-1', 'mysql-2'];
const DEFAULTED = 'Defaulted container "mysql" out of: mysql, xtrabackup, init-mysql (init), clone-mysql (init)';

/** `SELECT * FROM test.messages` on a pod, as the README shows it (kubectl's note, the header, the rows). */
const select = (p: string) => `kubectl exec ${p} -- mysql -e "SELECT * FROM test.messages"`;
const rows = (...messages: string[]) => [DEFAULTED, 'message', ...messages];

/** Replication as the replica reports it (off the record). */
async function replicaStatus(lab: Lab, p: string): Promise<Record<string, string>> {
  const out = await lab.quiet(`kubectl exec ${p} -c mysql -- mysql -e 'SHOW SLAVE STATUS\\G'`);
  return Object.fromEntries([...out.matchAll(/^\s*(\w+): (.*)$/gm)].map((m) => [m[1], m[2]]));
}

async function replicating(lab: Lab, p: string): Promise<void> {
  const s = await lab.waitFor(`${p} to replicate from mysql-0`, async () => {
    const st = await replicaStatus(lab, p);
    return st.Slave_IO_Running === 'Yes' && st.Slave_SQL_Running === 'Yes' && st;
  }, 120_000);
  same(s.Master_Host, 'mysql-0.mysql', `${p}'s primary`);
}

/** The clone-mysql init container's log names the peer the pod was cloned from. */
async function clonedFrom(lab: Lab, p: string): Promise<string | undefined> {
  const log = await lab.quiet(`kubectl logs ${p} -c clone-mysql`);
  return /ncat --recv-only (mysql-\d)\.mysql 3307/.exec(log)?.[1];
}

const lab: LabDefinition = {
  name: 'mysql',
  title: 'Seeds 000/001: MySQL primary and replicas on a StatefulSet',
  normalizers: [
    { pattern: /\b\d{1,3}(?:\.\d{1,3}){3}:\d+\b/g, replacement: '<ip>:<port>' },
    { pattern: /connection id is \d+/g, replacement: 'connection id is <n>' },
    { pattern: /Server version: .*/g, replacement: 'Server version: <version>' },
    { pattern: /\(\d+\.\d+ sec\)/g, replacement: '(<time>)' },
    { pattern: /^\+[-+]+\+$/gm, replacement: '+-+' },
    { pattern: /\| *\d+(?:\.\d+)? *(?=\|)/g, replacement: '| <n> ' },
    { pattern: /mysql-0-bin\.\d+/g, replacement: 'mysql-0-bin.<n>' },
    { pattern: /MASTER_LOG_POS=\d+/g, replacement: 'MASTER_LOG_POS=<n>' },
  ],
  async run(lab) {
    lab.section('Prerequisite: the StorageClass sc-nfs');
    same((await lab.sh('kubectl apply -f storageclass.yaml')).lines(), ['storageclass.storage.k8s.io/sc-nfs created'], 'apply');
    const classes = await lab.sh('kubectl get storageclasses.storage.k8s.io');
    check(classes.column('NAME').includes('sc-nfs'), 'sc-nfs is listed');

    lab.section('ConfigMap, Services and StatefulSet');
    same((await lab.sh('kubectl apply -f sts-mysql-configmap.yaml')).lines(), ['configmap/mysql created'], 'apply');
    same((await lab.sh('kubectl apply -f sts-mysql-svc.yaml')).lines(), ['service/mysql created', 'service/mysql-read created'], 'apply');
    const podWatch = await PodWatch.start(lab);
    same((await lab.sh('kubectl apply -f sts-mysql-sts.yaml')).lines(), ['statefulset.apps/mysql created'], 'apply');
    await lab.sh("kubectl wait --for=jsonpath='{.status.readyReplicas}'=3 statefulset/mysql --timeout=600s", { timeoutMs: 600_000 });
    const pods = await lab.sh('kubectl get pod');
    names(pods, PODS);
    same(pods.column('READY'), ['2/2', '2/2', '2/2'], 'mysql and xtrabackup ready in every pod');
    await noRestarts(lab);
    await createdInOrder(lab, podWatch, PODS);
    podWatch.stop();
    same(await clonedFrom(lab, 'mysql-1'), 'mysql-0', 'mysql-1 cloned from');
    same(await clonedFrom(lab, 'mysql-2'), 'mysql-1', 'mysql-2 cloned from');
    const pvcs = await lab.sh('kubectl get pvc');
    names(pvcs, PODS.map((p) => `data-${p}`), 'claims');
    same(pvcs.table().map((r) => [r.STATUS, r.CAPACITY, r.STORAGECLASS]), PODS.map(() => ['Bound', '10Gi', 'sc-nfs']), 'claims');

    lab.section('Write on the primary, read on the replicas');
    const session = await lab.sh('kubectl exec -it mysql-0 -- mysql', {
      type: ['CREATE DATABASE test;', 'CREATE TABLE test.messages (message VARCHAR(250));', "INSERT INTO test.messages VALUES ('hello');", 'show processlist;', 'exit'],
      prompt: /> $/,
    });
    check(/Query OK, 1 row affected/.test(session.output), 'the INSERT went through');
    same(session.output.match(/Binlog Dump/g)?.length, 2, 'replication connections on the primary (show processlist)');
    same((await lab.sh(select('mysql-1'), { until: (r) => r.lines().includes('hello') })).lines(), rows('hello'), 'mysql-1');
    same((await lab.sh(select('mysql-2'), { until: (r) => r.lines().includes('hello') })).lines(), rows('hello'), 'mysql-2');
    for (const p of ['mysql-1', 'mysql-2']) {
      await replicating(lab, p);
      same((await lab.quiet(`kubectl exec ${p} -c mysql -- mysql -N -e 'SELECT @@read_only'`)).trim(), '1', `${p} is read-only`);
    }

    lab.section('Scaling: a new mysql-2 is cloned from mysql-1');
    same((await lab.sh('kubectl scale sts mysql --replicas=2')).lines(), ['statefulset.apps/mysql scaled'], 'scale');
    names(await lab.sh('kubectl get pod', { until: (r) => r.table().length === 2 }), ['mysql-0', 'mysql-1']);
    same((await lab.sh('kubectl delete pvc data-mysql-2')).lines(), ['persistentvolumeclaim "data-mysql-2" deleted'], 'delete the claim');
    await lab.sh(`kubectl exec mysql-0 -- mysql -e "INSERT INTO test.messages VALUES ('while mysql-2 was away')"`);
    same((await lab.sh('kubectl scale sts mysql --replicas=3')).lines(), ['statefulset.apps/mysql scaled'], 'scale');
    await lab.sh("kubectl wait --for=jsonpath='{.status.readyReplicas}'=3 statefulset/mysql --timeout=600s", { timeoutMs: 600_000, until: (r) => r.output.includes('condition met') });
    same(await clonedFrom(lab, 'mysql-2'), 'mysql-1', 'the new mysql-2 cloned from');
    const change = await lab.sh('kubectl exec mysql-2 -c xtrabackup -- cat /var/lib/mysql/change_master_to.sql.orig');
    check(/^CHANGE MASTER TO MASTER_LOG_FILE='mysql-0-bin\.\d+', MASTER_LOG_POS=\d+$/.test(change.output.trim()), 'the clone of a replica carries the primary\'s binlog position (xtrabackup_slave_info)');
    same((await lab.sh(select('mysql-2'), { until: (r) => r.lines().length === 4 })).lines(), rows('hello', 'while mysql-2 was away'), 'the new mysql-2');
    await replicating(lab, 'mysql-2');

    lab.section('Failure drill: delete the primary');
    const primary = await pod(lab, 'mysql-0');
    same((await lab.sh('kubectl delete pod mysql-0')).lines(), ['pod "mysql-0" deleted'], 'delete');
    await lab.sh('kubectl wait --for=condition=Ready pod/mysql-0 --timeout=300s', { until: (r) => r.output.includes('condition met'), timeoutMs: 300_000 });
    await replaced(lab, 'mysql-0', primary.metadata.uid);
    same((await lab.sh(select('mysql-0'))).lines(), rows('hello', 'while mysql-2 was away'), 'the new mysql-0 on its claim');
    await lab.sh(`kubectl exec mysql-0 -- mysql -e "INSERT INTO test.messages VALUES ('after mysql-0 came back')"`);
    for (const p of ['mysql-1', 'mysql-2']) {
      same((await lab.sh(select(p), { until: (r) => r.lines().length === 5 })).lines(), rows('hello', 'while mysql-2 was away', 'after mysql-0 came back'), `${p} reconnected`);
      await replicating(lab, p);
    }
    const replica = await pod(lab, 'mysql-1');
    same((await lab.sh('kubectl delete pod mysql-1')).lines(), ['pod "mysql-1" deleted'], 'delete');
    await lab.sh('kubectl wait --for=condition=Ready pod/mysql-1 --timeout=300s', { until: (r) => r.output.includes('condition met'), timeoutMs: 300_000 });
    await replaced(lab, 'mysql-1', replica.metadata.uid);
    same((await lab.sh(select('mysql-1'))).lines(), rows('hello', 'while mysql-2 was away', 'after mysql-0 came back'), 'the new mysql-1 on its claim');
    await replicating(lab, 'mysql-1');

    lab.section('Data safety: stop Berth in the middle');
    await lab.sh(`kubectl exec mysql-0 -- mysql -e "INSERT INTO test.messages VALUES ('before the restart')"`);
    const counts = await Promise.all(PODS.map((p) => restarts(lab, p, 'mysql')));
    await lab.restartBerth();
    if (!lab.skipped.size) {
      // The pods run again as after a node reboot: each container once more (the status read before that is stale).
      await lab.waitFor('every mysql container to run again', async () => {
        const now = await Promise.all(PODS.map((p) => restarts(lab, p, 'mysql')));
        return now.every((n, i) => n === counts[i] + 1);
      }, 300_000);
      await lab.sh('kubectl get pod', { until: (r) => allRunningAndReady(r) && r.table().length === 3, timeoutMs: 600_000 });
    }
    await lab.sh(`kubectl exec mysql-0 -- mysql -e "INSERT INTO test.messages VALUES ('after the restart')"`);
    const all = ['hello', 'while mysql-2 was away', 'after mysql-0 came back', 'before the restart', 'after the restart'];
    for (const p of PODS) {
      same((await lab.sh(select(p), { until: (r) => r.lines().length === all.length + 2 })).lines(), rows(...all), `${p} after the restart`);
    }
    for (const p of ['mysql-1', 'mysql-2']) await replicating(lab, p);
  },
};

export default lab;
if (isMain(import.meta.url)) await runStandalone(lab);
