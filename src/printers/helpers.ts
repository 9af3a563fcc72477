// Building blocks shared by the built-in printers: column definitions, AGE cells, container layout and the small
// formatting rules pkg/printers/internalversion applies everywhere.
import type { KubeObject } from '../apimachinery/types.js';
import type { Container, PodTemplateSpec } from '../api/generated/core-v1.js';
import type { Printer, TableColumn } from './types.js';
import { timestampSince } from '../apimachinery/duration.js';
import { tryParseQuantity } from '../apimachinery/quantity.js';

export function column(name: string, type: string, description: string, priority = 0, format = ''): TableColumn {
  return { name, type, format, description, priority };
}

export const nameColumn = (): TableColumn => column('Name', 'string', 'Name of the object, unique within its namespace.', 0, 'name');
export const ageColumn = (): TableColumn => column('Age', 'string', 'Time since the object was created.');
export const wide = (name: string, type: string, description: string): TableColumn => column(name, type, description, 1);

/**
 * A column with the cell it prints. A printer built from these (printerOf) states each column once, header and
 * cell together, so its header and rows cannot fall out of step.
 */
export interface PrintedColumn<T> {
  column: TableColumn;
  cell: (obj: T, now: Date) => unknown;
}

export const printed = <T>(name: string, type: string, description: string, cell: (obj: T, now: Date) => unknown): PrintedColumn<T> =>
  ({ column: column(name, type, description), cell });
/** A column shown only with `-o wide`. */
export const printedWide = <T>(name: string, type: string, description: string, cell: (obj: T, now: Date) => unknown): PrintedColumn<T> =>
  ({ column: wide(name, type, description), cell });

/** A Printer from its columns in order; `T` is the object as the cells read it. */
export function printerOf<T extends KubeObject>(columns: PrintedColumn<T>[]): Printer {
  return { columns: columns.map((c) => c.column), cells: (obj, now) => columns.map((c) => c.cell(obj as T, now)) };
}

/** AGE cell: HumanDuration since creation, `<unknown>` without a timestamp. */
export const age = (obj: KubeObject, now: Date): string => timestampSince(obj.metadata.creationTimestamp, now);

export const nameOf = (obj: KubeObject): string => obj.metadata.name ?? '';

export const NAME: PrintedColumn<KubeObject> = { column: nameColumn(), cell: nameOf };
export const AGE: PrintedColumn<KubeObject> = { column: ageColumn(), cell: age };

/** `a/b`-style `<ready>/<total>` cells. */
export const ratio = (a: number | undefined, b: number | undefined): string => `${a ?? 0}/${b ?? 0}`;



/** The wide Containers and Images columns of a workload's pod template (layoutContainerCells). */
export function templateColumns<T>(template: (obj: T) => PodTemplateSpec | undefined): PrintedColumn<T>[] {
  return [
    printedWide('Containers', 'string', 'Names of each container in the template.', (o) => containerCells(template(o)?.spec?.containers)[0]),
    printedWide('Images', 'string', 'Images referenced by each container in the template.', (o) => containerCells(template(o)?.spec?.containers)[1]),
  ];
}

/** layoutContainerCells: comma-joined container names and images. */
export function containerCells(containers: Container[] | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name ?? '').join(','), list.map((c) => c.image ?? '').join(',')];
}

/** Quantity.String(): canonical form; a missing quantity prints as `0`; unparsable input is printed as stored. */
export function quantityString(q: unknown): string {
  if (q === undefined || q === null || q === '') return '0';
  const parsed = tryParseQuantity(q);
  return parsed ? parsed.toString() : String(q);
}

/** printBoolPtr: `True` / `False` / `<unset>`. */
export function boolPtr(v: boolean | undefined | null): string {
  if (v === undefined || v === null) return '<unset>';
  return v ? 'True' : 'False';
}

/** IntOrString.String(). */
export const intOrString = (v: number | string): string => String(v);

/** Go's "%s + %d more..." for lists cut at `max` entries. */
export function listWithMore(list: string[], more: boolean, count: number, max: number, empty = '<unset>'): string {
  const joined = list.join(',');
  if (more) return `${joined} + ${count - max} more...`;
  return joined === '' ? empty : joined;
}

/** Bytewise string order, like Go's sort.Strings. */
export const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** sets.NewString(...).List(): de-duplicated and sorted. */
export const sortedSet = (items: Iterable<string>): string[] => [...new Set(items)].sort(byteOrder);

/** Go's net.JoinHostPort: brackets around IPv6 hosts. */
export const joinHostPort = (host: string, port: number | string): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** metav1.GetControllerOf. */
export function controllerOf(obj: KubeObject) {
  return (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
}

/** Load balancer ingress points (IP, else hostname), de-duplicated and sorted; the server prints the wide form. */
export function loadBalancerIngress(ingress: { ip?: string; hostname?: string }[] | undefined): string {
  const points: string[] = [];
  for (const i of ingress ?? []) {
    if (i.ip) points.push(i.ip);
    else if (i.hostname) points.push(i.hostname);
  }
  return sortedSet(points).join(',');
}
