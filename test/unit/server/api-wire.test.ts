// The REST endpoints as real clients beyond kubectl 1.33 use them, over HTTPS against one in-process Berth (API
// server only): protobuf bodies captured from Helm and kubectl (test/unit/protobuf/fixtures), unconditional updates,
// upstream's query parameter parsing, WatchList and list semantics.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import http2 from 'node:http2';
import tls from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs/minimal.js';
import { decodeKubernetesProtobuf, PROTOBUF_MAGIC } from '../../../src/apimachinery/protobuf/decode.js';
import { builtinModel } from '../../../src/apimachinery/schema/index.js';
import { startBerth, type Berth } from '../../../src/host/berth.js';
import { COMPONENTS } from '../../../src/host/component-list.js';
import { subresourceKey, type SubresourceHandler } from '../../../src/server/context.js';
import type { Store } from '../../../src/storage/interface.js';
import { credentials, rawRequest } from '../../e2e/harness.js';
import { repoPath } from '../../repo-path.js';

let berth: Berth;
let dataDir: string;
let store: Store;
let subresources: Map<string, SubresourceHandler>;
const c = () => ({ kubeconfig: berth.kubeconfigPath });
const PROTOBUF = 'application/vnd.kubernetes.protobuf';

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-wire-'));
  // The storage is reached through a component, to compact it the way a long-running server's history window does.
  const grabStore = {
    name: 'test-store', controller: false,
    async start(ctx: { store: Store; server: { subresources: Map<string, SubresourceHandler> } }) {
      store = ctx.store;
      subresources = ctx.server.subresources;
      return { stop() {} };
    },
  };
  berth = await startBerth({ dataDir, port: 0, runtime: { controllers: false }, components: [...COMPONENTS, grabStore] });
});

after(async () => {
  await berth?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const fixture = (name: string) => readFileSync(repoPath(`test/unit/protobuf/fixtures/${name}`));
const req = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  rawRequest(c(), method, path, body === undefined ? undefined : Buffer.isBuffer(body) || typeof body === 'string' ? body : JSON.stringify(body), headers);
const json = (r: { body: string }) => JSON.parse(r.body);

async function ensureNamespace(name: string) {
  const r = await req('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  assert.ok(r.status === 201 || r.status === 409, r.body);
}

describe('protobuf request bodies from real clients', () => {
  for (const helm of ['helm3', 'helm4']) {
    test(`${helm}: release Secret created, updated without resourceVersion, deleted with protobuf DeleteOptions`, async () => {
      const created = await req('POST', '/api/v1/namespaces/default/secrets', fixture(`${helm}-release-secret-create.bin`), { 'Content-Type': PROTOBUF });
      assert.equal(created.status, 201, created.body);
      const name = json(created).metadata.name;
      const updated = await req('PUT', `/api/v1/namespaces/default/secrets/${name}`, fixture(`${helm}-release-secret-update.bin`), { 'Content-Type': PROTOBUF });
      assert.equal(updated.status, 200, updated.body);
      assert.equal(json(updated).metadata.labels.status, 'deployed');
      assert.ok(Number(json(updated).metadata.resourceVersion) > Number(json(created).metadata.resourceVersion));
      const deleted = await req('DELETE', `/api/v1/namespaces/default/secrets/${name}`, fixture(`${helm}-deleteoptions.bin`), { 'Content-Type': PROTOBUF });
      assert.equal(deleted.status, 200, deleted.body);
      assert.equal(json(deleted).status, 'Success');
      assert.equal((await req('GET', `/api/v1/namespaces/default/secrets/${name}`)).status, 404);
    });
  }

  test('deletecollection takes a protobuf DeleteOptions body too', async () => {
    await ensureNamespace('pbcol');
    for (const n of ['a', 'b']) {
      assert.equal((await req('POST', '/api/v1/namespaces/pbcol/configmaps', { metadata: { name: n, labels: { drop: 'yes' } } })).status, 201);
    }
    const r = await req('DELETE', '/api/v1/namespaces/pbcol/configmaps?labelSelector=drop%3Dyes', fixture('helm4-deleteoptions.bin'), { 'Content-Type': PROTOBUF });
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(json(r).items.map((i: { metadata: { name: string } }) => i.metadata.name).sort(), ['a', 'b']);
  });

  test('a protobuf body of another kind is not DeleteOptions (400)', async () => {
    await ensureNamespace('pbcol');
    await req('POST', '/api/v1/namespaces/pbcol/configmaps', { metadata: { name: 'keep' } });
    const r = await req('DELETE', '/api/v1/namespaces/pbcol/configmaps/keep', fixture('kubectl135-configmap-c1.bin'), { 'Content-Type': PROTOBUF });
    assert.equal(r.status, 400, r.body);
    assert.equal(json(r).message, 'decoded object cannot be converted to DeleteOptions');
  });

  test('PUT /scale with a protobuf Scale (client-go UpdateScale)', async () => {
    await ensureNamespace('pbscale');
    const dep = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } };
    assert.equal((await req('POST', '/apis/apps/v1/namespaces/pbscale/deployments', dep)).status, 201);
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 2).fork().uint32((1 << 3) | 2).string('web').uint32((3 << 3) | 2).string('pbscale').ldelim();
    w.uint32((2 << 3) | 2).fork().uint32((1 << 3) | 0).int32(4).ldelim();
    const env = protobuf.Writer.create();
    env.uint32((1 << 3) | 2).fork().uint32((1 << 3) | 2).string('autoscaling/v1').uint32((2 << 3) | 2).string('Scale').ldelim();
    env.uint32((2 << 3) | 2).bytes(w.finish());
    const r = await req('PUT', '/apis/apps/v1/namespaces/pbscale/deployments/web/scale', Buffer.concat([PROTOBUF_MAGIC, env.finish()]), { 'Content-Type': PROTOBUF });
    assert.equal(r.status, 200, r.body);
    assert.equal(json(r).spec.replicas, 4);
    assert.equal(json(await req('GET', '/apis/apps/v1/namespaces/pbscale/deployments/web')).spec.replicas, 4);
  });
});

interface WatchEvent { type: string; object: { kind?: string; metadata: { name?: string; resourceVersion?: string; annotations?: Record<string, string> } } }

/** A watch read as it streams: its status, the events so far, a wait for a condition on them, and close. */
function openWatch(path: string) {
  const cred = credentials(c());
  const events: WatchEvent[] = [];
  let status = 0;
  let body = '';
  let wake: (() => void) | undefined;
  let ended = false;
  const req = https.request(new URL(path, cred.server), { ca: cred.ca, cert: cred.cert, key: cred.key }, (res) => {
    status = res.statusCode ?? 0;
    res.setEncoding('utf8');
    let buf = '';
    res.on('data', (d: string) => {
      if (status !== 200) { body += d; return; }
      buf += d;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        events.push(JSON.parse(buf.slice(0, nl)));
        buf = buf.slice(nl + 1);
      }
      wake?.();
    });
    res.on('end', () => { ended = true; wake?.(); });
  });
  req.on('error', () => { ended = true; wake?.(); });
  req.end();
  return {
    events,
    get status() { return status; },
    get body() { return body; },
    async until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
      const deadline = Date.now() + ms;
      while (!cond()) {
        if (ended) throw new Error(`watch ended before ${what} (status ${status}): ${body}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise<void>((r) => { wake = r; setTimeout(r, 100); });
      }
    },
    ended: () => ended,
    close() { req.destroy(); },
  };
}

const names = (list: { items: { metadata: { name: string } }[] }) => list.items.map((i) => i.metadata.name).sort();

describe('query parameters as upstream converts them', () => {
  before(async () => {
    await ensureNamespace('qp');
    for (const n of ['a', 'b', 'c']) await req('POST', '/api/v1/namespaces/qp/configmaps', { metadata: { name: n } });
  });

  test('booleans: anything but absent, 0 and false (any case) is true', async () => {
    for (const v of ['True', 'TRUE', '1', 'yes', '']) {
      const w = openWatch(`/api/v1/namespaces/qp/configmaps?watch=${v}&timeoutSeconds=1`);
      await w.until(() => w.events.length >= 3, `watch=${v} streaming`);
      assert.equal(w.status, 200);
      assert.deepEqual(w.events.map((e) => e.type), ['ADDED', 'ADDED', 'ADDED'], `watch=${v}`);
      w.close();
    }
    for (const v of ['false', 'False', 'FALSE', '0']) {
      const r = await req('GET', `/api/v1/namespaces/qp/configmaps?watch=${v}`);
      assert.equal(r.status, 200);
      assert.equal(json(r).kind, 'ConfigMapList', `watch=${v} is a list`);
    }
  });

  test('integers are Go int64s: a bad one is a 400 with strconv\'s text; a repeated parameter counts once, first value', async () => {
    const bad = await req('GET', '/api/v1/namespaces/qp/configmaps?limit=ten');
    assert.equal(bad.status, 400);
    assert.equal(json(bad).message, 'strconv.ParseInt: parsing "ten": invalid syntax');
    const huge = await req('GET', '/api/v1/namespaces/qp/configmaps?limit=99999999999999999999');
    assert.equal(json(huge).message, 'strconv.ParseInt: parsing "99999999999999999999": value out of range');
    const first = json(await req('GET', '/api/v1/namespaces/qp/configmaps?limit=1&limit=5'));
    assert.equal(first.items.length, 1);
    assert.ok(first.metadata.continue);
    const grace = await req('DELETE', '/api/v1/namespaces/qp/configmaps/a?gracePeriodSeconds=soon');
    assert.equal(grace.status, 400);
    assert.equal(json(grace).message, 'strconv.ParseInt: parsing "soon": invalid syntax');
  });

  test('unknown parameters are ignored; a named GET with watch=true is a get', async () => {
    const r = await req('GET', '/api/v1/namespaces/qp/configmaps?frobnicate=yes&pretty=true&limit=500');
    assert.equal(r.status, 200);
    assert.deepEqual(names(json(r)), ['a', 'b', 'c']);
    const one = await req('GET', '/api/v1/namespaces/qp/configmaps/b?watch=true');
    assert.equal(one.status, 200);
    assert.equal(json(one).metadata.name, 'b');
  });

  test('force=True on a server-side apply and orphanDependents=True on a delete', async () => {
    const apply = (manager: string, force: string) => req('PATCH', `/api/v1/namespaces/qp/configmaps/ssa?fieldManager=${manager}${force}`,
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  k: ' + manager + '\n', { 'Content-Type': 'application/apply-patch+yaml' });
    assert.equal((await apply('one', '')).status, 201);
    assert.equal((await apply('two', '')).status, 409);
    const forced = await apply('two', '&force=True');
    assert.equal(forced.status, 200, forced.body);
    assert.equal(json(forced).data.k, 'two');
    const del = await req('DELETE', '/api/v1/namespaces/qp/configmaps/ssa?orphanDependents=True');
    assert.equal(del.status, 200, del.body);
  });
});

describe('WatchList (sendInitialEvents)', () => {
  const base = '/api/v1/namespaces/wl/configmaps';
  const watchList = (extra = '') => `${base}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true${extra}`;
  let firstRv = '';

  before(async () => {
    await ensureNamespace('wl');
    for (let i = 0; i < 25; i++) {
      const r = await req('POST', base, { metadata: { name: `cm-${String(i).padStart(2, '0')}`, labels: { half: String(i % 2) } } });
      firstRv ||= json(r).metadata.resourceVersion;
    }
    // Changes after creation, so the state differs from the first revisions' state.
    await req('PATCH', `${base}/cm-03`, { data: { x: 'y' } }, { 'Content-Type': 'application/merge-patch+json' });
    await req('DELETE', `${base}/cm-04`);
  });

  /** What a client-go reflector keeps: the objects that arrived before the initial-events-end bookmark. */
  function cacheBeforeBookmark(events: WatchEvent[]) {
    const end = events.findIndex((e) => e.type === 'BOOKMARK' && e.object.metadata.annotations?.['k8s.io/initial-events-end'] === 'true');
    assert.ok(end >= 0, 'the initial-events-end bookmark arrived');
    const cache = new Map<string, string>();
    for (const e of events.slice(0, end)) {
      assert.equal(e.type, 'ADDED');
      cache.set(e.object.metadata.name!, e.object.metadata.resourceVersion!);
    }
    return { cache, bookmark: events[end]! };
  }

  for (const [label, extra] of [['no resourceVersion', ''], ['resourceVersion=0', '&resourceVersion=0'], ['an older resourceVersion', () => `&resourceVersion=${firstRv}`]] as const) {
    test(`initial state, bookmark, then live events equal a LIST (${label})`, async () => {
      const w = openWatch(watchList(typeof extra === 'function' ? extra() : extra));
      try {
        await w.until(() => w.events.some((e) => e.type === 'BOOKMARK'), 'the bookmark');
        const { cache, bookmark } = cacheBeforeBookmark(w.events);
        const list = json(await req('GET', base));
        assert.deepEqual([...cache.entries()].sort(), list.items.map((i: { metadata: { name: string; resourceVersion: string } }) => [i.metadata.name, i.metadata.resourceVersion]).sort());
        assert.equal(cache.size, 24);
        assert.equal(bookmark.object.kind, 'ConfigMap');
        assert.ok(Number(bookmark.object.metadata.resourceVersion) >= Math.max(...[...cache.values()].map(Number)));
        assert.ok(Number(bookmark.object.metadata.resourceVersion) <= Number(list.metadata.resourceVersion));
        const live = await req('POST', base, { metadata: { name: `live-${label.length}` } });
        await w.until(() => w.events.some((e) => e.type === 'ADDED' && e.object.metadata.name === `live-${label.length}`), 'the live event');
        assert.ok(Number(json(live).metadata.resourceVersion) > Number(bookmark.object.metadata.resourceVersion));
        await req('DELETE', `${base}/live-${label.length}`);
      } finally {
        w.close();
      }
    });
  }

  test('a label selector applies to the initial state; without allowWatchBookmarks no bookmark is sent', async () => {
    const w = openWatch(`${base}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&labelSelector=half%3D1&timeoutSeconds=1`);
    await w.until(() => w.ended(), 'the end of the watch');
    assert.equal(w.status, 200);
    assert.deepEqual(w.events.map((e) => e.type), Array(12).fill('ADDED'));
  });

  test('sendInitialEvents=false starts at resourceVersion without any initial state', async () => {
    const w = openWatch(`${base}?watch=1&sendInitialEvents=false&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`);
    try {
      await new Promise((r) => setTimeout(r, 200));
      await req('POST', base, { metadata: { name: 'after-start' } });
      await w.until(() => w.events.length > 0, 'an event');
      assert.deepEqual(w.events.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'after-start']]);
    } finally {
      w.close();
    }
  });

  test('a resourceVersion the store reaches during the wait is served; one it never reaches is a 504 after upstream\'s 3 s', async () => {
    const current = Number(json(await req('GET', base)).metadata.resourceVersion);
    const soon = openWatch(watchList(`&resourceVersion=${current + 1}`));
    try {
      await new Promise((r) => setTimeout(r, 300));
      await req('POST', base, { metadata: { name: 'makes-it-fresh' } });
      await soon.until(() => soon.events.some((e) => e.type === 'BOOKMARK'), 'the bookmark');
      assert.ok(soon.events.some((e) => e.object.metadata.name === 'makes-it-fresh'));
    } finally {
      soon.close();
    }
    const never = await req('GET', watchList(`&resourceVersion=${current + 1000}`));
    assert.equal(never.status, 504);
    const status = json(never);
    assert.equal(status.reason, 'Timeout');
    assert.match(status.message, new RegExp(`^Timeout: Too large resource version: ${current + 1000}, current: \\d+$`));
    assert.deepEqual(status.details, { retryAfterSeconds: 1, causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }] });
    assert.equal(never.headers['retry-after'], '1');
  });

  test('parameter combinations upstream refuses are 422 with its texts', async () => {
    const cases: [string, string][] = [
      [`${base}?watch=1&sendInitialEvents=true`, 'resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'],
      [`${base}?watch=1&resourceVersionMatch=NotOlderThan&resourceVersion=5`, 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'],
      [`${base}?watch=1&sendInitialEvents=true&resourceVersionMatch=Exact`, '[resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan, resourceVersionMatch: Unsupported value: "Exact": supported values: "NotOlderThan"]'],
      [`${base}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&continue=abc`, 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided'],
      [`${base}?sendInitialEvents=true`, 'sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list'],
      [`${base}?resourceVersionMatch=Exact`, 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided'],
      [`${base}?resourceVersionMatch=Exact&resourceVersion=0`, 'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"'],
      [`${base}?resourceVersionMatch=Newest&resourceVersion=3`, 'resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""'],
    ];
    for (const [path, text] of cases) {
      const r = await req('GET', path);
      assert.equal(r.status, 422, path);
      const status = json(r);
      assert.equal(status.message, `ListOptions.meta.k8s.io "" is invalid: ${text}`, path);
      assert.equal(status.details.kind, 'ListOptions');
      assert.equal(status.details.group, 'meta.k8s.io');
    }
  });
});

describe('list semantics', () => {
  const base = '/api/v1/namespaces/ls/configmaps';
  type Item = { metadata: { name: string; resourceVersion: string }; data?: Record<string, string> };
  const view = (items: Item[]) => items.map((i) => `${i.metadata.name}@${i.metadata.resourceVersion}`).sort();
  const create = async (name: string) => json(await req('POST', base, { metadata: { name }, data: { v: '1' } }));
  const list = async (query: string) => {
    const r = await req('GET', `${base}?${query}`);
    return { status: r.status, body: json(r) };
  };

  before(async () => {
    await ensureNamespace('ls');
    for (const n of ['a', 'b', 'c', 'd', 'e']) await create(n);
  });

  test('resourceVersionMatch=Exact reads the state at that revision; the legacy resourceVersion with a limit too', async () => {
    const before = (await list('')).body;
    await req('PATCH', `${base}/a`, { data: { v: '2' } }, { 'Content-Type': 'application/merge-patch+json' });
    await req('DELETE', `${base}/b`);
    await create('f');
    const now = (await list('')).body;
    assert.notDeepEqual(view(now.items), view(before.items));
    const exact = (await list(`resourceVersion=${before.metadata.resourceVersion}&resourceVersionMatch=Exact`)).body;
    assert.equal(exact.metadata.resourceVersion, before.metadata.resourceVersion);
    assert.deepEqual(view(exact.items), view(before.items));
    assert.equal(exact.items.find((i: Item) => i.metadata.name === 'a').data.v, '1');
    const legacy = (await list(`resourceVersion=${before.metadata.resourceVersion}&limit=100`)).body;
    assert.deepEqual(view(legacy.items), view(before.items));
    const notOlder = (await list(`resourceVersion=${before.metadata.resourceVersion}&resourceVersionMatch=NotOlderThan`)).body;
    assert.deepEqual(view(notOlder.items), view(now.items));
    const legacyWhole = (await list(`resourceVersion=${before.metadata.resourceVersion}`)).body;
    assert.deepEqual(view(legacyWhole.items), view(now.items));
  });

  test('pages are one snapshot at the first page\'s revision, whatever changes in between', async () => {
    const first = (await list('limit=2')).body;
    const snapshot = (await list(`resourceVersion=${first.metadata.resourceVersion}&resourceVersionMatch=Exact`)).body;
    await create('g');
    await req('DELETE', `${base}/e`);
    await req('PATCH', `${base}/d`, { data: { v: '3' } }, { 'Content-Type': 'application/merge-patch+json' });
    const seen: Item[] = [...first.items];
    let token = first.metadata.continue;
    assert.equal(first.metadata.remainingItemCount, snapshot.items.length - 2);
    while (token) {
      const page = (await list(`limit=2&continue=${encodeURIComponent(token)}`)).body;
      assert.equal(page.metadata.resourceVersion, first.metadata.resourceVersion);
      seen.push(...page.items);
      token = page.metadata.continue;
    }
    assert.deepEqual(view(seen), view(snapshot.items));
    const bad = await req('GET', `${base}?limit=2&resourceVersion=5&continue=${encodeURIComponent(first.metadata.continue)}`);
    assert.equal(bad.status, 400);
    assert.equal(json(bad).message, 'specifying resource version is not allowed when using continue');
  });

  test('compacted: Exact is 410; a continued list is 410 with a token that goes on at the current state', async () => {
    const first = (await list('limit=2')).body;
    for (let i = 0; i < 3; i++) await create(`late-${i}`);
    store.compact(store.currentRevision());
    const exact = await list(`resourceVersion=${first.metadata.resourceVersion}&resourceVersionMatch=Exact`);
    assert.equal(exact.status, 410);
    assert.equal(exact.body.reason, 'Expired');
    assert.equal(exact.body.message, 'The resourceVersion for the provided list is too old.');
    const cont = await list(`limit=2&continue=${encodeURIComponent(first.metadata.continue)}`);
    assert.equal(cont.status, 410);
    assert.equal(cont.body.reason, 'Expired');
    assert.match(cont.body.message, /^The provided continue parameter is too old to display a consistent list result\. You can start a new list without the continue parameter, or use the continue token in this response/);
    assert.ok(cont.body.metadata.continue);
    const rest: Item[] = [];
    let token = cont.body.metadata.continue;
    while (token) {
      const page = (await list(`limit=2&continue=${encodeURIComponent(token)}`)).body;
      rest.push(...page.items);
      token = page.metadata.continue;
    }
    const now = (await list('')).body;
    const afterFirst = now.items.filter((i: Item) => i.metadata.name > first.items[1].metadata.name);
    assert.deepEqual(view(rest), view(afterFirst));
  });

  test('a resourceVersion the store has not reached: served once reached, else 504 Too large resource version', async () => {
    const current = Number((await list('')).body.metadata.resourceVersion);
    const pending = list(`resourceVersion=${current + 1}&resourceVersionMatch=NotOlderThan`);
    await new Promise((r) => setTimeout(r, 200));
    await create('fresh');
    const served = await pending;
    assert.equal(served.status, 200);
    assert.ok(served.body.items.some((i: Item) => i.metadata.name === 'fresh'));
    const never = await list(`resourceVersion=${current + 500}`);
    assert.equal(never.status, 504);
    assert.match(never.body.message, new RegExp(`^Timeout: Too large resource version: ${current + 500}, current: \\d+$`));
  });
});

describe('scale subresource under concurrent writers', () => {
  test('PATCH /scale without its own resourceVersion never answers 409, racing other writers of the object', async () => {
    await ensureNamespace('sc');
    const dep = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'raced' }, spec: { replicas: 1, selector: { matchLabels: { app: 'r' } }, template: { metadata: { labels: { app: 'r' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } };
    assert.equal((await req('POST', '/apis/apps/v1/namespaces/sc/deployments', dep)).status, 201);
    let racing = true;
    // A controller's status writes and a user's annotation patches, as fast as they go.
    const racers = [0, 1].map(async (n) => {
      let i = 0;
      while (racing) {
        const r = n === 0
          ? await req('PATCH', '/apis/apps/v1/namespaces/sc/deployments/raced/status', { status: { observedGeneration: ++i } }, { 'Content-Type': 'application/merge-patch+json' })
          : await req('PATCH', '/apis/apps/v1/namespaces/sc/deployments/raced', { metadata: { annotations: { tick: String(++i) } } }, { 'Content-Type': 'application/merge-patch+json' });
        assert.equal(r.status, 200, r.body);
      }
    });
    const codes: number[] = [];
    for (let n = 1; n <= 40; n++) {
      const types = ['application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json'];
      const type = types[n % 3]!;
      const body = type === 'application/json-patch+json' ? [{ op: 'replace', path: '/spec/replicas', value: n }] : { spec: { replicas: n } };
      const r = await req('PATCH', '/apis/apps/v1/namespaces/sc/deployments/raced/scale', body, { 'Content-Type': type });
      codes.push(r.status);
      if (r.status === 200) assert.equal(json(r).spec.replicas, n);
    }
    racing = false;
    await Promise.all(racers);
    assert.deepEqual(codes.filter((c) => c !== 200), []);
    assert.equal(json(await req('GET', '/apis/apps/v1/namespaces/sc/deployments/raced')).spec.replicas, 40);
    // A patch that names a stale resourceVersion is a precondition, and that one does conflict.
    const stale = await req('PATCH', '/apis/apps/v1/namespaces/sc/deployments/raced/scale', { metadata: { resourceVersion: '2' }, spec: { replicas: 3 } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(stale.status, 409);
    assert.equal(json(stale).message, 'Operation cannot be fulfilled on deployments.apps "raced": the object has been modified; please apply your changes to the latest version and try again');
  });
});

describe('discovery lists what is served', () => {
  /** Every subresource in /api/v1 and /apis/<group>/<version>, with its verbs. */
  async function listedSubresources(): Promise<{ path: string; namespaced: boolean; verbs: string[] }[]> {
    const out: { path: string; namespaced: boolean; verbs: string[] }[] = [];
    const groupVersions = ['/api/v1', ...json(await req('GET', '/apis')).groups.map((g: { preferredVersion: { groupVersion: string } }) => `/apis/${g.preferredVersion.groupVersion}`)];
    for (const gv of groupVersions) {
      for (const r of json(await req('GET', gv)).resources as { name: string; namespaced: boolean; verbs: string[] }[]) {
        if (r.name.includes('/')) out.push({ path: `${gv}/${r.name}`, namespaced: r.namespaced, verbs: r.verbs });
      }
    }
    return out;
  }

  test('every listed subresource answers each of its verbs (never the route-level 404 or 405)', async () => {
    const listed = await listedSubresources();
    assert.ok(listed.some((l) => l.path === '/apis/apps/v1/deployments/scale'));
    assert.ok(!listed.some((l) => l.path.endsWith('/proxy')), listed.map((l) => l.path).join(' '));
    assert.ok(listed.some((l) => l.path.endsWith('serviceaccounts/token')));
    const method: Record<string, string> = { get: 'GET', create: 'POST', update: 'PUT', patch: 'PATCH', delete: 'DELETE' };
    for (const { path, namespaced, verbs } of listed) {
      const [prefix, resource, sub] = [path.slice(0, path.lastIndexOf('/', path.lastIndexOf('/') - 1)), ...path.split('/').slice(-2)];
      const url = `${prefix}${namespaced ? '/namespaces/default' : ''}/${resource}/missing-object/${sub}`;
      for (const verb of verbs) {
        const r = await req(method[verb]!, url, verb === 'get' || verb === 'delete' ? undefined : {}, verb === 'patch' ? { 'Content-Type': 'application/merge-patch+json' } : {});
        const body = r.body.startsWith('{') ? json(r) : { message: r.body };
        assert.notEqual(body.message, 'the server could not find the requested resource', `${verb} ${url}`);
        assert.notEqual(r.status, 405, `${verb} ${url}: ${r.body}`);
      }
    }
  });

  // pods/resize is not served (pods/log, the example before, is now: src/server/streaming/).
  test('a subresource appears in both discovery forms once a handler serves it, and goes with it', async () => {
    const key = subresourceKey('', 'pods', 'resize');
    const aggregated = async () => {
      const doc = json(await req('GET', '/api', undefined, { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' }));
      const pods = doc.items[0].versions[0].resources.find((r: { resource: string }) => r.resource === 'pods');
      return (pods.subresources as { subresource: string }[]).map((s) => s.subresource);
    };
    const legacy = async () => (json(await req('GET', '/api/v1')).resources as { name: string }[]).map((r) => r.name).filter((n) => n.startsWith('pods/'));
    assert.ok(!(await aggregated()).includes('resize'));
    assert.ok(!(await legacy()).includes('pods/resize'));
    subresources.set(key, async (_ctx, _req, res) => { res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end('resized'); });
    try {
      assert.ok((await aggregated()).includes('resize'));
      assert.ok((await legacy()).includes('pods/resize'));
      assert.equal((await req('GET', '/api/v1/namespaces/default/pods/any/resize')).body, 'resized');
    } finally {
      subresources.delete(key);
    }
    assert.ok(!(await legacy()).includes('pods/resize'));
  });
});

describe('transport: HTTP/2 next to HTTP/1.1, protobuf responses', () => {
  const cred = () => credentials(c());

  function h2() {
    const { ca, cert, key, server } = cred();
    return http2.connect(server, { ca, cert, key });
  }

  function h2Get(session: http2.ClientHttp2Session, path: string, accept = 'application/json'): Promise<{ status: number; type: string; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const stream = session.request({ ':path': path, accept });
      const chunks: Buffer[] = [];
      let status = 0;
      let type = '';
      stream.on('response', (h) => { status = Number(h[':status']); type = String(h['content-type']); });
      stream.on('data', (d: Buffer) => chunks.push(d));
      stream.on('end', () => resolve({ status, type, body: Buffer.concat(chunks) }));
      stream.on('error', reject);
    });
  }

  test('ALPN offers h2 and http/1.1; both serve the same API', async () => {
    const { ca, cert, key, server } = cred();
    const url = new URL(server);
    for (const [offer, want] of [[['h2', 'http/1.1'], 'h2'], [['http/1.1'], 'http/1.1']] as const) {
      const negotiated = await new Promise<string | false | null>((resolve, reject) => {
        const s = tls.connect({ host: url.hostname, port: Number(url.port), ca, cert, key, ALPNProtocols: [...offer] }, () => { resolve(s.alpnProtocol); s.end(); });
        s.on('error', reject);
      });
      assert.equal(negotiated, want);
    }
    const session = h2();
    try {
      const r = await h2Get(session, '/api/v1/namespaces/default');
      assert.equal(r.status, 200);
      assert.equal(JSON.parse(r.body.toString()).metadata.name, 'default');
      const denied = await new Promise<number>((resolve) => {
        const anon = http2.connect(server, { ca });
        const st = anon.request({ ':path': '/api/v1/namespaces' });
        st.on('response', (h) => { resolve(Number(h[':status'])); anon.close(); });
        st.resume();
      });
      // no credentials: the anonymous user, whom RBAC does not let list namespaces
      assert.equal(denied, 403);
    } finally {
      session.close();
    }
  });

  test('100 watches share one HTTP/2 connection and each gets the events', async () => {
    await ensureNamespace('h2w');
    const session = h2();
    const seen = Array.from({ length: 100 }, () => '');
    const streams = seen.map((_, i) => {
      const st = session.request({ ':path': '/api/v1/namespaces/h2w/configmaps?watch=1&allowWatchBookmarks=true' });
      st.setEncoding('utf8');
      st.on('data', (d: string) => { seen[i] += d; });
      return st;
    });
    try {
      // every watch has its initial-events-end bookmark, so every stream is open
      const deadline = Date.now() + 15_000;
      while (seen.some((s) => !s.includes('initial-events-end')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await req('POST', '/api/v1/namespaces/h2w/configmaps', { metadata: { name: 'shared' } });
      while (seen.some((s) => !s.includes('"name":"shared"')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(seen.filter((s) => s.includes('"type":"ADDED"') && s.includes('"name":"shared"')).length, 100);
    } finally {
      for (const st of streams) st.close();
      session.close();
    }
  });

  test('an upgrade listener on the server receives HTTP/1.1 Upgrade requests (exec, attach, port-forward)', async () => {
    const got: { upgrade?: string; authorized?: boolean }[] = [];
    const onUpgrade = (r: import('node:http').IncomingMessage, socket: import('node:net').Socket) => {
      got.push({ upgrade: r.headers.upgrade, authorized: (r.socket as tls.TLSSocket).authorized });
      socket.end('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n');
    };
    berth.server.on('upgrade', onUpgrade);
    try {
      const { ca, cert, key, server } = cred();
      const code = await new Promise<number>((resolve, reject) => {
        const r = https.request(new URL('/api/v1/namespaces/default/pods/p/exec?command=sh', server), { method: 'POST', ca, cert, key, headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' } });
        r.on('upgrade', (res, socket) => { socket.destroy(); resolve(res.statusCode ?? 0); });
        r.on('response', (res) => resolve(res.statusCode ?? 0));
        r.on('error', reject);
        r.end();
      });
      assert.equal(code, 101);
      assert.deepEqual(got, [{ upgrade: 'SPDY/3.1', authorized: true }]);
    } finally {
      berth.server.off('upgrade', onUpgrade);
    }
  });

  test('protobuf responses for built-in kinds (object, list, watch) decode to the JSON answer; custom kinds stay JSON', async () => {
    await ensureNamespace('pbr');
    await req('POST', '/api/v1/namespaces/pbr/configmaps', { metadata: { name: 'one', labels: { a: 'b' } }, data: { k: 'v' } });
    const accept = 'application/vnd.kubernetes.protobuf, application/json';
    const model = builtinModel();
    const session = h2();
    try {
      const one = await h2Get(session, '/api/v1/namespaces/pbr/configmaps/one', accept);
      assert.equal(one.type, 'application/vnd.kubernetes.protobuf');
      assert.deepEqual(decodeKubernetesProtobuf(model, one.body), json(await req('GET', '/api/v1/namespaces/pbr/configmaps/one')));
      const list = await h2Get(session, '/api/v1/namespaces/pbr/configmaps', accept);
      const asJson = json(await req('GET', '/api/v1/namespaces/pbr/configmaps'));
      const decoded = decodeKubernetesProtobuf(model, list.body) as unknown as { kind: string; items: unknown[]; metadata: { resourceVersion: string } };
      assert.equal(decoded.kind, 'ConfigMapList');
      // (list items carry no type meta in protobuf; Berth's JSON items repeat it)
      assert.deepEqual(decoded.items, asJson.items.map(({ apiVersion: _a, kind: _k, ...rest }: Record<string, unknown>) => rest));
      // watch: length-prefixed WatchEvents, each object enveloped
      const frames = await new Promise<Buffer>((resolve, reject) => {
        const st = session.request({ ':path': '/api/v1/namespaces/pbr/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1', accept });
        const chunks: Buffer[] = [];
        st.on('response', (h) => assert.equal(h['content-type'], 'application/vnd.kubernetes.protobuf;stream=watch'));
        st.on('data', (d: Buffer) => chunks.push(d));
        st.on('end', () => resolve(Buffer.concat(chunks)));
        st.on('error', reject);
      });
      const events: [string, { kind: string; metadata: { name?: string } }][] = [];
      for (let at = 0; at < frames.length;) {
        const len = frames.readUInt32BE(at);
        const r = protobuf.Reader.create(frames.subarray(at + 4, at + 4 + len));
        let type = '';
        let raw: Uint8Array = new Uint8Array();
        while (r.pos < r.len) {
          const tag = r.uint32();
          if (tag >>> 3 === 1) type = r.string();
          else { const inner = protobuf.Reader.create(r.bytes()); inner.uint32(); raw = inner.bytes(); }
        }
        events.push([type, decodeKubernetesProtobuf(model, raw) as never]);
        at += 4 + len;
      }
      assert.deepEqual(events.map(([t, o]) => `${t} ${o.kind} ${o.metadata.name ?? ''}`), ['ADDED ConfigMap one', 'BOOKMARK ConfigMap ']);
      // an error stays a JSON Status (client-go accepts JSON too)
      const missing = await h2Get(session, '/api/v1/namespaces/pbr/configmaps/none', accept);
      assert.equal(missing.status, 404);
      assert.equal(JSON.parse(missing.body.toString()).reason, 'NotFound');
      const crd = {
        apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
        spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
          versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] },
      };
      assert.equal((await req('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status, 201);
      const deadline = Date.now() + 10_000;
      let widgets = await h2Get(session, '/apis/example.com/v1/namespaces/pbr/widgets', accept);
      while (widgets.status !== 200 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        widgets = await h2Get(session, '/apis/example.com/v1/namespaces/pbr/widgets', accept);
      }
      assert.equal(widgets.type, 'application/json');
      assert.equal(JSON.parse(widgets.body.toString()).kind, 'WidgetList');
    } finally {
      session.close();
    }
  });
});

describe('pods/ephemeralcontainers', () => {
  test('adds ephemeral containers (update and patch), keeps the rest of the pod, refuses changing existing ones', async () => {
    await ensureNamespace('eph');
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'target' }, spec: { containers: [{ name: 'app', image: 'nginx' }] } };
    assert.equal((await req('POST', '/api/v1/namespaces/eph/pods', pod)).status, 201);
    const base = '/api/v1/namespaces/eph/pods/target/ephemeralcontainers';
    const patched = await req('PATCH', base, { spec: { ephemeralContainers: [{ name: 'debugger', image: 'busybox', targetContainerName: 'app' }] } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
    assert.equal(patched.status, 200, patched.body);
    const eph = json(patched).spec.ephemeralContainers;
    assert.deepEqual([eph[0].name, eph[0].image, eph[0].targetContainerName, eph[0].terminationMessagePolicy], ['debugger', 'busybox', 'app', 'File']);
    // A PUT of the whole pod: only its ephemeral containers count.
    const current = json(await req('GET', base));
    current.spec.containers[0].image = 'nginx:changed';
    current.spec.ephemeralContainers.push({ name: 'second', image: 'busybox' });
    const put = await req('PUT', base, current);
    assert.equal(put.status, 200, put.body);
    assert.deepEqual(json(put).spec.ephemeralContainers.map((c: { name: string }) => c.name), ['debugger', 'second']);
    assert.equal(json(put).spec.containers[0].image, 'nginx', 'the rest of the pod is not written through this subresource');
    const changed = json(put);
    changed.spec.ephemeralContainers[0].image = 'alpine';
    const refused = await req('PUT', base, changed);
    assert.equal(refused.status, 422);
    assert.match(json(refused).message, /spec.ephemeralContainers: Forbidden: existing ephemeral containers "debugger" may not be changed/);
    assert.equal((await req('POST', base, {})).status, 404, 'no create on this subresource');
    const discovery = json(await req('GET', '/api/v1')).resources.map((r: { name: string }) => r.name);
    assert.ok(discovery.includes('pods/ephemeralcontainers'));
  });
});
