// Text for `berth images`: a kubectl-style table of catalog entries, and the full story of one reference.
import type { ImageCatalog } from '../nodeagent/images/catalog.js';
import { installCommand, missingRequirements } from '../nodeagent/images/host.js';
import { familiarName, parseImageReference } from '../nodeagent/images/reference.js';
import type { ImageEntry } from '../nodeagent/images/types.js';

/** Columns padded as kubectl's printers do (three spaces between columns). */
function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] + 3))).join('').trimEnd()).join('\n') + '\n';
}

function references(entry: ImageEntry): string {
  return entry.match.map((m) => {
    let name = m.repository;
    try {
      name = familiarName(parseImageReference(m.repository));
    } catch {
      // shown as written
    }
    const tags = m.tags ?? ['*'];
    return tags.length === 1 ? `${name}:${tags[0]}` : `${name}:{${tags.join(',')}}`;
  }).join(', ');
}

export function catalogTable(catalog: ImageCatalog): string {
  const rows = [['NAME', 'SOURCE', 'IMAGES', 'RUNS', 'PRESENT']];
  for (const entry of catalog.entries()) {
    const missing = missingRequirements(entry.requires, catalog.host.root);
    const r = probe(catalog, entry);
    rows.push([
      entry.name, entry.source === 'builtin' ? 'built-in' : 'user', references(entry),
      r && Object.keys(r.versions).length ? Object.entries(r.versions).map(([p, v]) => `${p} ${v}`).join(', ') : entry.requires.map((q) => q.package).filter((p, i, a) => a.indexOf(p) === i).join(', ') || '-',
      missing.length ? `no: ${installCommand(missing)}` : 'yes',
    ]);
  }
  let out = table(rows);
  const mirrors = catalog.mirrors();
  if (mirrors.length) out += `\nMirrors (their images are copies of the upstream's):\n${mirrors.map((m) => `  ${m.registry}/… = ${m.upstream}/…`).join('\n')}\n`;
  if (catalog.userFileError) out += `\nwarning: ${catalog.userFileError}\n`;
  out += `\nUser entries: ${catalog.userFile ?? '<data-dir>/images.yaml'}. Details of one image: berth images <reference>\n`;
  return out;
}

/** The entry resolved for its first concrete reference, for package versions. */
function probe(catalog: ImageCatalog, entry: ImageEntry) {
  const rule = entry.match[0];
  if (!rule) return undefined;
  // A concrete tag the rule accepts: the first exact one, else a pattern with its wildcards filled in.
  const tags = rule.tags ?? ['latest'];
  const tag = tags.find((t) => !/[*?]/.test(t)) ?? (tags[0] === '*' ? 'latest' : tags[0].replace(/[*?]/g, '0'));
  const r = catalog.resolve(`${rule.repository}:${tag}`);
  return r.kind === 'found' && r.entry === entry ? r : undefined;
}

export function explainReference(catalog: ImageCatalog, reference: string): { text: string; ok: boolean } {
  const r = catalog.resolve(reference);
  if (r.kind !== 'found') return { text: `${r.message}\n`, ok: false };
  const c = r.config;
  const json = (v: unknown) => JSON.stringify(v);
  const lines: [string, string][] = [
    ['Reference', reference],
    ['Image', r.image],
    ['Entry', `${r.entry.name} (${r.entry.source === 'builtin' ? 'built-in' : `user, ${catalog.userFile}`})`],
    ['Runs', r.entry.description],
  ];
  if (r.mirror) lines.push(['Mirror', `${r.mirror.registry} = ${r.mirror.upstream}`]);
  lines.push(
    ['Entrypoint', c.entrypoint ? json(c.entrypoint) : '<none>'],
    ['Cmd', c.cmd ? json(c.cmd) : '<none>'],
    ['Env', (c.env ?? []).join(' ') || '<none>'],
    ['WorkingDir', c.workingDir ?? '/'],
    ['User', c.user ?? 'root'],
    ['StopSignal', c.stopSignal ?? 'SIGTERM'],
    ['Ports', (c.exposedPorts ?? []).join(', ') || '<none>'],
    ['Volumes', (c.volumes ?? []).join(', ') || '<none>'],
    ['Requires', r.entry.requires.map((q) => `${q.path} (${q.package})${r.missing.includes(q) ? ' MISSING' : ''}`).join(', ') || '<none>'],
    ['Present', r.missing.length ? `no: ${installCommand(r.missing)}` : 'yes'],
    ['Image ID', catalog.imageID(r)],
  );
  const width = Math.max(...lines.map(([k]) => k.length)) + 2;
  let text = lines.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}`).join('\n') + '\n';
  if (r.notes.length) text += `Notes:\n${r.notes.map((n) => `  - ${n}`).join('\n')}\n`;
  return { text, ok: true };
}
