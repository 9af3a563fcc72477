// `berth up` component: serves the POST endpoints of the review kinds (`kubectl auth can-i`, `kubectl auth whoami`).
// Part of the API itself, so not a controller: it runs with --no-controllers too.
import type { HostComponent } from './host-context.js';
import { registerReviewHandlers } from '../server/review-endpoints.js';

export const accessReviewComponent: HostComponent = {
  name: 'access-reviews', controller: false,
  async start(ctx) {
    registerReviewHandlers(ctx.server);
    return { stop() {} };
  },
};
