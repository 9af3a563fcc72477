import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../../src/api/core.js';
import { parseKubeletPath } from '../../../src/server/kubelet-server.js';
import { kubeletStreamPath } from '../../../src/server/streaming/remote-kubelet.js';

test('kubelet server routes: exec/attach with and without the pod uid, portForward, containerLogs', () => {
  assert.deepEqual(parseKubeletPath('/exec/default/web-0/main'), { kind: 'exec', namespace: 'default', pod: 'web-0', uid: undefined, container: 'main' });
  assert.deepEqual(parseKubeletPath('/attach/ns/p/1234/c'), { kind: 'attach', namespace: 'ns', pod: 'p', uid: '1234', container: 'c' });
  assert.deepEqual(parseKubeletPath('/portForward/ns/p'), { kind: 'portforward', namespace: 'ns', pod: 'p', uid: undefined, container: '' });
  assert.deepEqual(parseKubeletPath('/portForward/ns/p/u'), { kind: 'portforward', namespace: 'ns', pod: 'p', uid: 'u', container: '' });
  assert.deepEqual(parseKubeletPath('/containerLogs/ns/p/c'), { kind: 'log', namespace: 'ns', pod: 'p', container: 'c' });
  for (const bad of ['/', '/exec/ns', '/exec/ns/p', '/containerLogs/ns/p', '/containerLogs/ns/p/u/c', '/portForward/ns/p/u/x', '/pods', '/run/ns/p/c']) {
    assert.equal(parseKubeletPath(bad), undefined, bad);
  }
});

test('the API server asks for the paths the kubelet server routes', () => {
  const pod = { metadata: { namespace: 'team a', name: 'web-0' }, spec: { containers: [] } } as unknown as Pod;
  for (const kind of ['exec', 'attach', 'log'] as const) {
    const r = parseKubeletPath(kubeletStreamPath(kind, pod, 'main'));
    assert.deepEqual([r?.kind, r?.namespace, r?.pod, r?.container], [kind, 'team a', 'web-0', 'main']);
  }
  assert.equal(parseKubeletPath(kubeletStreamPath('portforward', pod))?.kind, 'portforward');
});
