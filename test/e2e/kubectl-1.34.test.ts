// Issue 15 acceptance: kubectl 1.34 (client-go 0.34: WatchList informers, HTTP/2, protobuf; fetched from npm by
// test/support/real-clients.ts) runs the core suite every kubectl version runs, plus the workflows that hung or failed
// before (lib/kubectl-modern-suite.ts), against one `berth up`.
import { kubectlBinary } from '../support/real-clients.js';
import { kubectlCoreSuite } from './lib/kubectl-core-suite.js';
import { kubectlModernSuite } from './lib/kubectl-modern-suite.js';

kubectlModernSuite(kubectlCoreSuite(kubectlBinary(34), 34));
