// Everything a request handler needs, assembled once by the server. Pluggable pieces (patching, printing,
// protobuf, OpenAPI) are functions so that CRDs can bring their own schemas through the same paths.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TypeModel } from '../apimachinery/schema/types.js';
import type { KubeObject } from '../apimachinery/types.js';
import type { GenericStore } from '../registry/generic-store.js';
import type { ResourceRegistry } from '../registry/registry.js';
import type { ResourceDef } from '../registry/types.js';
import type { Printer } from '../printers/types.js';
import type { Authorizer, UserInfo } from '../api/identity.js';
import type { Auditor } from '../audit/auditor.js';
import type { PriorityAndFairness } from '../flowcontrol/filter.js';
import type { TokenReviewResult } from '../registry/authentication/index.js';
import type { Store } from '../storage/interface.js';
import type { KubeletClientTls } from './streaming/remote-kubelet.js';
import type { KubeletApi } from '../component/kubelet-api.js';
import type { RequestInfo } from '../apimachinery/request-info.js';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface SchemaOps {
  /** Unknown field paths of `obj` for this resource (empty when the kind has no schema). */
  unknownFields(def: ResourceDef, obj: unknown): string[];
  /** The first JSON type mismatch (Go's decoding error), or undefined. */
  typeError(def: ResourceDef, obj: unknown): string | undefined;
  /** Replaces nulls with what Go's decoding makes of them (zero values), in place. */
  normalizeNulls(def: ResourceDef, obj: unknown): void;
  /** Drops unknown fields in place; returns their paths. */
  pruneUnknown(def: ResourceDef, obj: unknown): string[];
  /** Applies a json / merge / strategic patch to `original`. Strategic is refused (415) for kinds without a struct schema. */
  patch(def: ResourceDef | 'scale', type: Exclude<PatchType, 'apply'>, original: unknown, body: Buffer, fieldValidation: 'Strict' | 'Warn' | 'Ignore'): unknown;
}

export interface ServerContext {
  registry: ResourceRegistry;
  objects: GenericStore;
  store: Store;
  model: TypeModel;
  schema: SchemaOps;
  printerFor(def: ResourceDef): Printer;
  decodeProtobuf(body: Buffer): KubeObject;
  /** `application/vnd.kubernetes.protobuf` bytes of a built-in kind's object (or list, Status); undefined otherwise. */
  encodeProtobuf(obj: unknown): Uint8Array | undefined;
  authorizer?: Authorizer;
  /** API priority and fairness (absent: every request runs at once). */
  flowControl?: PriorityAndFairness;
  /** The audit log (policy and backend); absent: no auditing. */
  auditor?: Auditor;
  /** TokenReview: what the server's token authenticators make of a token (for these audiences; [] = the API's). */
  reviewToken?(token: string, audiences: string[]): Promise<TokenReviewResult>;
  /** The service-account issuer's discovery documents (/.well-known/openid-configuration, /openid/v1/jwks). */
  serviceAccountIssuer?: { openidConfiguration(): unknown; jwks(): unknown };
  /** host:port clients reach the server at (discovery's serverAddressByClientCIDRs). */
  serverAddress: string;
  openapi: {
    root(): unknown;
    groupVersion(path: string): unknown | undefined;
    /** The single Swagger 2.0 document kubectl ≤ 1.30 validates against, as JSON or gnostic protobuf. */
    v2(format: 'json' | 'protobuf'): Promise<string | Buffer>;
  };
  /** Set when start-up is complete (readyz). */
  ready(): boolean;
  /** The `etcd` check of /healthz, /livez and /readyz: whether the store answers (absent for SQLite). */
  storageHealth?(): Promise<boolean>;
  /** Bookmark interval for watches (ms). */
  bookmarkIntervalMs: number;
  /** Subresources served outside the generic store, keyed by subresourceKey(group, resource, sub). */
  subresources: Map<string, SubresourceHandler>;
  /** Subresources reached by connection upgrades (pods/exec, attach, portforward), keyed like `subresources`. */
  upgrades: Map<string, UpgradeHandler>;
  /**
   * How the API server reaches each node's kubelet (exec, attach, port-forward, logs), by node name: the node agent
   * component registers its runtime's KubeletApi for every node it runs (upstream: the kubelet's address in the
   * Node object and a TLS connection to it).
   */
  kubelets: Map<string, KubeletApi>;
  /** How the API server authenticates to kubelets on other machines (remote-kubelet.ts); absent: it cannot. */
  kubeletClient?: KubeletClientTls;
}

/** A subresource served outside the generic REST store (pods/binding, pods/log, …). */
export type SubresourceHandler = (
  ctx: ServerContext, req: IncomingMessage, res: ServerResponse, info: RequestInfo, query: URLSearchParams, user: UserInfo,
) => Promise<void>;

/**
 * A subresource served over an upgraded connection (SPDY/3.1 or WebSocket), after authentication and authorization.
 * It owns `socket`: it answers with a Status (before the upgrade) or upgrades it.
 */
export type UpgradeHandler = (
  ctx: ServerContext, req: IncomingMessage, socket: Duplex, head: Buffer, info: RequestInfo, query: URLSearchParams, user: UserInfo,
) => Promise<void>;

/** Key for ServerContext.subresources: `<group>/<resource>/<subresource>`, e.g. `/pods/binding`. */
export const subresourceKey = (group: string, resource: string, subresource: string) => `${group}/${resource}/${subresource}`;
