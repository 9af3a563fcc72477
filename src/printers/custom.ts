// Custom resources: the Name column plus the CRD version's additionalPrinterColumns, evaluated like the
// apiextensions tableconvertor (JSONPath with missing keys allowed; typed cells; dates as HumanDuration).
import type { KubeObject } from '../apimachinery/types.js';
import type { Printer, TableColumn } from './types.js';
import { timestampSince } from '../apimachinery/duration.js';
import { nameColumn, nameOf } from './helpers.js';
import type { CustomResourceColumnDefinition } from '../api/generated/apiextensions-v1.js';

/** A CRD version's additionalPrinterColumns entry. */
export type PrinterColumnDefinition = CustomResourceColumnDefinition;

type Step = { field: string } | { index: number } | { all: true } | { filter: { path: string[]; value: string } };

/** Parses the JSONPath subset CRDs use: `.a.b`, `['a.b']`, `[0]`, `[-1]`, `[*]`, `[?(@.type=="Ready")]`. */
export function parseSimpleJsonPath(path: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  const text = path.trim().replace(/^\{(.*)\}$/, '$1');
  while (i < text.length) {
    const ch = text[i];
    if (ch === '.') {
      i++;
      let name = '';
      while (i < text.length && text[i] !== '.' && text[i] !== '[') name += text[i++];
      if (name !== '') steps.push({ field: name });
    } else if (ch === '[') {
      const end = text.indexOf(']', i);
      if (end < 0) throw new Error(`unrecognized column definition ${JSON.stringify(path)}`);
      const inner = text.slice(i + 1, end).trim();
      i = end + 1;
      const filter = /^\?\(@((?:\.[^.=!\s]+)+)\s*==\s*(['"])(.*)\2\)$/.exec(inner);
      if (inner === '*') steps.push({ all: true });
      else if (/^-?\d+$/.test(inner)) steps.push({ index: Number(inner) });
      else if (/^(['"]).*\1$/.test(inner)) steps.push({ field: inner.slice(1, -1) });
      else if (filter) steps.push({ filter: { path: filter[1].slice(1).split('.'), value: filter[3] } });
      else throw new Error(`unrecognized column definition ${JSON.stringify(path)}`);
    } else if (ch === '@' || ch === '$') {
      i++;
    } else {
      throw new Error(`unrecognized column definition ${JSON.stringify(path)}`);
    }
  }
  return steps;
}

function evaluate(steps: Step[], root: unknown): unknown[] {
  let current: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of current) {
      if ('field' in step) {
        if (v && typeof v === 'object' && !Array.isArray(v) && step.field in (v as object)) next.push((v as Record<string, unknown>)[step.field]);
      } else if ('index' in step) {
        if (Array.isArray(v)) {
          const idx = step.index < 0 ? v.length + step.index : step.index;
          if (idx >= 0 && idx < v.length) next.push(v[idx]);
        }
      } else if ('all' in step) {
        if (Array.isArray(v)) next.push(...v);
        else if (v && typeof v === 'object') next.push(...Object.values(v));
      } else if (Array.isArray(v)) {
        for (const item of v) {
          const got = evaluate(step.filter.path.map((field) => ({ field })), item);
          if (got.length && String(got[0]) === step.filter.value) next.push(item);
        }
      }
    }
    current = next;
  }
  return current;
}

// jsonpath text output: strings verbatim, everything else as JSON.
const asText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** cellForJSONValue: typed cells; values of the wrong type become null. */
function typedCell(type: string, value: unknown, now: Date): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'string':
      return typeof value === 'string' ? value : null;
    case 'date':
      if (typeof value !== 'string') return null;
      return Number.isNaN(Date.parse(value)) ? '<invalid>' : timestampSince(value, now);
    default:
      return null;
  }
}

/** Printer for a CR version; throws `unrecognized column definition "<path>"` for a path it cannot parse. */
export function customResourcePrinter(columns: PrinterColumnDefinition[]): Printer {
  const compiled = columns.map((c) => ({ def: c, steps: parseSimpleJsonPath(c.jsonPath) }));
  const tableColumns: TableColumn[] = [
    nameColumn(),
    ...columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
      priority: c.priority ?? 0,
    })),
  ];
  return {
    columns: tableColumns,
    cells(obj: KubeObject, now: Date) {
      const cells: unknown[] = [nameOf(obj)];
      for (const { def, steps } of compiled) {
        const results = evaluate(steps, obj);
        if (results.length === 0) cells.push(null);
        else if (def.type === 'string') cells.push(asText(results[0]));
        else cells.push(typedCell(def.type, results[0], now));
      }
      return cells;
    },
  };
}

/** The Age column CRD defaulting adds when a version declares no printer columns. */
export const DEFAULT_CR_COLUMNS: PrinterColumnDefinition[] = [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }];
