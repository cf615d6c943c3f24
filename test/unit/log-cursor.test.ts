// The revision's log cursor (collect/logs.ts over gcp/logging.ts), read again
// and again as the verify: rounds do, against the Cloud Logging emulator, which
// parses the filter and makes an entry visible only once it is ingested. Each
// window reaches back INGESTION_LAG_MS (never before the revision existed), and
// every entry counts once: across reads, across pages, and after a failed read.
import { OAuth2Client } from "google-auth-library";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { INGESTION_LAG_MS, logCursor } from "../../src/collect/logs.js";
import { cloudLogging, SeenEntries } from "../../src/gcp/logging.js";
import type { ServiceRequirement } from "../../src/manifest/load.js";
import type { LogFacts, RevisionConfig } from "../../src/model.js";
import { type LoggingEmulator, revisionLog, startLoggingEmulator } from "../emulators/logging.js";
import { newScenario, type Scenario } from "../emulators/scenario.js";

const TOKEN = "ya29.test-access-token";
const REVISION = "backend-00002-b";

describe("the log cursor: overlapping windows, each entry counted once", () => {
  let scenario: Scenario;
  let emulator: LoggingEmulator;
  let auth: OAuth2Client;
  const signal = new AbortController().signal;
  const created = new Date(Date.now() - 2 * 3600_000).toISOString();
  const config = (): RevisionConfig => ({
    source: "live",
    project: scenario.project,
    region: scenario.region,
    service: "backend",
    revision: `projects/${scenario.project}/locations/${scenario.region}/services/backend/revisions/${REVISION}`,
    containers: [""],
    env: [],
    secretVolumes: [],
    createTime: created,
  });
  const requirement = (deny: string[] = []) =>
    ({ logs: { max_errors: 0, deny, allow: [], name: "logs", location: { file: "m.yml", line: 9 } } }) as unknown as Pick<
      ServiceRequirement,
      "logs"
    >;
  const cursor = (deny: string[] = [], now?: () => number) =>
    logCursor(cloudLogging(auth, emulator.url), config(), requirement(deny), now ? { now } : {});
  const log = (severity: Parameters<typeof revisionLog>[3], text: string, at = new Date()) =>
    emulator.entries.push(revisionLog(scenario, "backend", REVISION, severity, text, at.toISOString()));
  const messages = (facts: LogFacts | undefined, band: "errors" | "belowError" = "errors") =>
    facts?.kind === "read" ? (facts[band]?.lines.map((line) => line.message) ?? []) : [`not read: ${facts?.kind}`];
  const bounds = () =>
    emulator.filters.map((filter) => filter.find((term) => term.field === "timestamp")?.value).filter((value) => value !== undefined);

  beforeAll(async () => {
    scenario = newScenario({ project: "chat-staging", region: "us-central1" });
    emulator = await startLoggingEmulator(scenario);
    auth = new OAuth2Client();
    auth.setCredentials({ access_token: [...scenario.accessTokens][0] ?? TOKEN });
  });
  afterAll(() => emulator.close());
  beforeEach(() => {
    emulator.entries.length = 0;
    emulator.filters.length = 0;
    emulator.faults.length = 0;
    delete emulator.afterList;
  });

  it("an entry ingested after a read, timestamped before it, is found by the next read, once", async () => {
    const logs = cursor();
    log("ERROR", "early");
    expect(messages(await logs.read(signal))).toEqual(["early"]);
    // Timestamped 5 s ago (before the first read began), visible only now.
    log("ERROR", "JWT secret not configured", new Date(Date.now() - 5000));
    expect(messages(await logs.read(signal))).toEqual(["JWT secret not configured"]);
    expect(messages(await logs.read(signal))).toEqual([]);
    // The first read since the revision's creation; the later ones reach back the lag allowance, not before it.
    const [first, second, third] = bounds();
    expect(first).toBe(created);
    expect(Date.parse(second ?? "")).toBeGreaterThan(Date.now() - INGESTION_LAG_MS - 5000);
    expect(Date.parse(second ?? "")).toBeLessThanOrEqual(Date.now() - INGESTION_LAG_MS + 1000);
    expect(Date.parse(third ?? "")).toBeGreaterThanOrEqual(Date.parse(second ?? ""));
  });

  it("never reaches back before the revision was created, however large the lag", async () => {
    const logs = logCursor(cloudLogging(auth, emulator.url), config(), requirement(), { lagMs: 24 * 3600_000 });
    await logs.read(signal);
    await logs.read(signal);
    expect(bounds()).toEqual([created, created]);
  });

  it("an entry in several overlapping windows counts in the first only, in both severity bands", async () => {
    const logs = cursor(["JWT"]);
    log("ERROR", "boom");
    log("WARNING", "JWT key missing");
    const first = await logs.read(signal);
    expect([messages(first), messages(first, "belowError")]).toEqual([["boom"], ["JWT key missing"]]);
    for (let round = 0; round < 3; round++) {
      const again = await logs.read(signal);
      expect([messages(again), messages(again, "belowError")]).toEqual([[], []]);
    }
    log("CRITICAL", "new one");
    expect(messages(await logs.read(signal))).toEqual(["new one"]);
  });

  it("an entry a later page repeats (a late one was ingested before it, between pages) is returned once", async () => {
    for (const second of [1, 2, 3]) log("ERROR", `line ${second}`, new Date(Date.now() - 20_000 + second * 1000));
    let pages = 0;
    emulator.afterList = () => {
      // After page 1 (two entries), one timestamped before them all is ingested: page 2's offset now repeats "line 2".
      if (++pages === 1) log("ERROR", "late", new Date(Date.now() - 30_000));
    };
    const read = await cloudLogging(auth, emulator.url).read(
      { project: scenario.project, service: "backend", revision: REVISION, since: created },
      "error",
      signal,
      { pageSize: 2, pages: 3 },
    );
    expect(read === "denied" ? read : read.lines.map((line) => line.message)).toEqual(["line 1", "line 2", "line 3"]);
  });

  it("a truncated read resumes where it stopped, instead of re-reading its counted first pages", async () => {
    const base = Date.now() - 30_000;
    for (let index = 0; index < 700; index++) log("ERROR", `crash ${index}`, new Date(base + index * 10));
    const logs = cursor();
    const first = await logs.read(signal);
    expect(first?.kind === "read" && first.errors).toMatchObject({ truncated: true });
    expect(messages(first)).toHaveLength(600);
    const second = await logs.read(signal);
    expect(messages(second)).toEqual(Array.from({ length: 100 }, (_, index) => `crash ${600 + index}`));
    expect(second?.kind === "read" && second.errors.truncated).toBe(false);
  });

  it("a truncated read of old history does not make the next rounds catch up on it: they read the lag window", async () => {
    const base = Date.now() - 3600_000;
    for (let index = 0; index < 700; index++) log("ERROR", `old crash ${index}`, new Date(base + index * 10));
    const logs = cursor();
    expect(messages(await logs.read(signal))).toHaveLength(600);
    log("ERROR", "recent", new Date(Date.now() - 1000));
    expect(messages(await logs.read(signal))).toEqual(["recent"]);
    expect(Date.parse(bounds().at(-1) ?? "")).toBeGreaterThan(Date.now() - INGESTION_LAG_MS - 5000);
  });

  it("a failed read counts nothing: the next read returns what the failed one (or its other band) saw", async () => {
    const logs = cursor(["JWT"]);
    log("ERROR", "boom");
    log("INFO", "JWT key missing");
    // One of the two band requests fails: the whole read is `failed`, and neither band's entries are spent.
    emulator.faults.push({ match: /^POST \/v2\/entries:list$/, fault: { kind: "status", status: 400, times: 1 } });
    expect((await logs.read(signal))?.kind).toBe("failed");
    const next = await logs.read(signal);
    expect([messages(next), messages(next, "belowError")]).toEqual([["boom"], ["JWT key missing"]]);
  });

  it("the seen set forgets entries older than the next window, and holds at most MAX_SEEN", async () => {
    let clock = Date.now();
    const logs = cursor([], () => clock);
    log("ERROR", "old", new Date(clock - 1000));
    expect(messages(await logs.read(signal))).toEqual(["old"]);
    // A read two lag allowances later moves the next window past "old": it is neither returned nor remembered.
    const oldAt = clock - 1000;
    clock += 2 * INGESTION_LAG_MS;
    expect(messages(await logs.read(signal))).toEqual([]);
    expect(messages(await logs.read(signal))).toEqual([]);
    expect(Date.parse(bounds().at(-1) ?? "")).toBe(clock - INGESTION_LAG_MS);
    expect(Date.parse(bounds().at(-1) ?? "")).toBeGreaterThan(oldAt);

    const seen = new SeenEntries();
    seen.add("a", "2026-01-01T00:00:00Z");
    seen.add("b", "2026-01-01T00:01:00.123456789Z");
    seen.add("c", "not a time");
    seen.forgetBefore(Date.parse("2026-01-01T00:00:30Z"));
    expect([seen.has("a"), seen.has("b"), seen.has("c")]).toEqual([false, true, true]);
    for (let index = 0; index < SeenEntries.MAX_SEEN + 10; index++) seen.add(`k${index}`, "2026-01-01T00:02:00Z");
    expect(seen.size).toBe(SeenEntries.MAX_SEEN);
    expect(seen.has(`k${SeenEntries.MAX_SEEN + 9}`)).toBe(true);
  });

  it("entries without an insertId are told apart by log, timestamp, severity and text", async () => {
    const at = new Date(Date.now() - 1000);
    for (const text of ["same", "same", "other"]) {
      const entry = revisionLog(scenario, "backend", REVISION, "ERROR", text, at.toISOString());
      delete entry.insertId;
      emulator.entries.push(entry);
    }
    const logs = cursor();
    expect(messages(await logs.read(signal))).toEqual(["same", "other"]);
    expect(messages(await logs.read(signal))).toEqual([]);
  });
});
