// Fault drill of issue 21: kill -9 of the etcd leader of a 3-member cluster under write load. Berth (`berth up
// --no-controllers`) has all three members in --etcd-servers; writers create and update ConfigMaps while an informer
// watches them; the leader (found through each member's Maintenance.Status, as `etcdctl endpoint status`) is killed
// mid-load, after leadership was moved to the member serving Berth's own etcd watch so the kill breaks that too. Asserted: writes resume within WRITE_RESUME_BOUND_MS of the kill, every acknowledged write is in the final
// LIST (at least that resourceVersion and content), the watch delivers every acknowledged write exactly once and in
// order without a relist (Berth's watch cache resumes its etcd watch from the last revision it delivered, so clients'
// watches never see the election), and /readyz is ok again. Everything on loopback, etcd started by the test.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../src/apimachinery/errors.js';
import type { KubeObject } from '../../src/apimachinery/types.js';
import { KubeClient } from '../../src/client/client.js';
import { SharedInformer } from '../../src/client/informer.js';
import { builtin } from '../../src/client/resources.js';
import { etcdLeader, etcdUnavailable, etcdWatcherCount, moveEtcdLeader, startEtcd, type EtcdCluster } from '../support/etcd.js';
import { eventually, kubectl, startCluster, type Cluster } from './harness.js';

const skip = etcdUnavailable();
/** etcd elects within about its election timeout (1 s); the rest is slack for a busy 2-core machine. */
const WRITE_RESUME_BOUND_MS = 10_000;
const READYZ_BOUND_MS = 15_000;
const LOAD_MS = 16_000;
const KILL_AFTER_MS = 5_000;
const WRITERS = 4;
const NS = 'drill';

let etcd: EtcdCluster;
let c: Cluster;

before(async () => {
  if (skip) return;
  etcd = await startEtcd({ size: 3 });
  c = await startCluster({ args: ['--no-controllers', '--etcd-servers', etcd.servers] });
});

after(async () => {
  await c?.stop();
  c?.cleanup();
  await etcd?.stop();
});

interface Ack { name: string; rv: number; step: number; began: number; at: number }

test('kill -9 of the etcd leader under write load: writes resume, no acknowledged write is lost, the watch has no gap or duplicate, /readyz recovers', { skip, timeout: 180_000 }, async (t) => {
  // No client-side retries: every 2xx the writer sees is one acknowledged write, every failure is seen.
  const client = KubeClient.fromKubeconfig({ path: c.kubeconfig }, { retry: { maxRetries: 0 }, timeoutMs: 30_000 });
  t.after(() => client.close());
  await client.create(builtin.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });

  const events: { type: string; name: string; rv: number }[] = [];
  const restarts: string[] = [];
  const informer = SharedInformer.forResource<KubeObject>(client, builtin.configMaps, {
    namespace: NS, onWatchRestart: (_i, cause) => restarts.push(cause), onError: () => {}, backoff: { initialMs: 50, maxMs: 500 },
  });
  const record = (type: string) => (o: KubeObject) => events.push({ type, name: o.metadata.name!, rv: Number(o.metadata.resourceVersion) });
  informer.addEventHandler({ onAdd: record('ADDED'), onUpdate: (_old, o) => record('MODIFIED')(o), onDelete: record('DELETED') });
  informer.run();
  t.after(() => informer.stop());
  assert.ok(await informer.waitForSync());

  // The harder case: the leader also serves Berth's etcd watch (its watch cache's feed), so the kill breaks the
  // watch stream too. Leadership is moved to whichever member holds it.
  const watchHolder = await eventually(async () => {
    for (const m of etcd.members) if ((await etcdWatcherCount(m)) > 0) return m;
    return undefined;
  }, 10_000, 100);
  if ((await etcdLeader(etcd)) !== watchHolder) await moveEtcdLeader(etcd, watchHolder);

  const acks: Ack[] = [];
  const failures: string[] = [];
  const started = Date.now();
  const stopAt = started + LOAD_MS;
  // Each writer owns three ConfigMaps and writes them in turn, every write carrying an increasing step: an
  // unconditional update (no resourceVersion), so a write whose outcome was unknown never blocks the next one.
  const writer = async (w: number) => {
    const exists = new Set<string>();
    for (let step = 0; Date.now() < stopAt; step++) {
      const name = `w${w}-${step % 3}`;
      const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS }, data: { step: String(step) } };
      const began = Date.now();
      try {
        const done = exists.has(name)
          ? await client.update<KubeObject>(builtin.configMaps, body)
          : await client.create<KubeObject>(builtin.configMaps, body);
        exists.add(name);
        acks.push({ name, rv: Number(done.metadata.resourceVersion), step, began, at: Date.now() });
      } catch (e) {
        failures.push(`${Date.now() - started}ms ${name}: ${e instanceof ApiError ? `${e.code} ${e.message}` : String(e)}`);
        // A create that committed before its answer was lost: the name exists now.
        if (e instanceof ApiError && e.code === 409) exists.add(name);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  const load = Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));

  await new Promise((r) => setTimeout(r, KILL_AFTER_MS));
  const leader = await etcdLeader(etcd);
  assert.equal(leader.name, watchHolder.name, 'the leader serves Berth\'s etcd watch');
  const killedAt = Date.now();
  await leader.kill();
  const ackedBeforeKill = acks.filter((a) => a.at < killedAt).length;
  assert.ok(ackedBeforeKill > 20, `load was running before the kill (${ackedBeforeKill} writes)`);

  // Writes resume after the election: the first write sent after the kill that is acknowledged.
  const resumed = await eventually(() => acks.find((a) => a.began > killedAt), WRITE_RESUME_BOUND_MS + 5_000, 20).catch(() => undefined);
  assert.ok(resumed, `no write acknowledged after the leader was killed; failures: ${failures.slice(-10).join('\n')}`);
  const resumeMs = resumed.at - killedAt;
  t.diagnostic(`leader ${leader.name} killed at +${killedAt - started} ms; first write sent after it acknowledged ${resumeMs} ms later; ${failures.length} writes failed`);
  assert.ok(resumeMs <= WRITE_RESUME_BOUND_MS, `writes resumed ${resumeMs} ms after the kill (bound ${WRITE_RESUME_BOUND_MS} ms); failures: ${failures.join('\n')}`);

  // /readyz is ok again (the etcd check reads through the surviving members).
  const readyAt = await eventually(async () => (await kubectl(c, ['get', '--raw', '/readyz'])).stdout === 'ok' && Date.now(), READYZ_BOUND_MS, 250);
  t.diagnostic(`/readyz ok ${readyAt - killedAt} ms after the kill`);

  await load;
  // Berth's watch went to a surviving member.
  await eventually(async () => {
    for (const m of etcd.members) if (m !== leader && (await etcdWatcherCount(m)) > 0) return true;
    return false;
  }, 10_000, 100);
  const afterKill = acks.filter((a) => a.at > killedAt).length;
  assert.ok(afterKill > 20, `load kept going after the election (${afterKill} writes)`);

  // No acknowledged write lost: the LIST holds each name at or after its last acknowledged write, with its content.
  const list = await client.list<KubeObject>(builtin.configMaps, { namespace: NS });
  const listed = new Map(list.items.map((o) => [o.metadata.name!, o]));
  const lastAck = new Map<string, Ack>();
  for (const a of acks) if ((lastAck.get(a.name)?.rv ?? 0) < a.rv) lastAck.set(a.name, a);
  for (const [name, a] of lastAck) {
    const o = listed.get(name);
    assert.ok(o, `acknowledged ${name}@${a.rv} is listed`);
    assert.ok(Number(o.metadata.resourceVersion) >= a.rv, `${name}: listed @${o.metadata.resourceVersion} is not older than acknowledged @${a.rv}`);
    assert.ok(Number((o as KubeObject & { data: Record<string, string> }).data.step) >= a.step, `${name}: listed step is not older than acknowledged step ${a.step}`);
  }

  // The watch: caught up with the LIST, every acknowledged write seen exactly once, all events in revision order.
  const newest = Math.max(...acks.map((a) => a.rv));
  await eventually(() => events.some((e) => e.rv >= newest), 20_000, 100);
  assert.deepEqual(restarts.filter((r) => r === 'expired'), [], `the watch resumed without a 410 and relist (restarts: ${restarts.join(',') || 'none'})`);
  for (let i = 1; i < events.length; i++) {
    assert.ok(events[i]!.rv > events[i - 1]!.rv, `event ${i} (${events[i]!.name}@${events[i]!.rv}) after ${events[i - 1]!.name}@${events[i - 1]!.rv}: in order, no duplicate`);
  }
  const seen = new Map<number, string[]>();
  for (const e of events) seen.set(e.rv, [...(seen.get(e.rv) ?? []), e.name]);
  for (const a of acks) assert.deepEqual(seen.get(a.rv), [a.name], `acknowledged ${a.name}@${a.rv} watched exactly once`);
  // No write applied twice (a retried request): every event is an acknowledged write or one whose answer was lost.
  assert.ok(events.length <= acks.length + failures.length, `${events.length} events for ${acks.length} acknowledged and ${failures.length} failed writes`);
  t.diagnostic(`${acks.length} writes acknowledged (${ackedBeforeKill} before the kill), ${events.length} events watched, watch restarts: ${restarts.join(',') || 'none'}`);
});
