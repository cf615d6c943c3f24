// Reading a fleet's manifest costs what the manifest has, not its square: every
// requirement is located at its line, and each lookup scanned `services:` from
// the top (2,000 services of 10 variables: 22,000 lookups over 1,000 keys each).
// Ratios of CPU time, so a loaded machine slows both sides alike.
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { parseManifest } from "../../src/manifest/load.js";

/** `services` services of 10 required variables each. */
function fleet(services: number): string {
  const requirements: Record<string, unknown> = {};
  for (let service = 0; service < services; service++) {
    const env = Object.fromEntries(Array.from({ length: 10 }, (_, index) => [`VAR_${index}`, {}]));
    requirements[`svc-${String(service).padStart(4, "0")}`] = { env };
  }
  return stringify({ region: "europe-west1", services: requirements });
}

/** The least CPU of five parses: one slow run on a shared machine does not move it. */
function cpuOf(text: string, services: number): number {
  let least = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 5; run++) {
    const started = process.cpuUsage();
    const manifest = parseManifest(text, ".github/deploy-gate.yml");
    const { user, system } = process.cpuUsage(started);
    expect(manifest.services).toHaveLength(services);
    least = Math.min(least, user + system);
  }
  return least;
}

describe("a fleet manifest", () => {
  it("costs about 10x for 10x the services: linear, lines and all", () => {
    const small = fleet(200);
    const large = fleet(2_000);
    cpuOf(small, 200); // warm up, as the large one is measured warm too
    const ratio = cpuOf(large, 2_000) / cpuOf(small, 200);
    // Linear is 10; the quadratic lookup made it 22.
    expect(ratio).toBeLessThan(15);
  });

  it("still points every requirement at its own line", () => {
    const manifest = parseManifest(fleet(2_000), ".github/deploy-gate.yml");
    const last = manifest.services.at(-1);
    expect(last?.name).toBe("svc-1999");
    const lines = fleet(2_000).split("\n");
    expect(lines[(last?.location.line ?? 0) - 1]).toBe("  svc-1999:");
    expect(lines[(last?.env[9]?.location.line ?? 0) - 1]).toBe("      VAR_9: {}");
  });
});
