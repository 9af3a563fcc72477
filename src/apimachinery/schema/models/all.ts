// Every built-in struct definition, grouped by Go package.
import type { StructDef } from '../types.js';
import { apiextensionsV1Structs } from './apiextensions-v1.js';
import { appsV1Structs } from './apps-v1.js';
import { authenticationV1Structs } from './authentication-v1.js';
import { authorizationV1Structs } from './authorization-v1.js';
import { autoscalingV1Structs } from './autoscaling-v1.js';
import { autoscalingV2Structs } from './autoscaling-v2.js';
import { batchV1Structs } from './batch-v1.js';
import { certificatesV1Structs } from './certificates-v1.js';
import { coordinationV1Structs } from './coordination-v1.js';
import { coreV1Structs } from './core-v1.js';
import { discoveryV1Structs } from './discovery-v1.js';
import { eventsV1Structs } from './events-v1.js';
import { flowcontrolV1Structs } from './flowcontrol-v1.js';
import { metaV1Structs } from './meta-v1.js';
import { networkingV1Structs } from './networking-v1.js';
import { policyV1Structs } from './policy-v1.js';
import { rbacV1Structs } from './rbac-v1.js';
import { schedulingV1Structs } from './scheduling-v1.js';
import { storageV1Structs } from './storage-v1.js';

export const allStructDefs: StructDef[][] = [apiextensionsV1Structs, appsV1Structs, authenticationV1Structs, authorizationV1Structs, autoscalingV1Structs, autoscalingV2Structs, batchV1Structs, certificatesV1Structs, coordinationV1Structs, coreV1Structs, discoveryV1Structs, eventsV1Structs, flowcontrolV1Structs, metaV1Structs, networkingV1Structs, policyV1Structs, rbacV1Structs, schedulingV1Structs, storageV1Structs];
