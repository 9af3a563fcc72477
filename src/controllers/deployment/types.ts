// The slices of apps/v1 Deployment the controller reads and writes (wire form).
import type * as apps from '../../api/generated/apps-v1.js';
import type { DeploymentSpec } from '../../api/generated/apps-v1.js';
export type { DeploymentCondition, DeploymentSpec, DeploymentStatus, DeploymentStrategy } from '../../api/generated/apps-v1.js';

export const DEPLOYMENT_API_VERSION = 'apps/v1';
export const DEPLOYMENT_KIND = 'Deployment';
/** apps.DefaultDeploymentUniqueLabelKey. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

export type IntOrString = number | string;

/** apps/v1 Deployment with `spec` required: the API server validates that every Deployment has one. */
export interface Deployment extends apps.Deployment {
  spec: DeploymentSpec;
}
