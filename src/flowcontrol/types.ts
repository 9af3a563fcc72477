// The flowcontrol.apiserver.k8s.io/v1 shapes the priority and fairness filter reads (k8s.io/api/flowcontrol/v1).
import type { KubeObject } from '../apimachinery/types.js';
import type { NonResourcePolicyRule } from '../api/generated/flowcontrol-v1.js';
import type { ResourcePolicyRule } from '../api/generated/flowcontrol-v1.js';
export type { ResourcePolicyRule };
export type { NonResourcePolicyRule };

export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  user?: { name: string };
  group?: { name: string };
  serviceAccount?: { namespace: string; name: string };
}

export interface PolicyRulesWithSubjects {
  subjects: Subject[];
  resourceRules?: ResourcePolicyRule[];
  nonResourceRules?: NonResourcePolicyRule[];
}

export interface FlowSchemaSpec {
  priorityLevelConfiguration: { name: string };
  matchingPrecedence?: number;
  distinguisherMethod?: { type: 'ByUser' | 'ByNamespace' } | null;
  rules?: PolicyRulesWithSubjects[];
}

export interface QueuingConfiguration {
  queues?: number;
  handSize?: number;
  queueLengthLimit?: number;
}

export interface PriorityLevelConfigurationSpec {
  type: 'Exempt' | 'Limited';
  limited?: {
    nominalConcurrencyShares?: number;
    lendablePercent?: number;
    borrowingLimitPercent?: number;
    limitResponse?: { type: 'Queue' | 'Reject'; queuing?: QueuingConfiguration };
  };
  exempt?: { nominalConcurrencyShares?: number; lendablePercent?: number };
}

export type FlowSchema = KubeObject & { spec: FlowSchemaSpec };
export type PriorityLevelConfiguration = KubeObject & { spec: PriorityLevelConfigurationSpec };
