// The pod subresources that reach a node's kubelet: pods/log (a plain GET) and pods/exec, attach, portforward
// (connection upgrades; a request without the upgrade is answered as upstream: 400 Upgrade request required).
import { subresourceKey } from '../server/context.js';
import type { HostComponent } from './host-context.js';
import type { ServerContext } from '../server/context.js';
import type { RequestInfo } from '../apimachinery/request-info.js';
import { handlePodLog } from '../server/streaming/pod-log.js';
import { boundNode, getPod, validateContainer } from '../server/streaming/pod-target.js';
import { portForwardUpgrade } from '../server/streaming/portforward.js';
import { remoteCommandUpgrade, upgradeRequired } from '../server/streaming/remotecommand.js';

const key = (sub: string) => subresourceKey('', 'pods', sub);

/** A plain POST/GET to exec, attach or portforward: the same checks as the upgrade, then 400 (UpgradeRequired). */
async function withoutUpgrade(ctx: ServerContext, info: RequestInfo, query: URLSearchParams): Promise<void> {
  const pod = await getPod(ctx, info.namespace, info.name);
  if (info.subresource !== 'portforward') validateContainer(pod, query.get('container') ?? '');
  boundNode(pod);
  upgradeRequired();
}

export const podStreamingComponent: HostComponent = {
  name: 'pod-streaming',
  controller: false,
  async start(ctx) {
    const server = ctx.server;
    server.subresources.set(key('log'), (sctx, req, res, info, query) => handlePodLog(sctx, req, res, info, query));
    for (const sub of ['exec', 'attach', 'portforward']) {
      server.subresources.set(key(sub), (sctx, _req, _res, info, query) => withoutUpgrade(sctx, info, query));
    }
    server.upgrades.set(key('exec'), remoteCommandUpgrade('exec'));
    server.upgrades.set(key('attach'), remoteCommandUpgrade('attach'));
    server.upgrades.set(key('portforward'), portForwardUpgrade);
    return {
      stop() {
        for (const sub of ['log', 'exec', 'attach', 'portforward']) server.subresources.delete(key(sub));
        for (const sub of ['exec', 'attach', 'portforward']) server.upgrades.delete(key(sub));
      },
    };
  },
};
