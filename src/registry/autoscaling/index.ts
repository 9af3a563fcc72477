// autoscaling HorizontalPodAutoscaler, served as v2 (stored, preferred) and v1 (converted) from one storage, as
// kube-apiserver does (pkg/registry/autoscaling/horizontalpodautoscaler). The controller that acts on metrics is
// not here: objects are stored, validated, defaulted and printed.
import type { KubeObject } from '../../apimachinery/types.js';
import { ensureObj, type Obj } from '../apps/shared.js';
import { builtinResource } from '../resource-def.js';
import { horizontalPodAutoscalerPrinter } from '../../printers/autoscaling.js';
import type { ResourceDef, Strategy } from '../types.js';
import { hpaFromV1, hpaToV1 } from './hpa-conversion.js';
import { setHPADefaults, validateHPA, validateHPAStatusUpdate, validateHPAUpdate } from './hpa-validation.js';

const GROUP = 'autoscaling';
const RESOURCE = 'horizontalpodautoscalers';

function hpaDef(version: 'v2' | 'v1', strategy: Strategy): ResourceDef {
  const def = builtinResource({
    group: GROUP, kind: 'HorizontalPodAutoscaler', resource: RESOURCE, namespaced: true, shortNames: ['hpa'], categories: ['all'],
    status: true, tracksGeneration: true, schemaPackage: `autoscaling.${version}`, strategy,
  });
  def.version = version;
  return def;
}

// The strategy clears status on create (the controller fills it) and keeps it on spec updates; the replica counts
// without omitempty show as 0.
const clearStatus = (obj: KubeObject) => { obj.status = { desiredReplicas: 0 }; };
const clearV1Status = (obj: KubeObject) => { obj.status = { currentReplicas: 0, desiredReplicas: 0 }; };

export function autoscalingResources(): ResourceDef[] {
  const v2 = hpaDef('v2', {
    defaults: setHPADefaults,
    prepareForCreate: clearStatus,
    validate: validateHPA,
    validateUpdate: validateHPAUpdate,
    validateStatusUpdate: validateHPAStatusUpdate,
  });
  // v1 objects are checked in their stored form, so error paths name v2 fields (spec.metrics…), as upstream's
  // validation of the internal type does.
  const v1 = hpaDef('v1', {
    defaults: (obj) => { const spec = ensureObj(obj as Obj, 'spec'); spec.minReplicas ??= 1; },
    prepareForCreate: clearV1Status,
    validate: (obj) => validateHPA(hpaFromV1(obj)),
    validateUpdate: (obj, old) => validateHPAUpdate(hpaFromV1(obj), hpaFromV1(old)),
    validateStatusUpdate: (obj, old) => validateHPAStatusUpdate(hpaFromV1(obj), hpaFromV1(old)),
  });
  v1.storageResource = { group: GROUP, resource: RESOURCE };
  v1.conversion = { toStorage: hpaFromV1, fromStorage: hpaToV1 };
  v1.printer = { columns: horizontalPodAutoscalerPrinter.columns, cells: (obj, now) => horizontalPodAutoscalerPrinter.cells(hpaFromV1(obj), now) };
  return [v2, v1];
}
