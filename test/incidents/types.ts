// One incident from ../shared/INCIDENTS.md as data: the manifest the team
// would have written, the broken deploy, and the fix. The e2e tests and
// `npm run demo` both play these.
import type { BackendBehaviour } from "../emulators/backend.js";
import type { World } from "../e2e/world.js";

export interface Incident {
  id: string;
  title: string;
  /** What the team saw, in one line. */
  symptom: string;
  manifest: string;
  backends: Record<string, Partial<BackendBehaviour>>;
  /** Secrets Secret Manager holds from the start. */
  seed(world: World): void;
  broken(world: World): void;
  fixed(world: World): void;
  /** Extra action inputs. */
  inputs?: Record<string, string>;
}
