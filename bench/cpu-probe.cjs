// Preloaded into the action's process by the bench (NODE_OPTIONS=--require):
// writes the process's CPU time (user + system), in ms, when it exits.
const { writeFileSync } = require("node:fs");

const file = process.env.BENCH_CPU_FILE;
if (file) {
  process.on("exit", () => {
    const { user, system } = process.cpuUsage();
    writeFileSync(file, String((user + system) / 1000));
  });
}
