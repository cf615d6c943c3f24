// The gate follows HTTPS_PROXY / HTTP_PROXY / NO_PROXY (src/proxy.ts), and so do the tests
// that run its modules in this process: a proxy in the developer's environment would send
// their requests to 127.0.0.1 through it. Tests that want a proxy set the variables themselves
// (test/e2e/proxy.test.ts); the spawned runs (harness.ts runAction, the CLI tests) never inherit them.
import { PROXY_VARIABLES } from "../../src/proxy.js";

for (const name of PROXY_VARIABLES) delete process.env[name];
