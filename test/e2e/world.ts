// A whole pretend staging environment for one test file: the GCP emulators,
// one real backend per service, and a manifest file on disk.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Backend, type BackendBehaviour, startBackend } from "../emulators/backend.js";
import { startCloudRunEmulator } from "../emulators/cloud-run.js";
import type { EmulatorServer } from "../emulators/http.js";
import { type LoggingEmulator, startLoggingEmulator } from "../emulators/logging.js";
import { startResourceManagerEmulator } from "../emulators/resource-manager.js";
import { addSecret, deploy, newScenario, type Scenario } from "../emulators/scenario.js";
import { startSecretManagerEmulator } from "../emulators/secret-manager.js";
import type { Incident } from "../incidents/types.js";

export interface World {
  scenario: Scenario;
  cloudRun: EmulatorServer;
  secretManager: EmulatorServer;
  resourceManager: EmulatorServer;
  /** Cloud Logging: a failed revision's error lines are read even without `logs:`, and never from Google. */
  logging: LoggingEmulator;
  backends: Map<string, Backend>;
  dir: string;
  /** The inputs every run needs to reach the emulators. */
  inputs(manifest: string, extra?: Record<string, string>): Record<string, string>;
  writeManifest(text: string): Promise<string>;
  close(): Promise<void>;
}

/** Start the world an incident needs, with its secrets seeded and its manifest written. */
export async function startIncident(incident: Incident): Promise<{ world: World; manifest: string }> {
  const world = await startWorld(incident.backends);
  incident.seed(world);
  return { world, manifest: await world.writeManifest(incident.manifest) };
}

export async function startWorld(backends: Record<string, Partial<BackendBehaviour>> = {}): Promise<World> {
  const scenario = newScenario();
  const [cloudRun, secretManager, resourceManager, logging] = await Promise.all([
    startCloudRunEmulator(scenario),
    startSecretManagerEmulator(scenario),
    startResourceManagerEmulator(scenario),
    startLoggingEmulator(scenario),
  ]);
  const started = new Map<string, Backend>();
  for (const [service, behaviour] of Object.entries(backends)) started.set(service, await startBackend(scenario, service, behaviour));
  const dir = await mkdtemp(join(tmpdir(), "gate-world-"));
  return {
    scenario,
    cloudRun,
    secretManager,
    resourceManager,
    logging,
    backends: started,
    dir,
    inputs: (manifest, extra = {}) => ({
      manifest,
      project_id: scenario.project,
      access_token: [...scenario.accessTokens][0] ?? "",
      cloud_run_endpoint: cloudRun.url,
      secret_manager_endpoint: secretManager.url,
      resource_manager_endpoint: resourceManager.url,
      logging_endpoint: logging.url,
      timeout: "30",
      ...extra,
    }),
    async writeManifest(text) {
      const path = join(dir, `manifest-${Math.random().toString(36).slice(2)}.yml`);
      await writeFile(path, text);
      return path;
    },
    async close() {
      await Promise.all([
        cloudRun.close(),
        secretManager.close(),
        resourceManager.close(),
        logging.close(),
        ...[...started.values()].map((backend) => backend.close()),
      ]);
    },
  };
}

/** A world whose every backend is deployed with `env` referencing one secret holding `value` (the probe suites' start). */
export async function startWorldWithSecret(
  backends: Record<string, Partial<BackendBehaviour>>,
  secret: { id: string; value: string; env: string },
): Promise<World> {
  const world = await startWorld(backends);
  addSecret(world.scenario, secret.id, secret.value);
  for (const [service, backend] of world.backends) {
    deploy(world.scenario, service, { url: backend.url, secrets: { [secret.env]: `${secret.id}:latest` } });
  }
  return world;
}
