// The shape a shard report must have before any of it is merged: a file is
// untrusted input (an artifact, possibly of another version of the action),
// so everything is checked and anything unknown is dropped.
import * as z from "zod";
import { NAME_PATTERNS } from "../inputs.js";
import { REPORT_SCHEMA_VERSION, type Report } from "../model.js";

const text = z.string().max(100_000);
const status = z.enum(["pass", "fail", "warn", "error", "skip"]);

/** One finding: thousands in an aggregate's reports, so the part worth compiling (see below). */
export const findingShape = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/),
  status,
  message: text,
  hint: text.optional(),
  location: z.object({ file: text, line: z.number().int().nonnegative().optional() }).optional(),
  subject: text.optional(),
  expected: text.optional(),
  found: text.optional(),
  duration_ms: z.number().nonnegative().optional(),
});

export const shardSpecShape = z.object({ index: z.number().int().min(1), total: z.number().int().min(1).max(256) });

/** The report's shape around `finding`: the same rules whichever parser checks the findings. */
function reportShape(finding: typeof findingShape) {
  // Names become names again here (headings, annotations): held to the patterns a shard checked them against.
  const service = z.object({
    service: z.string().regex(NAME_PATTERNS.service.pattern, NAME_PATTERNS.service.expected),
    revision: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9/._-]{0,400}$/, "a revision name")
      .optional(),
    url: text.optional(),
    checks: z.array(finding).max(10_000),
    previous: z.object({ revision: text, checks: z.array(finding).max(10_000) }).optional(),
  });
  return z.object({
    schema_version: z.literal(REPORT_SCHEMA_VERSION),
    commit: z.string().max(100).nullable(),
    shard: shardSpecShape.refine((spec) => spec.index <= spec.total, "index above total"),
    // Every result a shard run can end in: a live shard with `verify:` that ran out of time is
    // `inconclusive` (refusing it made a real shard report "unusable" and the merge an error).
    result: z.enum(["pass", "fail", "error", "inconclusive"]),
    services: z.array(service).max(10_000),
    checks: z.array(finding).max(10_000).optional(),
    started_at: z.iso.datetime(),
    duration_ms: z.number().nonnegative(),
  });
}

/** The shape, as zod's runtime parser checks it: the reference the fast variant must equal. */
export const shardReportShape = reportShape(findingShape);

let fast: typeof shardReportShape | undefined;

/**
 * shardReportShape with each finding checked by zod's generated fast path (z.compile): one
 * function per finding where the runtime parser ran a schema object per field, and the findings
 * are most of an aggregate's CPU. Only the finding: compiling the whole report cost more than it
 * saved (its one large function is generated, parsed and optimized in every aggregate step). A
 * finding the fast path rejects goes to the runtime parser, so the decision and the error (path
 * and message) are the runtime's, byte for byte. Built on first use: only an aggregate step pays.
 */
export function fastShardReportShape(): typeof shardReportShape {
  fast ??= reportShape(z.compile(findingShape));
  return fast;
}

/** A parsed shard report. (zod types an absent optional key as `?: T | undefined`; it omits it, as Report wants.) */
export type ShardReport = Omit<Report, "shards"> & {
  schema_version: number;
  commit: string | null;
  shard: { index: number; total: number };
};
