// meta.k8s.io/v1 Table responses (what `kubectl get` asks for with `Accept: application/json;as=Table;…`).
// The server always prints every column (wide); kubectl hides priority > 0 columns unless `-o wide`, and reads each
// row's embedded object for -A NAMESPACE, --show-labels and -L.
import type { KubeObject, ListMeta } from '../apimachinery/types.js';
import type { Printer, TableColumn } from './types.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  /** metav1.TableOptions includeObject; '' or undefined means Metadata. */
  includeObject?: IncludeObject | '';
  /** metav1.TableOptions noHeaders: leave out columnDefinitions (kubectl sets it on watches after the first page). */
  noHeaders?: boolean;
  now: Date;
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: 'meta.k8s.io/v1';
  metadata: KubeObject['metadata'];
}

export interface TableRow {
  cells: unknown[];
  object: KubeObject | PartialObjectMetadata | null;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: ListMeta;
  columnDefinitions: TableColumn[] | null;
  rows: TableRow[];
}

const INCLUDE_VALUES = new Set(['', 'None', 'Metadata', 'Object']);

/** Whether a query value is an includeObject policy the server accepts. */
export const isIncludeObject = (v: string): v is IncludeObject | '' => INCLUDE_VALUES.has(v);

function rowObject(obj: KubeObject, include: IncludeObject | '' | undefined): TableRow['object'] {
  switch (include) {
    case 'None':
      return null; // a RawExtension without an object encodes as null
    case 'Object':
      return obj;
    default:
      return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
  }
}

/** Builds the Table for a list (or a single object passed as a one-element array). */
export function toTable(printer: Printer, objects: KubeObject[], opts: TableOptions): Table {
  const metadata: ListMeta = {};
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) metadata.continue = opts.continue;
  if (opts.remainingItemCount !== undefined && opts.remainingItemCount !== null) metadata.remainingItemCount = opts.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: opts.noHeaders ? null : printer.columns.map((c) => ({ ...c })),
    rows: objects.map((obj) => ({ cells: printer.cells(obj, opts.now), object: rowObject(obj, opts.includeObject) })),
  };
}
