// Issue 2 acceptance: the real kubectl (/usr/bin/kubectl, which picks 1.33 for Berth's reported version) against a
// real `berth up`, through the core suite every kubectl version runs (lib/kubectl-core-suite.ts).
import { KUBECTL } from './harness.js';
import { kubectlCoreSuite } from './lib/kubectl-core-suite.js';

kubectlCoreSuite(KUBECTL, 33);
