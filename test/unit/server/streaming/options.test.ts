// What the API server reads from a streaming request before it reaches a kubelet: PodLogOptions (validation texts of
// ValidatePodLogOptions, sinceSeconds/sinceTime resolution), PodExecOptions (the kubelet's stream rules), the
// container choice of validateContainer, and the WebSocket channel protocol it picks.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiError } from '../../../../src/apimachinery/errors.js';
import type { Pod } from '../../../../src/api/core.js';
import { parseLogOptions } from '../../../../src/server/streaming/pod-log.js';
import { boolParam, notRunningMessage, validateContainer } from '../../../../src/server/streaming/pod-target.js';
import { parseRemoteCommandOptions } from '../../../../src/server/streaming/remotecommand.js';
import { pickChannelProtocol } from '../../../../src/server/streaming/remotecommand-ws.js';

const q = (s: string) => new URLSearchParams(s);

function fails(f: () => unknown): ApiError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ApiError, String(e));
    return e;
  }
  return assert.fail('expected an ApiError');
}

describe('PodLogOptions', () => {
  const now = new Date('2026-06-01T12:00:00Z');

  test('defaults, booleans as the parameter codec reads them, and the numbers', () => {
    assert.deepEqual(parseLogOptions('p', q(''), now), { follow: false, previous: false, timestamps: false, since: undefined, tailLines: undefined, limitBytes: undefined, stream: undefined });
    const o = parseLogOptions('p', q('follow=true&previous=1&timestamps=True&tailLines=5&limitBytes=100&stream=All'), now);
    assert.equal(o.follow, true);
    assert.equal(o.previous, true);
    assert.equal(o.timestamps, true);
    assert.equal(o.limitBytes, 100);
    assert.equal(parseLogOptions('p', q('follow=false&previous=0&timestamps='), now).follow, false);
  });

  test('sinceSeconds counts back from now; sinceTime is taken as given', () => {
    assert.equal(parseLogOptions('p', q('sinceSeconds=60'), now).since?.toISOString(), '2026-06-01T11:59:00.000Z');
    assert.equal(parseLogOptions('p', q('sinceTime=2026-06-01T10:00:00Z'), now).since?.toISOString(), '2026-06-01T10:00:00.000Z');
  });

  test('validation: upstream\'s texts in a 422 PodLogOptions Status', () => {
    const e = fails(() => parseLogOptions('web', q('tailLines=-1&limitBytes=0'), now));
    assert.equal(e.code, 422);
    assert.equal(e.message, 'PodLogOptions "web" is invalid: [tailLines: Invalid value: -1: must be greater than or equal to 0, limitBytes: Invalid value: 0: must be greater than 0]');
    assert.equal(fails(() => parseLogOptions('web', q('sinceSeconds=0'), now)).message, 'PodLogOptions "web" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0');
    assert.match(fails(() => parseLogOptions('web', q('sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z'), now)).message, /at most one of `sinceTime` or `sinceSeconds` may be specified/);
    assert.match(fails(() => parseLogOptions('web', q('stream=Both'), now)).message, /stream: Unsupported value: "Both": supported values: "Stdout", "Stderr", "All"/);
    assert.match(fails(() => parseLogOptions('web', q('stream=Stderr&tailLines=3'), now)).message, /`tailLines` and specific `stream` are mutually exclusive for now/);
  });

  test('values that do not parse are a 400', () => {
    const e = fails(() => parseLogOptions('web', q('tailLines=ten'), now));
    assert.equal(e.code, 400);
    assert.equal(e.message, 'strconv.ParseInt: parsing "ten": invalid syntax');
    assert.equal(fails(() => parseLogOptions('web', q('sinceTime=yesterday'), now)).code, 400);
  });
});

describe('PodExecOptions', () => {
  test('command, container and streams; a terminal has no stderr', () => {
    const o = parseRemoteCommandOptions('exec', q('command=sh&command=-c&command=echo%20hi&container=c&stdin=true&stdout=true&stderr=true&tty=true'));
    assert.deepEqual(o, { container: 'c', command: ['sh', '-c', 'echo hi'], stdin: true, stdout: true, stderr: false, tty: true });
  });

  test('no stream at all, or exec without a command, is refused', () => {
    assert.equal(fails(() => parseRemoteCommandOptions('exec', q('command=ls'))).message, 'you must specify at least 1 of stdin, stdout, stderr');
    assert.equal(fails(() => parseRemoteCommandOptions('exec', q('stdout=true'))).message, 'you must specify at least one command for the container');
    assert.deepEqual(parseRemoteCommandOptions('attach', q('stdout=true')).command, []);
  });

  test('booleans: absent, empty, 0 and false (any case) are false', () => {
    for (const v of ['', '0', 'false', 'FALSE']) assert.equal(boolParam(q(`x=${v}`), 'x'), false);
    for (const v of ['1', 'true', 'yes']) assert.equal(boolParam(q(`x=${v}`), 'x'), true);
    assert.equal(boolParam(q(''), 'x'), false);
  });
});

describe('validateContainer', () => {
  const pod = (containers: string[], init: string[] = [], ephemeral: string[] = []): Pod => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' },
    spec: { containers: containers.map((name) => ({ name })), initContainers: init.map((name) => ({ name })), ephemeralContainers: ephemeral.map((name) => ({ name })) },
  });

  test('the only container is the default; several need a name, listed init first', () => {
    assert.equal(validateContainer(pod(['a']), ''), 'a');
    assert.equal(fails(() => validateContainer(pod(['a', 'b'], ['i'], ['e']), '')).message, 'a container name must be specified for pod p, choose one of: [i a b e]');
    assert.equal(fails(() => validateContainer(pod([]), '')).message, 'a container name must be specified for pod p');
  });

  test('any kind of container may be named; others are refused', () => {
    assert.equal(validateContainer(pod(['a'], ['i'], ['e']), 'i'), 'i');
    assert.equal(validateContainer(pod(['a'], ['i'], ['e']), 'e'), 'e');
    assert.equal(fails(() => validateContainer(pod(['a']), 'x')).message, 'container x is not valid for pod p');
  });

  test('a container that does not run is the kubelet\'s "container not found"', () => {
    const p = pod(['a', 'b']);
    p.status = { containerStatuses: [{ name: 'a', state: { running: {} }, lastState: {}, ready: true, restartCount: 0, image: '', imageID: '' }] };
    assert.equal(notRunningMessage(p, 'a'), undefined);
    assert.equal(notRunningMessage(p, 'b'), 'container not found ("b")');
  });
});

describe('WebSocket channel protocol', () => {
  test('v5 whenever offered, else the client\'s first known one, none when nothing is offered', () => {
    assert.equal(pickChannelProtocol(['v4.channel.k8s.io', 'v5.channel.k8s.io']), 'v5.channel.k8s.io');
    assert.equal(pickChannelProtocol(['base64.channel.k8s.io', 'v4.channel.k8s.io']), 'base64.channel.k8s.io');
    assert.equal(pickChannelProtocol([]), '');
    assert.equal(pickChannelProtocol(['chat']), undefined);
  });
});
