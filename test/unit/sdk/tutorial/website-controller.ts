// Tutorial step 2 (docs/sdk.md): the controller. Each Website gets a ConfigMap holding its page; the Website's
// Ready condition says whether the page is published. A finalizer makes deletion wait for our cleanup.
import {
  addFinalizer, apply, builtin, controller, ignoreNotFound, removeFinalizer, setCondition, setOwnerReference,
  type Condition, type KubeObject, type Manager,
} from '../../../../src/sdk/index.js';
import { Website } from './website-kind.js';

const FINALIZER = 'tutorial.berth.dev/unpublish';
const FIELD_MANAGER = 'website-operator';

export function pageName(site: { metadata: { name?: string } }): string {
  return `${site.metadata.name}-page`;
}

export function setupWebsiteController(mgr: Manager) {
  return controller<Website>('website', mgr)
    .for(Website.resource)
    .owns(builtin.configMaps) // a changed or deleted page brings its Website back here
    .withConcurrency(4)
    .reconcile(async (req, { client, recorder }) => {
      let site: Website;
      try {
        site = await client.get<Website>(Website.resource, req.name, { namespace: req.namespace });
      } catch (e) {
        return ignoreNotFound(e); // deleted meanwhile: nothing to do
      }

      if (site.metadata.deletionTimestamp) {
        // Our cleanup runs before the object may go; then we let go of it.
        await client.delete(builtin.configMaps, pageName(site), { namespace: req.namespace }).catch(ignoreNotFound);
        await removeFinalizer(client, Website.resource, site, FINALIZER);
        return;
      }
      site = await addFinalizer(client, Website.resource, site, FINALIZER);

      // Desired state, applied server-side: only the fields we own are ours.
      const page: KubeObject = {
        apiVersion: 'v1', kind: 'ConfigMap',
        metadata: { name: pageName(site), namespace: req.namespace, labels: { 'app.kubernetes.io/managed-by': FIELD_MANAGER } },
        data: { 'index.html': `<body class="${site.spec.theme}"><h1>${site.spec.message}</h1></body>` },
      };
      setOwnerReference(site, page, { controller: true });
      await apply(client, builtin.configMaps, page, { fieldManager: FIELD_MANAGER, force: true });

      // Status: conditions follow apimachinery's rules; write only when something changed.
      const conditions: Condition[] = structuredClone(site.status?.conditions ?? []);
      const changed = setCondition(conditions, {
        type: 'Ready', status: 'True', reason: 'PagePublished', message: `published as ConfigMap ${pageName(site)}`,
        observedGeneration: site.metadata.generation,
      });
      if (changed || site.status?.observedGeneration !== site.metadata.generation) {
        await client.updateStatus(Website.resource, { ...site, status: { observedGeneration: site.metadata.generation, conditions } });
        recorder.event(site, 'Normal', 'Published', `page ${pageName(site)} is up to date`);
      }
    })
    .build();
}
