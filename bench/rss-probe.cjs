// Preloaded into the action's process by the bench (NODE_OPTIONS=--require):
// writes the process's peak resident set size, in KiB, when it exits.
const { writeFileSync } = require("node:fs");

const file = process.env.BENCH_RSS_FILE;
if (file) process.on("exit", () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
