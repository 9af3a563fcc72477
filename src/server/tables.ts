// Table responses for `kubectl get`: the resource's printer computes the cells, the query chooses how much of each
// object rides along (includeObject=None|Metadata|Object; Metadata by default, as upstream).
import type { KubeObject } from '../apimachinery/types.js';
import { toTable } from '../printers/table.js';
import type { ResourceDef } from '../registry/types.js';
import type { ServerContext } from './context.js';

export function toTableResponse(
  ctx: ServerContext, def: ResourceDef, objects: KubeObject[], query: URLSearchParams,
  list: { resourceVersion?: string; continue?: string; remainingItemCount?: number }, version: 'v1' | 'v1beta1',
): unknown {
  const include = query.get('includeObject');
  const includeObject = include === 'None' || include === 'Object' ? include : 'Metadata';
  const table = toTable(ctx.printerFor(def), objects, {
    includeObject, now: new Date(), resourceVersion: list.resourceVersion, continue: list.continue, remainingItemCount: list.remainingItemCount,
  }) as unknown as Record<string, unknown>;
  if (version === 'v1beta1') table.apiVersion = 'meta.k8s.io/v1beta1';
  return table;
}
