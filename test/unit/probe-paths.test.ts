// Probe paths are paths on the service: the manifest refuses any that URL
// resolution would read as another host, and the URL builders refuse them again.
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { parseManifest } from "../../src/manifest/load.js";
import { urlOnService } from "../../src/probes/http.js";
import { websocketUrl } from "../../src/probes/websocket.js";

const OFF_HOST = [
  "//evil.example/x",
  "///evil.example/x",
  "/\\evil.example/x",
  "/\t/evil.example/x",
  "/\n/evil.example/x",
  "/health//x",
  "/a@evil.example",
  "/health\u0000",
  "/health\u0085",
  "/health x",
  "/health\u3000",
  "/x?next=a@b",
  "http://evil.example/health",
  "https:evil.example",
  "health",
  "",
];
const ON_HOST = ["/", "/health", "/healthz?full=1", "/api/v1/health/", "/ws", "/ws?room=a/b", "/ready#x", "/a:b", "/%2F%2Fx"];

const manifestWith = (probe: "health" | "websocket", path: string) =>
  `services:\n  backend:\n    ${probe}:\n      path: ${JSON.stringify(path)}\n`;

function refusal(text: string): string {
  try {
    parseManifest(text, "gate.yml");
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error("the manifest was accepted");
}

describe("health.path and websocket.path", () => {
  it.each(OFF_HOST.flatMap((path) => [["health", path] as const, ["websocket", path] as const]))(
    "%s.path %j is refused with its line",
    (probe, path) => {
      const message = refusal(manifestWith(probe, path));
      expect(message).toContain(`gate.yml:4 services.backend.${probe}.path`);
      expect(message).toContain("must be a path on the service");
    },
  );

  it.each(ON_HOST)("%j is a path on the service", (path) => {
    const manifest = parseManifest(manifestWith("health", path), "gate.yml");
    expect(manifest.services[0]?.health?.path).toBe(path);
    expect(urlOnService("https://svc-abc.a.run.app", path)?.origin).toBe("https://svc-abc.a.run.app");
  });

  it("checks in linear time", () => {
    const started = performance.now();
    refusal(manifestWith("health", `/${"a/".repeat(20_000)}/ `));
    refusal(manifestWith("health", `/${"a".repeat(50_000)} `));
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe("the probe URL builders stay on the service's origin", () => {
  it.each(["//evil.example/x", "/\\evil.example/x", "/\t/evil.example/x", "http://evil.example/x", "https:evil.example"])(
    "never resolve %j to another host",
    (path) => {
      expect(urlOnService("https://svc-abc.a.run.app/", path)).toBeUndefined();
      expect(websocketUrl("https://svc-abc.a.run.app/", path)).toBeUndefined();
    },
  );

  it("keeps the scheme mapping for sockets", () => {
    expect(websocketUrl("https://svc-abc.a.run.app/", "/ws")?.href).toBe("wss://svc-abc.a.run.app/ws");
  });
});
