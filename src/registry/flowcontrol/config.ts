// The flow-control configuration kept in the API: upstream's bootstrap ensurer
// (pkg/registry/flowcontrol/ensurer) makes the mandatory objects exist with their shipped spec and creates the
// suggested ones, keeping theirs while `apf.kubernetes.io/autoupdate-spec` is "true"; the filter then follows every
// change of either kind through storage watches (upstream's configuration controller).
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../apimachinery/types.js';
import type { GenericStore, RequestContext } from '../generic-store.js';
import type { ResourceRegistry } from '../registry.js';
import type { ResourceDef } from '../types.js';
import { AUTO_UPDATE_ANNOTATION, MANDATORY_FLOW_SCHEMAS, MANDATORY_PRIORITY_LEVELS, SUGGESTED_FLOW_SCHEMAS, SUGGESTED_PRIORITY_LEVELS, type BootstrapObject } from '../../flowcontrol/bootstrap.js';
import type { PriorityAndFairness } from '../../flowcontrol/filter.js';
import type { FlowSchema, PriorityLevelConfiguration } from '../../flowcontrol/types.js';

const GROUP = 'flowcontrol.apiserver.k8s.io';
const API_VERSION = `${GROUP}/v1`;

export async function ensureBootstrapConfiguration(objects: GenericStore, registry: ResourceRegistry, ctx: RequestContext): Promise<void> {
  const plDef = registry.lookup(GROUP, 'v1', 'prioritylevelconfigurations')!;
  const fsDef = registry.lookup(GROUP, 'v1', 'flowschemas')!;
  // Levels first, so that no schema is dangling for long.
  for (const pl of MANDATORY_PRIORITY_LEVELS) await ensure(objects, plDef, 'PriorityLevelConfiguration', pl, true, ctx);
  for (const pl of SUGGESTED_PRIORITY_LEVELS) await ensure(objects, plDef, 'PriorityLevelConfiguration', pl, false, ctx);
  for (const fs of MANDATORY_FLOW_SCHEMAS) await ensure(objects, fsDef, 'FlowSchema', fs, true, ctx);
  for (const fs of SUGGESTED_FLOW_SCHEMAS) await ensure(objects, fsDef, 'FlowSchema', fs, false, ctx);
}

async function ensure(objects: GenericStore, def: ResourceDef, kind: string, want: BootstrapObject<unknown>, mandatory: boolean, ctx: RequestContext): Promise<void> {
  let current: KubeObject | undefined;
  try {
    current = await objects.get(def, '', want.name);
  } catch {
    current = undefined;
  }
  const desired: KubeObject = { apiVersion: API_VERSION, kind, metadata: { name: want.name, annotations: { [AUTO_UPDATE_ANNOTATION]: 'true' } }, spec: structuredClone(want.spec) };
  if (!current) {
    await objects.create(def, '', desired, ctx);
    return;
  }
  // A mandatory object always gets its spec back; a suggested one only while the annotation says so.
  const auto = current.metadata.annotations?.[AUTO_UPDATE_ANNOTATION];
  if (!mandatory && auto !== 'true') return;
  def.strategy?.defaults?.(desired);
  if (isDeepStrictEqual(current.spec, desired.spec) && (!mandatory || auto === 'true')) return;
  const next = { ...current, metadata: { ...current.metadata, annotations: { ...current.metadata.annotations, [AUTO_UPDATE_ANNOTATION]: 'true' } }, spec: desired.spec };
  await objects.update(def, '', want.name, next, ctx);
}

/**
 * Feeds the filter every FlowSchema and PriorityLevelConfiguration as they change, and keeps each schema's
 * `Dangling` condition (kubectl's MISSINGPL column) as upstream's controller does; returns a stop function.
 */
export async function followConfiguration(objects: GenericStore, registry: ResourceRegistry, apf: PriorityAndFairness, ctx: RequestContext): Promise<() => void> {
  const schemas = new Map<string, FlowSchema>();
  const levels = new Map<string, PriorityLevelConfiguration>();
  const fsDef = registry.lookup(GROUP, 'v1', 'flowschemas')!;
  let pending = false;
  let stopped = false;
  const apply = () => {
    if (pending) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
      if (stopped) return;
      apf.configure([...schemas.values()], [...levels.values()]);
      for (const fs of schemas.values()) void markDangling(objects, fsDef, fs, !levels.has(fs.spec.priorityLevelConfiguration?.name ?? ''), ctx);
    });
  };
  const follow = <T extends KubeObject>(resource: string, into: Map<string, T>) =>
    objects.watch(registry.lookup(GROUP, 'v1', resource)!, '', { resourceVersion: '' }, (type, obj) => {
      if (type === 'DELETED') into.delete(obj.metadata.name ?? '');
      else if (type === 'ADDED' || type === 'MODIFIED') into.set(obj.metadata.name ?? '', obj as T);
      apply();
    });
  const watchers = [await follow('prioritylevelconfigurations', levels), await follow('flowschemas', schemas)];
  apf.configure([...schemas.values()], [...levels.values()]);
  return () => {
    stopped = true;
    for (const w of watchers) w.stop();
  };
}

/** Sets the schema's Dangling condition when it is not what it should be (upstream's wording). */
async function markDangling(objects: GenericStore, def: ResourceDef, fs: FlowSchema, dangling: boolean, ctx: RequestContext): Promise<void> {
  const status = dangling ? 'True' : 'False';
  const conditions = ((fs.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []);
  if (conditions.find((c) => c.type === 'Dangling')?.status === status) return;
  const plName = fs.spec.priorityLevelConfiguration?.name ?? '';
  const condition = {
    type: 'Dangling', status, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    reason: dangling ? 'NotFound' : 'Found',
    message: dangling
      ? `This FlowSchema references the PriorityLevelConfiguration object named ${JSON.stringify(plName)} but there is no such object`
      : `This FlowSchema references the PriorityLevelConfiguration object named ${JSON.stringify(plName)} and it exists`,
  };
  const next = structuredClone(fs) as FlowSchema & { status?: { conditions?: unknown[] } };
  next.status = { conditions: [...conditions.filter((c) => c.type !== 'Dangling'), condition] };
  try {
    await objects.update(def, '', fs.metadata.name ?? '', next, ctx, 'status');
  } catch {
    // Changed or deleted meanwhile: its watch event brings it round again.
  }
}
