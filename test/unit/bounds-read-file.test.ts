// readRegularFile on what is not a regular file: refused at once, in words.
import { mkdtemp, rm } from "node:fs/promises";
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
