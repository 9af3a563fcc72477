// Validation of <data-dir>/images.yaml: each mistake named by its field, in apimachinery's field-error words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CatalogFileError, parseUserCatalog } from '../../../../src/nodeagent/images/user-catalog.js';

function errorsOf(yaml: string): string[] {
  try {
    parseUserCatalog(yaml, '/data/images.yaml');
  } catch (e) {
    assert.ok(e instanceof CatalogFileError, String(e));
    return e.errors;
  }
  return [];
}

test('a valid file parses into entries and mirrors', () => {
  const cat = parseUserCatalog(`
images:
  - name: tools
    match: [{ repository: registry.example.com/ops/tools, tags: ["1.*"] }]
    description: ops tools
    notes: [runs the host's jq]
    config: { cmd: [sh], user: "1000:1000", volumes: [/work] }
    requires: [{ path: /usr/bin/jq, package: jq }]
    layer:
      - { path: /etc/tools.conf, content: "a=1\\n", mode: 0o600 }
mirrors:
  - { registry: harbor.local/dockerhub, upstream: docker.io/library }
`, '/data/images.yaml');
  assert.equal(cat.entries.length, 1);
  const e = cat.entries[0];
  assert.equal(e.name, 'tools');
  assert.deepEqual(e.match, [{ repository: 'registry.example.com/ops/tools', tags: ['1.*'] }]);
  assert.deepEqual(e.config, { cmd: ['sh'], user: '1000:1000', volumes: ['/work'] });
  assert.deepEqual(e.layer({ host: undefined as never }), [{ type: 'file', path: '/etc/tools.conf', content: 'a=1\n', mode: 0o600, owner: undefined }]);
  assert.deepEqual(cat.mirrors, [{ registry: 'harbor.local/dockerhub', upstream: 'docker.io/library' }]);
  assert.deepEqual(parseUserCatalog('', '/x'), { entries: [], mirrors: [] });
});

test('every mistake is reported with its field', () => {
  assert.deepEqual(errorsOf('images: {}'), ['images: Invalid value: {}: must be a list']);
  assert.deepEqual(errorsOf('- a'), ['the file must be a mapping with `images` and/or `mirrors`'].map(String));
  assert.deepEqual(errorsOf('imagez: []'), ['imagez: Unsupported value: "imagez": unknown field; known fields: images, mirrors']);
  assert.deepEqual(errorsOf('images:\n  - match: [{repository: a}]\n'), ['images[0].name: Required value']);
  assert.deepEqual(errorsOf('images:\n  - name: a\n'), ['images[0].match: Required value']);
  assert.deepEqual(errorsOf('images:\n  - { name: a, match: [{repository: a}] }\n  - { name: a, match: [{repository: b}] }\n'), ['images[1].name: Duplicate value: "a"']);
  assert.deepEqual(errorsOf('images:\n  - { name: a, match: [{repository: a, tags: ["bad tag"]}] }\n'), ['images[0].match[0].tags[0]: Invalid value: "bad tag": must be a tag, or a pattern with * and ?']);
  assert.deepEqual(errorsOf('images:\n  - { name: a, match: [{repository: a}], config: { env: [NOVALUE], workingDir: rel, stopSignal: SIGFOO, exposedPorts: ["99999"], volumes: [data], entrypoint: sh } }\n'), [
    'images[0].config.entrypoint: Invalid value: "sh": must be a list of strings',
    'images[0].config.env[0]: Invalid value: "NOVALUE": must be NAME=value',
    'images[0].config.workingDir: Invalid value: "rel": must be an absolute path',
    'images[0].config.stopSignal: Unsupported value: "SIGFOO": supported values: "SIGTERM", "SIGQUIT", "SIGINT", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGKILL", "SIGWINCH"',
    'images[0].config.exposedPorts[0]: Invalid value: "99999": must be a port from 1 to 65535, optionally /tcp, /udp or /sctp',
    'images[0].config.volumes[0]: Invalid value: "data": must be an absolute path',
  ]);
  assert.deepEqual(errorsOf('images:\n  - { name: a, match: [{repository: a}], requires: [{ path: bin/x, package: "X Y" }] }\n'), [
    'images[0].requires[0].path: Invalid value: "bin/x": must be an absolute path',
    'images[0].requires[0].package: Invalid value: "X Y": must be a Debian package name',
  ]);
  assert.deepEqual(errorsOf('images:\n  - { name: a, match: [{repository: a}], layer: [{ path: /x, content: a, symlink: /y }, { path: /a/../b, directory: true }, { path: /m, content: a, mode: "999" }, { path: /s, source: missing.txt }] }\n'), [
    'images[0].layer[0]: Invalid value: ["content","symlink"]: must have exactly one of content, source, symlink, directory',
    'images[0].layer[1].path: Invalid value: "/a/../b": must be an absolute, normalised path below /',
    'images[0].layer[2].mode: Invalid value: "999": must be an octal mode such as "0755"',
    'images[0].layer[3].source: Invalid value: "missing.txt": cannot be read: ENOENT: no such file or directory, open \'/data/missing.txt\'',
  ]);
  assert.deepEqual(errorsOf('mirrors:\n  - { registry: "Bad Registry", upstream: docker.io/library }\n'), [
    'mirrors[0].registry: Invalid value: "Bad Registry": must be a registry host with an optional path, e.g. mirror.example.com:5000/library',
  ]);
  const yamlError = errorsOf('images: [\n');
  assert.equal(yamlError.length, 1);
  assert.match(yamlError[0], /Flow sequence|flow collection|Missing/i);
});

test('the error names the file', () => {
  assert.throws(() => parseUserCatalog('images: 3', '/data/images.yaml'), { message: '/data/images.yaml: images: Invalid value: 3: must be a list' });
});
