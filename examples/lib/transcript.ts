// A lab's transcript: the commands it ran and what the screen showed, in order. The README of each lab shows the same
// transcript in ```console blocks (`$ command`, then its output); `compareTranscripts` says where the README and a
// run differ once the parts that change from run to run (ages, IPs, UIDs, times, generated IDs) are masked alike on
// both sides.

export interface Entry {
  command: string;
  output: string;
  /** The output's lines come in no fixed order (e.g. DNS answers): compared as a sorted list. */
  unordered?: boolean;
}

export interface Normalizer {
  pattern: RegExp;
  replacement: string;
}

/** What differs between two runs of the same step on any cluster. Order matters: UIDs before hex IDs, times before ages. */
const COMMON: Normalizer[] = [
  { pattern: /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, replacement: '<uid>' },
  { pattern: /\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?/g, replacement: '<time>' },
  { pattern: /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d+ \d\d:\d\d:\d\d \w+ \d{4}\b/g, replacement: '<date>' },
  { pattern: /\b\d{1,3}(?:\.\d{1,3}){3}\b/g, replacement: '<ip>' },
  { pattern: /\b[0-9a-f]{12,16}\b/g, replacement: '<hex>' }, // etcd member IDs (%x: leading zeros dropped)
  // kubectl's ages and durations: 5s, 2m3s, 10m, 3h, 4d5h, "1 (10m ago)"
  { pattern: /\b\d+[smhd](?:\d+[smh])?\b/g, replacement: '<age>' },
  { pattern: /<invalid>/g, replacement: '<age>' },
];

/** Output lines as compared: normalizers applied, runs of blanks collapsed (column widths follow the values). */
export function normalizeOutput(text: string, extra: Normalizer[] = []): string[] {
  let t = text;
  for (const n of [...extra, ...COMMON]) t = t.replace(n.pattern, n.replacement);
  const lines = t.split('\n').map((l) => l.replace(/[ \t]+/g, ' ').trim());
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  while (lines.length && lines[0] === '') lines.shift();
  return lines;
}

/** The transcript a README shows: every ```console block, in order. */
export function readmeTranscript(markdown: string): Entry[] {
  const entries: Entry[] = [];
  const blocks = markdown.matchAll(/^```console\n([\s\S]*?)^```$/gm);
  for (const [, body] of blocks) {
    let current: Entry | undefined;
    for (const line of body.replace(/\n$/, '').split('\n')) {
      if (line.startsWith('$ ')) {
        current = { command: line.slice(2), output: '' };
        entries.push(current);
      } else if (current) {
        current.output += (current.output ? '\n' : '') + line;
      }
    }
  }
  return entries;
}

/** Markdown for a transcript: one ```console block per section. */
export function renderTranscript(sections: { title: string; entries: Entry[] }[]): string {
  return sections.filter((s) => s.entries.length).map((s) => {
    const body = s.entries.map((e) => `$ ${e.command}${e.output.replace(/\n+$/, '') ? `\n${e.output.replace(/\n+$/, '')}` : ''}`).join('\n');
    return `### ${s.title}\n\n\`\`\`console\n${body}\n\`\`\`\n`;
  }).join('\n');
}

/**
 * Where `readme` and `seen` differ (empty when they match). Entries are paired in order; commands must be identical,
 * outputs equal after normalisation. `skipped` commands (e.g. a restart that could not be done) are left out of both.
 */
export function compareTranscripts(readme: Entry[], seen: Entry[], extra: Normalizer[] = [], skipped: ReadonlySet<string> = new Set()): string[] {
  const a = readme.filter((e) => !skipped.has(e.command));
  const b = seen.filter((e) => !skipped.has(e.command));
  const diffs: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const r = a[i];
    const s = b[i];
    if (!r) { diffs.push(`step ${i + 1}: the run has \`${s.command}\`, the README ends before it`); continue; }
    if (!s) { diffs.push(`step ${i + 1}: the README has \`${r.command}\`, the run ended before it`); continue; }
    if (r.command !== s.command) {
      diffs.push(`step ${i + 1}: the README runs \`${r.command}\`, the run \`${s.command}\``);
      break; // everything after is misaligned
    }
    let want = normalizeOutput(r.output, extra);
    let got = normalizeOutput(s.output, extra);
    if (s.unordered) {
      want = [...want].sort();
      got = [...got].sort();
    }
    const n = Math.max(want.length, got.length);
    for (let j = 0; j < n; j++) {
      if (want[j] !== got[j]) {
        diffs.push(`step ${i + 1} \`${r.command}\`, output line ${j + 1}: the README shows ${JSON.stringify(want[j] ?? '(nothing)')}, the run ${JSON.stringify(got[j] ?? '(nothing)')}`);
        break;
      }
    }
  }
  return diffs;
}
