// Incidents 1-4 run for real (dist/index.js against the emulators), their
// reports made repeatable, then rendered: the golden Markdown in
// test/golden/incident-N.md. What changes between runs is replaced (the
// manifest's temporary path, times, durations, keyed fingerprints, whose key is
// random per run); everything else is what the gate said. Regenerate with
// `npm run build && node scripts/run-ts.mjs scripts/golden-incidents.ts`.
import type { Report } from "../../src/model.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { incidents } from "../incidents/index.js";
import type { Incident } from "../incidents/types.js";
import { reportOf, runAction } from "./harness.js";
import { startIncident } from "./world.js";

export const GOLDEN_LINKS = {
  server: "https://github.com",
  repository: "acme/chat",
  sha: "0123456789abcdef0123456789abcdef01234567",
  runUrl: "https://github.com/acme/chat/actions/runs/4242",
};

export interface IncidentReports {
  incident: Incident;
  broken: Report;
  fixed: Report;
  /** The job summary the action itself wrote for the broken deploy. */
  brokenSummary: string;
}

export async function runIncidents(): Promise<IncidentReports[]> {
  const results: IncidentReports[] = [];
  for (const incident of incidents) {
    const { world, manifest } = await startIncident(incident);
    try {
      incident.broken(world);
      const broken = await runAction(world.inputs(manifest, incident.inputs));
      incident.fixed(world);
      const fixed = await runAction(world.inputs(manifest, incident.inputs));
      results.push({
        incident,
        broken: repeatable(reportOf(broken.outputs), manifest),
        fixed: repeatable(reportOf(fixed.outputs), manifest),
        brokenSummary: broken.summary,
      });
    } finally {
      await world.close();
    }
  }
  return results;
}

/** The same report every run: fixed times, the manifest as the repository names it, fingerprints numbered. */
export function repeatable(report: Report, manifest: string): Report {
  const fingerprints = new Map<string, string>();
  const text = JSON.stringify({ ...report, started_at: "2026-01-01T00:00:00.000Z", commit: GOLDEN_LINKS.sha })
    .split(JSON.stringify(manifest).slice(1, -1))
    .join(".github/deploy-gate.yml")
    .replace(/hmac:[0-9a-f]{12}/g, (value) => {
      if (!fingerprints.has(value)) fingerprints.set(value, `hmac:${String(fingerprints.size + 1).padStart(12, "0")}`);
      return fingerprints.get(value) as string;
    })
    .replace(/\b\d+ ms\b/g, "N ms")
    .replace(/"duration_ms":\d+/g, '"duration_ms":0');
  return { ...(JSON.parse(text) as Report), duration_ms: 4200 };
}

export function goldenMarkdown(report: Report): string {
  return renderMarkdown(report, { links: GOLDEN_LINKS });
}
