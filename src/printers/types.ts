// What a printer is to the registry: the columns of a kind's Table and one row's cells (upstream's TableConvertor,
// pkg/printers). The registry's ResourceDef carries one; the server turns it into a meta.k8s.io Table.
import type { KubeObject } from '../apimachinery/types.js';

export interface TableColumn {
  name: string;
  type: string; // 'string' | 'integer' | 'number' | 'boolean' | 'date'
  format: string; // 'name' for the name column, '' otherwise
  description: string;
  priority: number; // 0 = default, 1 = -o wide
}

export interface Printer {
  columns: TableColumn[];
  /** One row's cells, in column order. `now` is the server time used for AGE. */
  cells(obj: KubeObject, now: Date): unknown[];
}
