import { KUBE_VERSION } from './apimachinery/version.js';
export const version = `${KUBE_VERSION}-berth`;
