// Seed 001's Helm chapter ("MySQL 主从复制"): the notes install bitnami/mysql with architecture=replication, then
// upgrade secondary.replicaCount 1→2. Here the chart is a local one in the same shape (chart/), on the catalog's
// mysql:5.7 (MariaDB); the lab installs, upgrades, rolls back and uninstalls it with `--wait`, and checks that a row
// written on the primary is read on every replica, the one the upgrade adds included. It runs with whichever helm is
// first on PATH (the e2e test runs it with helm 3 and with helm 4). Run it with `node dist/examples/mysql-helm/lab.js`.
import { check, isMain, Lab, LabDefinition, same } from '../lib/lab.js';
import { runStandalone } from '../lib/standalone.js';

const NS = 'wordpress';
/** The notes' `--set` flags (their password), the chart a local folder. */
const SETS = "--set auth.rootPassword='Zyf646130' --set auth.replicationPassword='Zyf646130' --set global.storageClass=sc-nfs --set auth.database=wordpress --set auth.username=wordpress --set auth.password='Zyf646130' --set architecture=replication";
const MYSQL = "mysql -uroot -pZyf646130";
const select = (p: string) => `kubectl exec -n ${NS} ${p} -- ${MYSQL} -e "SELECT * FROM wordpress.messages"`;

interface StatefulSet {
  metadata: { generation: number };
  spec: { replicas: number };
  status: { observedGeneration?: number; replicas: number; readyReplicas?: number; currentReplicas?: number; updatedReplicas?: number; currentRevision?: string; updateRevision?: string };
}

/** What `helm --wait` waited for (helm 3's ready checker, helm 4's kstatus): the StatefulSet is rolled out and Ready. */
async function rolledOut(lab: Lab, name: string, replicas: number): Promise<void> {
  const s = await lab.json<StatefulSet>(`get statefulset ${name} -n ${NS}`);
  same(s.spec.replicas, replicas, `${name} spec.replicas`);
  same([s.status.observedGeneration, s.status.replicas, s.status.readyReplicas, s.status.currentReplicas, s.status.updatedReplicas],
    [s.metadata.generation, replicas, replicas, replicas, replicas], `${name} status (observedGeneration, replicas, ready, current, updated) when helm's --wait returned`);
  same(s.status.currentRevision, s.status.updateRevision, `${name} currentRevision`);
}

/** Replication as a replica reports it (off the record). */
async function replicating(lab: Lab, p: string): Promise<void> {
  const out = await lab.quiet(`kubectl exec -n ${NS} ${p} -- ${MYSQL} -e 'SHOW SLAVE STATUS\\G'`);
  const st = Object.fromEntries([...out.matchAll(/^\s*(\w+): (.*)$/gm)].map((m) => [m[1], m[2]]));
  same([st.Master_Host, st.Slave_IO_Running, st.Slave_SQL_Running], ['mysql-primary', 'Yes', 'Yes'], `${p} replicating from the primary's Service`);
  same((await lab.quiet(`kubectl exec -n ${NS} ${p} -- ${MYSQL} -N -e 'SELECT @@read_only'`)).trim(), '1', `${p} is read-only`);
}

/** helm's tables (history, list) separate their columns with tabs: rows keyed by the header's column names. */
function helmTable(r: { output: string }): Record<string, string>[] {
  const [head, ...rows] = r.output.split('\n').filter((l) => l.trim() !== '').map((l) => l.split('\t').map((c) => c.trim()));
  return rows.map((row) => Object.fromEntries(head!.map((h, i) => [h, row[i] ?? ''])));
}

const helmStatus = (r: { output: string }, status: string, revision: number) =>
  check(new RegExp(`^STATUS: ${status}$`, 'm').test(r.output) && new RegExp(`^REVISION: ${revision}$`, 'm').test(r.output), `helm printed STATUS: ${status}, REVISION: ${revision}:\n${r.output}`);

const lab: LabDefinition = {
  name: 'mysql-helm',
  title: 'Seed 001: MySQL primary and replicas from a Helm chart (install, upgrade, rollback, uninstall)',
  normalizers: [
    { pattern: /^LAST DEPLOYED: .*$/gm, replacement: 'LAST DEPLOYED: <date>' },
    // helm 4 says what the revision did; helm 3 does not print the line.
    { pattern: /^DESCRIPTION: .*\n/gm, replacement: '' },
    { pattern: /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d+ \d\d:\d\d:\d\d \d{4}\b/g, replacement: '<date>' },
    { pattern: /^\+[-+]+\+$/gm, replacement: '+-+' },
  ],
  async run(lab) {
    lab.section('Prerequisite: the StorageClass sc-nfs');
    same((await lab.sh('kubectl apply -f storageclass.yaml')).lines(), ['storageclass.storage.k8s.io/sc-nfs created'], 'apply');

    lab.section('Install: a primary and one replica');
    const install = await lab.sh(`helm install mysql ./chart ${SETS} --set secondary.replicaCount=1 -n ${NS} --create-namespace --wait --timeout 10m`, { timeoutMs: 660_000 });
    helmStatus(install, 'deployed', 1);
    // --wait returned: both StatefulSets are rolled out, and the replica is Ready, which its probe says only once it replicates.
    await rolledOut(lab, 'mysql-primary', 1);
    await rolledOut(lab, 'mysql-secondary', 1);
    const pods = await lab.sh(`kubectl get pod -n ${NS}`);
    same(pods.table().map((r) => [r.NAME, r.READY, r.STATUS]), [['mysql-primary-0', '1/1', 'Running'], ['mysql-secondary-0', '1/1', 'Running']], 'pods');
    const svc = await lab.sh(`kubectl get svc -n ${NS}`);
    same(svc.column('NAME'), ['mysql-primary', 'mysql-primary-headless', 'mysql-secondary', 'mysql-secondary-headless'], 'services');
    same((await lab.sh(`kubectl get secret mysql -n ${NS} -o jsonpath='{.data.mysql-root-password}' | base64 -d; echo`)).lines(), ['Zyf646130'], 'the root password in the release\'s Secret');

    lab.section('Write on the primary, read on the replica');
    await lab.sh(`kubectl exec -n ${NS} mysql-primary-0 -- ${MYSQL} -e "CREATE TABLE wordpress.messages (message VARCHAR(250)); INSERT INTO wordpress.messages VALUES ('hello')"`);
    same((await lab.sh(select('mysql-secondary-0'), { until: (r) => r.lines().includes('hello') })).lines(), ['message', 'hello'], 'mysql-secondary-0');
    await replicating(lab, 'mysql-secondary-0');

    lab.section('Upgrade: secondary.replicaCount=2');
    const upgrade = await lab.sh(`helm upgrade mysql ./chart ${SETS} --set secondary.replicaCount=2 -n ${NS} --wait --timeout 10m`, { timeoutMs: 660_000 });
    helmStatus(upgrade, 'deployed', 2);
    await rolledOut(lab, 'mysql-secondary', 2);
    const three = await lab.sh(`kubectl get pod -n ${NS}`);
    same(three.table().map((r) => [r.NAME, r.READY, r.STATUS]), [['mysql-primary-0', '1/1', 'Running'], ['mysql-secondary-0', '1/1', 'Running'], ['mysql-secondary-1', '1/1', 'Running']], 'pods');
    // The new replica replayed the primary's binary log from its first file: the row written before it existed is there.
    same((await lab.sh(select('mysql-secondary-1'))).lines(), ['message', 'hello'], 'mysql-secondary-1 (added by the upgrade)');
    await replicating(lab, 'mysql-secondary-1');
    await lab.sh(`kubectl exec -n ${NS} mysql-primary-0 -- ${MYSQL} -e "INSERT INTO wordpress.messages VALUES ('after the upgrade')"`);
    for (const p of ['mysql-secondary-0', 'mysql-secondary-1']) {
      same((await lab.sh(select(p), { until: (r) => r.lines().length === 3 })).lines(), ['message', 'hello', 'after the upgrade'], p);
    }

    lab.section('Rollback to revision 1');
    const history = await lab.sh(`helm history mysql -n ${NS}`);
    same(helmTable(history).map((r) => [r.REVISION, r.STATUS]), [['1', 'superseded'], ['2', 'deployed']], 'history');
    same((await lab.sh(`helm rollback mysql 1 -n ${NS} --wait --timeout 5m`, { timeoutMs: 330_000 })).lines(), ['Rollback was a success! Happy Helming!'], 'rollback');
    await rolledOut(lab, 'mysql-secondary', 1);
    const back = await lab.sh(`kubectl get pod -n ${NS}`, { until: (r) => r.table().length === 2 });
    same(back.table().map((r) => [r.NAME, r.READY, r.STATUS]), [['mysql-primary-0', '1/1', 'Running'], ['mysql-secondary-0', '1/1', 'Running']], 'pods');
    same(helmTable(await lab.sh(`helm history mysql -n ${NS}`)).map((r) => [r.REVISION, r.STATUS, r.DESCRIPTION]),
      [['1', 'superseded', 'Install complete'], ['2', 'superseded', 'Upgrade complete'], ['3', 'deployed', 'Rollback to 1']], 'history');
    await lab.sh(`kubectl exec -n ${NS} mysql-primary-0 -- ${MYSQL} -e "INSERT INTO wordpress.messages VALUES ('after the rollback')"`);
    same((await lab.sh(select('mysql-secondary-0'), { until: (r) => r.lines().length === 4 })).lines(), ['message', 'hello', 'after the upgrade', 'after the rollback'], 'mysql-secondary-0');

    lab.section('Uninstall');
    same((await lab.sh(`helm uninstall mysql -n ${NS} --wait`, { timeoutMs: 300_000 })).lines(), ['release "mysql" uninstalled'], 'uninstall');
    same((await lab.sh(`kubectl get statefulset,pod,service,secret -n ${NS}`)).lines(), [`No resources found in ${NS} namespace.`], 'what the release made is gone');
    // As everywhere, the claims of a StatefulSet's pods outlive it (the data stays for a new install).
    const pvcs = await lab.sh(`kubectl get pvc -n ${NS}`);
    same(pvcs.table().map((r) => [r.NAME, r.STATUS, r.STORAGECLASS]), ['data-mysql-primary-0', 'data-mysql-secondary-0', 'data-mysql-secondary-1'].map((n) => [n, 'Bound', 'sc-nfs']), 'claims');
  },
};

export default lab;
if (isMain(import.meta.url)) await runStandalone(lab);
