// POST .../namespaces/{ns}/pods/{name}/eviction: decodes the Eviction (JSON or protobuf, policy/v1 or v1beta1),
// checks dryRun, and answers with what registry/core/eviction.ts decides: 201 Success, upstream's 500 Status for a
// pod under several budgets, or its error.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errBadRequest } from '../apimachinery/errors.js';
import { EvictionREST } from '../registry/core/eviction.js';
import type { UserInfo } from '../api/identity.js';
import { negotiateFormat, readObjectBody, writeFormatted } from './codec.js';
import type { ServerContext } from './context.js';
import { managerFromUserAgent } from './resources.js';

export async function handlePodEviction(ctx: ServerContext, rest: EvictionREST, req: IncomingMessage, res: ServerResponse, namespace: string, name: string, query: URLSearchParams, user: UserInfo): Promise<void> {
  const fmt = negotiateFormat(req.headers.accept);
  const dryRun = query.getAll('dryRun');
  for (const d of dryRun) if (d !== 'All') throw errBadRequest(`Invalid dryRun: ${JSON.stringify(d)}; supported values: "All"`);
  const body = await readObjectBody(req, (b) => ctx.decodeProtobuf(b));
  const status = await rest.create(namespace, name, body, dryRun, {
    user, dryRun: dryRun.includes('All'), fieldManager: query.get('fieldManager') ?? managerFromUserAgent(req.headers['user-agent']), warnings: [],
  });
  writeFormatted(res, status.code ?? 201, status, fmt);
}
