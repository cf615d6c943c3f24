import { incident1 } from "./incident-1.js";
import { incident2 } from "./incident-2.js";
import { incident3 } from "./incident-3.js";
import { incident4 } from "./incident-4.js";
import type { Incident } from "./types.js";

export const incidents: Incident[] = [incident1, incident2, incident3, incident4];
