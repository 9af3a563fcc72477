export { DeploymentController, DEPLOYMENT_CONTROLLER_NAME } from './controller.js';
export type { DeploymentControllerOptions } from './controller.js';
export { computeHash, fnv32a } from './hash.js';
export * from './util.js';
export * from './types.js';
