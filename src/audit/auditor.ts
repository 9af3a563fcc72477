// Audit events for the requests the policy selects (k8s.io/apiserver/pkg/endpoints/filters/audit.go): an
// audit.k8s.io/v1 Event with the request's identity, verb, object, authorization decision and response status,
// at the stages the policy keeps (ResponseComplete; RequestReceived unless omitted; ResponseStarted for watches),
// with the request body from Request level and the response body at RequestResponse.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthorizationDecision, UserInfo } from '../api/identity.js';
import type { RequestInfo } from '../apimachinery/request-info.js';
import type { AuditLog } from './log.js';
import { evaluate, levelAtLeast, type Policy, type RequestAuditConfig, type Stage } from './policy.js';

/** Bodies captured for audit (the codec fills them for requests whose level asks for them). */
export const auditedRequestBodies = new WeakMap<IncomingMessage, unknown>();
export const auditedResponseBodies = new WeakMap<ServerResponse, unknown>();
/** Requests whose bodies should be captured. */
export const wantsRequestBody = new WeakSet<IncomingMessage>();
export const wantsResponseBody = new WeakSet<ServerResponse>();

/** metav1.MicroTime: RFC 3339 with microseconds. */
const microTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

interface UserJson { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> }
const userJson = (u: UserInfo | undefined): UserJson => {
  if (!u) return {};
  const out: UserJson = { username: u.username };
  if (u.uid) out.uid = u.uid;
  if (u.groups.length) out.groups = [...u.groups];
  if (u.extra && Object.keys(u.extra).length) out.extra = u.extra;
  return out;
};

export class RequestAudit {
  private readonly auditID = randomUUID();
  private readonly received = Date.now();
  private config?: RequestAuditConfig;
  private event?: Record<string, unknown>;
  private readonly annotations: Record<string, string> = {};
  private done = false;

  constructor(private readonly auditor: Auditor, private readonly req: IncomingMessage, private readonly res: ServerResponse) {
    res.setHeader?.('Audit-Id', this.auditID);
  }

  /** Once the user and the request are known: the policy decides whether and how much to record. */
  identify(authenticated: UserInfo | undefined, user: UserInfo | undefined, info: RequestInfo): void {
    const config = evaluate(this.auditor.policy, {
      user: user ?? { username: '', groups: [] }, verb: info.verb, resourceRequest: info.isResourceRequest, group: info.group,
      resource: info.resource, subresource: info.subresource, namespace: info.namespace, name: info.name, path: info.path,
    });
    if (config.level === 'None') return;
    this.config = config;
    const ev: Record<string, unknown> = {
      kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: config.level, auditID: this.auditID, stage: '',
      requestURI: this.req.url ?? '', verb: info.verb, user: userJson(authenticated ?? user),
    };
    if (authenticated && user && authenticated !== user) ev.impersonatedUser = userJson(user);
    ev.sourceIPs = sourceIPs(this.req);
    if (this.req.headers['user-agent']) ev.userAgent = this.req.headers['user-agent'];
    if (info.isResourceRequest) {
      const ref: Record<string, string> = { resource: info.resource };
      if (info.namespace) ref.namespace = info.namespace;
      if (info.name) ref.name = info.name;
      if (info.group) ref.apiGroup = info.group;
      ref.apiVersion = info.version;
      if (info.subresource) ref.subresource = info.subresource;
      ev.objectRef = ref;
    }
    this.event = ev;
    // A create names its object in the body: upstream's LogRequestObject completes objectRef from it at any level.
    if (levelAtLeast(config.level, 'Request') || (info.verb === 'create' && !info.name)) wantsRequestBody.add(this.req);
    if (levelAtLeast(config.level, 'RequestResponse')) wantsResponseBody.add(this.res);
    this.emit('RequestReceived');
    this.res.once('finish', () => this.complete());
    this.res.once('close', () => this.complete());
  }

  /** The authorizer's decision, as the audit annotations upstream records. */
  authorized(decision: AuthorizationDecision | undefined): void {
    if (!decision) return;
    this.annotations['authorization.k8s.io/decision'] = decision.allowed ? 'allow' : 'forbid';
    this.annotations['authorization.k8s.io/reason'] = decision.reason ?? '';
  }

  /** A request that failed authentication: recorded at Metadata with its 401. */
  unauthenticated(info: RequestInfo): void {
    this.identify(undefined, { username: '', groups: [] }, info);
  }

  private complete(): void {
    if (this.done || !this.event) return;
    this.done = true;
    const code = this.res.statusCode;
    const status: Record<string, unknown> = { metadata: {}, code };
    const body = auditedResponseBodies.get(this.res) as { kind?: string; status?: string; message?: string; reason?: string } | undefined;
    if (code >= 400 && body?.kind === 'Status') {
      status.status = body.status;
      if (body.message) status.message = body.message;
      if (body.reason) status.reason = body.reason;
    }
    this.event.responseStatus = status;
    const request = auditedRequestBodies.get(this.req);
    const ref = this.event.objectRef as Record<string, string> | undefined;
    const name = (request as { metadata?: { name?: unknown } } | undefined)?.metadata?.name;
    if (ref && !ref.name && typeof name === 'string' && name) {
      const { resource, namespace, ...rest } = ref;
      this.event.objectRef = { resource, ...(namespace ? { namespace } : {}), name, ...rest };
    }
    if (request !== undefined && levelAtLeast(this.config!.level, 'Request')) this.event.requestObject = this.trim(request);
    if (body !== undefined && wantsResponseBody.has(this.res)) this.event.responseObject = this.trim(body);
    this.emit('ResponseComplete');
  }

  private trim(obj: unknown): unknown {
    if (!this.config!.omitManagedFields || !obj || typeof obj !== 'object') return obj;
    const o = obj as { metadata?: Record<string, unknown> };
    if (!o.metadata?.managedFields) return obj;
    const { managedFields: _m, ...metadata } = o.metadata;
    return { ...o, metadata };
  }

  private emit(stage: Stage): void {
    if (!this.event || this.config!.omitStages.includes(stage)) return;
    const now = Date.now();
    const ev = { ...this.event, stage, requestReceivedTimestamp: microTime(this.received), stageTimestamp: microTime(now) };
    if (Object.keys(this.annotations).length) (ev as Record<string, unknown>).annotations = { ...this.annotations };
    // keep upstream's field order: timestamps after the bodies
    const { requestReceivedTimestamp, stageTimestamp, annotations, ...rest } = ev as Record<string, unknown>;
    this.auditor.log.write({ ...rest, requestReceivedTimestamp, stageTimestamp, ...(annotations ? { annotations } : {}) });
  }
}

function sourceIPs(req: IncomingMessage): string[] {
  const ips: string[] = [];
  const fwd = req.headers['x-forwarded-for'];
  if (typeof fwd === 'string') ips.push(...fwd.split(',').map((s) => s.trim()).filter(Boolean));
  const remote = (req.socket as { remoteAddress?: string } | undefined)?.remoteAddress;
  if (remote) ips.push(remote.replace(/^::ffff:/, ''));
  if (!ips.length) ips.push('127.0.0.1');
  return ips;
}

export class Auditor {
  constructor(readonly policy: Policy, readonly log: AuditLog) {}

  start(req: IncomingMessage, res: ServerResponse): RequestAudit {
    return new RequestAudit(this, req, res);
  }
}
