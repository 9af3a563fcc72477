// CRI container logs as the runtime writes them and pods/log reads them: the record format, line splitting at the
// line limit, rotation, and every reading option of kuberuntime/logs/logs.go (tail, since, timestamps, limitBytes,
// stream, follow until the container stops or the reader leaves), plus the kubelet's choice of instance.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { ApiError } from '../../../../src/apimachinery/errors.js';
import type { ContainerLogOptions } from '../../../../src/component/kubelet-api.js';
import { formatTimestamp, parseRecord, parseTimestamp } from '../../../../src/nodeagent/logs/cri-format.js';
import { followWriter, instanceFileIndex, logInstanceFor, PodLogDirectory, serveContainerLog } from '../../../../src/nodeagent/logs/pod-logs.js';
import { readContainerLog } from '../../../../src/nodeagent/logs/reader.js';
import { ContainerLogWriter } from '../../../../src/nodeagent/logs/writer.js';
import type { RuntimeContainer } from '../../../../src/nodeagent/runtime.js';

const root = mkdtempSync(join(tmpdir(), 'berth-logs-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `c${n++}`, '0.log');

/** A clock that advances one second per reading, from 2026-01-01T00:00:00Z. */
function steppingClock(startSec = 1767225600) {
  let t = BigInt(startSec) * 1_000_000_000n;
  return () => (t += 1_000_000_000n);
}

const base: ContainerLogOptions = { follow: false, previous: false, timestamps: false };

async function read(path: string, opts: Partial<ContainerLogOptions> = {}, writer?: ContainerLogWriter, signal = new AbortController().signal): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await readContainerLog(path, { ...base, ...opts }, out, signal, writer ? followWriter(writer) : undefined);
  return Buffer.concat(chunks).toString();
}

describe('CRI record format', () => {
  test('timestamps: fixed nine digits for --timestamps, trimmed as RFC3339Nano in files, any offset parsed', () => {
    const ns = 1767225600_123450000n;
    assert.equal(formatTimestamp(ns, true), '2026-01-01T00:00:00.123450000Z');
    assert.equal(formatTimestamp(ns, false), '2026-01-01T00:00:00.12345Z');
    assert.equal(formatTimestamp(1767225600_000000000n, false), '2026-01-01T00:00:00Z');
    assert.equal(parseTimestamp('2026-01-01T00:00:00.12345Z'), ns);
    assert.equal(parseTimestamp('2026-01-01T01:00:00.12345+01:00'), ns);
    assert.equal(parseTimestamp('yesterday'), undefined);
  });

  test('records parse back; tags after ":" are tolerated; other lines are not records', () => {
    const r = parseRecord(Buffer.from('2016-10-06T00:17:09.669794202Z stdout P:x log content 1'))!;
    assert.equal(r.stream, 'stdout');
    assert.equal(r.partial, true);
    assert.equal(r.content.toString(), 'log content 1');
    assert.equal(parseRecord(Buffer.from('{"log":"docker json"}')), undefined);
    assert.equal(parseRecord(Buffer.from('2016-10-06T00:17:09Z stdin F x')), undefined);
  });
});

describe('ContainerLogWriter', () => {
  test('cuts output into lines per stream, splits long lines into partial records, flushes the rest on close', async () => {
    const path = fresh();
    const w = new ContainerLogWriter(path, { maxLineBytes: 8, now: steppingClock() });
    await w.write('stdout', 'hello\nwor');
    await w.write('stderr', 'oops\n');
    await w.write('stdout', 'ld\n0123456789abcdefXYZ\nunfinished');
    await w.close();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    assert.deepEqual(lines.map((l) => l.split(' ').slice(1).join(' ')), [
      'stdout F hello', 'stderr F oops', 'stdout F world', 'stdout P 01234567', 'stdout P 89abcdef', 'stdout F XYZ', 'stdout P unfinish', 'stdout F ed',
    ]);
    assert.match(lines[0], /^2026-01-01T00:00:01Z stdout F hello$/);
    assert.equal(w.running, false);
    // Writes after close are dropped (the instance is gone).
    await w.write('stdout', 'late\n');
    assert.equal(readFileSync(path, 'utf8').split('\n').length, 9);
  });

  test('the file exists at once, and piping into stdout/stderr applies backpressure', async () => {
    const path = fresh();
    const w = new ContainerLogWriter(path);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(readFileSync(path, 'utf8'), '');
    const src = new PassThrough();
    src.pipe(w.stdout);
    for (let i = 0; i < 1000; i++) src.write(`line ${i}\n`);
    src.end();
    await once(w.stdout, 'finish');
    await w.close();
    assert.equal(readFileSync(path, 'utf8').trimEnd().split('\n').length, 1000);
  });

  test('rotates past maxBytes, keeping maxFiles files', async () => {
    const path = fresh();
    const w = new ContainerLogWriter(path, { maxBytes: 200, maxFiles: 3 });
    for (let i = 0; i < 40; i++) {
      await w.write('stdout', `line number ${i}\n`);
      if (i % 7 === 0) await new Promise((r) => setTimeout(r, 2)); // distinct rotation stamps
    }
    await w.close();
    const files = readdirSync(join(path, '..')).sort();
    assert.equal(files.length, 3, files.join(' '));
    assert.ok(files.includes('0.log'));
    assert.ok(readFileSync(path, 'utf8').length <= 200);
    assert.match(readFileSync(path, 'utf8'), /line number 39/);
  });
});

describe('readContainerLog', () => {
  async function sample() {
    const path = fresh();
    const w = new ContainerLogWriter(path, { maxLineBytes: 4, now: steppingClock() });
    await w.write('stdout', 'one\n');       // t=1s
    await w.write('stderr', 'two\n');       // t=2s
    await w.write('stdout', 'threeee\n');   // t=3s (P "thre"), t=4s (F "eee")
    await w.write('stdout', 'four\n');      // t=5s
    await w.close();
    return path;
  }

  test('everything, with partial records joined back into their line', async () => {
    assert.equal(await read(await sample()), 'one\ntwo\nthreeee\nfour\n');
  });

  test('tailLines counts records from the end; 0 gives nothing', async () => {
    const path = await sample();
    assert.equal(await read(path, { tailLines: 2 }), 'eee\nfour\n');
    assert.equal(await read(path, { tailLines: 10 }), 'one\ntwo\nthreeee\nfour\n');
    assert.equal(await read(path, { tailLines: 0 }), '');
  });

  test('since skips older records; timestamps prefix RFC3339NanoFixed', async () => {
    const path = await sample();
    assert.equal(await read(path, { since: new Date('2026-01-01T00:00:04Z') }), 'eee\nfour\n');
    assert.equal(await read(path, { timestamps: true, tailLines: 1 }), '2026-01-01T00:00:05.000000000Z four\n');
  });

  test('limitBytes cuts mid-line; stream keeps one stream', async () => {
    const path = await sample();
    assert.equal(await read(path, { limitBytes: 6 }), 'one\ntw');
    assert.equal(await read(path, { stream: 'Stderr' }), 'two\n');
    assert.equal(await read(path, { stream: 'Stdout' }), 'one\nthreeee\nfour\n');
  });

  test('unparsable lines are skipped; a missing file reads as empty', async () => {
    const path = fresh();
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, 'garbage\n2026-01-01T00:00:00Z stdout F ok\n');
    assert.equal(await read(path), 'ok\n');
    assert.equal(await read(join(root, 'nope.log')), '');
  });

  test('follow streams new records and ends once the writer closes', async () => {
    const path = fresh();
    const w = new ContainerLogWriter(path);
    await w.write('stdout', 'before\n');
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => { text += c; });
    const done = readContainerLog(path, { ...base, follow: true, tailLines: 1 }, out, new AbortController().signal, followWriter(w));
    while (!text.includes('before')) await new Promise((r) => setTimeout(r, 5));
    await w.write('stdout', 'during\n');
    while (!text.includes('during')) await new Promise((r) => setTimeout(r, 5));
    await w.write('stdout', 'last words');
    await w.close();
    await done;
    assert.equal(text, 'before\nduring\nlast words\n');
  });

  test('follow ends when the reader aborts, and keeps up with rotation', async () => {
    const path = fresh();
    const w = new ContainerLogWriter(path, { maxBytes: 120 });
    const ac = new AbortController();
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => { text += c; });
    const done = readContainerLog(path, { ...base, follow: true }, out, ac.signal, followWriter(w));
    // The reader keeps up (as upstream, a reader more than one rotation behind misses the files in between).
    for (let i = 0; i < 10; i++) {
      await w.write('stdout', `rotating line ${i}\n`);
      while (!text.includes(`rotating line ${i}\n`)) await new Promise((r) => setTimeout(r, 5));
    }
    ac.abort();
    await done;
    assert.equal(text.split('\n').filter(Boolean).length, 10);
    await w.close();
  });

  test('a reader that stops reading is not buffered into without bound', async () => {
    const path = fresh();
    const w = new ContainerLogWriter(path);
    for (let i = 0; i < 200; i++) await w.write('stdout', `${'x'.repeat(1000)}\n`);
    await w.close();
    let accepted = 0;
    const ac = new AbortController();
    const slow = new Writable({ highWaterMark: 4096, write(_c, _e, cb) { accepted++; /* never calls back */ void cb; } });
    const done = readContainerLog(path, base, slow, ac.signal);
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(slow.writableLength < 16 * 1024, `buffered ${slow.writableLength}`);
    ac.abort();
    await done;
    assert.equal(accepted, 1);
  });
});

describe('which instance pods/log reads (validateContainerLogStatus)', () => {
  const c = (over: Partial<RuntimeContainer>): RuntimeContainer => ({
    name: 'c', image: 'i', imageID: '', state: {}, lastState: {}, restartCount: 0, ready: false, started: false, ...over,
  });
  const err = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof ApiError);
      assert.equal(e.code, 400);
      return e.message;
    }
    return assert.fail('no error');
  };

  test('upstream texts for containers without the asked-for instance', () => {
    assert.equal(err(() => logInstanceFor('p', 'x', undefined, false)), 'container "x" in pod "p" is not available');
    assert.equal(err(() => logInstanceFor('p', 'c', c({ state: { waiting: { reason: 'ContainerCreating' } } }), false)), 'container "c" in pod "p" is waiting to start: ContainerCreating');
    assert.equal(err(() => logInstanceFor('p', 'c', c({ state: { waiting: { reason: 'ErrImagePull' } } }), false)), 'container "c" in pod "p" is waiting to start: image can\'t be pulled');
    assert.equal(err(() => logInstanceFor('p', 'c', c({ state: { running: {} }, containerID: 'x://1' }), true)), 'previous terminated container "c" in pod "p" not found');
  });

  test('running, terminated, crash-looping and previous instances', () => {
    const running = c({ containerID: 'x://2', state: { running: {} }, lastState: { terminated: { exitCode: 1, containerID: 'x://1' } }, restartCount: 1 });
    assert.deepEqual(logInstanceFor('p', 'c', running, false), { containerID: 'x://2', instanceOf: 'current' });
    assert.deepEqual(logInstanceFor('p', 'c', running, true), { containerID: 'x://1', instanceOf: 'last' });
    const backoff = c({ state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, containerID: 'x://3' } } });
    assert.deepEqual(logInstanceFor('p', 'c', backoff, false), { containerID: 'x://3', instanceOf: 'last' });
    const done = c({ state: { terminated: { exitCode: 0, containerID: 'x://4' } } });
    assert.deepEqual(logInstanceFor('p', 'c', done, false), { containerID: 'x://4', instanceOf: 'current' });
  });

  test('PodLogDirectory lays files out per pod, container and restart, serves them, and removes them', async () => {
    const dir = new PodLogDirectory(root, { namespace: 'ns', name: 'web', uid: 'u1' });
    const first = dir.startInstance('app', 'x://a', 0);
    await first.writeLine('stdout', 'first run');
    await first.close();
    const second = dir.startInstance('app', 'x://b', 1);
    await second.writeLine('stdout', 'second run');
    assert.equal(second.path, join(root, 'ns_web_u1', 'app', '1.log'));
    const status = c({ name: 'app', containerID: 'x://b', state: { running: {} }, lastState: { terminated: { exitCode: 1, containerID: 'x://a' } }, restartCount: 1 });
    const collect = async (previous: boolean) => {
      const out = new PassThrough();
      let t = '';
      out.on('data', (d: Buffer) => { t += d; });
      await dir.serve('app', status, { ...base, previous }, out, new AbortController().signal);
      return t;
    };
    assert.equal(await collect(true), 'first run\n');
    assert.equal(await collect(false), 'second run\n');
    await dir.remove();
    assert.deepEqual(readdirSync(root).filter((f) => f.startsWith('ns_web')), []);
  });
});

describe('serveContainerLog (runtimes that keep their own writers)', () => {
  const status = (over: Partial<RuntimeContainer>): RuntimeContainer => ({
    name: 'c', image: 'i', imageID: '', state: {}, lastState: {}, restartCount: 0, ready: false, started: false, ...over,
  });

  test('the file of an instance follows the restart count, also in a crash-loop back-off', () => {
    const running = status({ state: { running: {} }, restartCount: 2, lastState: { terminated: { exitCode: 1, containerID: 'x' } } });
    assert.equal(instanceFileIndex(running, 'current'), 2);
    assert.equal(instanceFileIndex(running, 'last'), 1);
    const backoff = status({ state: { waiting: { reason: 'CrashLoopBackOff' } }, restartCount: 2, lastState: { terminated: { exitCode: 1, containerID: 'x' } } });
    assert.equal(instanceFileIndex(backoff, 'last'), 2);
  });

  test('reads the chosen file and follows the running writer until it closes', async () => {
    const dir = join(root, 'svc', 'ns_p_u', 'c');
    const first = new ContainerLogWriter(join(dir, '0.log'));
    await first.writeLine('stdout', 'run 0');
    await first.close();
    const second = new ContainerLogWriter(join(dir, '1.log'));
    await second.writeLine('stdout', 'run 1');
    const st = status({ containerID: 'x://1', state: { running: {} }, restartCount: 1, lastState: { terminated: { exitCode: 1, containerID: 'x://0' } } });
    const collect = async (opts: Partial<ContainerLogOptions>) => {
      const out = new PassThrough();
      let t = '';
      out.on('data', (d: Buffer) => { t += d; });
      const done = serveContainerLog(dir, 'p', 'c', st, { ...base, ...opts }, out, new AbortController().signal, second);
      return { done, text: () => t };
    };
    const prev = await collect({ previous: true });
    await prev.done;
    assert.equal(prev.text(), 'run 0\n');
    const followed = await collect({ follow: true });
    while (!followed.text().includes('run 1')) await new Promise((r) => setTimeout(r, 5));
    await second.writeLine('stdout', 'more');
    await second.close();
    await followed.done;
    assert.equal(followed.text(), 'run 1\nmore\n');
  });
});
