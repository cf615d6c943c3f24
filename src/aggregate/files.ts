// Finding and reading the shard reports an aggregate step is given: a folder
// (as actions/download-artifact leaves them, one folder per artifact), a glob,
// or one file. Bounded everywhere: regular files only (no symlinks, FIFOs or
// devices), a size cap per file, a cap on files and on directory entries walked.
import { constants } from "node:fs";
import { lstat, open, readdir } from "node:fs/promises";
import * as nodePath from "node:path";
import { join, relative, resolve, sep } from "node:path";
import { foreignCode, InputError } from "../errors.js";

export const LIMITS = {
  /** A 500-service report is ~1 MiB; 16 leaves room without letting one file fill memory. */
  fileBytes: 16 * 1024 * 1024,
  files: 256,
  /**
   * All the files together: they are parsed and kept until the merge, and 256 files at the cap
   * (4 GiB) end the process out of memory, without a result. A fleet's shard reports add up to
   * about its single run's report, ~1 MiB per 500 services (more with verify rounds).
   */
  totalBytes: 256 * 1024 * 1024,
  /** Directory entries looked at, in all: a glob over a huge tree stops with an error, not a hang. */
  entries: 20_000,
  depth: 6,
};

export type ReadOutcome = { file: string; text: string } | { file: string; error: string };

const MAGIC = /[*?[\]{}]/;

/** The report files `spec` names, relative to `cwd`, sorted; throws an InputError when there are too many. */
export async function findReportFiles(spec: string, cwd: string): Promise<string[]> {
  const absolute = resolve(cwd, spec);
  if (!MAGIC.test(spec)) {
    const stat = await lstat(absolute).catch(() => undefined);
    if (!stat) return [];
    if (stat.isFile()) return [absolute];
    if (!stat.isDirectory())
      throw new InputError(`reports: ${spec} is neither a file nor a folder`, { hint: "point reports at the download folder" });
    return walk(absolute, (path) => path.endsWith(".json"), spec);
  }
  // The walk starts at the pattern's fixed prefix (`reports/` of `reports/**/*.json`).
  const parts = absolute.split(sep);
  const firstMagic = parts.findIndex((part) => MAGIC.test(part));
  const root = parts.slice(0, firstMagic).join(sep) || sep;
  const { matchesGlob } = nodePath as { matchesGlob?: (path: string, pattern: string) => boolean };
  if (!matchesGlob) throw new InputError("reports: glob patterns need Node 22 or later", { hint: "give the download folder instead" });
  return walk(root, (path) => matchesGlob(path, absolute), spec);
}

async function walk(root: string, matches: (path: string) => boolean, spec: string): Promise<string[]> {
  const found: string[] = [];
  let entries = 0;
  const visit = async (dir: string, depth: number): Promise<void> => {
    const listing = await readdir(dir, { withFileTypes: true }).catch(() => []);
    listing.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of listing) {
      if (++entries > LIMITS.entries) {
        throw new InputError(`reports: more than ${LIMITS.entries} entries under ${relative(process.cwd(), root) || "."}`, {
          hint: `narrow reports (${spec}) to the download folder`,
        });
      }
      const path = join(dir, entry.name);
      // Symlinks are skipped, not followed: a report is a file the download step wrote.
      if (entry.isDirectory() && depth < LIMITS.depth) await visit(path, depth + 1);
      else if (entry.isFile() && matches(path)) {
        found.push(path);
        if (found.length > LIMITS.files) {
          throw new InputError(`reports: more than ${LIMITS.files} report files match ${spec}`, { hint: "at most 256 shards are merged" });
        }
      }
    }
  };
  await visit(root, 0);
  return found;
}

/** The file's text, or why it cannot be read; never more than LIMITS.fileBytes. */
export async function readReportFile(path: string, label: string): Promise<ReadOutcome> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    // O_NOFOLLOW and O_NONBLOCK: a symlink swapped in, or a FIFO, is refused instead of followed or waited on.
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const stat = await handle.stat();
    if (!stat.isFile()) return { file: label, error: "not a regular file" };
    if (stat.size > LIMITS.fileBytes) return { file: label, error: `larger than ${LIMITS.fileBytes / 1024 / 1024} MiB` };
    const buffer = Buffer.alloc(Math.min(stat.size, LIMITS.fileBytes) + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > LIMITS.fileBytes) return { file: label, error: `larger than ${LIMITS.fileBytes / 1024 / 1024} MiB` };
    return { file: label, text: buffer.subarray(0, bytesRead).toString("utf8") };
  } catch (error) {
    const code = foreignCode(error);
    return {
      file: label,
      error: code === "ELOOP" ? "a symbolic link, not a file" : `cannot be read (${code ?? "error"})`,
    };
  } finally {
    await handle?.close();
  }
}
