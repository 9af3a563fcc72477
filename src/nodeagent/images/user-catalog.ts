// The user's part of the catalog: `<data-dir>/images.yaml`, entries that add to the built-in ones or replace one
// of the same name, and registry mirrors. Validated strictly (unknown fields too); errors name the field as
// apimachinery's field errors do.
import { readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { dirname, isAbsolute, posix, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import {
  FieldError, duplicate, invalid, notSupported, required,
} from '../../apimachinery/field-errors.js';
import { isRepositoryName } from './reference.js';
import type { ImageConfig, ImageEntry, LayerItem, MatchRule, Mirror, Requirement } from './types.js';
import { isJsonObject } from '../../apimachinery/json.js';

export const USER_CATALOG_FILE = 'images.yaml';

export class CatalogFileError extends Error {
  constructor(readonly file: string, readonly errors: string[]) {
    super(`${file}: ${errors.length === 1 ? errors[0] : `${errors.length} errors:\n  ${errors.join('\n  ')}`}`);
  }
}

export interface UserCatalog {
  entries: ImageEntry[];
  mirrors: Mirror[];
}

const ENTRY_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const TAG_PATTERN = /^[\w*?][\w.*?-]{0,127}$/;
const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*=/;
const PORT = /^(\d{1,5})(\/(tcp|udp|sctp))?$/;
const DEBIAN_PACKAGE = /^[a-z0-9][a-z0-9+.-]+$/;

type Obj = Record<string, unknown>;

/** Reads and validates a user catalog file; throws CatalogFileError listing every problem. */
export function loadUserCatalog(file: string): UserCatalog {
  const text = readFileSync(file, 'utf8');
  return parseUserCatalog(text, file);
}

export function parseUserCatalog(text: string, file: string): UserCatalog {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length) throw new CatalogFileError(file, doc.errors.map((e) => e.message));
  const data: unknown = doc.toJS() ?? {};
  const errs: FieldError[] = [];
  const out: UserCatalog = { entries: [], mirrors: [] };
  if (!isObj(data)) throw new CatalogFileError(file, ['the file must be a mapping with `images` and/or `mirrors`']);
  unknownFields(data, '', ['images', 'mirrors'], errs);

  const images = listAt(data, 'images', errs);
  const names = new Set<string>();
  images.forEach((raw, i) => {
    const entry = parseEntry(raw, `images[${i}]`, dirname(resolve(file)), errs);
    if (!entry) return;
    if (names.has(entry.name)) errs.push(duplicate(`images[${i}].name`, entry.name));
    names.add(entry.name);
    out.entries.push(entry);
  });
  listAt(data, 'mirrors', errs).forEach((raw, i) => {
    const p = `mirrors[${i}]`;
    const m = mappingOf(raw, p, ['registry', 'upstream'], errs, 'must be a mapping with registry and upstream');
    if (!m) return;
    const registry = str(m, 'registry', p, errs, true);
    const upstream = str(m, 'upstream', p, errs, true);
    for (const [k, v] of [['registry', registry], ['upstream', upstream]] as const) {
      if (v !== undefined && !/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*$/.test(v)) {
        errs.push(invalid(`${p}.${k}`, v, 'must be a registry host with an optional path, e.g. mirror.example.com:5000/library'));
      }
    }
    if (registry && upstream) out.mirrors.push({ registry, upstream });
  });
  if (errs.length) throw new CatalogFileError(file, errs.map((e) => e.toString()));
  return out;
}

function parseEntry(value: unknown, p: string, baseDir: string, errs: FieldError[]): ImageEntry | undefined {
  const raw = mappingOf(value, p, ['name', 'match', 'description', 'notes', 'config', 'requires', 'layer'], errs);
  if (!raw) return undefined;
  const name = str(raw, 'name', p, errs, true);
  if (name !== undefined && !ENTRY_NAME.test(name)) {
    errs.push(invalid(`${p}.name`, name, 'must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character'));
  }
  const match: MatchRule[] = [];
  const rules = listAt(raw, 'match', errs, p);
  if (raw.match === undefined || raw.match === null) errs.push(required(`${p}.match`));
  else if (Array.isArray(raw.match) && !raw.match.length) errs.push(required(`${p}.match`, 'at least one repository'));
  rules.forEach((r, j) => {
    const rp = `${p}.match[${j}]`;
    const rule = mappingOf(r, rp, ['repository', 'tags'], errs, 'must be a mapping with repository and tags');
    if (!rule) return;
    const repository = str(rule, 'repository', rp, errs, true);
    if (repository !== undefined && !isRepositoryName(repository)) {
      errs.push(invalid(`${rp}.repository`, repository, 'must be a repository name without tag or digest, e.g. redis or quay.io/coreos/etcd'));
    }
    const tags = strList(rule, 'tags', rp, errs);
    tags?.forEach((t, k) => {
      if (!TAG_PATTERN.test(t)) errs.push(invalid(`${rp}.tags[${k}]`, t, 'must be a tag, or a pattern with * and ?'));
    });
    if (repository) match.push(tags ? { repository, tags } : { repository });
  });
  const description = str(raw, 'description', p, errs) ?? '';
  const notes = strList(raw, 'notes', p, errs);
  const config = parseConfig(raw.config, `${p}.config`, errs);
  const requires: Requirement[] = [];
  listAt(raw, 'requires', errs, p).forEach((r, j) => {
    const rp = `${p}.requires[${j}]`;
    const req = mappingOf(r, rp, ['path', 'package'], errs, 'must be a mapping with path and package');
    if (!req) return;
    const path = str(req, 'path', rp, errs, true);
    const pkg = str(req, 'package', rp, errs, true);
    if (path !== undefined && !isAbsolute(path)) errs.push(invalid(`${rp}.path`, path, 'must be an absolute path'));
    if (pkg !== undefined && !DEBIAN_PACKAGE.test(pkg)) errs.push(invalid(`${rp}.package`, pkg, 'must be a Debian package name'));
    if (path && pkg) requires.push({ path, package: pkg });
  });
  const layer: LayerItem[] = [];
  listAt(raw, 'layer', errs, p).forEach((item, j) => {
    const parsed = parseLayerItem(item, `${p}.layer[${j}]`, baseDir, errs);
    if (parsed) layer.push(parsed);
  });
  if (name === undefined) return undefined;
  return {
    name, source: 'user', match, description, ...(notes ? { notes } : {}), config, requires,
    layer: () => layer,
  };
}

function parseConfig(value: unknown, p: string, errs: FieldError[]): ImageConfig {
  if (value === undefined || value === null) return {};
  const raw = mappingOf(value, p, ['entrypoint', 'cmd', 'env', 'workingDir', 'user', 'stopSignal', 'exposedPorts', 'volumes'], errs);
  if (!raw) return {};
  const c: ImageConfig = {};
  const entrypoint = strList(raw, 'entrypoint', p, errs);
  if (entrypoint) c.entrypoint = entrypoint;
  const cmd = strList(raw, 'cmd', p, errs);
  if (cmd) c.cmd = cmd;
  const env = strList(raw, 'env', p, errs);
  env?.forEach((e, i) => {
    if (!ENV_VAR.test(e)) errs.push(invalid(`${p}.env[${i}]`, e, 'must be NAME=value'));
  });
  if (env) c.env = env;
  const workingDir = str(raw, 'workingDir', p, errs);
  if (workingDir !== undefined) {
    if (!posix.isAbsolute(workingDir)) errs.push(invalid(`${p}.workingDir`, workingDir, 'must be an absolute path'));
    c.workingDir = workingDir;
  }
  const user = str(raw, 'user', p, errs);
  if (user !== undefined) {
    if (!/^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?$/.test(user)) errs.push(invalid(`${p}.user`, user, 'must be user, uid, user:group or uid:gid'));
    c.user = user;
  }
  const stopSignal = str(raw, 'stopSignal', p, errs);
  if (stopSignal !== undefined) {
    const name = stopSignal.startsWith('SIG') ? stopSignal : `SIG${stopSignal}`;
    if (!(name in osConstants.signals)) {
      errs.push(notSupported(`${p}.stopSignal`, stopSignal, ['SIGTERM', 'SIGQUIT', 'SIGINT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGKILL', 'SIGWINCH']));
    }
    c.stopSignal = name;
  }
  const ports = strList(raw, 'exposedPorts', p, errs);
  ports?.forEach((port, i) => {
    const m = PORT.exec(port);
    if (!m || Number(m[1]) < 1 || Number(m[1]) > 65535) errs.push(invalid(`${p}.exposedPorts[${i}]`, port, 'must be a port from 1 to 65535, optionally /tcp, /udp or /sctp'));
  });
  if (ports) c.exposedPorts = ports.map((port) => (port.includes('/') ? port : `${port}/tcp`));
  const volumes = strList(raw, 'volumes', p, errs);
  volumes?.forEach((v, i) => {
    if (!posix.isAbsolute(v)) errs.push(invalid(`${p}.volumes[${i}]`, v, 'must be an absolute path'));
  });
  if (volumes) c.volumes = volumes;
  return c;
}

function parseLayerItem(value: unknown, p: string, baseDir: string, errs: FieldError[]): LayerItem | undefined {
  const raw = mappingOf(value, p, ['path', 'content', 'source', 'symlink', 'directory', 'mode', 'owner'], errs, 'must be a mapping with path and one of content, source, symlink, directory');
  if (!raw) return undefined;
  const path = str(raw, 'path', p, errs, true);
  if (path !== undefined && (!posix.isAbsolute(path) || posix.normalize(path) !== path || path === '/')) {
    errs.push(invalid(`${p}.path`, path, 'must be an absolute, normalised path below /'));
  }
  const kinds = ['content', 'source', 'symlink', 'directory'].filter((k) => raw[k] !== undefined);
  if (kinds.length !== 1) {
    errs.push(invalid(p, kinds, 'must have exactly one of content, source, symlink, directory'));
    return undefined;
  }
  let mode: number | undefined;
  if (raw.mode !== undefined) {
    const m = typeof raw.mode === 'number' ? raw.mode : typeof raw.mode === 'string' && /^0?[0-7]{3,4}$/.test(raw.mode) ? parseInt(raw.mode, 8) : NaN;
    if (!Number.isInteger(m) || m < 0 || m > 0o7777) errs.push(invalid(`${p}.mode`, raw.mode, 'must be an octal mode such as "0755"'));
    else mode = m;
  }
  const owner = str(raw, 'owner', p, errs);
  if (path === undefined) return undefined;
  if (raw.symlink !== undefined) {
    const target = str(raw, 'symlink', p, errs, true);
    return target === undefined ? undefined : { type: 'symlink', path, target };
  }
  if (raw.directory !== undefined) {
    if (raw.directory !== true) errs.push(invalid(`${p}.directory`, raw.directory, 'must be true'));
    return { type: 'dir', path, mode, owner };
  }
  let content: string | Buffer | undefined;
  if (raw.content !== undefined) content = str(raw, 'content', p, errs, true);
  else {
    const source = str(raw, 'source', p, errs, true);
    if (source !== undefined) {
      try {
        content = readFileSync(resolve(baseDir, source));
      } catch (e) {
        errs.push(invalid(`${p}.source`, source, `cannot be read: ${(e as Error).message}`));
      }
    }
  }
  return content === undefined ? undefined : { type: 'file', path, content, mode, owner };
}

// ---- helpers ----------------------------------------------------------------------------------------------------

function isObj(v: unknown): v is Obj {
  return isJsonObject(v);
}

/** `raw` as a mapping with only the `known` fields (others are reported); undefined, reported as `invalid`, when it is not a mapping. */
function mappingOf(raw: unknown, p: string, known: string[], errs: FieldError[], invalidText = 'must be a mapping'): Obj | undefined {
  if (!isObj(raw)) {
    errs.push(invalid(p, raw, invalidText));
    return undefined;
  }
  unknownFields(raw, p, known, errs);
  return raw;
}

function unknownFields(o: Obj, p: string, known: string[], errs: FieldError[]): void {
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) errs.push(new FieldError('FieldValueNotSupported', p ? `${p}.${k}` : k, k, `unknown field; known fields: ${known.join(', ')}`));
  }
}

function listAt(o: Obj, key: string, errs: FieldError[], p = ''): unknown[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    errs.push(invalid(p ? `${p}.${key}` : key, v, 'must be a list'));
    return [];
  }
  return v;
}

function str(o: Obj, key: string, p: string, errs: FieldError[], isRequired = false): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) {
    if (isRequired) errs.push(required(`${p}.${key}`));
    return undefined;
  }
  if (typeof v !== 'string') {
    errs.push(invalid(`${p}.${key}`, v, 'must be a string'));
    return undefined;
  }
  if (isRequired && !v) errs.push(required(`${p}.${key}`));
  return v;
}

function strList(o: Obj, key: string, p: string, errs: FieldError[]): string[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    errs.push(invalid(`${p}.${key}`, v, 'must be a list of strings'));
    return undefined;
  }
  return v as string[];
}
