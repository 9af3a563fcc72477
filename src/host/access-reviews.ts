// `berth up` component: serves the POST endpoints of the review kinds (`kubectl auth can-i`, `kubectl auth whoami`).
// Part of the API itself, so not a controller: it runs with --no-controllers too.
import type { Component } from '../component/contract.js';
import { registerReviewHandlers } from '../server/review-endpoints.js';

export const accessReviewComponent: Component = {
  name: 'access-reviews', controller: false,
  async start(ctx) {
    registerReviewHandlers(ctx.server);
    return { stop() {} };
  },
};
