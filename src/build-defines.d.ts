// Constants the bundler writes into the code (scripts/build.mjs `define`, and vitest.config.ts for the
// tests that run the source). Undefined anywhere else, such as a script bundled by scripts/run-ts.mjs.

/** package.json's version; the only part of package.json built in, so a dependency change leaves dist/ alone. */
declare const __GATE_VERSION__: string | undefined;
