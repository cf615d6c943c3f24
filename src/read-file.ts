// The one way the gate reads a file (manifest, service YAML, credentials, the
// CLI's --*-file flags, the event payload). A path can name a FIFO, a device or
// a directory: reading a FIFO blocks a libuv thread until a writer comes (the
// process then never exits), /dev/zero never ends. So the file is opened
// without blocking, the open handle is checked (no race with a swap of the
// path), and at most the cap plus one byte is ever read.
import { isUtf8 } from "node:buffer";
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { lstat, open, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { foreignCode } from "./errors.js";

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

export interface ReadLimits {
  /** Refuse a file larger than this many bytes (default 1 MiB). */
  maxBytes?: number;
}

export type ReadFile = (path: string, limits?: ReadLimits) => Promise<string>;

/** Why a file was refused or could not be read, in words; `code` is stable (ENOENT, EACCES, ENOTREG, EFBIG...). */
export class FileReadError extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
  ) {
    super(reason);
    this.name = "FileReadError";
  }
}

// O_NONBLOCK: opening a FIFO for reading must not wait for a writer. O_NOCTTY: a terminal device never becomes ours.
// Windows has neither (and no FIFOs); there they are 0.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/** Reads a regular file as UTF-8, refusing anything else and anything over the cap. */
export async function readRegularFile(path: string, { maxBytes = DEFAULT_MAX_FILE_BYTES }: ReadLimits = {}): Promise<string> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    // A Unix socket cannot be opened at all (ENXIO): say what it is, as for a FIFO or a device.
    if (foreignCode(error) === "ENXIO") {
      const stats = await stat(path).catch(() => undefined);
      if (stats?.isSocket()) throw new FileReadError("ENXIO", `it is ${kindOf(stats)}, not a regular file (ENXIO)`);
    }
    throw fromSystemError(error);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new FileReadError("ENOTREG", `it is ${kindOf(stats)}, not a regular file`);
    if (stats.size > maxBytes) throw tooLarge(maxBytes);
    // stat's size can lie (procfs says 0, a file can grow): read until end of file or one byte past the cap.
    const buffer = Buffer.alloc(Math.min(maxBytes + 1, Math.max(stats.size + 1, 64 * 1024)));
    let length = 0;
    let chunk = buffer;
    for (;;) {
      if (length === chunk.length) {
        if (length > maxBytes) throw tooLarge(maxBytes);
        const grown = Buffer.alloc(Math.min(maxBytes + 1, chunk.length * 2));
        chunk.copy(grown, 0, 0, length);
        chunk = grown;
      }
      const { bytesRead } = await handle.read(chunk, length, chunk.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) throw tooLarge(maxBytes);
    return utf8Text(chunk.subarray(0, length));
  } catch (error) {
    throw error instanceof FileReadError ? error : fromSystemError(error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * Writes `text` (in pieces) as the regular file at `path`, mode 0600, never through a symlink.
 * The report file's path is fixed (RUNNER_TEMP/deploy-gate-report.json), so anything that ran
 * before in the job could plant a symlink there, and writeFile followed it: the report (and
 * its PR comment body) overwrote whatever file the link named, or created the file a dangling
 * link named. Here a target that is not a regular file is refused (why, in `reason`), and the
 * text goes to a new file beside it, created with O_EXCL and O_NOFOLLOW, then renamed over the
 * path: a rename replaces a directory entry, it never writes through one, so a link swapped in
 * after the check is replaced, not followed. A reader never sees half a file either.
 */
export async function writeRegularFile(path: string, text: Iterable<string>): Promise<void> {
  const existing = await lstat(path).catch((error: unknown) => {
    if (foreignCode(error) === "ENOENT") return undefined;
    throw fromSystemError(error);
  });
  if (existing && !existing.isFile()) {
    throw new FileReadError("ENOTREG", `it is ${kindOf(existing)}, not a regular file: remove it and run again`);
  }
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(8).toString("hex")}.tmp`);
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(temporary, flags, 0o600);
    for (const piece of text) await handle.writeFile(piece);
    await handle.close();
    handle = undefined;
    await rename(temporary, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(temporary).catch(() => undefined);
    throw error instanceof FileReadError ? error : fromSystemError(error);
  }
}

/** The reason to show after "cannot read X": ours in words, a system error by its code. */
export function readFailure(error: unknown): string {
  if (error instanceof FileReadError) return error.reason;
  return foreignCode(error) ?? "unreadable";
}

function kindOf(stats: {
  isSymbolicLink?(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}): string {
  if (stats.isSymbolicLink?.()) return "a symbolic link";
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a named pipe (FIFO)";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  if (stats.isSocket()) return "a socket";
  return "not a file";
}

/**
 * The text, when it is UTF-8. Decoded anyway, each bad byte would become U+FFFD: a manifest saved
 * as Latin-1 compared `equals: caf\uFFFD` with the deployed value (a fail naming no cause), and one
 * saved as UTF-16 (PowerShell's Out-File) was "expected object, received string".
 */
function utf8Text(bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString("utf8");
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new FileReadError("EILSEQ", "it is UTF-16 text: save it as UTF-8");
  }
  const text = bytes.toString("utf8");
  const line = text.slice(0, text.indexOf("\uFFFD")).split("\n").length;
  throw new FileReadError("EILSEQ", `it is not UTF-8 text (line ${line} is not): save it as UTF-8`);
}

function tooLarge(maxBytes: number): FileReadError {
  const size = maxBytes % (1024 * 1024) === 0 ? `${maxBytes / (1024 * 1024)} MiB` : `${maxBytes} bytes`;
  return new FileReadError("EFBIG", `it is larger than ${size}`);
}

const SYSTEM_REASONS: Record<string, string> = {
  ENOENT: "it does not exist",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "it is a directory, not a regular file",
  ELOOP: "too many symbolic links",
  ENOTDIR: "a part of the path is not a directory",
};

function fromSystemError(error: unknown): FileReadError {
  const code = foreignCode(error);
  if (code === undefined) return new FileReadError("EIO", "it cannot be read");
  return new FileReadError(code, `${SYSTEM_REASONS[code] ?? "it cannot be read"} (${code})`);
}
