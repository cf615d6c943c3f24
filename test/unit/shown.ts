// Probes wrap excerpts of untrusted text in a deferred cut that the run's
// redactor finishes (src/cut.ts); unit tests of a probe look at what the report shows.
import { settleCuts } from "../../src/cut.js";

/** `value` with every string's deferred cuts finished, as publishing the report does. */
export function shown<T>(value: T): T {
  if (typeof value === "string") return settleCuts(value, []) as T;
  if (Array.isArray(value)) return value.map(shown) as T;
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shown(inner)])) as T;
  return value;
}
