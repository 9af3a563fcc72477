// Apply conflicts as upstream reports them: 409 Conflict, one FieldManagerConflict cause per field, and a message
// grouped by manager, e.g. `Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas`.
import { ApiError } from '../errors.js';
import type { StatusCause } from '../types.js';
import type { FieldSet } from './fieldset.js';
import { parseManagerIdentity } from './managers.js';
import { pathString } from './path.js';

export interface Conflict {
  /** Manager identity (see managerIdentity). */
  manager: string;
  path: string;
}

export function conflictsFromSets(sets: Map<string, FieldSet>): Conflict[] {
  const out: Conflict[] = [];
  for (const manager of [...sets.keys()].sort()) sets.get(manager)!.iterate((p) => out.push({ manager, path: pathString(p) }));
  return out;
}

/** `"name"`, plus ` with subresource "status"` and, for Update entries, ` using apps/v1`. */
export function printManager(identity: string): string {
  let info;
  try {
    info = parseManagerIdentity(identity);
  } catch {
    return JSON.stringify(identity);
  }
  let s = JSON.stringify(info.manager);
  if (info.subresource) s += ` with subresource ${JSON.stringify(info.subresource)}`;
  if (info.operation === 'Update') s += ` using ${info.apiVersion ?? ''}`;
  return s;
}

export function conflictMessage(conflicts: Conflict[]): string {
  if (conflicts.length === 1) return `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0].manager)}: ${conflicts[0].path}`;
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) {
    const list = byManager.get(c.manager) ?? [];
    list.push(c.path);
    byManager.set(c.manager, list);
  }
  const lines: string[] = [];
  for (const manager of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${printManager(manager)}:`);
    for (const path of byManager.get(manager)!) lines.push(`- ${path}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

export function conflictError(conflicts: Conflict[]): ApiError {
  const causes: StatusCause[] = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: c.path }));
  return new ApiError(409, 'Conflict', conflictMessage(conflicts), { causes });
}
