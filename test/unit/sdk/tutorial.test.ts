// Tutorial step 4 with node:test (docs/sdk.md): every test file gets its own embedded Berth.
import { after, before, describe, test } from 'node:test';
import { Manager } from '../../../src/sdk/index.js';
import { startTestCluster, type TestCluster } from '../../../src/testing/index.js';
import { setupWebsiteController } from './tutorial/website-controller.js';
import { Website } from './tutorial/website-kind.js';
import { cleansUpOnDelete, publishesAndUpdatesThePage, recreatesADeletedPage } from './tutorial/website-scenario.js';

describe('website operator', () => {
  let cluster: TestCluster;
  let mgr: Manager;

  before(async () => {
    cluster = await startTestCluster({ crds: [Website] });
    mgr = new Manager({ client: cluster.client });
    setupWebsiteController(mgr);
    await mgr.start();
  });

  after(async () => {
    await mgr.stop();
    await cluster.stop();
  });

  test('publishes the page and keeps it up to date', () => publishesAndUpdatesThePage(cluster.client));
  test('recreates a deleted page', () => recreatesADeletedPage(cluster.client));
  test('cleans up before the Website goes', () => cleansUpOnDelete(cluster.client));
});
