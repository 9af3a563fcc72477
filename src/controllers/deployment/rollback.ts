// pkg/controller/deployment/rollback.go: the deprecated rollback annotation copies an old ReplicaSet's template
// (and annotations) back into the deployment. `kubectl rollout undo` patches the template client-side instead.
import { builtin } from '../../client/resources.js';
import type { ReplicaSet } from '../replicaset/types.js';
import type { DeploymentSyncContext } from './context.js';
import { clearRollbackTo, getRollbackTo } from './rollback-annotation.js';
import { getAllReplicaSetsAndSyncRevision } from './sync.js';
import type { Deployment } from './types.js';
import {
  equalIgnoreHash, lastRevision, revisionOf, ROLLBACK_DONE, ROLLBACK_REVISION_NOT_FOUND, ROLLBACK_TEMPLATE_UNCHANGED,
  setDeploymentAnnotationsTo, setFromReplicaSetTemplate,
} from './util.js';

export async function rollback(dc: DeploymentSyncContext, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(dc, d, rsList, true);
  const allRSs = [...oldRSs, ...(newRS ? [newRS] : [])];
  let revision = getRollbackTo(d) ?? 0;
  if (revision === 0) {
    revision = lastRevision(allRSs);
    if (revision === 0) {
      dc.event(d, 'Warning', ROLLBACK_REVISION_NOT_FOUND, 'Unable to find last revision.');
      return updateDeploymentAndClearRollbackTo(dc, d);
    }
  }
  for (const rs of allRSs) {
    const v = revisionOf(rs);
    if (Number.isNaN(v) || v !== revision) continue;
    const performed = await rollbackToTemplate(dc, d, rs);
    if (performed) dc.event(d, 'Normal', ROLLBACK_DONE, `Rolled back deployment "${d.metadata.name}" to revision ${revision}`);
    return;
  }
  dc.event(d, 'Warning', ROLLBACK_REVISION_NOT_FOUND, 'Unable to find the revision to rollback to.');
  return updateDeploymentAndClearRollbackTo(dc, d);
}

async function rollbackToTemplate(dc: DeploymentSyncContext, d: Deployment, rs: ReplicaSet): Promise<boolean> {
  let performed = false;
  if (!equalIgnoreHash(d.spec.template, rs.spec.template)) {
    setFromReplicaSetTemplate(d, rs.spec.template ?? {});
    setDeploymentAnnotationsTo(d, rs);
    performed = true;
  } else {
    dc.event(d, 'Warning', ROLLBACK_TEMPLATE_UNCHANGED, `The rollback revision contains the same template as current deployment "${d.metadata.name}"`);
  }
  await updateDeploymentAndClearRollbackTo(dc, d);
  return performed;
}

async function updateDeploymentAndClearRollbackTo(dc: DeploymentSyncContext, d: Deployment): Promise<void> {
  clearRollbackTo(d);
  await dc.client.update(builtin.deployments, d);
}
