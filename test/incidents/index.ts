import { incident1 } from "./incident-1.js";
import type { Incident } from "./types.js";

export const incidents: Incident[] = [incident1];
