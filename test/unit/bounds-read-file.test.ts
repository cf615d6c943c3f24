// readRegularFile on what is not a regular file: refused at once, in words.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFailure, readRegularFile } from "../../src/read-file.js";

describe("readRegularFile: a socket", () => {
  let dir: string;
  let server: Server;
  let socket: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gate-bounds-read-"));
    socket = join(dir, "gate.sock");
    server = createServer();
    await new Promise<void>((done) => server.listen(socket, done));
  });
  afterAll(async () => {
    await new Promise((done) => server.close(done));
    await rm(dir, { recursive: true, force: true });
  });

  it("is refused as a socket (open says ENXIO), not as 'it cannot be read'", async () => {
    const error = await readRegularFile(socket).catch((caught: unknown) => caught);
    expect(readFailure(error)).toBe("it is a socket, not a regular file (ENXIO)");
  });
});

describe("readRegularFile: text that is not UTF-8", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gate-bounds-utf8-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const reasonFor = async (bytes: Buffer) => {
    const path = join(dir, `f-${Math.random().toString(36).slice(2)}`);
    await writeFile(path, bytes);
    return readRegularFile(path).then(
      (text) => ({ text }),
      (error: unknown) => ({ reason: readFailure(error) }),
    );
  };

  // Decoded with U+FFFD in place of each bad byte, `equals: café` saved as Latin-1 compared
  // "caf\uFFFD" with the deployed value (a fail that names no cause), and a UTF-16 manifest
  // (PowerShell's Out-File) was "expected object, received string".
  it("Latin-1: refused, naming the line", async () => {
    expect(await reasonFor(Buffer.from("services:\n  web:\n    env:\n      A: { equals: caf\xe9 }\n", "latin1"))).toEqual({
      reason: "it is not UTF-8 text (line 4 is not): save it as UTF-8",
    });
  });

  it.each([
    ["UTF-16LE", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("services:\n  web: {}\n", "utf16le")])],
    ["UTF-16BE", Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from("services:\n", "utf16le").swap16()])],
  ])("%s with its byte order mark: refused as UTF-16", async (_name, bytes) => {
    expect(await reasonFor(bytes)).toEqual({ reason: "it is UTF-16 text: save it as UTF-8" });
  });

  it("UTF-8, with or without its byte order mark, and a real U+FFFD, read as before", async () => {
    expect(await reasonFor(Buffer.from("a: café\n"))).toEqual({ text: "a: café\n" });
    expect(await reasonFor(Buffer.from("\ufeffa: \ufffd\n"))).toEqual({ text: "\ufeffa: \ufffd\n" });
  });
});
